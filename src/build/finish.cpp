// Sorting rows and building every index: the part of the build that works on
// whole columns.
#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>

#include "draft.hpp"
#include "gffbase/hash.hpp"
#include "../common/background_task.hpp"
#include "../common/huge_pages.hpp"
#include "../common/radix_sort.hpp"
#include "gffbase/query/interval_index.hpp"

namespace gffbase::internal {
namespace {

// The table's dictionary of one column: the build's values that some kept row
// uses, sorted by name; `codes` gets each kept row's code in it.  Works on the
// codes the parser assigned, never on the text.
void encode_dictionary(const std::vector<DraftRow>& rows, std::uint32_t RawRecord::*field, const Dictionary& d,
                       const std::vector<std::uint32_t>& keep, StringColumn& dict, std::vector<std::uint32_t>& codes) {
  std::vector<std::uint8_t> used(d.values.size(), 0);
  codes.resize(keep.size());
  for (std::size_t i = 0; i < keep.size(); ++i) {
    codes[i] = rows[keep[i]].rec->*field;
    used[codes[i]] = 1;
  }
  std::vector<std::uint32_t> order;
  for (std::uint32_t v = 0; v < used.size(); ++v) {
    if (used[v]) order.push_back(v);
  }
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return d.values[a] < d.values[b]; });
  std::vector<std::uint32_t> rank(d.values.size(), kNone);
  for (std::uint32_t r = 0; r < order.size(); ++r) {
    rank[order[r]] = r;
    dict.push(d.values[order[r]]);
  }
  for (auto& c : codes) c = rank[c];
}

// Compressed sparse rows of n (key, value) pairs, key_of(i) < n_keys: the
// values of key k are items[offsets[k], offsets[k + 1]), in i order.  The
// pairs are read through callables, so no key or value arrays are built
// (at GENCODE scale those temporaries were ~180 MB to allocate and zero).
template <typename Key, typename Value>
void build_csr(std::size_t n, std::size_t n_keys, Key&& key_of, Value&& value_of, std::vector<std::uint32_t>& offsets,
               std::vector<std::uint32_t>& items) {
  assign_huge(offsets, n_keys + 1, 0u);
  for (std::size_t i = 0; i < n; ++i) offsets[key_of(i) + 1]++;
  for (std::size_t k = 0; k < n_keys; ++k) offsets[k + 1] += offsets[k];
  reserve_huge(items, n);
  items.resize(n);
  // offsets[k] serves as key k's fill cursor, ending at the next key's start;
  // shifting by one entry restores the starts.
  for (std::size_t i = 0; i < n; ++i) items[offsets[key_of(i)]++] = static_cast<std::uint32_t>(value_of(i));
  for (std::size_t k = n_keys; k > 0; --k) offsets[k] = offsets[k - 1];
  offsets[0] = 0;
}

// key=value index: packed (hash32, row) entries, sorted by (hash, row).
// `for_each_entry(release, f)` calls f(hash << 32 | row) for every entry to
// index (twice: a count, then a scatter with release = true, when the source
// may free what it has read).
//
// Sorted in two steps without a second buffer: a counting scatter by the top
// 16 hash bits straight from the source, then each bucket (~100 entries on
// mouse) sorted in cache.  A radix sort over one concatenated copy needed
// that copy plus as large a temporary: ~110 MB (mouse) to ~540 MB (GENCODE
// scale) more to allocate and zero.
template <typename ForEachEntry>
std::vector<std::uint64_t> sort_attribute_entries(ForEachEntry&& for_each_entry) {
  constexpr std::size_t kBuckets = 1 << 16;
  std::vector<std::size_t> start(kBuckets + 1, 0);
  for_each_entry(false, [&](std::uint64_t x) { start[(x >> 48) + 1]++; });
  for (std::size_t b = 0; b < kBuckets; ++b) start[b + 1] += start[b];
  std::vector<std::uint64_t> entries;
  assign_huge(entries, start[kBuckets]);
  {
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for_each_entry(true, [&](std::uint64_t x) { entries[fill[x >> 48]++] = x; });
  }
  for (std::size_t b = 0; b < kBuckets; ++b) {
    std::sort(entries.begin() + static_cast<std::ptrdiff_t>(start[b]),
              entries.begin() + static_cast<std::ptrdiff_t>(start[b + 1]));
  }
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  return entries;
}

