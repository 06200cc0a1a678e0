// gffbase — Arrow C Data / C Stream interface, producer side.
//
// Ownership model (why it looks the way it does)
// ----------------------------------------------
// The spec lets a consumer move any child or dictionary out of its parent and
// release it on its own schedule.  So every exported ArrowArray / ArrowSchema
// node gets its OWN private_data object that owns exactly that node's
// resources: its buffers (or strings) and the *storage* of the structs of its
// children and dictionary.  A child's buffers belong to the child's private
// object, never to the parent's, so they survive the parent's release.  The
// parent's release callback only calls release on children that are still
// attached (release != NULL) and then frees its own storage.
//
// Exception safety: every allocation happens in add_* or at the start of an
// export, before anything is handed out; the "commit" step that wires private
// objects into the C structs cannot throw.  Hence a failed export leaves both
// the builder and the caller's structs untouched, and nothing leaks.
#include "gffbase/arrow/c_data.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

namespace gffbase::arrow {
namespace detail {

// No huge-page advice here (unlike ingest's arrays): with THP defrag in
// "madvise" mode the first fault of an advised region compacts memory
// synchronously; a fresh process's first 1M-region export went from ~0.25 s
// to ~0.44 s (median of 5) with it.
std::byte* allocate_column(std::size_t capacity) {
  return static_cast<std::byte*>(::operator new(capacity, std::align_val_t{64}));
}

void free_column(std::byte* p) noexcept { ::operator delete(p, std::align_val_t{64}); }

// Buffers are ColumnBuffer allocations: 64-byte aligned and padded, as the
// Arrow format recommends (cache line and AVX-512 width).

/// An owned, 64-byte aligned byte buffer whose capacity is a whole number of
/// 64-byte blocks, with the padding past size() zeroed.
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  // At least one block even for 0 bytes (ColumnBuffer::allocation_bytes):
  // consumers get a real pointer for every buffer the layout requires, which
  // some importers insist on.
  explicit AlignedBuffer(std::size_t bytes) : data_(ColumnBuffer<std::byte>::uninitialized(bytes).release()) {}
  /// Takes over a ColumnBuffer's allocation (same allocator, alignment and
  /// zeroed padding).
  template <typename T>
  static AlignedBuffer adopt(ColumnBuffer<T>&& column) {
    AlignedBuffer b;
    b.data_ = column.release();
    return b;
  }
  ~AlignedBuffer() { reset(); }
  AlignedBuffer(AlignedBuffer&& other) noexcept : data_(std::exchange(other.data_, nullptr)) {}
  AlignedBuffer& operator=(AlignedBuffer&& other) noexcept {
    if (this != &other) {
      reset();
      data_ = std::exchange(other.data_, nullptr);
    }
    return *this;
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  std::byte* data() const { return data_; }
  template <typename T>
  T* as() const {
    return reinterpret_cast<T*>(data_);
  }

 private:
  void reset() noexcept {
    if (data_ != nullptr) free_column(data_);
    data_ = nullptr;
  }
  std::byte* data_ = nullptr;
};

/// private_data of one exported ArrowArray node.
struct ArrayPrivate {
  std::int64_t length = 0;
  std::int64_t null_count = 0;
  std::vector<AlignedBuffer> owned;        // the memory behind `buffers`
  std::vector<const void*> buffers;        // exactly what ArrowArray::buffers exposes (may hold NULL)
  std::vector<ArrowArray> children;        // storage of the child structs; sized once, never resized
  std::vector<ArrowArray*> child_ptrs;     // ArrowArray::children
  // A dictionary column is built with its values' private object parked here;
  // attach() moves it into `dictionary` (the storage of the dictionary struct).
  std::unique_ptr<ArrayPrivate> pending_dictionary;
  std::unique_ptr<ArrowArray> dictionary;

