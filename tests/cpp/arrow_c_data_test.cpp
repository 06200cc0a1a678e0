// Tests for the Arrow C Data / C Stream producer (gffbase/arrow/c_data.hpp).
// Everything is read back through the raw C structs, the way a foreign
// consumer would; run under ASan to catch leaks and double frees.
#include "gffbase/arrow/c_data.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using gffbase::arrow::TableBuilder;

bool bit(const void* bitmap, std::int64_t i) {
  return (static_cast<const std::uint8_t*>(bitmap)[i >> 3] >> (i & 7)) & 1;
}

bool aligned64(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }

template <typename T>
const T* buf(const ArrowArray* a, int i) {
  return static_cast<const T*>(a->buffers[i]);
}

std::string_view str_at(const ArrowArray* a, std::int64_t i) {
  const auto* off = buf<std::int64_t>(a, 1);
  const auto* data = buf<char>(a, 2);
  return {data + off[i], static_cast<std::size_t>(off[i + 1] - off[i])};
}

/// Owns an exported batch and releases whatever is still unreleased.
struct Batch {
  ArrowSchema schema{};
  ArrowArray array{};
  ~Batch() {
    if (schema.release) schema.release(&schema);
    if (array.release) array.release(&array);
  }
};

/// Checks the child schema field `i` of a "+s" schema.
void expect_field(const ArrowSchema& s, int i, const char* name, const char* format) {
  ASSERT_LT(i, s.n_children);
  const ArrowSchema* c = s.children[i];
  EXPECT_STREQ(c->name, name);
  EXPECT_STREQ(c->format, format);
  EXPECT_EQ(c->flags, ARROW_FLAG_NULLABLE);
  EXPECT_EQ(c->n_children, 0);
  EXPECT_EQ(c->metadata, nullptr);
  EXPECT_NE(c->release, nullptr);
}

// ---------------------------------------------------------------------------

TEST(ArrowCData, HeaderGuardsAndFlags) {
  EXPECT_EQ(ARROW_FLAG_DICTIONARY_ORDERED, 1);
  EXPECT_EQ(ARROW_FLAG_NULLABLE, 2);
  EXPECT_EQ(ARROW_FLAG_MAP_KEYS_SORTED, 4);
  // ABI sizes on LP64 as fixed by the spec's field lists.
  if (sizeof(void*) == 8) {
    EXPECT_EQ(sizeof(ArrowSchema), 72u);
    EXPECT_EQ(sizeof(ArrowArray), 80u);
    EXPECT_EQ(sizeof(ArrowArrayStream), 40u);
  }
}

TEST(ArrowCData, Int64NoNullsLayout) {
  TableBuilder t(3);
  t.add_int64("start", {10, -20, 1LL << 40});
  EXPECT_EQ(t.num_rows(), 3);
  EXPECT_EQ(t.num_columns(), 1u);
  Batch b;
  t.export_batch(&b.schema, &b.array);
  EXPECT_EQ(t.num_columns(), 0u);
  EXPECT_EQ(t.num_rows(), 0);

  EXPECT_STREQ(b.schema.format, "+s");
  EXPECT_EQ(b.schema.flags, 0);
  EXPECT_EQ(b.schema.n_children, 1);
  EXPECT_EQ(b.schema.dictionary, nullptr);
  expect_field(b.schema, 0, "start", "l");

  EXPECT_EQ(b.array.length, 3);
  EXPECT_EQ(b.array.null_count, 0);
  EXPECT_EQ(b.array.offset, 0);
  EXPECT_EQ(b.array.n_buffers, 1);
  EXPECT_EQ(b.array.buffers[0], nullptr);
  ASSERT_EQ(b.array.n_children, 1);
  const ArrowArray* c = b.array.children[0];
  EXPECT_EQ(c->length, 3);
  EXPECT_EQ(c->null_count, 0);
  EXPECT_EQ(c->offset, 0);
  EXPECT_EQ(c->n_buffers, 2);
  EXPECT_EQ(c->n_children, 0);
  EXPECT_EQ(c->dictionary, nullptr);
  EXPECT_EQ(c->buffers[0], nullptr);
  ASSERT_NE(c->buffers[1], nullptr);
  EXPECT_TRUE(aligned64(c->buffers[1]));
  EXPECT_EQ(buf<std::int64_t>(c, 1)[0], 10);
  EXPECT_EQ(buf<std::int64_t>(c, 1)[1], -20);
  EXPECT_EQ(buf<std::int64_t>(c, 1)[2], 1LL << 40);

  b.array.release(&b.array);
  EXPECT_EQ(b.array.release, nullptr);
  b.schema.release(&b.schema);
  EXPECT_EQ(b.schema.release, nullptr);
}