// Calls f(hash << 32 | row) for each (hash << 32 | k) entry, row = row_of(k);
// entries whose row was dropped (kNone) are skipped.
template <typename RowOf, typename F>
void emit_at_rows(std::span<const std::uint64_t> entries, RowOf&& row_of, F&& f) {
  constexpr std::uint64_t kHashBits = 0xFFFFFFFF00000000ULL;
  for (std::uint64_t e : entries) {
    const std::uint32_t row = row_of(static_cast<std::uint32_t>(e));
    if (row != kNone) f((e & kHashBits) | row);
  }
}

// The parsed entries of every chunk (low bits: the record's index in its
// chunk) at row_of_record[record], each chunk's entries freed once
// scattered; then `extra` (low bits: a draft row) at row_of_draft[row].
std::vector<std::uint64_t> build_attribute_index(std::vector<ParsedChunk>& chunks,
                                                 std::span<const std::uint64_t> extra,
                                                 std::span<const std::uint32_t> row_of_record,
                                                 std::span<const std::uint32_t> row_of_draft) {
  return sort_attribute_entries([&](bool release, auto&& f) {
    std::uint32_t base = 0;
    for (auto& c : chunks) {
      emit_at_rows(c.attr_entries, [&](std::uint32_t k) { return row_of_record[base + k]; }, f);
      base += static_cast<std::uint32_t>(c.records.size());
      if (release) std::vector<std::uint64_t>().swap(c.attr_entries);
    }
    emit_at_rows(extra, [&](std::uint32_t k) { return row_of_draft[k]; }, f);
  });
}

// seqid_rows[s] = the first row of seqid rank s (rows grouped by rank), and
// seqid_rows[n_seqids] = n.
template <typename SeqidOf>
void count_rows_by_seqid(std::size_t n, std::size_t n_seqids, SeqidOf&& seqid_of,
                         std::vector<std::uint32_t>& seqid_rows) {
  seqid_rows.assign(n_seqids + 1, 0);
  for (std::uint32_t i = 0; i < n; ++i) seqid_rows[seqid_of(i) + 1]++;
  for (std::size_t s = 0; s < n_seqids; ++s) seqid_rows[s + 1] += seqid_rows[s];
}

// Row order: by seqid rank (a counting sort that keeps index order), then by
// (start, end, index).  key(i) gives item i's seqid rank, start and end.
// Fills seqid_rows (count_rows_by_seqid) and returns the order (sorted
// position -> item index).
template <typename Key>
std::vector<std::uint32_t> sort_rows(std::size_t n, std::size_t n_seqids, Key&& key,
                                     std::vector<std::uint32_t>& seqid_rows) {
  count_rows_by_seqid(n, n_seqids, [&](std::uint32_t i) { return key(i).seqid; }, seqid_rows);
  std::vector<std::uint32_t> order;  // sorted position -> item index
  assign_huge(order, n);
  {
    std::vector<std::uint32_t> fill(seqid_rows.begin(), seqid_rows.end() - 1);
    for (std::uint32_t i = 0; i < n; ++i) order[fill[key(i).seqid]++] = i;
  }
  // Sort keys are copied out once, so the sort touches one small array
  // instead of chasing each row's record; buckets that are already sorted
  // (the common case in GFF3) cost one scan.  Others (GTF: every transcript
  // goes back to its gene's start) are radix-sorted, by end and then by
  // start, each stable, so ties keep index order: this loop took ~115-140 ms of
  // the mouse GTF's build with std::sort, ~77-100 ms so, on the thread that
  // decides when assemble's result can be used.  Coordinates enter as offsets from the
  // bucket's smallest, so the passes cover only the bits that vary.
  struct SortKey {
    std::int64_t start, end;
    std::uint32_t index;
    bool operator<(const SortKey& o) const {
      if (start != o.start) return start < o.start;
      if (end != o.end) return end < o.end;
      return index < o.index;
    }
  };
  std::vector<SortKey> keys, scratch;
  for (std::size_t s = 0; s < n_seqids; ++s) {
    const std::size_t b = seqid_rows[s], e = seqid_rows[s + 1];
    keys.resize(e - b);
    for (std::size_t i = b; i < e; ++i) {
      const auto k = key(order[i]);
      keys[i - b] = {k.start, k.end, order[i]};
    }
    if (std::is_sorted(keys.begin(), keys.end())) continue;
    if (keys.size() < (1u << 14)) {
      std::sort(keys.begin(), keys.end());
    } else {
      std::int64_t min_start = keys[0].start, min_end = keys[0].end;
      for (const SortKey& k : keys) min_start = std::min(min_start, k.start), min_end = std::min(min_end, k.end);
      // Offsets in unsigned arithmetic: exact for any pair of int64 values.
      stable_radix_sort_by(keys, scratch, [min_end](const SortKey& k) {
        return static_cast<std::uint64_t>(k.end) - static_cast<std::uint64_t>(min_end);
      });
      stable_radix_sort_by(keys, scratch, [min_start](const SortKey& k) {
        return static_cast<std::uint64_t>(k.start) - static_cast<std::uint64_t>(min_start);
      });
    }
    for (std::size_t i = b; i < e; ++i) order[i] = keys[i - b].index;
  }
  return order;
}

