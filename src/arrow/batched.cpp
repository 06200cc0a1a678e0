#include "gffbase/arrow/batched.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <exception>
#include <thread>
#include <unordered_map>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/io/input.hpp"
#include "gffbase/parse/attributes.hpp"
#include "../common/parallel_parts.hpp"
#include "../common/radix_sort.hpp"

namespace gffbase {
namespace {

std::vector<std::string_view> dictionary(const Database& db, std::string_view (Database::*name)(std::uint32_t) const,
                                         std::size_t count) {
  std::vector<std::string_view> d;
  d.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) d.push_back((db.*name)(i));
  return d;
}

// memcpy for the short strings of ID columns (~10-30 bytes), inline: as a
// libc call per string it was ~10% of children_batched's warm time (perf).
// Overlapping fixed-size moves read and write only [src, src + n).
inline void copy_short(char* dst, const char* src, std::size_t n) {
  if (n >= 16 && n <= 32) {
    char a[16], b[16];
    std::memcpy(a, src, 16);
    std::memcpy(b, src + n - 16, 16);
    std::memcpy(dst, a, 16);
    std::memcpy(dst + n - 16, b, 16);
  } else if (n >= 8 && n < 16) {
    std::uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n > 32) {
    std::memcpy(dst, src, n);
  } else {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

// A large_utf8 column of n strings: entry k's string str(k) goes to output
// row pos(k) (a permutation of 0..n-1).  Built in parallel parts: lengths,
// offsets (a serial prefix sum), then the bytes.
template <typename Str, typename Pos>
void add_gathered_strings(arrow::TableBuilder& t, const char* name, std::size_t n, int threads, Str&& str,
                          Pos&& pos) {
  // pos is a permutation, so every entry of off (and every byte of data) is
  // written: ColumnBuffers start uninitialised.
  auto off = arrow::ColumnBuffer<std::int64_t>::uninitialized(n + 1);
  off[0] = 0;
  internal::parallel_parts(n, threads, 16384, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t k = b; k < e; ++k) off[pos(k) + 1] = static_cast<std::int64_t>(str(k).size());
  });
  for (std::size_t i = 0; i < n; ++i) off[i + 1] += off[i];
  auto data = arrow::ColumnBuffer<char>::uninitialized(static_cast<std::size_t>(off[n]));
  internal::parallel_parts(n, threads, 16384, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t k = b; k < e; ++k) {
      const std::string_view v = str(k);
      copy_short(data.data() + off[pos(k)], v.data(), v.size());
    }
  });
  t.add_large_utf8(name, std::move(off), std::move(data));
}

// Output position of entry k: `position[k]`, or k when `position` is empty.
struct Positions {
  const std::vector<std::uint32_t>& position;
  std::size_t operator()(std::size_t k) const { return position.empty() ? k : position[k]; }
};

