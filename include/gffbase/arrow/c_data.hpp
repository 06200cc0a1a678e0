// gffbase — the Arrow C Data / C Stream interface, producer side.
//
// What this is
// ------------
// The ABI structs of the Arrow C Data Interface (ArrowSchema, ArrowArray) and
// of the Arrow C Stream Interface (ArrowArrayStream), declared exactly as the
// Arrow specification defines them and under its canonical include guards, so
// that this header coexists with any other copy of the definitions (nanoarrow,
// Arrow C++'s abi.h, ...) in one translation unit.  Plus `TableBuilder`, which
// assembles one record batch from plain C++ vectors and hands it to any Arrow
// consumer (pyarrow, polars, DuckDB, R arrow, ...) without gffbase linking an
// Arrow library.
//
// Contract of the exported structures
// -----------------------------------
// * Ownership.  Everything written into an ArrowSchema / ArrowArray /
//   ArrowArrayStream by this module is owned by that structure and freed by
//   its `release` callback, which the CONSUMER must call exactly once.  A
//   release frees only the resources of the structure it is called on (and of
//   the children / dictionary still attached to it), then sets `release` to
//   NULL.  A structure whose `release` is NULL is "released" and must not be
//   used further.
// * Moving.  A consumer may move any exported structure (top level, a child,
//   or a dictionary) by copying the struct bytes elsewhere and setting the
//   source's `release` to NULL.  Each child and each dictionary owns its own
//   buffers, so a moved-out child stays valid after its parent is released,
//   and vice versa.
// * Lifetime.  Buffer pointers, `format` and `name` strings stay valid until
//   the owning structure is released; nothing is tied to the TableBuilder,
//   which may be destroyed right after exporting.
// * Threading.  Release callbacks may be invoked from any thread.  Distinct
//   exported structures share no mutable state, so they may be released
//   concurrently.  The callbacks of one ArrowArrayStream must not be called
//   concurrently (as the Arrow spec states for every stream).
// * Layout.  Every buffer is allocated 64-byte aligned and padded to a
//   multiple of 64 bytes (padding zeroed), as the Arrow format recommends.
//   Validity bitmaps are packed least-significant-bit first; when a column has
//   no nulls the validity buffer is NULL and `null_count` is 0.  `offset` is
//   always 0.  No metadata is exported (`metadata` is NULL).
//
// Exported types (format strings)
// -------------------------------
//   add_int64 "l", add_int32 "i", add_uint32 "I", add_int8 "c",
//   add_float64 "g", add_large_utf8 / add_utf8_from_views "U" (large_utf8,
//   64-bit offsets), add_dictionary_utf8: format "i" (int32 indices) or "c" (int8) with
//   `dictionary` -> schema "U"; the index array's `dictionary` member points
//   to the values array.  The batch itself is a struct array "+s" whose
//   children are the columns in the order they were added; every child field
//   carries ARROW_FLAG_NULLABLE, the top-level struct field carries no flags
//   and has name "".
#pragma once

#include <stdint.h>  // NOLINT: the C ABI structs use the global int64_t

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------
// Arrow C Data Interface — definitions as given by the Arrow specification.
// The guard names must stay exactly as they are (see the spec).
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  // Array type description
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;

  // Release callback
  void (*release)(struct ArrowSchema*);
  // Opaque producer-specific data
  void* private_data;
};

struct ArrowArray {
  // Array data description
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;

  // Release callback
  void (*release)(struct ArrowArray*);
  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

// ---------------------------------------------------------------------------
// Arrow C Stream Interface — definition as given by the Arrow specification.
#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  // Callbacks providing stream functionality
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);

  // Release callback
  void (*release)(struct ArrowArrayStream*);

  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

#ifdef __cplusplus
}  // extern "C"
#endif

namespace gffbase::arrow {

namespace detail {
/// `capacity` bytes (a multiple of 64), 64-byte aligned, uninitialised.
/// Freed with free_column.
std::byte* allocate_column(std::size_t capacity);
void free_column(std::byte* p) noexcept;
}  // namespace detail

/// Storage for one column that TableBuilder adopts without copying: n
/// elements in a 64-byte aligned allocation padded to a multiple of 64 bytes
/// (padding zeroed), exactly what an exported buffer needs.
///
/// The elements are NOT initialised: the producer writes every one, typically
/// from several threads, so the page faults of a fresh allocation are spread
/// over those threads instead of being taken by a serial zero-fill.  For
/// large batches this cuts the memory traffic of an export by two thirds: a
/// std::vector column was zeroed, filled, then copied into an aligned buffer.
template <typename T>
class ColumnBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  static constexpr std::size_t kAlignment = 64;  ///< as detail::allocate_column