TEST(ArrowCData, FixedWidthTypesWithNulls) {
  const std::int64_t n = 19;  // spans three bitmap bytes, the last one partial
  std::vector<std::uint8_t> valid(n, 1);
  valid[0] = 0;
  valid[7] = 0;
  valid[8] = 0;
  valid[18] = 0;
  std::vector<std::int32_t> i32(n);
  std::vector<std::uint32_t> u32(n);
  std::vector<std::int8_t> i8(n);
  std::vector<double> f64(n);
  for (std::int64_t i = 0; i < n; ++i) {
    i32[i] = static_cast<std::int32_t>(-i * 1000);
    u32[i] = 0xFFFFFFF0u + static_cast<std::uint32_t>(i % 16);
    i8[i] = static_cast<std::int8_t>(i - 9);
    f64[i] = static_cast<double>(i) / 4.0;
  }
  TableBuilder t(n);
  t.add_int32("i32", i32, valid);
  t.add_uint32("u32", u32, valid);
  t.add_int8("i8", i8, valid);
  t.add_float64("f64", f64, valid);
  Batch b;
  t.export_batch(&b.schema, &b.array);

  const char* names[] = {"i32", "u32", "i8", "f64"};
  const char* formats[] = {"i", "I", "c", "g"};
  ASSERT_EQ(b.schema.n_children, 4);
  ASSERT_EQ(b.array.n_children, 4);
  for (int col = 0; col < 4; ++col) {
    expect_field(b.schema, col, names[col], formats[col]);
    const ArrowArray* c = b.array.children[col];
    EXPECT_EQ(c->length, n);
    EXPECT_EQ(c->null_count, 4);
    ASSERT_EQ(c->n_buffers, 2);
    ASSERT_NE(c->buffers[0], nullptr);
    EXPECT_TRUE(aligned64(c->buffers[0]));
    EXPECT_TRUE(aligned64(c->buffers[1]));
    for (std::int64_t i = 0; i < n; ++i) EXPECT_EQ(bit(c->buffers[0], i), valid[i] != 0) << names[col] << " row " << i;
    // Bits past the length are zero (padding of the last byte).
    for (std::int64_t i = n; i < 24; ++i) EXPECT_FALSE(bit(c->buffers[0], i));
  }
  const auto* bits = buf<std::uint8_t>(b.array.children[0], 0);
  EXPECT_EQ(bits[0], 0x7E);  // rows 0 and 7 null
  EXPECT_EQ(bits[1], 0xFE);  // row 8 null
  EXPECT_EQ(bits[2], 0x03);  // rows 16,17 valid; 18 null; padding zero
  for (std::int64_t i = 0; i < n; ++i) {
    EXPECT_EQ(buf<std::int32_t>(b.array.children[0], 1)[i], i32[i]);
    EXPECT_EQ(buf<std::uint32_t>(b.array.children[1], 1)[i], u32[i]);
    EXPECT_EQ(buf<std::int8_t>(b.array.children[2], 1)[i], i8[i]);
    EXPECT_EQ(buf<double>(b.array.children[3], 1)[i], f64[i]);
  }
}

