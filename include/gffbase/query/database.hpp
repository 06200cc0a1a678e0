// gffbase — an open, immutable .gffdb and every query over it.
//
// Contract
// --------
// `Database::open` maps the file read-only (mmap) and checks the header, the
// section table and every section's bounds: O(number of sections), never
// O(file size).  Data is checked against its checksums the first time a
// query reads it: per block for single queries (4 KiB; 64 KiB in format 1.1
// files), whole sections for batched queries and whole-column spans, one CRC
// per section for format 1.0 files.  A mismatch throws gffbase::Error(kCorrupt) naming
// the file, the section and the block.  A Database is immutable, so any number of threads may query one
// instance concurrently, and any number of processes may map the same file.
//
// Coordinates are 1-based and closed.  "Rows" are lines (segments); a
// feature (one ID) owns one or more rows.  Queries return RowIds; use the
// accessors to read columns.  Results are in row order — (seqid, start, end,
// file order) — unless a query says otherwise.
//
// Complexity: ID lookup O(1) expected; region overlap O(log n + k);
// children/parents O(size of the visited sub-DAG); features of a type O(k).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/status.hpp"
#include "gffbase/types.hpp"

namespace gffbase {

/// One row's nine columns, as views into the mapped file.
struct RowView {
  std::string_view seqid, source, type, id, attributes;
  Coord start, end;
  double score;      ///< NaN when '.'
  Strand strand;
  Phase phase;       ///< -1 when '.'
  std::uint8_t flags;///< RowFlag bits (synthetic, no coordinates)
  std::uint32_t file_order;
  std::uint64_t line;
};

/// The fixed-width columns of a row as stored: dictionary codes, not names,
/// and no text (what building a row object needs, fetched in bulk).
struct RowCodes {
  std::uint32_t seqid, source, type;
  FeatureIndex feature;
  Coord start, end;
  double score;       ///< NaN when '.'
  Strand strand;
  Phase phase;        ///< -1 when '.'
  std::uint8_t flags; ///< RowFlag bits
  std::uint32_t file_order;
};

/// A related row found by a hierarchy walk.
struct RelatedRow {
  RowId row;
  std::uint32_t depth;  ///< 1 = direct child/parent
};

/// Reusable buffers for hierarchy walks (batch callers keep one per thread).
struct WalkScratch {
  std::vector<std::uint32_t> frontier, next, seen;
  std::vector<std::uint8_t> seen_mark;  ///< per feature, sized on first large walk
};

struct HierarchyQuery {
  std::optional<std::uint32_t> level;     ///< exact depth; nullopt = all depths
  std::vector<std::uint32_t> type_codes;  ///< empty = any type
  bool type_filter = false;               ///< true when type_codes restricts (may be empty = match none)
};

struct RegionQuery {
  std::string_view seqid;
  Coord start = 1, end = 0;               ///< 1-based closed; end < start = to the end of the seqid
  Strand strand = 0;                      ///< 0 = any strand; '+', '-', '.' (unstranded) or '?' = only that
  bool completely_within = false;
  std::vector<std::uint32_t> type_codes;
  bool type_filter = false;
};

/// Parses "chr:start-end[:strand]" or "chr" (whole seqid) or "chr:start".
/// Commas in numbers are accepted ("chr1:1,000-2,000").
Status parse_region(std::string_view text, RegionQuery& out);

class Database {
 public:
  /// Opens `path`.  kIo when it cannot be read; kCorrupt when it is not a
  /// valid .gffdb (the message names the file and the check that failed).
  static Result<std::shared_ptr<const Database>> open(const std::string& path);
  /// Opens the database in the file open as `fd` (read access suffices),
  /// for one that has no path, such as an in-memory build
  /// (ingest_file_in_memory).  `name` stands for the path in messages.  The
  /// mapping keeps the file alive: the caller may close `fd` afterwards.
  static Result<std::shared_ptr<const Database>> open_fd(int fd, const std::string& name);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  std::uint64_t file_bytes() const { return size_; }

