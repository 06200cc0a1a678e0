#include "output.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/io/input.hpp"

namespace gffbase::cli {

void RowPrinter::header() {
  if (format_ == OutputFormat::kTsv) write_tsv_header(buf_);
}

void RowPrinter::row(RowId r) {
  // BED has no way to say "no coordinates" (a line kept in lenient mode
  // with '.' for start and end): such rows are not written as BED.
  if ((format_ == OutputFormat::kBed || format_ == OutputFormat::kBed12) && (db_.flags()[r] & kRowNoCoords)) return;
  switch (format_) {
    case OutputFormat::kGff3: write_gff_line(db_, r, false, buf_, link_synthetic_); break;
    case OutputFormat::kGtf: write_gff_line(db_, r, true, buf_, link_synthetic_, gff2_to_gtf_); break;
    case OutputFormat::kBed: write_bed6_line(db_, r, buf_); break;
    case OutputFormat::kBed12:
      if (db_.feature_rows(db_.row_feature(r)).size() > 1 && !bed12_written_.insert(db_.row_feature(r)).second) return;
      write_bed12_for_feature(db_, r, buf_);
      break;
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

bool read_lines(const std::string& path, std::vector<InputLine>& out, std::string& error) {
  // The ingest's reader: gzip and BGZF lists work as the annotations do.
  Result<InputText> in = read_input(path, 1);
  if (!in.is_ok()) {
    error = in.status().message();
    // The reader is the annotations' own; its words for a directory name what it expected of them.
    const std::string annotation = "expected an annotation file";
    if (const std::size_t at = error.find(annotation); at != std::string::npos) {
      error.replace(at, annotation.size(), "expected a file of IDs or regions");
    }
    return false;
  }
  std::string_view text = in->text.view();
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Blank lines (spaces or tabs only) and comments are skipped: a stray
    // blank line looked up the ID "" and failed the command.
    if (line.find_first_not_of(" \t") == std::string_view::npos || line[0] == '#') continue;
    out.push_back({number, std::string(line)});
  }
  return true;
}

void warn_unknown_types(std::string_view command, const Database& db, const std::vector<std::string>& types) {
  std::vector<std::string_view> said;
  for (const std::string& t : types) {
    if (db.type_code(t) || std::find(said.begin(), said.end(), t) != said.end()) continue;
    said.push_back(t);
    std::string known;
    constexpr std::size_t kListed = 20;
    for (std::uint32_t c = 0; c < db.type_count() && c < kListed; ++c) {
      known += c ? ", " : "";
      known += db.type_name(c);
    }
    if (db.type_count() > kListed) known += ", ...";
    std::fprintf(stderr, "gffbase %.*s: warning: no feature has type '%s' (the database's types: %s)\n",
                 static_cast<int>(command.size()), command.data(), t.c_str(), known.c_str());
  }
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
  out.gff2_to_gtf = out.format == OutputFormat::kGtf && a.value("--format").has_value() &&
                    out.db->meta_value("format") == "gff2";
  return std::nullopt;
}

// IDs from positional arguments plus --ids FILE (one per line; - = stdin).
bool collect_ids(const Args& a, std::size_t first, std::vector<std::string>& ids, std::string& err) {
  for (std::size_t i = first; i < a.positional().size(); ++i) ids.push_back(a.positional()[i]);
  if (auto f = a.value("--ids")) {
    std::vector<InputLine> lines;
    if (!read_lines(*f, lines, err)) return false;
    for (const InputLine& l : lines) {
      // The first whitespace-separated token of each line is the ID (a BED
      // name column or a comment after it is ignored).
      const auto begin = l.text.find_first_not_of(" \t");
      const auto end = l.text.find_first_of(" \t", begin);
      ids.push_back(l.text.substr(begin, end == std::string::npos ? end : end - begin));
    }
  }
  return true;
}

}  // namespace gffbase::cli