struct RowKey {
  std::uint32_t seqid;
  std::int64_t start, end;
};

// Rank of each build seqid code by name among the codes some record uses
// (kNone for unused codes): the table's seqid dictionary order.
std::vector<std::uint32_t> used_seqid_ranks(const std::vector<ParsedChunk>& chunks, const Dictionary& seqids,
                                            std::size_t& n_used) {
  std::vector<std::uint8_t> used(seqids.values.size(), 0);
  for (const auto& c : chunks) {
    for (const RawRecord& r : c.records) used[r.seqid_code] = 1;
  }
  std::vector<std::uint32_t> codes;
  for (std::uint32_t v = 0; v < used.size(); ++v) {
    if (used[v]) codes.push_back(v);
  }
  std::sort(codes.begin(), codes.end(), [&](auto a, auto b) { return seqids.values[a] < seqids.values[b]; });
  std::vector<std::uint32_t> rank(seqids.values.size(), kNone);
  for (std::uint32_t r = 0; r < codes.size(); ++r) rank[codes[r]] = r;
  n_used = codes.size();
  return rank;
}

}  // namespace

void preallocate_row_columns(FeatureTable& t, std::size_t n) {
  assign_huge(t.row_seqid, n);
  assign_huge(t.row_source, n);
  assign_huge(t.row_type, n);
  assign_huge(t.row_start, n);
  assign_huge(t.row_end, n);
  assign_huge(t.row_score, n);
  assign_huge(t.row_strand, n);
  assign_huge(t.row_phase, n);
  assign_huge(t.row_flags, n);
  assign_huge(t.row_file_order, n);
  assign_huge(t.row_line, n);
  assign_huge(t.row_feature, n);
  assign_huge(t.file_order_rows, n);
  assign_huge(t.row_text_offset, n);
  assign_huge(t.row_text_length, n);
  assign_huge(t.row_attr_start, n);
  assign_huge(t.row_max_end, n);
}

EarlyIndex build_early_index(std::vector<ParsedChunk>& chunks, const Dictionary& seqids) {
  EarlyIndex early;
  std::vector<const RawRecord*> recs;
  reserve_huge(recs, [&] {
    std::size_t n = 0;
    for (const auto& c : chunks) n += c.records.size();
    return n;
  }());
  for (const auto& c : chunks) {
    for (const RawRecord& r : c.records) recs.push_back(&r);
  }
  std::size_t n_seqids = 0;
  const std::vector<std::uint32_t> rank = used_seqid_ranks(chunks, seqids, n_seqids);
  std::vector<std::uint32_t> seqid_rows;
  early.order = sort_rows(
      recs.size(), n_seqids,
      [&](std::uint32_t i) { return RowKey{rank[recs[i]->seqid_code], recs[i]->start, recs[i]->end}; }, seqid_rows);
  std::vector<std::uint32_t> row_of_record;
  assign_huge(row_of_record, recs.size());
  for (std::uint32_t r = 0; r < early.order.size(); ++r) row_of_record[early.order[r]] = r;
  early.attr_entries = build_attribute_index(chunks, {}, row_of_record, {});
  early.valid = true;
  return early;
}