  // --- sizes and dictionaries ---------------------------------------------
  std::size_t row_count() const;
  std::size_t feature_count() const;
  std::size_t seqid_count() const;
  std::size_t type_count() const;
  std::size_t source_count() const;
  std::string_view seqid_name(std::uint32_t code) const;
  std::string_view type_name(std::uint32_t code) const;
  std::string_view source_name(std::uint32_t code) const;
  std::optional<std::uint32_t> seqid_code(std::string_view name) const;
  std::optional<std::uint32_t> type_code(std::string_view name) const;
  /// Type codes for names; unknown names are skipped.
  std::vector<std::uint32_t> type_codes(const std::vector<std::string>& names) const;

  // --- rows -------------------------------------------------------------------
  RowView row(RowId r) const;
  /// row() without `attributes`, which is left empty: reads no text, so a
  /// query that needs only the columns never touches the text section.
  RowView row_columns(RowId r) const;
  /// RowCodes of `rows` (each < row_count()), appended to `out` in order.
  /// Each checksum block these rows read is checked once per call, not once
  /// per value: the cheap way to read many rows (rows in ascending order
  /// visit each block once).
  void row_codes(std::span<const RowId> rows, std::vector<RowCodes>& out) const;
  /// Column 6 as written ("1.50" stays "1.50"): "." when the row's flags say
  /// so (kRowScoreDot), else read from its line.
  std::string_view row_score_text(RowId r) const;
  std::string_view row_id(RowId r) const;
  std::string_view row_attributes(RowId r) const;
  /// The row's line exactly as in the input (for a synthetic row: its column 9).
  std::string_view row_line(RowId r) const;
  /// Column `column` (1-9) of the row's input line, as written; empty when
  /// the row is synthetic or its line is not tab-separated.
  std::string_view row_column_text(RowId r, int column) const;
  FeatureIndex row_feature(RowId r) const;
  std::uint32_t row_type_code(RowId r) const;
  std::uint32_t row_seqid_code(RowId r) const;
  std::uint32_t row_source_code(RowId r) const;
  /// Raw columns, for bulk export (Arrow): spans over all rows in row order.
  std::span<const std::int64_t> starts() const;
  std::span<const std::int64_t> ends() const;
  std::span<const double> scores() const;
  std::span<const std::uint8_t> strands() const;
  std::span<const std::int8_t> phases() const;
  std::span<const std::uint32_t> seqid_codes() const;
  std::span<const std::uint32_t> type_codes_column() const;
  std::span<const std::uint32_t> source_codes() const;
  std::span<const std::uint32_t> file_orders() const;
  std::span<const std::uint8_t> flags() const;
  std::span<const std::uint32_t> row_features() const;
  /// Feature ID strings as an Arrow large_utf8 column (offsets + bytes).
  std::span<const std::int64_t> feature_id_offsets() const;
  std::string_view feature_id_bytes() const;

  // --- features ---------------------------------------------------------------
  std::optional<FeatureIndex> find(std::string_view id) const;
  std::string_view feature_id(FeatureIndex f) const;
  /// The rows (segments) of a feature, in input order.
  std::span<const std::uint32_t> feature_rows(FeatureIndex f) const;
  /// First row (in input order) of a feature; kNone when it has none.
  RowId primary_row(FeatureIndex f) const;
  std::span<const std::uint32_t> parents_of(FeatureIndex f) const;
  std::span<const std::uint32_t> children_of(FeatureIndex f) const;