TEST(ArrowCData, AllOnesMaskExportsNoBitmap) {
  TableBuilder t(4);
  t.add_int32("x", {1, 2, 3, 4}, {1, 1, 1, 1});
  t.add_int32("y", {1, 2, 3, 4}, {0, 0, 0, 0});
  Batch b;
  t.export_batch(&b.schema, &b.array);
  EXPECT_EQ(b.array.children[0]->null_count, 0);
  EXPECT_EQ(b.array.children[0]->buffers[0], nullptr);
  EXPECT_EQ(b.array.children[1]->null_count, 4);
  ASSERT_NE(b.array.children[1]->buffers[0], nullptr);
  EXPECT_EQ(buf<std::uint8_t>(b.array.children[1], 0)[0], 0);
}

TEST(ArrowCData, LargeUtf8FromOffsets) {
  TableBuilder t(4);
  t.add_large_utf8("attrs", {0, 3, 3, 8, 9}, "abcXYZ12q", {1, 0, 1, 1});
  Batch b;
  t.export_batch(&b.schema, &b.array);
  expect_field(b.schema, 0, "attrs", "U");
  const ArrowArray* c = b.array.children[0];
  EXPECT_EQ(c->length, 4);
  EXPECT_EQ(c->null_count, 1);
  ASSERT_EQ(c->n_buffers, 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(aligned64(c->buffers[i]));
  EXPECT_FALSE(bit(c->buffers[0], 1));
  EXPECT_TRUE(bit(c->buffers[0], 0));
  const auto* off = buf<std::int64_t>(c, 1);
  EXPECT_EQ(off[0], 0);
  EXPECT_EQ(off[4], 9);
  EXPECT_EQ(str_at(c, 0), "abc");
  EXPECT_EQ(str_at(c, 1), "");
  EXPECT_EQ(str_at(c, 2), "XYZ12");
  EXPECT_EQ(str_at(c, 3), "q");
}

TEST(ArrowCData, Utf8FromViewsNullRowsStoredEmpty) {
  std::string backing = "chr1 chr2 scaffold_7";
  std::vector<std::string_view> v = {std::string_view(backing).substr(0, 4), std::string_view(backing).substr(5, 4),
                                     std::string_view(backing).substr(10), std::string_view()};
  TableBuilder t(4);
  t.add_utf8_from_views("seqid", v, {1, 0, 1, 1});
  backing.assign(backing.size(), '#');  // the builder copied; the source may change
  Batch b;
  t.export_batch(&b.schema, &b.array);
  expect_field(b.schema, 0, "seqid", "U");
  const ArrowArray* c = b.array.children[0];
  EXPECT_EQ(c->null_count, 1);
  EXPECT_EQ(str_at(c, 0), "chr1");
  EXPECT_EQ(str_at(c, 1), "");  // null row: not copied
  EXPECT_EQ(str_at(c, 2), "scaffold_7");
  EXPECT_EQ(str_at(c, 3), "");
  EXPECT_EQ(buf<std::int64_t>(c, 1)[4], 14);
}

TEST(ArrowCData, DictionaryUtf8) {
  std::vector<std::string_view> dict = {"gene", "mRNA", "exon", "CDS"};
  TableBuilder t(6);
  t.add_dictionary_utf8("featuretype", {0, 1, 2, 2, 99, 3}, dict, {1, 1, 1, 1, 0, 1});
  Batch b;
  t.export_batch(&b.schema, &b.array);

  expect_field(b.schema, 0, "featuretype", "i");
  const ArrowSchema* cs = b.schema.children[0];
  ASSERT_NE(cs->dictionary, nullptr);
  EXPECT_STREQ(cs->dictionary->format, "U");
  EXPECT_EQ(cs->dictionary->n_children, 0);
  EXPECT_EQ(cs->dictionary->dictionary, nullptr);
  EXPECT_NE(cs->dictionary->release, nullptr);
  EXPECT_EQ(cs->flags & ARROW_FLAG_DICTIONARY_ORDERED, 0);

  const ArrowArray* c = b.array.children[0];
  EXPECT_EQ(c->length, 6);
  EXPECT_EQ(c->null_count, 1);
  ASSERT_EQ(c->n_buffers, 2);
  const auto* idx = buf<std::int32_t>(c, 1);
  EXPECT_EQ(idx[0], 0);
  EXPECT_EQ(idx[3], 2);
  EXPECT_EQ(idx[4], 0);  // null slot normalised
  EXPECT_EQ(idx[5], 3);
  EXPECT_FALSE(bit(c->buffers[0], 4));

  const ArrowArray* d = c->dictionary;
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->release, nullptr);
  EXPECT_EQ(d->length, 4);
  EXPECT_EQ(d->null_count, 0);
  ASSERT_EQ(d->n_buffers, 3);
  EXPECT_EQ(d->buffers[0], nullptr);
  EXPECT_TRUE(aligned64(d->buffers[1]));
  EXPECT_TRUE(aligned64(d->buffers[2]));
  for (std::int64_t i = 0; i < 4; ++i) EXPECT_EQ(str_at(d, i), dict[i]);
  EXPECT_EQ(str_at(d, idx[5]), "CDS");
}