// The nine-column part shared by both result shapes.  Gathering from random
// rows is memory-bound: the rows are split over the threads.
void add_row_columns(const Database& db, const std::vector<RowId>& rows, const std::vector<std::uint32_t>& position,
                     arrow::TableBuilder& t, bool with_id, const char* id_name, int threads) {
  const Positions pos{position};
  const std::size_t n = rows.size();
  if (with_id) {
    // The IDs straight from the feature-ID column.
    const auto feat = db.row_features();
    const auto id_off = db.feature_id_offsets();
    const std::string_view id_bytes = db.feature_id_bytes();
    add_gathered_strings(
        t, id_name, n, threads,
        [&](std::size_t k) {
          const std::uint32_t f = feat[rows[k]];
          return id_bytes.substr(static_cast<std::size_t>(id_off[f]),
                                 static_cast<std::size_t>(id_off[f + 1] - id_off[f]));
        },
        pos);
  }
  const auto seq = db.seqid_codes();
  const auto src = db.source_codes();
  const auto typ = db.type_codes_column();
  const auto st = db.starts();
  const auto en = db.ends();
  const auto sc = db.scores();
  const auto sd = db.strands();
  const auto ph = db.phases();
  const auto fo = db.file_orders();
  const auto fl = db.flags();
  // Uninitialised: the parallel loop below writes every slot (pos is a permutation).
  using I32 = arrow::ColumnBuffer<std::int32_t>;
  using I64 = arrow::ColumnBuffer<std::int64_t>;
  using I8 = arrow::ColumnBuffer<std::int8_t>;  // strand and frame: a fixed dictionary of 4
  I32 seqid = I32::uninitialized(n), source = I32::uninitialized(n), type = I32::uninitialized(n);
  I8 strand = I8::uninitialized(n), frame = I8::uninitialized(n);
  I64 start = I64::uninitialized(n), end = I64::uninitialized(n), file_order = I64::uninitialized(n);
  auto score = arrow::ColumnBuffer<double>::uninitialized(n);
  std::vector<std::uint8_t> score_valid(n), coord_valid(n);
  const int parts = std::max(1, resolve_threads(threads));
  std::vector<std::uint8_t> null_score(parts, 0), null_coord(parts, 0);
  internal::parallel_parts(n, threads, 16384, [&](std::size_t b, std::size_t e, int part) {
    bool any_null_score = false, any_null_coord = false;
    for (std::size_t k = b; k < e; ++k) {
      const RowId r = rows[k];
      const std::size_t i = pos(k);
      seqid[i] = static_cast<std::int32_t>(seq[r]);
      source[i] = static_cast<std::int32_t>(src[r]);
      type[i] = static_cast<std::int32_t>(typ[r]);
      start[i] = st[r];
      end[i] = en[r];
      coord_valid[i] = !(fl[r] & kRowNoCoords);
      any_null_coord |= !coord_valid[i];
      score[i] = std::isnan(sc[r]) ? 0.0 : sc[r];
      score_valid[i] = !std::isnan(sc[r]);
      any_null_score |= !score_valid[i];
      const char s = static_cast<char>(sd[r]);
      strand[i] = static_cast<std::int8_t>(s == '+' ? 0 : s == '-' ? 1 : s == '.' ? 2 : 3);
      frame[i] = static_cast<std::int8_t>(ph[r] < 0 ? 3 : ph[r]);
      file_order[i] = fo[r];
    }
    null_score[part] = any_null_score;
    null_coord[part] = any_null_coord;
  });
  const bool any_null_score = std::find(null_score.begin(), null_score.end(), 1) != null_score.end();
  const bool any_null_coord = std::find(null_coord.begin(), null_coord.end(), 1) != null_coord.end();
  static const std::vector<std::string_view> kStrands = {"+", "-", ".", "?"};
  static const std::vector<std::string_view> kFrames = {"0", "1", "2", "."};
  t.add_dictionary_utf8("seqid", std::move(seqid), dictionary(db, &Database::seqid_name, db.seqid_count()));
  t.add_dictionary_utf8("source", std::move(source), dictionary(db, &Database::source_name, db.source_count()));
  t.add_dictionary_utf8("featuretype", std::move(type), dictionary(db, &Database::type_name, db.type_count()));
  std::vector<std::uint8_t> coord_valid2 = any_null_coord ? coord_valid : std::vector<std::uint8_t>{};
  t.add_int64("start", std::move(start), any_null_coord ? std::move(coord_valid) : std::vector<std::uint8_t>{});
  t.add_int64("end", std::move(end), std::move(coord_valid2));
  t.add_float64("score", std::move(score), any_null_score ? std::move(score_valid) : std::vector<std::uint8_t>{});
  t.add_dictionary_utf8("strand", std::move(strand), kStrands);
  t.add_dictionary_utf8("frame", std::move(frame), kFrames);
  t.add_int64("file_order", std::move(file_order));
}

}  // namespace

namespace {
// Indexes i with codes[i] != kNone, ordered by (codes[i], starts[i]) as far
// as a packed 64-bit key holds them: (code | start clamped | i).
std::vector<std::uint32_t> locality_order(const std::vector<std::uint32_t>& codes, const std::vector<Coord>& starts) {
  const std::size_t n = codes.size();
  int index_bits = 1, code_bits = 1;
  while (index_bits < 32 && (std::uint64_t{1} << index_bits) < n) ++index_bits;
  std::uint32_t max_code = 0;
  for (std::uint32_t c : codes) {
    if (c != kNone) max_code = std::max(max_code, c);
  }
  while (code_bits < 32 && (std::uint64_t{1} << code_bits) <= max_code) ++code_bits;
  const int start_bits = 64 - index_bits - code_bits;
  const std::uint64_t start_max = (std::uint64_t{1} << start_bits) - 1;
  std::vector<std::uint64_t> keys;
  keys.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (codes[i] == kNone) continue;
    const std::uint64_t s = starts[i] <= 0 ? 0 : std::min<std::uint64_t>(static_cast<std::uint64_t>(starts[i]), start_max);
    keys.push_back((std::uint64_t{codes[i]} << (64 - code_bits)) | (s << index_bits) | i);
  }
  internal::radix_sort_u64(keys);
  std::vector<std::uint32_t> order(keys.size());
  const std::uint64_t index_mask = (std::uint64_t{1} << index_bits) - 1;
  for (std::size_t k = 0; k < keys.size(); ++k) order[k] = static_cast<std::uint32_t>(keys[k] & index_mask);
  return order;
}
}  // namespace

