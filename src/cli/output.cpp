#include "output.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

namespace gffbase::cli {

void RowPrinter::header() {
  if (format_ == OutputFormat::kTsv) write_tsv_header(buf_);
}

void RowPrinter::row(RowId r) {
  switch (format_) {
    case OutputFormat::kGff3: write_gff_line(db_, r, false, buf_, link_synthetic_); break;
    case OutputFormat::kGtf: write_gff_line(db_, r, true, buf_, link_synthetic_); break;
    case OutputFormat::kBed: write_bed6_line(db_, r, buf_); break;
    case OutputFormat::kBed12: write_bed12_for_feature(db_, r, buf_); break;
    case OutputFormat::kTsv: write_tsv_line(db_, r, buf_); break;
    case OutputFormat::kJsonl: write_jsonl_line(db_, r, buf_); break;
  }
  if (buf_.size() > (1u << 20)) flush();
}

void RowPrinter::flush() {
  if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), out_);
  buf_.clear();
}

bool output_format_for(const Database& db, const std::string& value, OutputFormat& out) {
  if (value.empty()) {
    out = db.meta_value("format") == "gff3" ? OutputFormat::kGff3 : OutputFormat::kGtf;
    return true;
  }
  return parse_output_format(value, out);
}

bool read_lines(const std::string& path, std::vector<std::string>& out, std::string& error) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) {
      error = path + ": cannot open: " + std::strerror(errno);
      return false;
    }
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Blank lines (spaces or tabs only) and comments are skipped: a stray
    // blank line looked up the ID "" and failed the command.
    if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
    out.push_back(line);
  }
  return true;
}

std::optional<int> open_for_output(const CommandSpec& spec, const std::string& path, const Args& a,
                                   OpenedForOutput& out) {
  auto db = Database::open(path);
  if (!db.is_ok()) return report_error(spec.name, db.status().message());
  out.db = *db;
  if (!output_format_for(*out.db, a.value("--format").value_or(""), out.format)) {
    return usage_error(spec, "--format: expected gff3, gtf, bed, bed12, tsv or jsonl, found '" +
                                 a.value("--format").value_or("") + "'");
  }
  return std::nullopt;
}

}  // namespace gffbase::cli