TEST(ArrowCData, DictionaryWithInt8Indices) {
  using gffbase::arrow::ColumnBuffer;
  auto idx = ColumnBuffer<std::int8_t>::uninitialized(4);
  idx[0] = 0, idx[1] = 3, idx[2] = 1, idx[3] = 99;
  TableBuilder t(4);
  t.add_dictionary_utf8("strand", std::move(idx), {"+", "-", ".", "?"}, {1, 1, 1, 0});
  Batch b;
  t.export_batch(&b.schema, &b.array);
  expect_field(b.schema, 0, "strand", "c");
  ASSERT_NE(b.schema.children[0]->dictionary, nullptr);
  EXPECT_STREQ(b.schema.children[0]->dictionary->format, "U");
  const ArrowArray* c = b.array.children[0];
  EXPECT_EQ(c->null_count, 1);
  const auto* got = buf<std::int8_t>(c, 1);
  EXPECT_EQ(got[1], 3);
  EXPECT_EQ(got[3], 0);  // null slot normalised
  EXPECT_EQ(c->dictionary->length, 4);
}

TEST(ArrowCData, Int8IndicesRefuseADictionaryTheyCannotAddressAndOutOfRangeIndices) {
  using gffbase::arrow::ColumnBuffer;
  std::vector<std::string> names(129);
  std::vector<std::string_view> dict;
  for (std::size_t i = 0; i < names.size(); ++i) dict.push_back(names[i] = "v" + std::to_string(i));
  TableBuilder t(1);
  auto one = [] {
    auto idx = ColumnBuffer<std::int8_t>::uninitialized(1);
    idx[0] = 0;
    return idx;
  };
  EXPECT_THROW(t.add_dictionary_utf8("big", one(), dict), std::invalid_argument);
  dict.resize(128);
  EXPECT_NO_THROW(t.add_dictionary_utf8("fits", one(), dict));
  auto negative = ColumnBuffer<std::int8_t>::uninitialized(1);
  negative[0] = -1;
  EXPECT_THROW(t.add_dictionary_utf8("neg", std::move(negative), dict), std::invalid_argument);
}

TEST(ArrowCData, DictionaryEmptyWithAllNullRows) {
  TableBuilder t(2);
  t.add_dictionary_utf8("d", {5, -1}, {}, {0, 0});
  Batch b;
  t.export_batch(&b.schema, &b.array);
  const ArrowArray* c = b.array.children[0];
  EXPECT_EQ(c->null_count, 2);
  EXPECT_EQ(c->dictionary->length, 0);
  EXPECT_EQ(buf<std::int64_t>(c->dictionary, 1)[0], 0);
}