// Results computed in a locality-friendly order carry their input position;
// a stable counting sort by that position gives each entry its place in the
// result (entries of one input keep their row order).
std::vector<std::uint32_t> output_positions(const std::vector<std::uint32_t>& input_index, std::size_t n_inputs) {
  std::vector<std::uint32_t> start(n_inputs + 1, 0);
  for (auto i : input_index) start[i + 1]++;
  for (std::size_t i = 0; i < n_inputs; ++i) start[i + 1] += start[i];
  std::vector<std::uint32_t> position(input_index.size());
  for (std::size_t k = 0; k < input_index.size(); ++k) position[k] = start[input_index[k]]++;
  return position;
}

HierarchyBatch hierarchy_batched(const Database& db, std::span<const FeatureIndex> anchors, const HierarchyQuery& q,
                                 bool children, int threads) {
  db.check_query_sections(threads, children ? Database::Reads::kChildren : Database::Reads::kParents);
  // Walk anchors in feature order: neighbouring features share cache lines in
  // every adjacency array, so a random batch costs streaming, not misses.
  std::vector<std::uint32_t> order;
  order.reserve(anchors.size());
  for (std::uint32_t i = 0; i < anchors.size(); ++i) {
    if (anchors[i] != kNone && anchors[i] < db.feature_count()) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return anchors[a] < anchors[b]; });
  const int parts = std::max(1, resolve_threads(threads));
  std::vector<HierarchyBatch> partial(parts);
  internal::parallel_parts(order.size(), threads, 2048, [&](std::size_t b, std::size_t e, int part) {
    HierarchyBatch& out = partial[part];
    WalkScratch scratch;
    std::vector<RelatedRow> related;
    for (std::size_t k = b; k < e; ++k) {
      const std::uint32_t i = order[k];
      related.clear();
      db.walk_into(anchors[i], q, children, scratch, related);
      for (const RelatedRow& r : related) {
        out.input_index.push_back(i);
        out.rows.push_back(r.row);
        out.depth.push_back(r.depth);
      }
    }
  });
  HierarchyBatch all = std::move(partial[0]);
  for (int p = 1; p < parts; ++p) {
    all.input_index.insert(all.input_index.end(), partial[p].input_index.begin(), partial[p].input_index.end());
    all.rows.insert(all.rows.end(), partial[p].rows.begin(), partial[p].rows.end());
    all.depth.insert(all.depth.end(), partial[p].depth.begin(), partial[p].depth.end());
  }
  all.position = output_positions(all.input_index, anchors.size());
  return all;
}

