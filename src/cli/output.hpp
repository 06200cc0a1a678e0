// Row output shared by the query and export subcommands.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "args.hpp"
#include "gffbase/export/writers.hpp"
#include "gffbase/query/database.hpp"

namespace gffbase::cli {

/// Buffers lines and writes them to a FILE* in large blocks.
struct OpenedForOutput {
  std::shared_ptr<const Database> db;
  OutputFormat format;
  bool gff2_to_gtf = false;  ///< `--format gtf` named for a GFF2 database (write_gff_line)
};

class RowPrinter {
 public:
  RowPrinter(const Database& db, OutputFormat format, std::FILE* out) : db_(db), format_(format), out_(out) {}
  RowPrinter(const OpenedForOutput& o, std::FILE* out) : RowPrinter(*o.db, o.format, out) {
    gff2_to_gtf_ = o.gff2_to_gtf;
  }
  ~RowPrinter() { flush(); }
  void header();
  /// Writes row `r`; in BED12, a multi-line feature's first row met stands
  /// for the feature (one BED12 line each).  BED and BED12 skip rows without
  /// coordinates.
  void row(RowId r);
  /// A line written as it is (a directive), in order with the rows.
  void line(std::string_view text) {
    buf_.append(text);
    buf_ += '\n';
  }
  void flush();
  /// GFF lines converted from GTF name inferred parents only when they are
  /// written too (export leaves them out unless --include-synthetic).
  void set_link_synthetic(bool v) { link_synthetic_ = v; }

 private:
  const Database& db_;
  OutputFormat format_;
  std::FILE* out_;
  std::string buf_;
  bool link_synthetic_ = true;
  bool gff2_to_gtf_ = false;
  std::unordered_set<FeatureIndex> bed12_written_;  ///< features with several rows, written once
};

/// The --format option every query command takes.
inline const char* kFormatHelp = "output: gff3 (default; the input's own dialect), gtf, bed, bed12, tsv, jsonl";

/// Output format from the option value; "" = the database's own dialect.
bool output_format_for(const Database& db, const std::string& value, OutputFormat& out);

/// A database opened for a command that prints rows, and its --format.

/// Opens `path` and reads --format.  Returns the exit status when the
/// command must stop (1: the database cannot be opened, 2: a bad --format),
/// nullopt on success.
std::optional<int> open_for_output(const CommandSpec& spec, const std::string& path, const Args& a,
                                   OpenedForOutput& out);

/// One line of a list file, with its 1-based number in the file.
struct InputLine {
  std::size_t number = 0;
  std::string text;
};

/// Reads the lines of a list file (IDs, regions) from a path or "-" (stdin),
/// plain, gzip or BGZF (detected from the bytes).  A CR before the newline is
/// dropped; blank lines and '#' comments are skipped (numbers still count them).
bool read_lines(const std::string& path, std::vector<InputLine>& out, std::string& error);

/// Says on stderr, once each, which of `types` no feature of the database has
/// (`-t mrna` where the type is mRNA), with the database's own types: the
/// command still runs and finds nothing of them.
void warn_unknown_types(std::string_view command, const Database& db, const std::vector<std::string>& types);

/// IDs from the positional arguments from index `first` on, plus --ids FILE
/// (one per line, its first word; - = stdin).  False (and `error`) when the
/// file cannot be read.
bool collect_ids(const Args& a, std::size_t first, std::vector<std::string>& ids, std::string& error);

}  // namespace gffbase::cli