TEST(ArrowCData, ZeroRowsEveryType) {
  TableBuilder t(0);
  t.add_int64("a", {});
  t.add_int32("b", {});
  t.add_uint32("c", {});
  t.add_int8("d", {});
  t.add_float64("e", {});
  t.add_large_utf8("f", {0}, "");
  t.add_utf8_from_views("g", {});
  t.add_dictionary_utf8("h", {}, {"x"});
  Batch b;
  t.export_batch(&b.schema, &b.array);
  EXPECT_EQ(b.array.length, 0);
  ASSERT_EQ(b.array.n_children, 8);
  ASSERT_EQ(b.schema.n_children, 8);
  for (int i = 0; i < 8; ++i) {
    const ArrowArray* c = b.array.children[i];
    EXPECT_EQ(c->length, 0);
    EXPECT_EQ(c->null_count, 0);
    // Every non-validity buffer is a real aligned pointer even when empty.
    for (std::int64_t k = 1; k < c->n_buffers; ++k) {
      EXPECT_NE(c->buffers[k], nullptr);
      EXPECT_TRUE(aligned64(c->buffers[k]));
    }
  }
  EXPECT_EQ(buf<std::int64_t>(b.array.children[5], 1)[0], 0);
  EXPECT_EQ(buf<std::int64_t>(b.array.children[6], 1)[0], 0);
  EXPECT_EQ(b.array.children[7]->dictionary->length, 1);
}

TEST(ArrowCData, NoColumns) {
  TableBuilder t(5);
  Batch b;
  t.export_batch(&b.schema, &b.array);
  EXPECT_EQ(b.schema.n_children, 0);
  EXPECT_EQ(b.array.n_children, 0);
  EXPECT_EQ(b.array.length, 5);
}

// ---------------------------------------------------------------------------
// Moving children out (spec: "moved children must be independently releasable").

TEST(ArrowCData, MovedChildOutlivesParent) {
  TableBuilder t(3);
  t.add_int64("a", {1, 2, 3});
  t.add_dictionary_utf8("b", {0, 1, 0}, {"x", "yy"});
  Batch b;
  t.export_batch(&b.schema, &b.array);

  // Move child 1 (the dictionary column) out of both the array and the schema.
  ArrowArray child;
  std::memcpy(&child, b.array.children[1], sizeof child);
  b.array.children[1]->release = nullptr;
  ArrowSchema child_schema;
  std::memcpy(&child_schema, b.schema.children[1], sizeof child_schema);
  b.schema.children[1]->release = nullptr;

  b.array.release(&b.array);  // releases child 0 only
  b.schema.release(&b.schema);
  EXPECT_EQ(b.array.release, nullptr);

  EXPECT_STREQ(child_schema.format, "i");
  EXPECT_STREQ(child_schema.name, "b");
  EXPECT_STREQ(child_schema.dictionary->format, "U");
  EXPECT_EQ(child.length, 3);
  EXPECT_EQ(buf<std::int32_t>(&child, 1)[1], 1);
  EXPECT_EQ(str_at(child.dictionary, 1), "yy");
  child.release(&child);
  EXPECT_EQ(child.release, nullptr);
  child_schema.release(&child_schema);
  EXPECT_EQ(child_schema.release, nullptr);
}

TEST(ArrowCData, MovedDictionaryOutlivesIndices) {
  TableBuilder t(1);
  t.add_dictionary_utf8("b", {0}, {"only"});
  Batch b;
  t.export_batch(&b.schema, &b.array);
  ArrowArray dict;
  std::memcpy(&dict, b.array.children[0]->dictionary, sizeof dict);
  b.array.children[0]->dictionary->release = nullptr;
  ArrowSchema dict_schema;
  std::memcpy(&dict_schema, b.schema.children[0]->dictionary, sizeof dict_schema);
  b.schema.children[0]->dictionary->release = nullptr;
  b.array.release(&b.array);
  b.schema.release(&b.schema);
  EXPECT_EQ(str_at(&dict, 0), "only");
  EXPECT_STREQ(dict_schema.format, "U");
  dict.release(&dict);
  dict_schema.release(&dict_schema);
  EXPECT_EQ(dict.release, nullptr);
  EXPECT_EQ(dict_schema.release, nullptr);
}