Result<RegionBatch> region_batched(const Database& db, const RegionBatchQuery& qs, const RegionQuery& filters,
                                   int threads) {
  const std::size_t n = qs.seqids.size();
  if (qs.starts.size() != n || qs.ends.size() != n) {
    return Status::invalid_argument("region_batched: seqids, starts and ends differ in length");
  }
  if (!qs.strands.empty() && qs.strands.size() != n) {
    return Status::invalid_argument("region_batched: strands and seqids differ in length");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!qs.strands.empty() && qs.strands[i] != 0 && qs.strands[i] != '+' && qs.strands[i] != '-' &&
        qs.strands[i] != '.' && qs.strands[i] != '?') {
      return Status::invalid_argument("region_batched: query " + std::to_string(i) +
                                      ": expected a strand of +, -, . or ?, found '" +
                                      std::string(1, static_cast<char>(qs.strands[i])) + "'");
    }
    if (qs.starts[i] > qs.ends[i]) {
      return Status::invalid_argument("region_batched: query " + std::to_string(i) + " (" + qs.seqids[i] + ":" +
                                      std::to_string(qs.starts[i]) + "-" + std::to_string(qs.ends[i]) +
                                      ") has start after end");
    }
  }
  // Seqid names -> codes, each distinct name looked up once (a batch names a
  // few dozen seqids, in any order).
  std::vector<std::uint32_t> codes(n, kNone);
  {
    std::unordered_map<std::string_view, std::uint32_t> known;
    std::string_view last;
    std::uint32_t last_code = kNone;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view name = qs.seqids[i];
      if (i == 0 || name != last) {
        auto [it, fresh] = known.try_emplace(name, kNone);
        if (fresh) it->second = db.seqid_code(name).value_or(kNone);
        last = name;
        last_code = it->second;
      }
      codes[i] = last_code;
    }
  }
  db.check_query_sections(threads, Database::Reads::kRegions);
  // Answer queries in (seqid, start) order so consecutive queries walk
  // neighbouring parts of the interval index; then restore input order.
  // The order only serves locality (results are placed by input position),
  // so the key may be coarse: seqid code, then start clamped to the bits
  // left beside the query index; radix-sorted.
  std::vector<std::uint32_t> order = locality_order(codes, qs.starts);
  const int parts = std::max(1, resolve_threads(threads));
  std::vector<RegionBatch> partial(parts);
  internal::parallel_parts(order.size(), threads, 4096, [&](std::size_t b, std::size_t e, int part) {
    RegionBatch& out = partial[part];
    RegionQuery own = filters;  // this part's copy, for the strand a region names
    const bool per_query_strand = !qs.strands.empty() && filters.strand == 0;
    // order[] visits the inputs at random: their fields are fetched a few
    // queries ahead (these loads were half of this loop's own time).
    constexpr std::size_t kAhead = 16;
    for (std::size_t k = b; k < e; ++k) {
      if (k + kAhead < e) {
        const std::uint32_t j = order[k + kAhead];
        __builtin_prefetch(&codes[j]);
        __builtin_prefetch(&qs.starts[j]);
        __builtin_prefetch(&qs.ends[j]);
      }
      const std::uint32_t i = order[k];
      if (per_query_strand) own.strand = qs.strands[i];
      db.region_into(codes[i], qs.starts[i], qs.ends[i], per_query_strand ? own : filters, out.rows);
      out.query_index.resize(out.rows.size(), i);
    }
  });
  RegionBatch all = std::move(partial[0]);
  for (int p = 1; p < parts; ++p) {
    all.query_index.insert(all.query_index.end(), partial[p].query_index.begin(), partial[p].query_index.end());
    all.rows.insert(all.rows.end(), partial[p].rows.begin(), partial[p].rows.end());
  }
  all.position = output_positions(all.query_index, n);
  return all;
}

void export_hierarchy_arrow(const Database& db, std::span<const std::string_view> anchor_names,
                            const HierarchyBatch& batch, ArrowArrayStream* out, int threads) {
  const std::size_t n = batch.rows.size();
  const Positions pos{batch.position};
  arrow::TableBuilder t(static_cast<std::int64_t>(n));
  // `anchor` stays a plain string column, as in gffbase 0.3: code that builds
  // a value set from its type (pc.is_in(t["anchor"], pa.array(ids,
  // type=t["anchor"].type))) breaks on a dictionary type (tried: the bench
  // harness did).
  add_gathered_strings(
      t, "anchor", n, threads, [&](std::size_t k) { return anchor_names[batch.input_index[k]]; },
      pos);
  add_row_columns(db, batch.rows, batch.position, t, true, "descendant_id", threads);
  auto depth = arrow::ColumnBuffer<std::int32_t>::uninitialized(n);
  for (std::size_t k = 0; k < n; ++k) depth[pos(k)] = static_cast<std::int32_t>(batch.depth[k]);
  t.add_int32("depth", std::move(depth));
  t.export_stream(out);
}

