// gffbase — parsing one chunk of GFF/GTF text (a run of whole lines).
//
// Contract
// --------
// The ingest splits the decompressed text into chunks cut at line ends and
// parses them in parallel with `parse_chunk`.  A chunk never allocates per
// field: every string it hands out is a view into the input text (which the
// caller keeps alive and which lenient mode may repair in place) or into the
// chunk's own `scratch`.
//
// Per line it checks the nine columns and records problems with the chunk-
// local line number (the caller rebases them).  In strict mode a chunk stops
// at its first error; the caller keeps the error with the smallest line.
// Lines skipped in lenient mode are counted and reported, never silently
// dropped.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/parse/attributes.hpp"
#include "gffbase/parse/dialect.hpp"
#include "gffbase/parse/problem.hpp"
#include "gffbase/types.hpp"

namespace gffbase {

/// One feature line, columns split and typed.
///
/// 72 bytes: seqid, source and type are kept only as codes, and the line and
/// its column 9 as one pointer and two offsets (120 bytes with four string
/// views: ~55 MB more to allocate, zero and stream through on the mouse GTF).
struct RawRecord {
  std::uint64_t line = 0;        ///< 1-based line number (chunk-local until rebased)
  /// The line's first byte (column 1) in the text; for a synthesised record,
  /// its column 9 (attr_begin 0).
  const char* text = nullptr;
  std::uint32_t attr_begin = 0;  ///< column 9 starts at text + attr_begin
  std::uint32_t attr_size = 0;
  Coord start = kNoCoordinate, end = kNoCoordinate;
  double score = 0;              ///< NaN when '.'
  /// seqid, source and type as codes: into ParsedChunk::{seqid,source,type}_values
  /// as parsed; the build then renumbers them into its own dictionaries, so
  /// equal strings have equal codes across chunks (compared without touching
  /// the text again: those compares were cache misses).
  std::uint32_t seqid_code = 0, source_code = 0, type_code = 0;
  std::uint32_t items_begin = 0; ///< into ParsedChunk::items (keys of interest only)
  std::uint16_t items_count = 0;
  Strand strand = '.';
  Phase phase = -1;
  bool score_dot = false;        ///< column 6 was '.' or empty (score NaN)
  /// Columns 4 and 5 were both '.' (start = end = kNoCoordinate).  A flag,
  /// not the value: "0 0" is a (warned) coordinate, not a missing one.
  bool no_coords = false;

  /// Column 9 as written.
  std::string_view attributes() const { return {text + attr_begin, attr_size}; }
};
static_assert(sizeof(RawRecord) == 72);

/// An attribute value the builder needs: its key is one of
/// ChunkParseOptions::keys_of_interest, stored as an index.  16 bytes where an
/// AttributeItem takes 40 (GENCODE-scale keeps ~12M of them), and the builder
/// compares key indices instead of strings.
struct KeptItem {
  const char* data = nullptr;  ///< the value: in the chunk's text, or its scratch when decoded
  std::uint32_t size = 0;
  std::uint16_t key = 0;       ///< index into ChunkParseOptions::keys_of_interest
  bool has_value = true;       ///< false for a bare key ("Complete;")
  std::string_view value() const { return {data, size}; }
};

/// A directive ("##..."), pragma ("#!...") or FASTA marker as it appeared.
struct DirectiveLine {
  std::uint64_t line;
  std::string_view text;
};

struct ChunkParseOptions {
  std::string path;              ///< for messages
  Format format = Format::kGff3; ///< the detected or forced dialect family
  bool strict = false;
  /// Attribute keys whose values the builder needs (ID keys, Parent, GTF keys);
  /// only these items are kept in ParsedChunk::items (at most 65,535 keys).
  std::vector<std::string> keys_of_interest;
};

struct ParsedChunk {
  std::vector<RawRecord> records;
  std::vector<KeptItem> items;            ///< keys of interest, per record
  /// Distinct seqids, sources and types in order of first appearance: the
  /// values of the records' chunk-local codes.
  std::vector<std::string_view> seqid_values, source_values, type_values;
  std::vector<DirectiveLine> directives;  ///< "##" and "#!" lines (not "##FASTA")
  std::deque<std::string> scratch;        ///< decoded values outliving the views
  /// attribute_entry(key, value, record index in this chunk) of every valued
  /// item: the raw material of the key=value index.
  std::vector<std::uint64_t> attr_entries;
  ProblemLog problems;
  std::uint64_t lines = 0;                ///< lines in this chunk
  std::uint64_t comment_lines = 0;
  std::uint64_t skipped_lines = 0;        ///< feature lines rejected in lenient mode
  std::uint64_t repaired_bytes = 0;       ///< bytes replaced in place (lenient UTF-8 repair)
  bool stopped = false;                   ///< strict mode hit an error
};

/// Parses `text` (whole lines; the last may lack '\n').  `text` is mutable
/// because lenient mode repairs invalid UTF-8 bytes in place ('?').
void parse_chunk(char* text, std::size_t size, const ChunkParseOptions& options, ParsedChunk& out);

/// Cuts [0, size) into about `n` pieces that end at line ends; returns the
/// n+1 boundaries (first 0, last size).
std::vector<std::size_t> split_at_lines(std::string_view text, int n);

/// Finds where a "##FASTA" line (or a line starting with '>') begins;
/// returns text.size() when there is none.
std::size_t find_fasta_start(std::string_view text);

/// A UCSC custom-track header line ("track name=...", "browser position
/// ..."): the word, then a blank or the end of the line.  Such lines hold
/// display settings, not features; callers check it only for lines without
/// nine tab-separated columns.
bool ucsc_browser_line(std::string_view line);

/// A feature line without tabs, read as lenient mode reads it: eight fields
/// separated by runs of spaces, then the rest of the line as column 9.
/// Returns false (col untouched) when the line has fewer fields.
bool split_on_space_runs(std::string_view line, std::string_view (&col)[9]);

/// Validates UTF-8; returns the offset of the first invalid byte or npos.
std::size_t find_invalid_utf8(std::string_view s);

}  // namespace gffbase