  // --- queries ----------------------------------------------------------------
  /// Rows of every feature below (children) or above (parents) `f`,
  /// breadth-first; each feature once, at its smallest depth; cycles are
  /// cut by the visited set.  Sorted by row order.  A child of several lines
  /// gives all its rows (a split CDS); a parent gives its first row only.
  std::vector<RelatedRow> children(FeatureIndex f, const HierarchyQuery& q) const;
  std::vector<RelatedRow> parents(FeatureIndex f, const HierarchyQuery& q) const;
  /// The same walks, appending to `out` and reusing `scratch` (no allocation
  /// per call once warm).  `down` = children.
  void walk_into(FeatureIndex f, const HierarchyQuery& q, bool down, WalkScratch& scratch,
                 std::vector<RelatedRow>& out) const;
  /// Rows overlapping (or completely within) a region, in row order.
  /// Fails (kInvalidArgument) for start > end; an unknown seqid yields none.
  Result<std::vector<RowId>> region(const RegionQuery& q) const;
  /// Appends region hits to `out` without allocating per call (batch use).
  void region_into(std::uint32_t seqid, Coord start, Coord end, const RegionQuery& filters,
                   std::vector<RowId>& out) const;
  /// Rows of one type, in row order.
  std::span<const std::uint32_t> rows_of_type(std::uint32_t type_code) const;
  /// Rows in input (file) order.
  std::span<const std::uint32_t> rows_in_file_order() const;
  /// Rows of one seqid: [begin, end).
  std::pair<RowId, RowId> seqid_rows(std::uint32_t seqid_code) const;
  /// Rows carrying attribute key=value (exact, after percent-decoding).
  std::vector<RowId> rows_with_attribute(std::string_view key, std::string_view value) const;
  /// Rows carrying attribute `key` at all.
  std::vector<RowId> rows_with_key(std::string_view key) const;

  // --- side tables --------------------------------------------------------------
  std::vector<std::pair<std::string, std::string>> meta() const;
  std::string meta_value(std::string_view key) const;
  /// Column 9 is written GFF3-style (key=value; meta "format" is gff3), else
  /// GTF/GFF2-style (key "value"): how parse_attributes reads row_attributes().
  /// Read once at open.
  bool gff3_attributes() const;
  /// The input's "##" directive lines (not ##FASTA) and "#!" pragma lines
  /// (Ensembl's and NCBI's #!genome-build ...), verbatim, in input order.
  std::vector<std::string_view> directives() const;
  /// The input line of each directive (same order as directives()).
  std::vector<std::uint64_t> directive_lines() const;
  struct StoredProblem {
    std::uint64_t line;
    bool error;
    std::string_view message;
  };
  std::vector<StoredProblem> problems() const;
  std::string_view fasta() const;

  /// Checks every section's CRC (and every block checksum) now, and that
  /// every stored index points inside its table.  kCorrupt names the first
  /// bad section.
  Status verify() const;

  /// What a batched query reads, for check_query_sections.
  enum class Reads : std::uint8_t {
    kAll,       ///< every section but the text
    kIdLookup,  ///< find(): the ID hash index and the feature IDs
    kChildren,  ///< a downward walk and its Arrow export
    kParents,   ///< an upward walk and its Arrow export
    kRegions,   ///< region queries and their Arrow export
  };
  /// Checks, once per opened database, the checksums of the sections `reads`
  /// names, on `threads` threads (0 = all cores).  Single queries check only
  /// the blocks they read; batched queries call this first so their inner
  /// loops run without per-read checks, and name only what they read (on
  /// this VM mapping a page costs ~0.5 us: 130 MB of sections ~25 ms).
  /// Throws Error(kCorrupt).
  void check_query_sections(int threads = 0, Reads reads = Reads::kAll) const;

  /// find() for many IDs at once: out[i] = the feature with ID ids[i], or
  /// kNone.  Checks the ID sections whole first when the batch is large,
  /// and overlaps the lookups' cache misses (a lookup is ~3 dependent misses:
  /// hash slot, ID offsets, ID bytes).
  void find_many(std::span<const std::string_view> ids, std::span<FeatureIndex> out, int threads = 0) const;

  struct Impl;

 private:
  Database() = default;
  std::string path_;
  std::uint64_t size_ = 0;
  std::unique_ptr<Impl> impl_;
};

/// parse_region, except that text naming one of `db`'s seqids whole (alone
/// or followed by :strand) is that seqid, ':' and all ("HLA-A*01:01").
Status parse_region(std::string_view text, const Database& db, RegionQuery& out);

}  // namespace gffbase