TEST(ArrowCData, MovedTopLevelStructReleasable) {
  TableBuilder t(2);
  t.add_utf8_from_views("s", {"a", "b"});
  ArrowSchema s1;
  ArrowArray a1;
  t.export_batch(&s1, &a1);
  ArrowArray a2 = a1;  // consumer moves the struct
  a1.release = nullptr;
  ArrowSchema s2 = s1;
  s1.release = nullptr;
  EXPECT_EQ(str_at(a2.children[0], 1), "b");
  a2.release(&a2);
  s2.release(&s2);
  EXPECT_EQ(a2.release, nullptr);
  EXPECT_EQ(s2.release, nullptr);
}

// ---------------------------------------------------------------------------
// Stream.

TEST(ArrowCStream, OneBatchThenEnd) {
  TableBuilder t(2);
  t.add_int64("start", {5, 6}, {1, 0});
  t.add_dictionary_utf8("strand", {0, 1}, {"+", "-"});
  ArrowArrayStream s;
  t.export_stream(&s);
  EXPECT_EQ(t.num_columns(), 0u);
  EXPECT_EQ(t.num_rows(), 0);
  ASSERT_NE(s.release, nullptr);
  EXPECT_EQ(s.get_last_error(&s), nullptr);

  ArrowSchema schema;
  ASSERT_EQ(s.get_schema(&s, &schema), 0);
  EXPECT_STREQ(schema.format, "+s");
  expect_field(schema, 0, "start", "l");
  expect_field(schema, 1, "strand", "i");
  EXPECT_STREQ(schema.children[1]->dictionary->format, "U");
  schema.release(&schema);

  ArrowArray batch;
  ASSERT_EQ(s.get_next(&s, &batch), 0);
  ASSERT_NE(batch.release, nullptr);
  EXPECT_EQ(batch.length, 2);
  ASSERT_EQ(batch.n_children, 2);
  EXPECT_EQ(batch.children[0]->null_count, 1);
  EXPECT_EQ(buf<std::int64_t>(batch.children[0], 1)[0], 5);
  EXPECT_EQ(str_at(batch.children[1]->dictionary, 1), "-");

  // get_schema again after get_next: an independent copy.
  ArrowSchema schema2;
  ASSERT_EQ(s.get_schema(&s, &schema2), 0);
  EXPECT_STREQ(schema2.children[0]->name, "start");

  ArrowArray end;
  std::memset(&end, 0xAB, sizeof end);
  ASSERT_EQ(s.get_next(&s, &end), 0);
  EXPECT_EQ(end.release, nullptr);
  ASSERT_EQ(s.get_next(&s, &end), 0);  // stays at end
  EXPECT_EQ(end.release, nullptr);

  // The batch and schema outlive the stream.
  s.release(&s);
  EXPECT_EQ(s.release, nullptr);
  EXPECT_EQ(buf<std::int64_t>(batch.children[0], 1)[1], 6);
  batch.release(&batch);
  schema2.release(&schema2);
}

TEST(ArrowCStream, ZeroRowsStillYieldsOneEmptyBatch) {
  TableBuilder t(0);
  t.add_int64("start", {});
  t.add_utf8_from_views("id", {});
  ArrowArrayStream s;
  t.export_stream(&s);
  ArrowArray batch;
  ASSERT_EQ(s.get_next(&s, &batch), 0);
  ASSERT_NE(batch.release, nullptr);
  EXPECT_EQ(batch.length, 0);
  EXPECT_EQ(batch.n_children, 2);
  batch.release(&batch);
  ArrowArray end;
  ASSERT_EQ(s.get_next(&s, &end), 0);
  EXPECT_EQ(end.release, nullptr);
  ArrowSchema schema;
  ASSERT_EQ(s.get_schema(&s, &schema), 0);
  EXPECT_EQ(schema.n_children, 2);
  schema.release(&schema);
  s.release(&s);
}

