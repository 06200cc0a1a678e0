// Internal to the build layer: rows and features before sorting/indexing.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/build/ingest.hpp"
#include "gffbase/parse/chunk_parser.hpp"

namespace gffbase::internal {

/// One row in input order (synthetic rows appended at the end): a reference
/// to its parsed record, so no column is copied before the final gather.
struct DraftRow {
  RawRecord* rec = nullptr;      ///< a record of a chunk, or of Draft::synthetic
  std::uint32_t feature = kNone;
  std::uint32_t record = kNone;  ///< global record ordinal (for attribute hashes)
  std::uint8_t flags = 0;
};

/// The build's dictionary of one column (seqid, source or type): codes in
/// order of first appearance.  Views point into the input text, or are
/// literals ("gene", "transcript") for synthesised rows.
/// The source column of synthesised GTF genes and transcripts (gffutils').
inline constexpr std::string_view kSyntheticSource = "gffutils_derived";

struct Dictionary {
  std::vector<std::string_view> values;
  std::unordered_map<std::string_view, std::uint32_t> index;

  std::uint32_t code(std::string_view v) {
    auto [it, inserted] = index.try_emplace(v, static_cast<std::uint32_t>(values.size()));
    if (inserted) values.push_back(v);
    return it->second;
  }
  /// kNone when absent.
  std::uint32_t find(std::string_view v) const {
    auto it = index.find(v);
    return it == index.end() ? kNone : it->second;
  }
};

struct Draft {
  Dictionary seqids, sources, types;  ///< every RawRecord's codes index these once ingest has renumbered them
  std::vector<DraftRow> rows;
  std::vector<std::string_view> feature_ids;            ///< by feature index
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;  ///< (child, parent) features
  std::deque<std::string> owned;                        ///< synthesised text
  std::deque<RawRecord> synthetic;                      ///< records of synthesised rows (stable addresses)
  std::vector<std::uint64_t> extra_attr_entries;        ///< for synthetic rows (low bits: draft row)
};

/// Renumbers every record's seqid/source/type codes from its chunk's values
/// into `draft`'s dictionaries, and rebases its chunk-local line number by
/// `line_base[chunk]`.
void renumber_records(std::vector<ParsedChunk>& chunks, const std::vector<std::uint64_t>& line_base, Draft& draft);

/// Turns parsed chunks into rows, features and edges (IDs, duplicates,
/// GTF inference, Parent resolution, cycle checks).  Problems go to `log`.
Status assemble(std::vector<ParsedChunk>& chunks, const Dialect& dialect, const IngestOptions& options,
                const std::string& path, Draft& draft, ProblemLog& log, IngestReport& report);

/// Sizes `table`'s row columns (the ones finish_table fills) for `rows` rows
/// and touches every page.  Ingest runs it on the idle core while assemble
/// works: the faults of ~90 MB of columns (mouse GTF) then happen off the
/// critical path, and finish_table, which calls it again with the final row
/// count, only refills them (a larger count reallocates).
void preallocate_row_columns(FeatureTable& table, std::size_t rows);

/// The part of finish_table that needs only the parsed records, built while
/// assemble runs (on the idle core): the records in row order, and the
/// attribute index over them.  The rows finish_table makes are these records
/// unless assemble synthesised, skipped or detached some; finish_table then
/// maps the index's rows back to records instead of re-reading the chunks.
struct EarlyIndex {
  bool valid = false;
  std::vector<std::uint32_t> order;          ///< row -> global record ordinal
  std::vector<std::uint64_t> attr_entries;   ///< sorted (hash << 32 | row), rows as in `order`
};

/// Builds the EarlyIndex.  Reads only the chunks' records and `seqids` (which
/// assemble does not change), and consumes the chunks' attribute entries.
EarlyIndex build_early_index(std::vector<ParsedChunk>& chunks, const Dictionary& seqids);

/// Sorts rows and builds every index into `table`.  `chunks` supply the
/// attribute hashes by record (unless `early` holds them); `text` is the
/// input's feature text, which every real row's line lies in.  `rows_final`
/// (if set) is called once the row columns (all but row.max_end) and
/// index.file_order_rows are final — and index.attr.entries, when it is not
/// empty by then — while the other indexes are still being built; none of
/// those arrays changes or reallocates afterwards.
void finish_table(Draft& draft, std::vector<ParsedChunk>& chunks, std::string_view text, int threads,
                  FeatureTable& table, EarlyIndex* early = nullptr,
                  const std::function<void(const FeatureTable&)>& rows_final = {});

}  // namespace gffbase::internal
