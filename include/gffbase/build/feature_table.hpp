// gffbase — the finished, indexed columns of a database, in memory.
//
// The builder produces a FeatureTable; the store writes it as sections of a
// .gffdb (one section per vector, same names and layouts); the Database reads
// the same layouts back from the mapped file.  Every layout is an Arrow
// layout: fixed-width little-endian arrays, strings as int64 offsets + bytes.
//
// Vocabulary
//   row      one line of the input (a segment), rows sorted by
//            (seqid name, start, end, file order)
//   feature  one ID; owns one or more rows (a CDS split over lines)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/io/text_buffer.hpp"
#include "gffbase/types.hpp"

namespace gffbase {

/// Arrow large_utf8 layout: offsets[n+1] into data.
struct StringColumn {
  std::vector<std::int64_t> offsets{0};
  std::string data;

  void push(std::string_view s) {
    data.append(s.data(), s.size());
    offsets.push_back(static_cast<std::int64_t>(data.size()));
  }
  std::size_t size() const { return offsets.size() - 1; }
  std::string_view get(std::size_t i) const {
    return std::string_view(data).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
};

/// Bits of FeatureTable::row_flags.
enum RowFlag : std::uint8_t {
  kRowSynthetic = 1,   ///< inferred (GTF gene/transcript), not in the input
  kRowNoCoords = 2,    ///< start and end were '.'
  /// Column 6 is '.' (or empty): the score text need not be read from the
  /// line.  Set by format >= 1.2 writers; older files never set it, and
  /// readers then look at the text.
  kRowScoreDot = 4,
};

/// A run of rows: [begin, end).
struct RowRange {
  std::uint32_t begin = 0, end = 0;
};

struct FeatureTable {
  // Dictionaries, each sorted by bytes so ids compare like names.
  StringColumn seqids, sources, types;

  // Rows (n), sorted by (seqid, start, end, file order).
  std::vector<std::uint32_t> row_seqid, row_source, row_type;
  std::vector<std::int64_t> row_start, row_end;
  std::vector<double> row_score;             ///< NaN = '.'
  std::vector<std::uint8_t> row_strand;      ///< '+', '-', '.', '?'
  std::vector<std::int8_t> row_phase;        ///< -1 = '.'
  std::vector<std::uint8_t> row_flags;       ///< RowFlag bits
  std::vector<std::uint32_t> row_file_order; ///< ordinal among feature lines
  std::vector<std::uint64_t> row_line;       ///< input line (0 = synthetic)
  std::vector<std::uint32_t> row_feature;    ///< owning feature
  /// Where each row's line lies in the text: [text][extra_text] viewed as
  /// one byte range.  Column 9 is line[attr_start, length).
  std::vector<std::uint64_t> row_text_offset;
  std::vector<std::uint32_t> row_text_length;
  std::vector<std::uint32_t> row_attr_start;
  std::vector<std::int64_t> row_max_end;     ///< implicit interval tree augment

  // Per seqid: rows [seqid_rows[s], seqid_rows[s+1]).
  std::vector<std::uint32_t> seqid_rows;

  // Features (m), numbered in order of first appearance.
  StringColumn feature_ids;
  std::vector<std::uint32_t> feature_rows_offsets;  ///< CSR [m+1]
  std::vector<std::uint32_t> feature_rows;          ///< rows in file order
  std::vector<std::uint32_t> parent_offsets, parents;   ///< CSR feature -> parents
  std::vector<std::uint32_t> child_offsets, children;   ///< CSR feature -> children
  std::vector<std::uint32_t> id_slots;  ///< open-addressing ID hash -> feature (kNone = empty)

  // Secondary indexes.
  std::vector<std::uint32_t> type_rows_offsets;  ///< CSR per type [types+1]
  std::vector<std::uint32_t> type_rows;          ///< rows of each type, in row order
  std::vector<std::uint32_t> file_order_rows;    ///< rows in input order
  std::vector<std::uint64_t> attr_entries;       ///< sorted attribute_entry(key, value, row)

  // Side tables.
  StringColumn directives;               ///< "##..." lines as written
  std::vector<std::uint64_t> directive_lines;
  StringColumn problems;                 ///< formatted problem messages
  std::vector<std::uint64_t> problem_lines;
  std::vector<std::uint8_t> problem_severity;
  std::string_view fasta;                ///< text after ##FASTA (if any), in `text_owner`
  StringColumn meta_keys, meta_values;   ///< provenance

  /// The input's feature lines, verbatim (stored whole: every line stays
  /// reachable and column 9 needs no copy).  A view into `text_owner`.
  std::string_view text;
  /// Lines of synthesised rows (GTF genes/transcripts), after `text`.
  std::string extra_text;
  TextBuffer text_owner;

  std::size_t row_count() const { return row_start.size(); }
  std::size_t feature_count() const { return feature_ids.size(); }
};

}  // namespace gffbase