  void add_buffer(AlignedBuffer b) {
    buffers.reserve(buffers.size() + 1);  // so the push_back below cannot throw after the move
    owned.push_back(std::move(b));
    buffers.push_back(owned.back().data());
  }
};

/// private_data of one exported ArrowSchema node.
struct SchemaPrivate {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
  std::unique_ptr<ArrowSchema> dictionary;
};

/// Enough to rebuild the schema any number of times (ArrowArrayStream::get_schema).
struct FieldDesc {
  std::string name;
  const char* format;
  bool dictionary;
};

}  // namespace detail

struct TableBuilder::Column {
  std::string name;
  const char* format;
  bool dictionary;
  std::unique_ptr<detail::ArrayPrivate> array;
};

namespace {

using detail::AlignedBuffer;
using detail::ArrayPrivate;
using detail::FieldDesc;
using detail::SchemaPrivate;

// ---------------------------------------------------------------------------
// Release callbacks.  Each frees only its own node (plus whatever children /
// dictionary are still attached), then marks the struct released.

void release_array(ArrowArray* array) noexcept {
  if (array == nullptr || array->release == nullptr) return;
  for (std::int64_t i = 0; i < array->n_children; ++i) {
    ArrowArray* child = array->children[i];
    if (child->release != nullptr) child->release(child);  // NULL: moved out by the consumer
  }
  if (array->dictionary != nullptr && array->dictionary->release != nullptr) {
    array->dictionary->release(array->dictionary);
  }
  delete static_cast<ArrayPrivate*>(array->private_data);
  array->private_data = nullptr;
  array->release = nullptr;
}

void release_schema(ArrowSchema* schema) noexcept {
  if (schema == nullptr || schema->release == nullptr) return;
  for (std::int64_t i = 0; i < schema->n_children; ++i) {
    ArrowSchema* child = schema->children[i];
    if (child->release != nullptr) child->release(child);
  }
  if (schema->dictionary != nullptr && schema->dictionary->release != nullptr) {
    schema->dictionary->release(schema->dictionary);
  }
  delete static_cast<SchemaPrivate*>(schema->private_data);
  schema->private_data = nullptr;
  schema->release = nullptr;
}

/// Wires `p` into `out` (taking ownership), including a parked dictionary.
/// Children of `p` must already be attached.  Cannot fail.
void attach_array(ArrowArray* out, ArrayPrivate* p) noexcept {
  out->length = p->length;
  out->null_count = p->null_count;
  out->offset = 0;
  out->n_buffers = static_cast<std::int64_t>(p->buffers.size());
  out->n_children = static_cast<std::int64_t>(p->children.size());
  out->buffers = p->buffers.empty() ? nullptr : p->buffers.data();
  out->children = p->child_ptrs.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  if (p->pending_dictionary) {
    attach_array(p->dictionary.get(), p->pending_dictionary.release());
    out->dictionary = p->dictionary.get();
  }
  out->release = &release_array;
  out->private_data = p;
}

void attach_schema(ArrowSchema* out, SchemaPrivate* p, std::int64_t flags) noexcept {
  out->format = p->format.c_str();
  out->name = p->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = static_cast<std::int64_t>(p->children.size());
  out->children = p->child_ptrs.empty() ? nullptr : p->child_ptrs.data();
  // Only attached when fully built (see export_schema), so never a released struct.
  out->dictionary = p->dictionary ? p->dictionary.get() : nullptr;
  out->release = &release_schema;
  out->private_data = p;
}

/// Sizes the child storage of a private object; children start released
/// (zeroed), which keeps a partially built tree safe to release.
template <typename Private, typename Struct>
void make_children(Private& p, std::size_t n) {
  p.children.assign(n, Struct{});
  p.child_ptrs.resize(n);
  for (std::size_t i = 0; i < n; ++i) p.child_ptrs[i] = &p.children[i];
}

/// Builds the "+s" schema of `fields` into `out`.  Strong guarantee.
void export_schema(const std::vector<FieldDesc>& fields, ArrowSchema* out) {
  auto top = std::make_unique<SchemaPrivate>();
  top->format = "+s";
  make_children<SchemaPrivate, ArrowSchema>(*top, fields.size());
  ArrowSchema tmp{};
  attach_schema(&tmp, top.release(), 0);
  try {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      auto child = std::make_unique<SchemaPrivate>();
      child->name = fields[i].name;
      child->format = fields[i].format;
      if (fields[i].dictionary) {
        auto values = std::make_unique<SchemaPrivate>();
        values->format.assign(1, 'U');  // (= "U" trips a GCC 12 -Wrestrict false positive)
        child->dictionary = std::make_unique<ArrowSchema>();
        // Nothing below can throw, so `values` cannot leak through `child`.
        attach_schema(child->dictionary.get(), values.release(), ARROW_FLAG_NULLABLE);
      }
      attach_schema(tmp.children[i], child.release(), ARROW_FLAG_NULLABLE);
    }
  } catch (...) {
    tmp.release(&tmp);  // frees the children attached so far
    throw;
  }
  *out = tmp;
}

// ---------------------------------------------------------------------------
// Column construction.

/// Appends the validity buffer (or NULL when there is no null) and sets null_count.
void add_validity(ArrayPrivate& p, const std::vector<std::uint8_t>& valid, std::int64_t n) {
  std::int64_t nulls = 0;
  for (std::uint8_t v : valid) nulls += (v == 0);
  p.null_count = nulls;
  if (nulls == 0) {
    // The spec allows omitting the bitmap when null_count is 0; cheaper for everyone.
    p.buffers.push_back(nullptr);
    return;
  }
  const auto bytes = static_cast<std::size_t>((n + 7) / 8);
  AlignedBuffer bitmap(bytes);
  std::memset(bitmap.data(), 0, bytes);
  auto* bits = bitmap.as<std::uint8_t>();
  for (std::int64_t i = 0; i < n; ++i) {
    if (valid[static_cast<std::size_t>(i)] != 0) bits[i >> 3] |= static_cast<std::uint8_t>(1u << (i & 7));
  }
  p.add_buffer(std::move(bitmap));
}

template <typename T>
std::unique_ptr<ArrayPrivate> fixed_width_array(const std::vector<T>& values, const std::vector<std::uint8_t>& valid) {
  auto p = std::make_unique<ArrayPrivate>();
  const auto n = static_cast<std::int64_t>(values.size());
  p->length = n;
  add_validity(*p, valid, n);
  AlignedBuffer data(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(data.data(), values.data(), values.size() * sizeof(T));
  p->add_buffer(std::move(data));
  return p;
}

template <typename T>
std::unique_ptr<ArrayPrivate> fixed_width_array(ColumnBuffer<T>&& values, const std::vector<std::uint8_t>& valid) {
  auto p = std::make_unique<ArrayPrivate>();
  const auto n = static_cast<std::int64_t>(values.size());
  p->length = n;
  add_validity(*p, valid, n);
  p->add_buffer(AlignedBuffer::adopt(std::move(values)));
  return p;
}

bool is_null(const std::vector<std::uint8_t>& valid, std::size_t i) { return !valid.empty() && valid[i] == 0; }

/// large_utf8 from views; rows null per `valid` are stored empty.
std::unique_ptr<ArrayPrivate> large_utf8_from_views(const std::vector<std::string_view>& values,
                                                    const std::vector<std::uint8_t>& valid) {
  auto p = std::make_unique<ArrayPrivate>();
  const std::size_t n = values.size();
  p->length = static_cast<std::int64_t>(n);
  add_validity(*p, valid, p->length);
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_null(valid, i)) total += values[i].size();
  }
  AlignedBuffer offsets((n + 1) * sizeof(std::int64_t));
  AlignedBuffer data(total);
  auto* off = offsets.as<std::int64_t>();
  auto* out = data.as<char>();
  std::size_t pos = 0;
  off[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_null(valid, i) && !values[i].empty()) {
      std::memcpy(out + pos, values[i].data(), values[i].size());
      pos += values[i].size();
    }
    off[i + 1] = static_cast<std::int64_t>(pos);
  }
  p->add_buffer(std::move(offsets));
  p->add_buffer(std::move(data));
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------
// ArrowArrayStream: one batch, then end-of-stream.

