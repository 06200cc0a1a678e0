// Row output shared by the query and export subcommands.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "gffbase/export/writers.hpp"
#include "gffbase/query/database.hpp"

namespace gffbase::cli {

/// Buffers lines and writes them to a FILE* in large blocks.
class RowPrinter {
 public:
  RowPrinter(const Database& db, OutputFormat format, std::FILE* out) : db_(db), format_(format), out_(out) {}
  ~RowPrinter() { flush(); }
  void header();
  /// `extra` (e.g. the query it answers) is prepended as a first TSV column
  /// when non-empty and the format is tsv.
  void row(RowId r);
  void flush();

 private:
  const Database& db_;
  OutputFormat format_;
  std::FILE* out_;
  std::string buf_;
};

/// The --format option every query command takes.
inline const char* kFormatHelp = "output: gff3 (default; the input's own dialect), gtf, bed, bed12, tsv, jsonl";

/// Output format from the option value; "" = the database's own dialect.
bool output_format_for(const Database& db, const std::string& value, OutputFormat& out);

/// Reads whitespace-separated tokens (IDs) or lines from a file or "-".
bool read_lines(const std::string& path, std::vector<std::string>& out, std::string& error);

}  // namespace gffbase::cli