void export_region_arrow(const Database& db, const RegionBatchQuery& qs, const RegionBatch& batch,
                         ArrowArrayStream* out, int threads) {
  const std::size_t n = batch.rows.size();
  const Positions pos{batch.position};
  arrow::TableBuilder t(static_cast<std::int64_t>(n));
  using I64 = arrow::ColumnBuffer<std::int64_t>;  // every slot is written below
  I64 qidx = I64::uninitialized(n), qstart = I64::uninitialized(n), qend = I64::uninitialized(n);
  // A hit lies on its query's seqid, so query_seqid is the hit's seqid code,
  // dictionary-encoded like `seqid` (4 bytes a row instead of a gathered
  // string: ~16 MB less fresh memory for 1M regions on mouse).
  auto qseqid = arrow::ColumnBuffer<std::int32_t>::uninitialized(n);
  const auto seq = db.seqid_codes();
  internal::parallel_parts(n, threads, 16384, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t k = b; k < e; ++k) {
      const std::uint32_t q = batch.query_index[k];
      const std::size_t i = pos(k);
      qidx[i] = q;
      qseqid[i] = static_cast<std::int32_t>(seq[batch.rows[k]]);
      qstart[i] = qs.starts[q];
      qend[i] = qs.ends[q];
    }
  });
  t.add_int64("query_idx", std::move(qidx));
  t.add_dictionary_utf8("query_seqid", std::move(qseqid), dictionary(db, &Database::seqid_name, db.seqid_count()));
  t.add_int64("query_start", std::move(qstart));
  t.add_int64("query_end", std::move(qend));
  add_row_columns(db, batch.rows, batch.position, t, true, "id", threads);
  t.export_stream(out);
}

void export_features_arrow(const Database& db, ArrowArrayStream* out) {
  std::vector<RowId> rows(db.row_count());
  for (RowId r = 0; r < rows.size(); ++r) rows[r] = r;
  arrow::TableBuilder t(static_cast<std::int64_t>(rows.size()));
  add_row_columns(db, rows, {}, t, true, "id", 0);
  std::vector<std::int64_t> off(rows.size() + 1, 0);
  std::string data;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    data.append(db.row_attributes(rows[i]));
    off[i + 1] = static_cast<std::int64_t>(data.size());
  }
  t.add_large_utf8("attributes", std::move(off), std::move(data));
  std::vector<std::int8_t> synthetic(rows.size());
  const auto fl = db.flags();
  for (std::size_t i = 0; i < rows.size(); ++i) synthetic[i] = (fl[i] & kRowSynthetic) ? 1 : 0;
  t.add_int8("synthetic", std::move(synthetic));
  t.export_stream(out);
}

void export_relations_arrow(const Database& db, ArrowArrayStream* out) {
  std::vector<std::string_view> parents, children;
  for (FeatureIndex f = 0; f < db.feature_count(); ++f) {
    for (FeatureIndex c : db.children_of(f)) {
      parents.push_back(db.feature_id(f));
      children.push_back(db.feature_id(c));
    }
  }
  arrow::TableBuilder t(static_cast<std::int64_t>(parents.size()));
  t.add_utf8_from_views("parent", parents);
  t.add_utf8_from_views("child", children);
  t.add_int32("level", std::vector<std::int32_t>(parents.size(), 1));
  t.export_stream(out);
}

void export_attributes_arrow(const Database& db, ArrowArrayStream* out) {
  const bool gff3 = db.gff3_attributes();
  std::vector<std::string_view> ids, keys;
  std::vector<std::int64_t> voff{0};
  std::string vdata;
  std::vector<std::uint8_t> valid;
  std::vector<std::int32_t> idx;
  std::vector<std::int64_t> rows_col;
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  for (RowId r = 0; r < db.row_count(); ++r) {
    items.clear();
    scratch.clear();
    parse_attributes(db.row_attributes(r), gff3, items, scratch);
    for (const auto& it : items) {
      ids.push_back(db.row_id(r));
      keys.push_back(it.key);
      vdata.append(it.value);
      voff.push_back(static_cast<std::int64_t>(vdata.size()));
      valid.push_back(it.has_value);
      idx.push_back(it.value_index);
      rows_col.push_back(r);
    }
  }
  // keys are views into the mapped file or into `scratch` for decoded keys;
  // add_utf8_from_views copies them before scratch is reused.
  arrow::TableBuilder t(static_cast<std::int64_t>(ids.size()));
  t.add_utf8_from_views("feature_id", ids);
  t.add_utf8_from_views("key", keys);
  t.add_large_utf8("value", std::move(voff), std::move(vdata), std::move(valid));
  t.add_int32("idx", std::move(idx));
  t.add_int64("row", std::move(rows_col));
  t.export_stream(out);
}

}  // namespace gffbase