void finish_table(Draft& draft, std::vector<ParsedChunk>& chunks, std::string_view text, int threads,
                  FeatureTable& t, EarlyIndex* early, const std::function<void(const FeatureTable&)>& rows_final) {
  const std::vector<DraftRow>& rows = draft.rows;
  std::size_t records = 0;
  for (auto& c : chunks) records += c.records.size();
  // Rows detached by merge_strategy=replace are dropped here.
  std::vector<std::uint32_t> keep;
  reserve_huge(keep, rows.size());
  bool one_row_per_record = rows.size() == records && draft.extra_attr_entries.empty();
  for (std::uint32_t i = 0; i < rows.size(); ++i) {
    if (rows[i].feature != kNone) keep.push_back(i);
    one_row_per_record &= rows[i].record == i && rows[i].feature != kNone;
  }
  const std::size_t n = keep.size();
  // The early index applies as is when the rows are the records, in order
  // (nothing synthesised, skipped or detached).
  const bool early_as_is = early && early->valid && one_row_per_record;

  std::vector<std::uint32_t> seqid_code, source_code, type_code;
  encode_dictionary(rows, &RawRecord::seqid_code, draft.seqids, keep, t.seqids, seqid_code);
  encode_dictionary(rows, &RawRecord::source_code, draft.sources, keep, t.sources, source_code);
  encode_dictionary(rows, &RawRecord::type_code, draft.types, keep, t.types, type_code);

  // Sort: bucket by seqid (counting sort, stable = file order), then by
  // (start, end) with file order as the tie-break.  The early index sorted
  // the records the same way.
  const std::size_t n_seqids = t.seqids.size();
  std::vector<std::uint32_t> order;  // sorted position -> index into keep
  if (early_as_is) {
    order = std::move(early->order);
    count_rows_by_seqid(n, n_seqids, [&](std::uint32_t i) { return seqid_code[i]; }, t.seqid_rows);
  } else {
    order = sort_rows(
        n, n_seqids,
        [&](std::uint32_t i) {
          const RawRecord& r = *rows[keep[i]].rec;
          return RowKey{seqid_code[i], r.start, r.end};
        },
        t.seqid_rows);
  }

  // Gather the row columns in sorted order (into preallocate_row_columns'
  // buffers when they are large enough).
  preallocate_row_columns(t, n);
  std::vector<std::uint32_t> row_of_record;  // global record ordinal -> row
  std::vector<std::uint32_t> row_of_draft;
  if (!early_as_is) {
    assign_huge(row_of_record, records, kNone);
    assign_huge(row_of_draft, rows.size(), kNone);
    for (std::uint32_t r = 0; r < n; ++r) {
      const std::uint32_t ki = order[r];
      row_of_draft[keep[ki]] = r;
      if (rows[keep[ki]].record != kNone) row_of_record[rows[keep[ki]].record] = r;
    }
  }
  // The attribute index: ready (early, as is), re-sorted from the early
  // index's entries (its rows mapped back to records, then to rows here),
  // or built from the chunks.  Beside the column gather, on its own thread.
  std::vector<std::uint64_t> attr_entries;
  std::optional<BackgroundTask> attr_task;
  if (early_as_is) {
    t.attr_entries = std::move(early->attr_entries);  // final now: rows_final may see it
  } else {
    attr_task.emplace([&] {
      if (early && early->valid) {
        attr_entries = sort_attribute_entries([&](bool release, auto&& f) {
          emit_at_rows(early->attr_entries, [&](std::uint32_t k) { return row_of_record[early->order[k]]; }, f);
          emit_at_rows(draft.extra_attr_entries, [&](std::uint32_t k) { return row_of_draft[k]; }, f);
          if (release) std::vector<std::uint64_t>().swap(early->attr_entries);
        });
      } else {
        attr_entries = build_attribute_index(chunks, draft.extra_attr_entries, row_of_record, row_of_draft);
      }
    });
  }
  auto gather = [&](std::uint32_t first, std::uint32_t last) {
    for (std::uint32_t r = first; r < last; ++r) {
      const std::uint32_t ki = order[r];
      const DraftRow& dr = rows[keep[ki]];
      const RawRecord& d = *dr.rec;
      t.row_seqid[r] = seqid_code[ki];
      t.row_source[r] = source_code[ki];
      t.row_type[r] = type_code[ki];
      t.row_start[r] = d.start;
      t.row_end[r] = d.end;
      t.row_score[r] = d.score;
      t.row_strand[r] = static_cast<std::uint8_t>(d.strand);
      t.row_phase[r] = d.phase;
      t.row_flags[r] = static_cast<std::uint8_t>(dr.flags | (d.score_dot ? kRowScoreDot : 0));
      t.row_file_order[r] = ki;  // keep is in input order, so its index is the file order
      t.row_line[r] = d.line;
      t.row_feature[r] = dr.feature;
      if (dr.flags & kRowSynthetic) {
        // A synthesised row's "line" is its column 9, kept after the input text.
        t.row_text_offset[r] = text.size() + t.extra_text.size();
        t.row_text_length[r] = d.attr_size;
        t.row_attr_start[r] = 0;
        t.extra_text.append(d.attributes());
      } else {
        t.row_text_offset[r] = static_cast<std::uint64_t>(d.text - text.data());
        t.row_text_length[r] = d.attr_begin + d.attr_size;
        t.row_attr_start[r] = d.attr_begin;
      }
      t.file_order_rows[ki] = r;
    }
  };
  // Random reads of the records: memory-bound, so two threads nearly halve
  // it (and fault in their halves of the columns side by side).  Only
  // without synthesised rows, whose text is appended in row order.
  if (threads > 1 && draft.synthetic.empty() && n >= (1u << 16)) {
    BackgroundTask second_half([&] { gather(static_cast<std::uint32_t>(n / 2), static_cast<std::uint32_t>(n)); });
    gather(0, static_cast<std::uint32_t>(n / 2));
    second_half.join();
  } else {
    gather(0, static_cast<std::uint32_t>(n));
  }
  if (rows_final) rows_final(t);

  // Interval index, per seqid.
  for (std::size_t s = 0; s < n_seqids; ++s) {
    const std::size_t b = t.seqid_rows[s], e = t.seqid_rows[s + 1];
    build_interval_max_end(std::span<const std::int64_t>(t.row_end).subspan(b, e - b),
                           std::span<std::int64_t>(t.row_max_end).subspan(b, e - b));
  }

  // Features: IDs, rows (in file order), the ID hash table.  Features that
  // lost all their rows (replace) keep their slot but own no rows.
  const std::size_t m = draft.feature_ids.size();
  {
    // Sized up front: grown by doubling, these ~22 MB (mouse GTF) cost
    // twice their size in 4 KiB page faults and copies.
    std::size_t bytes = 0;
    for (auto id : draft.feature_ids) bytes += id.size();
    reserve_huge(t.feature_ids.offsets, m + 1);
    t.feature_ids.data.reserve(bytes);
    advise_huge_pages(t.feature_ids.data.data(), bytes);
  }
  for (auto id : draft.feature_ids) t.feature_ids.push(id);
  build_csr(
      n, m, [&](std::size_t i) { return rows[keep[i]].feature; }, [&](std::size_t i) { return t.file_order_rows[i]; },
      t.feature_rows_offsets, t.feature_rows);
  std::size_t slots = 16;
  while (slots < m * 2) slots <<= 1;
  assign_huge(t.id_slots, slots, kNone);
  for (std::uint32_t f = 0; f < m; ++f) {
    std::size_t h = hash_bytes(draft.feature_ids[f]) & (slots - 1);
    while (t.id_slots[h] != kNone) h = (h + 1) & (slots - 1);
    t.id_slots[h] = f;
  }

  // Hierarchy, both directions.
  const auto& edges = draft.edges;  // (child, parent)
  build_csr(
      edges.size(), m, [&](std::size_t i) { return edges[i].first; }, [&](std::size_t i) { return edges[i].second; },
      t.parent_offsets, t.parents);
  build_csr(
      edges.size(), m, [&](std::size_t i) { return edges[i].second; }, [&](std::size_t i) { return edges[i].first; },
      t.child_offsets, t.children);

  // Rows by type (in row order).
  build_csr(
      n, t.types.size(), [&](std::size_t r) { return t.row_type[r]; }, [](std::size_t r) { return r; },
      t.type_rows_offsets, t.type_rows);

  if (attr_task) {
    attr_task->join();
    t.attr_entries = std::move(attr_entries);
  }
}

}  // namespace gffbase::internal