TEST(ArrowCStream, ReleaseWithoutFetchingFreesBatch) {
  TableBuilder t(3);
  t.add_dictionary_utf8("d", {0, 0, 0}, {"a"});
  t.add_large_utf8("s", {0, 1, 2, 3}, "xyz");
  ArrowArrayStream s;
  t.export_stream(&s);
  s.release(&s);  // ASan: the unfetched batch must not leak
  EXPECT_EQ(s.release, nullptr);
}

TEST(ArrowCStream, InvalidArguments) {
  TableBuilder t(1);
  t.add_int8("x", {1});
  ArrowArrayStream s;
  t.export_stream(&s);
  EXPECT_NE(s.get_schema(&s, nullptr), 0);
  EXPECT_NE(s.get_next(&s, nullptr), 0);
  s.release(&s);
}

// ---------------------------------------------------------------------------
// Builder errors and state.

TEST(ArrowTableBuilder, RejectsBadInput) {
  EXPECT_THROW(TableBuilder(-1), std::invalid_argument);
  TableBuilder t(3);
  EXPECT_THROW(t.add_int64("a", {1, 2}), std::invalid_argument);
  EXPECT_THROW(t.add_int32("a", {1, 2, 3, 4}), std::invalid_argument);
  EXPECT_THROW(t.add_uint32("a", {1, 2, 3}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(t.add_int8("a", {1, 2}), std::invalid_argument);
  EXPECT_THROW(t.add_float64("a", {1.0}), std::invalid_argument);
  EXPECT_THROW(t.add_utf8_from_views("a", {"x"}), std::invalid_argument);
  EXPECT_THROW(t.add_large_utf8("a", {0, 1, 2}, "ab"), std::invalid_argument);        // too few offsets
  EXPECT_THROW(t.add_large_utf8("a", {1, 1, 2, 3}, "abc"), std::invalid_argument);    // not starting at 0
  EXPECT_THROW(t.add_large_utf8("a", {0, 2, 1, 3}, "abc"), std::invalid_argument);    // decreasing
  EXPECT_THROW(t.add_large_utf8("a", {0, 1, 2, 4}, "abc"), std::invalid_argument);    // past data
  EXPECT_THROW(t.add_large_utf8("a", {0, 1, 2, 2}, "abc"), std::invalid_argument);    // short of data
  EXPECT_THROW(t.add_dictionary_utf8("a", {0, 1, 2}, {"x", "y"}), std::invalid_argument);   // index 2
  EXPECT_THROW(t.add_dictionary_utf8("a", {0, -1, 1}, {"x", "y"}), std::invalid_argument);  // negative
  EXPECT_THROW(t.add_dictionary_utf8("a", {0, 1}, {"x", "y"}), std::invalid_argument);
  EXPECT_EQ(t.num_columns(), 0u);  // nothing was added by a failed call
  try {
    t.add_int64("start", {1});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("start"), std::string::npos);
  }
  ArrowArrayStream* null_stream = nullptr;
  EXPECT_THROW(t.export_stream(null_stream), std::invalid_argument);
  ArrowArray a;
  EXPECT_THROW(t.export_batch(nullptr, &a), std::invalid_argument);
}

TEST(ArrowTableBuilder, UnexportedBuilderFreesEverything) {
  TableBuilder t(2);
  t.add_dictionary_utf8("d", {0, 1}, {"a", "b"}, {1, 0});
  t.add_large_utf8("s", {0, 1, 2}, "xy", {0, 1});
  t.add_float64("f", {1.5, 2.5});
  EXPECT_EQ(t.num_columns(), 3u);
  // Destructor runs here; ASan reports any leak.
}

TEST(ArrowTableBuilder, MoveLeavesSourceEmpty) {
  TableBuilder a(2);
  a.add_int64("x", {1, 2});
  TableBuilder b(std::move(a));
  EXPECT_EQ(a.num_rows(), 0);  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(a.num_columns(), 0u);
  EXPECT_EQ(b.num_rows(), 2);
  EXPECT_EQ(b.num_columns(), 1u);
  TableBuilder c(7);
  c = std::move(b);
  EXPECT_EQ(c.num_rows(), 2);
  EXPECT_EQ(c.num_columns(), 1u);
  Batch out;
  c.export_batch(&out.schema, &out.array);
  EXPECT_EQ(out.array.length, 2);
}

TEST(ArrowTableBuilder, ExportTwiceGivesEmptySecondBatch) {
  TableBuilder t(2);
  t.add_int64("x", {1, 2});
  Batch first;
  t.export_batch(&first.schema, &first.array);
  Batch second;
  t.export_batch(&second.schema, &second.array);
  EXPECT_EQ(second.array.length, 0);
  EXPECT_EQ(second.array.n_children, 0);
  EXPECT_EQ(second.schema.n_children, 0);
}

}  // namespace

