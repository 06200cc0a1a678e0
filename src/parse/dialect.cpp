#include "gffbase/parse/dialect.hpp"

namespace gffbase {

namespace {
// True when one key appears twice in the field (GTF `tag "a"; tag "b";`).
bool has_repeated_key(std::string_view a, bool gff3) {
  std::string_view keys[32];
  std::size_t n = 0, pos = 0;
  while (pos < a.size() && n < 32) {
    while (pos < a.size() && (a[pos] == ' ' || a[pos] == ';')) ++pos;
    std::size_t e = pos;
    while (e < a.size() && a[e] != (gff3 ? '=' : ' ') && a[e] != ';') ++e;
    const std::string_view key = a.substr(pos, e - pos);
    if (!key.empty()) {
      for (std::size_t k = 0; k < n; ++k) {
        if (keys[k] == key) return true;
      }
      keys[n++] = key;
    }
    // Skip to the next ';' outside quotes.
    bool quoted = false;
    while (e < a.size() && (quoted || a[e] != ';')) {
      if (a[e] == '"') quoted = !quoted;
      if (a[e] == '\\' && quoted) ++e;  // \" inside quotes does not close them
      ++e;
    }
    pos = e + 1;
  }
  return false;
}
}  // namespace

int classify_attribute_field(std::string_view a) {
  std::size_t i = 0;
  while (i < a.size() && a[i] == ' ') ++i;
  if (i == a.size() || a.substr(i) == ".") return 0;
  // The first token decides: "key=" is GFF3, "key value"/'key "value"' is GTF/GFF2.
  for (; i < a.size(); ++i) {
    const char c = a[i];
    if (c == '=') return 3;
    if (c == ' ' || c == '"' || c == '\t') return 2;
    if (c == ';') return 0;  // a bare key: no evidence either way
  }
  return 0;
}

void DialectDetector::observe(std::string_view a) {
  d_.lines_checked++;
  const int vote = classify_attribute_field(a);
  if (vote == 3) d_.votes_gff3++;
  if (vote == 2) d_.votes_gtf++;
  if (vote == 2 && a.find("gene_id") != std::string_view::npos &&
      a.find("transcript_id") != std::string_view::npos) {
    with_gene_and_transcript_++;
  }
  std::size_t e = a.size();
  while (e > 0 && (a[e - 1] == ' ' || a[e - 1] == '\r')) --e;
  if (e > 0 && a[e - 1] == ';') trailing_++;
  if (a.find("; ") != std::string_view::npos) spaced_++;
  if (a.find('"') != std::string_view::npos) quoted_++;
  if (vote == 3 && a.find(',') != std::string_view::npos) commas_++;
  if (has_repeated_key(a, vote == 3)) repeated_++;
}

Dialect DialectDetector::finish(Format forced) const {
  Dialect d = d_;
  if (forced != Format::kAuto) {
    d.format = forced;
  } else if (d.votes_gtf > d.votes_gff3) {
    // GTF when most GTF-style lines carry both gene_id and transcript_id.
    d.format = with_gene_and_transcript_ * 2 >= d.votes_gtf ? Format::kGtf : Format::kGff2;
  } else {
    d.format = Format::kGff3;
  }
  const std::uint32_t n = d.lines_checked == 0 ? 1 : d.lines_checked;
  d.trailing_semicolon = trailing_ * 2 > n;
  d.space_after_separator = d.format == Format::kGff3 ? spaced_ * 2 > n : (spaced_ * 2 > n || d.lines_checked == 0);
  d.quoted_values = d.format != Format::kGff3 && (quoted_ * 2 > n || d.lines_checked == 0);
  d.comma_lists = commas_ > 0;
  d.repeated_keys = repeated_ > 0;
  return d;
}

std::string Dialect::describe() const {
  std::string s(format_name(format));
  s += " (";
  s += quoted_values ? "quoted values" : "unquoted values";
  s += space_after_separator ? ", '; ' separator" : ", ';' separator";
  if (trailing_semicolon) s += ", trailing ';'";
  s += ", " + std::to_string(lines_checked) + " lines checked: " + std::to_string(votes_gff3) + " gff3-style, " +
       std::to_string(votes_gtf) + " gtf/gff2-style)";
  return s;
}

}  // namespace gffbase
