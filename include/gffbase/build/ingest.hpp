// gffbase — building a .gffdb from GFF3 / GTF / GFF2 text.
//
// Contract
// --------
// `ingest_file` reads INPUT (plain, gzip, BGZF or "-"), detects the dialect,
// parses on all cores, resolves IDs and relations as gffutils does, builds
// every index and writes DB atomically: the bytes go to a temporary file
// beside DB which is renamed over DB only when complete and synced.  On any
// failure no file is left behind and an existing DB is untouched.
//
// Errors: strict mode fails on the first error (the one with the smallest
// line number); lenient mode records problems in the report (and in the
// database) and fails only when nothing usable is left (no feature lines) or
// when merge_strategy is `error` and a duplicate ID is found.  The failure's
// message is the formatted Problem (path:line, field, expected, found, line,
// hint).
//
// Threads: parsing and index building use `options.threads` threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/build/ingest_options.hpp"
#include "gffbase/io/text_buffer.hpp"
#include "gffbase/parse/dialect.hpp"
#include "gffbase/parse/problem.hpp"
#include "gffbase/status.hpp"

namespace gffbase {

struct IngestReport {
  Dialect dialect;
  std::uint64_t lines = 0;           ///< lines read
  std::uint64_t feature_lines = 0;   ///< lines that became rows
  std::uint64_t skipped_lines = 0;   ///< feature lines rejected (lenient)
  std::uint64_t rows = 0;            ///< rows including synthetic ones
  std::uint64_t features = 0;        ///< distinct IDs
  std::uint64_t synthetic = 0;       ///< inferred GTF genes/transcripts
  std::uint64_t seqids = 0, types = 0;
  std::uint64_t relations = 0;       ///< parent->child edges
  std::uint64_t duplicates = 0;      ///< duplicate IDs resolved by the merge strategy
  std::uint64_t db_bytes = 0;
  double seconds = 0;
  /// Wall seconds per stage ("read", "parse", "assemble", "index", "write").
  std::vector<std::pair<std::string, double>> stage_seconds;
  ProblemLog problems;
};

/// Parses and indexes `text` (already decompressed) into a table.
/// `name` is used in messages and provenance.
Result<FeatureTable> build_table(std::string name, std::string text, const IngestOptions& options,
                                 IngestReport& report);
/// As above, over a buffer (e.g. InputText::text from read_input).
Result<FeatureTable> build_table(std::string name, TextBuffer text, const IngestOptions& options,
                                 IngestReport& report);

/// Records read_input's warnings (InputText::warnings) as problems of `report`.
void add_input_warnings(const std::string& name, const std::vector<std::string>& warnings, IngestReport& report);

/// Reads `input`, builds, writes `db_path` atomically.
Result<IngestReport> ingest_file(const std::string& input, const std::string& db_path,
                                 const IngestOptions& options);

/// As ingest_file, from text in memory (gffutils' from_string).
Result<IngestReport> ingest_text(std::string text, const std::string& db_path, const IngestOptions& options);

class Database;

/// A database built in memory only (gffutils' ":memory:"), already open.
/// Its bytes live in an anonymous memory file that no file system shows
/// (memfd): nothing is written to disk, a killed build leaves nothing
/// behind, and the memory is freed with the last reference to `db`.
struct InMemoryDatabase {
  IngestReport report;
  std::shared_ptr<const Database> db;
};

/// As ingest_file and ingest_text, into memory; messages name the database
/// ":memory:".
Result<InMemoryDatabase> ingest_file_in_memory(const std::string& input, const IngestOptions& options);
Result<InMemoryDatabase> ingest_text_in_memory(std::string text, const IngestOptions& options);

}  // namespace gffbase