TEST(ArrowTableBuilder, ColumnBuffersAreAdoptedWithoutACopy) {
  using gffbase::arrow::ColumnBuffer;
  const std::size_t n = 3;
  auto ints = ColumnBuffer<std::int64_t>::uninitialized(n);
  auto idx = ColumnBuffer<std::int32_t>::uninitialized(n);
  auto off = ColumnBuffer<std::int64_t>::uninitialized(n + 1);
  auto bytes = ColumnBuffer<char>::uninitialized(6);
  for (std::size_t i = 0; i < n; ++i) {
    ints[i] = static_cast<std::int64_t>(10 * i);
    idx[i] = static_cast<std::int32_t>(i % 2);
  }
  off[0] = 0, off[1] = 1, off[2] = 3, off[3] = 6;
  std::memcpy(bytes.data(), "abbccc", 6);
  const void* ints_at = ints.data();
  const void* idx_at = idx.data();
  const void* off_at = off.data();
  const void* bytes_at = bytes.data();
  EXPECT_TRUE(aligned64(ints_at) && aligned64(bytes_at));
  // The padding up to a 64-byte multiple is zeroed at allocation.
  EXPECT_EQ(std::memcmp(static_cast<const char*>(bytes_at) + 6, std::string(58, '\0').data(), 58), 0);
  TableBuilder t(static_cast<std::int64_t>(n));
  t.add_int64("x", std::move(ints));
  t.add_dictionary_utf8("d", std::move(idx), {"p", "q"});
  t.add_large_utf8("s", std::move(off), std::move(bytes));
  EXPECT_EQ(ints.data(), nullptr);  // moved from
  Batch b;
  t.export_batch(&b.schema, &b.array);
  EXPECT_EQ(b.array.children[0]->buffers[1], ints_at);
  EXPECT_EQ(b.array.children[1]->buffers[1], idx_at);
  EXPECT_EQ(b.array.children[2]->buffers[1], off_at);
  EXPECT_EQ(b.array.children[2]->buffers[2], bytes_at);
  EXPECT_EQ(buf<std::int64_t>(b.array.children[0], 1)[2], 20);
  EXPECT_EQ(str_at(b.array.children[2], 2), "ccc");
}

TEST(ArrowTableBuilder, ColumnBufferChecksMatchTheVectorOverloads) {
  using gffbase::arrow::ColumnBuffer;
  TableBuilder t(2);
  EXPECT_THROW(t.add_int64("a", ColumnBuffer<std::int64_t>::uninitialized(3)), std::invalid_argument);
  auto off = ColumnBuffer<std::int64_t>::uninitialized(3);
  off[0] = 0, off[1] = 2, off[2] = 1;  // decreasing
  EXPECT_THROW(t.add_large_utf8("s", std::move(off), ColumnBuffer<char>::uninitialized(1)), std::invalid_argument);
  auto idx = ColumnBuffer<std::int32_t>::uninitialized(2);
  idx[0] = 0, idx[1] = 5;
  EXPECT_THROW(t.add_dictionary_utf8("d", std::move(idx), {"p"}), std::invalid_argument);
  EXPECT_EQ(t.num_columns(), 0u);
}