namespace {

struct StreamPrivate {
  std::vector<FieldDesc> fields;
  ArrowArray batch{};                 // release == NULL once handed out
  const char* last_error = nullptr;   // static strings only: reporting must not allocate
};

int stream_get_schema(ArrowArrayStream* stream, ArrowSchema* out) noexcept {
  auto* p = stream ? static_cast<StreamPrivate*>(stream->private_data) : nullptr;
  if (p == nullptr || out == nullptr) return EINVAL;
  try {
    export_schema(p->fields, out);
  } catch (const std::bad_alloc&) {
    p->last_error = "gffbase arrow stream: out of memory while exporting the schema";
    return ENOMEM;
  } catch (...) {
    p->last_error = "gffbase arrow stream: unexpected failure while exporting the schema";
    return EIO;
  }
  return 0;
}

int stream_get_next(ArrowArrayStream* stream, ArrowArray* out) noexcept {
  auto* p = stream ? static_cast<StreamPrivate*>(stream->private_data) : nullptr;
  if (p == nullptr || out == nullptr) return EINVAL;
  if (p->batch.release != nullptr) {
    *out = p->batch;               // move: the consumer owns it now
    p->batch.release = nullptr;
  } else {
    *out = ArrowArray{};           // released array = end of stream
  }
  return 0;
}

const char* stream_get_last_error(ArrowArrayStream* stream) noexcept {
  auto* p = stream ? static_cast<StreamPrivate*>(stream->private_data) : nullptr;
  return p ? p->last_error : nullptr;
}

void stream_release(ArrowArrayStream* stream) noexcept {
  if (stream == nullptr || stream->release == nullptr) return;
  auto* p = static_cast<StreamPrivate*>(stream->private_data);
  if (p->batch.release != nullptr) p->batch.release(&p->batch);  // never fetched
  delete p;
  stream->private_data = nullptr;
  stream->release = nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------
// TableBuilder

TableBuilder::TableBuilder(std::int64_t num_rows) : num_rows_(num_rows) {
  if (num_rows < 0) {
    throw std::invalid_argument("TableBuilder: num_rows must be >= 0, got " + std::to_string(num_rows));
  }
}

TableBuilder::~TableBuilder() = default;

TableBuilder::TableBuilder(TableBuilder&& other) noexcept
    : num_rows_(std::exchange(other.num_rows_, 0)), columns_(std::move(other.columns_)) {
  other.columns_.clear();
}

TableBuilder& TableBuilder::operator=(TableBuilder&& other) noexcept {
  if (this != &other) {
    num_rows_ = std::exchange(other.num_rows_, 0);
    columns_ = std::move(other.columns_);
    other.columns_.clear();
  }
  return *this;
}

std::int64_t TableBuilder::num_rows() const { return num_rows_; }
std::size_t TableBuilder::num_columns() const { return columns_.size(); }

void TableBuilder::check_length(std::size_t n, const char* what, const std::string& name) const {
  if (n != static_cast<std::size_t>(num_rows_)) {
    throw std::invalid_argument("TableBuilder: column '" + name + "': " + what + " has " + std::to_string(n) +
                                " entries, expected " + std::to_string(num_rows_) + " (num_rows)");
  }
}

void TableBuilder::append(std::unique_ptr<Column> column) { columns_.push_back(std::move(column)); }

namespace {
void check_valid(const std::vector<std::uint8_t>& valid, std::int64_t num_rows, const std::string& name) {
  if (!valid.empty() && valid.size() != static_cast<std::size_t>(num_rows)) {
    throw std::invalid_argument("TableBuilder: column '" + name + "': validity mask has " +
                                std::to_string(valid.size()) + " entries, expected 0 or " +
                                std::to_string(num_rows) + " (num_rows)");
  }
}
}  // namespace

#define GFFBASE_ARROW_FIXED_WIDTH(method, T, fmt)                                                        \
  void TableBuilder::method(std::string name, std::vector<T> values, std::vector<std::uint8_t> valid) { \
    check_length(values.size(), "values", name);                                                        \
    check_valid(valid, num_rows_, name);                                                                \
    auto array = fixed_width_array(values, valid);                                                      \
    append(std::make_unique<Column>(Column{std::move(name), fmt, false, std::move(array)}));            \
  }

GFFBASE_ARROW_FIXED_WIDTH(add_int64, std::int64_t, "l")
GFFBASE_ARROW_FIXED_WIDTH(add_int32, std::int32_t, "i")
GFFBASE_ARROW_FIXED_WIDTH(add_uint32, std::uint32_t, "I")
GFFBASE_ARROW_FIXED_WIDTH(add_int8, std::int8_t, "c")
GFFBASE_ARROW_FIXED_WIDTH(add_float64, double, "g")

#define GFFBASE_ARROW_FIXED_WIDTH_ADOPTED(method, T, fmt)                                                  \
  void TableBuilder::method(std::string name, ColumnBuffer<T> values, std::vector<std::uint8_t> valid) { \
    check_length(values.size(), "values", name);                                                          \
    check_valid(valid, num_rows_, name);                                                                  \
    auto array = fixed_width_array(std::move(values), valid);                                             \
    append(std::make_unique<Column>(Column{std::move(name), fmt, false, std::move(array)}));              \
  }

GFFBASE_ARROW_FIXED_WIDTH_ADOPTED(add_int64, std::int64_t, "l")
GFFBASE_ARROW_FIXED_WIDTH_ADOPTED(add_int32, std::int32_t, "i")
GFFBASE_ARROW_FIXED_WIDTH_ADOPTED(add_float64, double, "g")

#undef GFFBASE_ARROW_FIXED_WIDTH
#undef GFFBASE_ARROW_FIXED_WIDTH_ADOPTED

namespace {
// A consumer trusts offsets blindly; a bad one would make it read out of bounds.
// `count` == 0 is refused before `offsets` is read.
void check_offsets(const std::int64_t* offsets, std::size_t count, std::size_t data_bytes, std::int64_t num_rows,
                   const std::string& name) {
  if (count != static_cast<std::size_t>(num_rows) + 1) {
    throw std::invalid_argument("TableBuilder: column '" + name + "': offsets has " + std::to_string(count) +
                                " entries, expected " + std::to_string(num_rows + 1) + " (num_rows + 1)");
  }
  if (offsets[0] != 0) {
    throw std::invalid_argument("TableBuilder: column '" + name + "': offsets[0] must be 0, got " +
                                std::to_string(offsets[0]));
  }
  for (std::size_t i = 1; i < count; ++i) {
    if (offsets[i] < offsets[i - 1]) {
      throw std::invalid_argument("TableBuilder: column '" + name + "': offsets decrease at index " +
                                  std::to_string(i) + " (" + std::to_string(offsets[i - 1]) + " then " +
                                  std::to_string(offsets[i]) + ")");
    }
  }
  if (static_cast<std::uint64_t>(offsets[count - 1]) != data_bytes) {
    throw std::invalid_argument("TableBuilder: column '" + name + "': last offset is " +
                                std::to_string(offsets[count - 1]) + " but data has " + std::to_string(data_bytes) +
                                " bytes");
  }
}
}  // namespace

void TableBuilder::add_large_utf8(std::string name, std::vector<std::int64_t> offsets, std::string data,
                                  std::vector<std::uint8_t> valid) {
  check_valid(valid, num_rows_, name);
  check_offsets(offsets.data(), offsets.size(), data.size(), num_rows_, name);
  auto off = ColumnBuffer<std::int64_t>::uninitialized(offsets.size());
  std::memcpy(off.data(), offsets.data(), offsets.size() * sizeof(std::int64_t));
  auto bytes = ColumnBuffer<char>::uninitialized(data.size());
  if (!data.empty()) std::memcpy(bytes.data(), data.data(), data.size());
  add_large_utf8(std::move(name), std::move(off), std::move(bytes), std::move(valid));
}

void TableBuilder::add_large_utf8(std::string name, ColumnBuffer<std::int64_t> offsets, ColumnBuffer<char> data,
                                  std::vector<std::uint8_t> valid) {
  check_valid(valid, num_rows_, name);
  check_offsets(offsets.data(), offsets.size(), data.size(), num_rows_, name);
  auto p = std::make_unique<ArrayPrivate>();
  p->length = num_rows_;
  add_validity(*p, valid, num_rows_);
  p->add_buffer(AlignedBuffer::adopt(std::move(offsets)));
  p->add_buffer(AlignedBuffer::adopt(std::move(data)));
  append(std::make_unique<Column>(Column{std::move(name), "U", false, std::move(p)}));
}

void TableBuilder::add_utf8_from_views(std::string name, const std::vector<std::string_view>& values,
                                       std::vector<std::uint8_t> valid) {
  check_length(values.size(), "values", name);
  check_valid(valid, num_rows_, name);
  auto p = large_utf8_from_views(values, valid);
  append(std::make_unique<Column>(Column{std::move(name), "U", false, std::move(p)}));
}

void TableBuilder::add_dictionary_utf8(std::string name, std::vector<std::int32_t> indices,
                                       const std::vector<std::string_view>& dictionary,
                                       std::vector<std::uint8_t> valid) {
  check_length(indices.size(), "indices", name);
  auto adopted = ColumnBuffer<std::int32_t>::uninitialized(indices.size());
  if (!indices.empty()) std::memcpy(adopted.data(), indices.data(), indices.size() * sizeof(std::int32_t));
  add_dictionary_utf8(std::move(name), std::move(adopted), dictionary, std::move(valid));
}

namespace {
template <typename Index>
std::unique_ptr<ArrayPrivate> dictionary_array(const std::string& name, ColumnBuffer<Index> indices,
                                               const std::vector<std::string_view>& dictionary,
                                               const std::vector<std::uint8_t>& valid) {
  if (dictionary.size() > static_cast<std::size_t>(std::numeric_limits<Index>::max()) + 1) {
    throw std::invalid_argument("TableBuilder: column '" + name + "': a dictionary of " +
                                std::to_string(dictionary.size()) + " entries does not fit its index type");
  }
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (is_null(valid, i)) {
      // Consumers never look at null slots, but some gather through all
      // indices before masking; 0 keeps that harmless (when the dictionary
      // is non-empty) and the output deterministic.
      indices[i] = 0;
    } else if (indices[i] < 0 || static_cast<std::size_t>(indices[i]) >= dictionary.size()) {
      throw std::invalid_argument("TableBuilder: column '" + name + "': index " + std::to_string(indices[i]) +
                                  " at row " + std::to_string(i) + " is outside the dictionary of " +
                                  std::to_string(dictionary.size()) + " entries");
    }
  }
  auto p = fixed_width_array(std::move(indices), valid);
  p->pending_dictionary = large_utf8_from_views(dictionary, {});
  p->dictionary = std::make_unique<ArrowArray>();
  return p;
}
}  // namespace

#define GFFBASE_ARROW_DICTIONARY(Index, fmt)                                                       \
  void TableBuilder::add_dictionary_utf8(std::string name, ColumnBuffer<Index> indices,             \
                                         const std::vector<std::string_view>& dictionary,            \
                                         std::vector<std::uint8_t> valid) {                          \
    check_length(indices.size(), "indices", name);                                                   \
    check_valid(valid, num_rows_, name);                                                             \
    auto p = dictionary_array(name, std::move(indices), dictionary, valid);                          \
    append(std::make_unique<Column>(Column{std::move(name), fmt, true, std::move(p)}));              \
  }

GFFBASE_ARROW_DICTIONARY(std::int32_t, "i")
GFFBASE_ARROW_DICTIONARY(std::int8_t, "c")
#undef GFFBASE_ARROW_DICTIONARY

namespace {

/// The "+s" parent of a batch, with `n` (still released) child slots.
std::unique_ptr<ArrayPrivate> make_struct_private(std::int64_t length, std::size_t n) {
  auto top = std::make_unique<ArrayPrivate>();
  top->length = length;
  top->buffers.push_back(nullptr);  // struct validity: the top level has no nulls
  make_children<ArrayPrivate, ArrowArray>(*top, n);
  return top;
}

}  // namespace

void TableBuilder::export_stream(ArrowArrayStream* out) {
  if (out == nullptr) throw std::invalid_argument("TableBuilder::export_stream: out is null");
  // --- everything that can throw ---
  auto stream = std::make_unique<StreamPrivate>();
  stream->fields.reserve(columns_.size());
  for (const auto& c : columns_) stream->fields.push_back(FieldDesc{c->name, c->format, c->dictionary});
  auto top = make_struct_private(num_rows_, columns_.size());
  // --- commit: cannot throw ---
  for (std::size_t i = 0; i < columns_.size(); ++i) attach_array(&top->children[i], columns_[i]->array.release());
  attach_array(&stream->batch, top.release());
  columns_.clear();
  num_rows_ = 0;
  out->get_schema = &stream_get_schema;
  out->get_next = &stream_get_next;
  out->get_last_error = &stream_get_last_error;
  out->release = &stream_release;
  out->private_data = stream.release();
}

void TableBuilder::export_batch(ArrowSchema* schema, ArrowArray* array) {
  if (schema == nullptr || array == nullptr) {
    throw std::invalid_argument("TableBuilder::export_batch: schema and array must be non-null");
  }
  // --- everything that can throw ---
  std::vector<FieldDesc> fields;
  fields.reserve(columns_.size());
  for (const auto& c : columns_) fields.push_back(FieldDesc{c->name, c->format, c->dictionary});
  ArrowSchema s{};
  export_schema(fields, &s);
  std::unique_ptr<ArrayPrivate> top;
  try {
    top = make_struct_private(num_rows_, columns_.size());
  } catch (...) {
    s.release(&s);
    throw;
  }
  // --- commit: cannot throw ---
  for (std::size_t i = 0; i < columns_.size(); ++i) attach_array(&top->children[i], columns_[i]->array.release());
  attach_array(array, top.release());
  *schema = s;
  columns_.clear();
  num_rows_ = 0;
}

}  // namespace gffbase::arrow