  /// n uninitialised elements.  (A named constructor, not ColumnBuffer(n):
  /// TableBuilder's std::vector overloads stay unambiguous for braced lists.)
  static ColumnBuffer uninitialized(std::size_t n) { return ColumnBuffer(Uninitialized{}, n); }
  ~ColumnBuffer() { reset(); }
  ColumnBuffer(ColumnBuffer&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  ColumnBuffer& operator=(ColumnBuffer&& o) noexcept {
    if (this != &o) {
      reset();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  ColumnBuffer(const ColumnBuffer&) = delete;
  ColumnBuffer& operator=(const ColumnBuffer&) = delete;

  T* data() { return reinterpret_cast<T*>(data_); }
  const T* data() const { return reinterpret_cast<const T*>(data_); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return data()[i]; }
  const T& operator[](std::size_t i) const { return data()[i]; }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }
  T& back() { return data()[size_ - 1]; }
  const T& back() const { return data()[size_ - 1]; }

  /// Bytes allocated for `bytes` bytes of payload (at least one block).
  static std::size_t allocation_bytes(std::size_t bytes) {
    return std::max(kAlignment, (bytes + kAlignment - 1) / kAlignment * kAlignment);
  }
  /// Hands the allocation to the caller, who frees it with detail::free_column.
  std::byte* release() {
    size_ = 0;
    return std::exchange(data_, nullptr);
  }

 private:
  struct Uninitialized {};
  ColumnBuffer(Uninitialized, std::size_t n) : size_(n) {
    if (n > (std::numeric_limits<std::size_t>::max() - kAlignment) / sizeof(T)) throw std::bad_alloc();
    const std::size_t bytes = n * sizeof(T);
    const std::size_t capacity = allocation_bytes(bytes);
    data_ = detail::allocate_column(capacity);
    std::memset(data_ + bytes, 0, capacity - bytes);
  }
  void reset() noexcept {
    if (data_ != nullptr) detail::free_column(data_);
    data_ = nullptr;
  }
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Builds one Arrow record batch (a struct array) column by column, owning all
/// buffers, and exports it through the C stream interface.  Not thread-safe.
///
/// Usage:
///   TableBuilder t(n);
///   t.add_int64("start", std::move(starts));
///   t.add_dictionary_utf8("seqid", std::move(idx), seqid_names);
///   ArrowArrayStream s;
///   t.export_stream(&s);   // hand `s` to the consumer; it calls s.release
///
/// Every add_* copies (or moves) the data into 64-byte aligned buffers at call
/// time, so caller-owned inputs (string_views in particular) need only live
/// for the duration of the call.
///
/// Validity masks: `valid` is either empty (every row valid: no bitmap is
/// exported and null_count is 0) or exactly num_rows bytes, where a nonzero
/// byte means "valid" and 0 means "null".  A mask without any zero byte is
/// treated like an empty one.  Values stored at null slots are exported as
/// given for fixed-width columns and are ignored (exported as empty strings /
/// index 0) for string and dictionary columns.
///
/// Errors: any size or consistency violation throws std::invalid_argument and
/// leaves the builder unchanged.  std::bad_alloc propagates likewise.
class TableBuilder {
 public:
  /// `num_rows` must be >= 0 (else std::invalid_argument).
  explicit TableBuilder(std::int64_t num_rows);
  ~TableBuilder();
  /// A moved-from builder is empty (zero rows, zero columns).
  TableBuilder(TableBuilder&&) noexcept;
  TableBuilder& operator=(TableBuilder&&) noexcept;
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;

  // Each add_* appends a column; values.size() must equal num_rows (checked:
  // throws std::invalid_argument).  `valid` is an optional validity mask
  // (1 = valid) of num_rows bytes; empty = all valid (no bitmap, null_count 0).
  // Column names need not be unique (Arrow allows duplicates).

  /// int64 column, format "l".
  void add_int64(std::string name, std::vector<std::int64_t> values, std::vector<std::uint8_t> valid = {});
  /// int32 column, format "i".
  void add_int32(std::string name, std::vector<std::int32_t> values, std::vector<std::uint8_t> valid = {});
  /// uint32 column, format "I".
  void add_uint32(std::string name, std::vector<std::uint32_t> values, std::vector<std::uint8_t> valid = {});
  /// int8 column, format "c".
  void add_int8(std::string name, std::vector<std::int8_t> values, std::vector<std::uint8_t> valid = {});
  /// float64 column, format "g".
  void add_float64(std::string name, std::vector<double> values, std::vector<std::uint8_t> valid = {});

  /// The same columns from ColumnBuffers, adopted without a copy.
  void add_int64(std::string name, ColumnBuffer<std::int64_t> values, std::vector<std::uint8_t> valid = {});
  void add_int32(std::string name, ColumnBuffer<std::int32_t> values, std::vector<std::uint8_t> valid = {});
  void add_float64(std::string name, ColumnBuffer<double> values, std::vector<std::uint8_t> valid = {});

  /// large_utf8 ("U"): offsets has num_rows+1 entries starting at 0, never
  /// decreasing, and ending at data.size(); row i is
  /// data[offsets[i], offsets[i+1]).  All of that is checked.  The bytes must
  /// be UTF-8 (not checked).  Offsets and data are exported as given, also at
  /// null slots.
  void add_large_utf8(std::string name, std::vector<std::int64_t> offsets, std::string data,
                      std::vector<std::uint8_t> valid = {});
  /// The same from ColumnBuffers, adopted without a copy (same checks).
  void add_large_utf8(std::string name, ColumnBuffer<std::int64_t> offsets, ColumnBuffer<char> data,
                      std::vector<std::uint8_t> valid = {});

  /// large_utf8 ("U") built from views (copied): convenience.  Rows that are
  /// null per `valid` are stored as empty strings whatever their view holds.
  void add_utf8_from_views(std::string name, const std::vector<std::string_view>& values,
                           std::vector<std::uint8_t> valid = {});

  /// dictionary<int32 indices, values large_utf8>: indices index into
  /// `dictionary` (a list of strings, copied).  Every index at a valid row
  /// must lie in [0, dictionary.size()) (checked); indices at null rows are
  /// ignored and exported as 0.  The dictionary is not marked ordered.
  void add_dictionary_utf8(std::string name, std::vector<std::int32_t> indices,
                           const std::vector<std::string_view>& dictionary,
                           std::vector<std::uint8_t> valid = {});
  /// The same with the indices in a ColumnBuffer, adopted without a copy.
  void add_dictionary_utf8(std::string name, ColumnBuffer<std::int32_t> indices,
                           const std::vector<std::string_view>& dictionary,
                           std::vector<std::uint8_t> valid = {});
  /// dictionary<int8 indices, values large_utf8> (format "c"), for a fixed
  /// dictionary of at most 127 values (strand, frame): a byte a row.
  void add_dictionary_utf8(std::string name, ColumnBuffer<std::int8_t> indices,
                           const std::vector<std::string_view>& dictionary,
                           std::vector<std::uint8_t> valid = {});

  std::int64_t num_rows() const;
  std::size_t num_columns() const;

  /// Moves the table into `out`: a stream yielding exactly ONE batch (even
  /// when num_rows == 0, so consumers see the schema and an empty batch), then
  /// end-of-stream (get_next writes a released array, release == NULL).
  /// `get_schema` may be called any number of times, before or after
  /// get_next; each call yields an independent schema the caller releases.
  /// Releasing the stream frees the batch if it was never fetched; a fetched
  /// batch is independent of the stream and may outlive it.
  /// `out` must be non-null (else std::invalid_argument); it is overwritten
  /// without being released.  On success the builder is empty afterwards
  /// (zero rows, zero columns); if an exception is thrown, neither `out` nor
  /// the builder has changed.
  void export_stream(ArrowArrayStream* out);

  /// Moves the table into a schema + struct array pair (for consumers that
  /// want the array interface).  The two are released independently.  Same
  /// preconditions and guarantees as export_stream.
  void export_batch(ArrowSchema* schema, ArrowArray* array);

 private:
  struct Column;  // one column's ready-to-export buffers (defined in c_data.cpp)
  void check_length(std::size_t n, const char* what, const std::string& name) const;
  void append(std::unique_ptr<Column> column);

  std::int64_t num_rows_ = 0;
  std::vector<std::unique_ptr<Column>> columns_;
};

/// Metadata key/values are not exported.  Column nullability flag:
/// ARROW_FLAG_NULLABLE is set on every child.

}  // namespace gffbase::arrow
