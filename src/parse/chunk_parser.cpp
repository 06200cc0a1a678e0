#include "gffbase/parse/chunk_parser.hpp"

#include "../common/huge_pages.hpp"

#include "gffbase/hash.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gffbase {
namespace {

constexpr const char* kColumnNames[9] = {"column 1 (seqid)", "column 2 (source)", "column 3 (type)",
                                         "column 4 (start)", "column 5 (end)",    "column 6 (score)",
                                         "column 7 (strand)", "column 8 (phase)", "column 9 (attributes)"};

std::string quoted(std::string_view s) {
  std::string q(1, '"');
  q += truncate_for_message(s, 60);
  q += '"';
  return q;
}

// Codes for one column's values within a chunk.  Consecutive lines nearly
// always repeat a value, so the previous one is checked first (its bytes are
// still in cache, unlike anything the build would compare later).
class LocalDictionary {
 public:
  explicit LocalDictionary(std::vector<std::string_view>& values) : values_(values) {}
  std::uint32_t code(std::string_view v) {
    if (!values_.empty() && v == last_) return last_code_;
    auto [it, inserted] = index_.try_emplace(v, static_cast<std::uint32_t>(values_.size()));
    if (inserted) values_.push_back(v);
    last_ = v;
    return last_code_ = it->second;
  }

 private:
  std::vector<std::string_view>& values_;
  std::unordered_map<std::string_view, std::uint32_t> index_;
  std::string_view last_;
  std::uint32_t last_code_ = 0;
};

// Offsets of the first (up to) eight tabs of a line, the column separators
// before column 9; returns how many.  Sixteen bytes at a time where SSE2 is
// there: eight memchr calls over columns a few bytes wide cost more.
std::size_t first_tabs(const char* line, std::size_t len, std::size_t (&tab)[8]) {
  std::size_t n = 0, i = 0;
#if defined(__SSE2__)
  const __m128i t = _mm_set1_epi8('\t');
  for (; n < 8 && i + 16 <= len; i += 16) {
    auto m = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(line + i)), t)));
    for (; m != 0 && n < 8; m &= m - 1) tab[n++] = i + static_cast<std::size_t>(std::countr_zero(m));
  }
#endif
  for (; n < 8 && i < len; ++i) {
    if (line[i] == '\t') tab[n++] = i;
  }
  return n;
}

// RawRecord::items_count is 16 bits.
constexpr std::size_t kMaxKeptItems = 65535;

class LineParser {
 public:
  LineParser(const ChunkParseOptions& o, ParsedChunk& out)
      : o_(o), out_(out), seqids_(out.seqid_values), sources_(out.source_values), types_(out.type_values) {}

  // A "##" directive or "#!" pragma line: checked for UTF-8 like a feature
  // line (repaired in lenient mode), then kept verbatim.  Returns false when
  // strict mode must stop.
  bool directive_line(char* begin, std::size_t len, std::uint64_t line) {
    line_ = line;
    text_ = std::string_view(begin, len);
    if (!check_bytes(begin, len)) return false;
    out_.directives.push_back({line, text_});
    return true;
  }

  // A UTF-8 byte order mark at the start of a line after the first: a
  // warning (the caller skips it).
  void stray_byte_order_mark(char* begin, std::size_t len, std::uint64_t line) {
    line_ = line;
    text_ = std::string_view(begin, len);
    report(Severity::kWarning, "byte-order-mark", "line", "a byte order mark only at the start of the file",
           "a UTF-8 byte order mark (EF BB BF) at the start of this line",
           "skipped; were files joined with cat? (remove it: sed '1!s/^\\xEF\\xBB\\xBF//')");
  }

  // Returns false when strict mode must stop.
  bool feature_line(char* begin, std::size_t len, std::uint64_t line) {
    line_ = line;
    text_ = std::string_view(begin, len);
    if (!check_bytes(begin, len)) return false;

    std::string_view col[9];
    std::size_t tab[8];
    const std::size_t tabs = first_tabs(begin, len, tab);
    std::size_t n = 0, pos = 0;
    for (; n < tabs; ++n) {
      col[n] = text_.substr(pos, tab[n] - pos);
      pos = tab[n] + 1;
    }
    col[n++] = text_.substr(pos);
    if (n < 9 && ucsc_browser_line(text_)) {
      // UCSC custom-track files start with "browser ..." and "track ..."
      // lines (space-separated, so never nine columns): display settings,
      // not features.  Said and skipped in either mode; before the space
      // split below, which would read a long track line as a feature.
      report(Severity::kWarning, "ucsc-track-line", "line", "a feature line, or a '#' comment",
             "a UCSC genome browser '" + std::string(text_.substr(0, text_.find_first_of(" \t"))) + "' line",
             "skipped: it sets the UCSC browser's display and holds no feature");
      return true;
    }
    if (n == 1 && !o_.strict && split_on_space_runs(text_, col)) {
      n = 9;
      // No tab at all but nine or more space-separated fields (gffutils
      // accepts these too): lenient mode reads them, and says so.
      report(Severity::kWarning, "space-separated", "line", "9 tab-separated columns",
             "columns separated by spaces", "lenient mode split the line on runs of spaces; use tabs");
    }
    if (n == 8) {
      // No attribute column: optional in GFF2; GFF3/GTF lines are read with
      // no attributes (a warning, or an error in strict mode).
      col[8] = text_.substr(text_.size());
      n = 9;
      if (o_.format != Format::kGff2) {
        const Severity s = o_.strict ? Severity::kError : Severity::kWarning;
        if (!report(s, "missing-attributes", "column 9 (attributes)", "9 tab-separated columns",
                    "8 columns (no attributes)", "lenient mode reads the line with no attributes")) {
          return false;
        }
      }
    }
    if (n < 9) {
      const bool spaces = text_.find(' ') != std::string_view::npos;
      report(Severity::kError, "column-count", "line", "9 tab-separated columns",
             std::to_string(n) + (n == 1 ? " column" : " columns"),
             spaces ? "columns must be separated by tabs; this line seems to use spaces"
                    : "a GFF/GTF feature line has 9 columns: seqid source type start end score strand phase attributes");
      out_.skipped_lines++;
      return !o_.strict;
    }
    if (const std::size_t extra = col[8].find('\t');
        extra != std::string_view::npos && col[8].find_first_not_of(" \t", extra) == std::string_view::npos) {
      // Only empty columns after column 9 (a trailing tab: spreadsheets,
      // R's write.table, hand edits): nothing is lost, so a warning in
      // either mode, and column 9 ends at the tab.
      report(Severity::kWarning, "trailing-tab", "line", "9 tab-separated columns",
             "empty columns after column 9 (a trailing tab)", "they are ignored; remove the trailing tab");
      col[8] = col[8].substr(0, extra);
    } else if (extra != std::string_view::npos) {
      // More than nine columns: keep the extra text inside column 9 (lenient)
      // so nothing is lost, but say so.
      // A carriage return inside the line: most likely lines that end in CR
      // alone (classic Mac OS), read as one.
      const bool cr = col[8].find('\r') != std::string_view::npos;
      if (!report(Severity::kError, "column-count", "line", "9 tab-separated columns",
                  "more than 9 (extra tab in column 9)",
                  cr ? "the line holds a carriage return: if the file's lines end in CR alone (classic Mac OS), "
                       "convert them to newlines (tr '\\r' '\\n')"
                     : "lenient mode keeps the extra columns as part of the attributes; strict mode rejects the line")) {
        return false;
      }
    }
    if (text_.size() >= std::numeric_limits<std::uint32_t>::max()) {
      // Rows store a line's length and column 9's offset in 32 bits.
      report(Severity::kError, "line-too-long", "line", "a line shorter than 4 GiB",
             std::to_string(text_.size()) + " bytes", "");
      out_.skipped_lines++;
      return !o_.strict;
    }
    RawRecord r;
    r.line = line;
    const std::string_view seqid = col[0], source = col[1], type = col[2], attributes = col[8];
    r.text = seqid.data();
    r.attr_begin = static_cast<std::uint32_t>(attributes.data() - seqid.data());
    r.attr_size = static_cast<std::uint32_t>(attributes.size());
    if (seqid.empty() || type.empty()) {
      const int c = seqid.empty() ? 0 : 2;
      report(Severity::kError, "empty-column", kColumnNames[c], "a non-empty value", "an empty column", "");
      out_.skipped_lines++;
      return !o_.strict;
    }
    // Source, score and phase may be missing, but GFF writes '.' for that:
    // an empty one is read as missing and said (it passed silently, while an
    // empty seqid, type or strand is an error).
    for (int c : {1, 5, 7}) {
      if (col[c].empty() && !report(Severity::kWarning, "empty-value", kColumnNames[c], "a value or '.'",
                                    "an empty column", c == 1 ? "kept as empty" : "read as '.'")) {
        return false;
      }
    }
    // Coordinates: both '.' (NCBI region rows), or both positive integers.
    const bool start_dot = col[3] == ".", end_dot = col[4] == ".";
    if (start_dot && end_dot) {
      r.start = r.end = kNoCoordinate;
      r.no_coords = true;
    } else {
      if (!parse_coord(col[3], 3, r.start) || !parse_coord(col[4], 4, r.end)) {
        out_.skipped_lines++;
        return !o_.strict;
      }
      if (r.start > r.end) {
        if (!report(Severity::kError, "start-after-end", "columns 4-5 (start, end)", "start <= end",
                    "start " + std::to_string(r.start) + " > end " + std::to_string(r.end),
                    "lenient mode swaps start and end; fix the coordinates to silence this")) {
          return false;
        }
        std::swap(r.start, r.end);
      }
      if (r.start == 0 &&
          !report(Severity::kWarning, "zero-start", kColumnNames[3], "a 1-based coordinate (>= 1)", "0",
                  "GFF coordinates start at 1; 0-based input (BED-like) should be converted")) {
        return false;
      }
    }
    // Score.  Blanks around it (RepeatMasker pads its column: "  6.4") and
    // a leading '+' are read as the number they surround.
    std::string_view score = col[5];
    while (!score.empty() && score.front() == ' ') score.remove_prefix(1);
    while (!score.empty() && score.back() == ' ') score.remove_suffix(1);
    if (score.size() > 1 && score[0] == '+' && score[1] != '-' && score[1] != '+') score.remove_prefix(1);
    if (score == "." || score.empty()) {
      r.score = std::numeric_limits<double>::quiet_NaN();
      r.score_dot = true;
    } else {
      double v = 0;
      auto [p, ec] = std::from_chars(score.data(), score.data() + score.size(), v);
      if (ec != std::errc() || p != score.data() + score.size()) {
        if (!report(Severity::kError, "bad-score", kColumnNames[5], "a number or '.'", quoted(col[5]),
                    "lenient mode stores the score as missing")) {
          return false;
        }
        v = std::numeric_limits<double>::quiet_NaN();
      } else if (!std::isfinite(v)) {
        // "inf", "NaN": numbers to from_chars, but no score (and not JSON).
        if (!report(Severity::kError, "bad-score", kColumnNames[5], "a finite number or '.'", quoted(col[5]),
                    "lenient mode stores the score as missing")) {
          return false;
        }
        v = std::numeric_limits<double>::quiet_NaN();
      }
      r.score = v;
    }
    // Strand.
    if (col[6].size() == 1 && (col[6][0] == '+' || col[6][0] == '-' || col[6][0] == '.' || col[6][0] == '?')) {
      r.strand = col[6][0];
    } else {
      if (!report(Severity::kError, "bad-strand", kColumnNames[6], "one of + - . ?", quoted(col[6]),
                  "lenient mode stores the strand as '.'")) {
        return false;
      }
      r.strand = '.';
    }
    // Phase.
    if (col[7].size() == 1 && col[7][0] >= '0' && col[7][0] <= '2') {
      r.phase = static_cast<Phase>(col[7][0] - '0');
    } else if (col[7] == "." || col[7].empty()) {
      r.phase = -1;
      if (type == "CDS" && o_.format != Format::kGff2) {
        const Severity s = o_.strict ? Severity::kError : Severity::kWarning;
        if (!report(s, "cds-without-phase", kColumnNames[7], "0, 1 or 2 for a CDS", "'.'",
                    "GFF3 and GTF require a phase on CDS features")) {
          return false;
        }
      }
    } else {
      if (!report(Severity::kError, "bad-phase", kColumnNames[7], "one of 0 1 2 .", quoted(col[7]),
                  "lenient mode stores the phase as '.'")) {
        return false;
      }
      r.phase = -1;
    }
    // Attributes: keep the items the builder needs.
    r.items_begin = static_cast<std::uint32_t>(out_.items.size());
    line_items_.clear();
    parse_attributes_unnumbered(attributes, o_.format == Format::kGff3, line_items_, out_.scratch,
                     [&](const AttributeIssue& issue) {
                       issue_ok_ = report(Severity::kError, issue.code,
                                          "column 9 (attributes)" + (issue.key.empty() ? std::string() : ", key '" + issue.key + "'"),
                                          issue.expected, quoted(issue.found),
                                          "lenient mode keeps the text as written");
                     });
    if (!issue_ok_) return false;
    const std::uint32_t record_index = static_cast<std::uint32_t>(out_.records.size());
    for (std::size_t i = 0; i < line_items_.size(); ++i) {
      const AttributeItem& it = line_items_[i];
      const KeyInfo& key = key_info(i, it.key);
      if (it.has_value) {
        out_.attr_entries.push_back(attribute_entry_seeded(key.seed, it.value, record_index));
      }
      if (key.interest != KeyInfo::kNone) {
        out_.items.push_back({it.value.data(), static_cast<std::uint32_t>(it.value.size()), key.interest,
                              it.has_value});
      }
    }
    if (const std::size_t kept = out_.items.size() - r.items_begin; kept > kMaxKeptItems) {
      // A record names at most 65,535 of them (16 bits): more were cut off
      // without a word (an ID after 70,000 Parent values was lost).
      if (!report(Severity::kError, "too-many-values", "column 9 (attributes)",
                  "at most 65,535 values of the keys that link features (ID, Parent, gene_id, transcript_id, ...)",
                  std::to_string(kept) + " values",
                  "lenient mode keeps the first 65,535 and drops the rest; split the feature")) {
        return false;
      }
      out_.items.resize(r.items_begin + kMaxKeptItems);
    }
    r.items_count = static_cast<std::uint16_t>(out_.items.size() - r.items_begin);
    r.seqid_code = seqids_.code(seqid);
    r.source_code = sources_.code(source);
    r.type_code = types_.code(type);
    out_.records.push_back(r);
    return true;
  }

 private:
  // What the parser derives from an attribute key: its hash seed and its
  // index in keys_of_interest (kNone: not one of them).
  struct KeyInfo {
    static constexpr std::uint16_t kNone = 0xFFFF;
    std::string_view key;
    std::uint64_t seed = 0;
    std::uint16_t interest = kNone;
  };

  // The KeyInfo of `key`, the line's item number i.  The lines of a file
  // repeat their keys in the same order, so the key last seen at position i
  // is remembered: one comparison instead of hashing the key and matching it
  // against every key of interest (together a sixth of ingest's instructions
  // on a GTF).  Keys are views into the chunk's text, alive while it parses.
  const KeyInfo& key_info(std::size_t i, std::string_view key) {
    KeyInfo& c = key_cache_[i % key_cache_.size()];
    if (c.key.data() != nullptr && c.key == key) return c;
    c.key = key;
    c.seed = attribute_key_seed(key);
    c.interest = KeyInfo::kNone;
    for (std::size_t k = 0; k < o_.keys_of_interest.size() && k < KeyInfo::kNone; ++k) {
      if (key == o_.keys_of_interest[k]) {
        c.interest = static_cast<std::uint16_t>(k);
        break;
      }
    }
    return c;
  }

  // Returns false when the problem must stop parsing (strict mode, error).
  bool report(Severity s, std::string code, std::string field, std::string expected, std::string found,
              std::string hint) {
    Problem p;
    p.severity = s;
    p.code = std::move(code);
    p.path = o_.path;
    p.line = line_;
    p.field = std::move(field);
    p.expected = std::move(expected);
    p.found = std::move(found);
    p.text = truncate_for_message(text_);
    p.hint = std::move(hint);
    out_.problems.add(std::move(p));
    if (s == Severity::kError && o_.strict) {
      out_.stopped = true;
      return false;
    }
    return true;
  }

  bool parse_coord(std::string_view s, int column, Coord& out) {
    // The usual case, 1 to 18 plain digits, cannot overflow: read directly
    // (from_chars checks for overflow at every digit).
    if (!s.empty() && s.size() <= 18) {
      std::uint64_t v = 0;  // unsigned: a non-digit may wrap it, harmlessly
      bool digits = true;
      for (char c : s) {
        const unsigned d = static_cast<unsigned char>(c) - unsigned{'0'};
        digits &= d <= 9;
        v = v * 10 + d;
      }
      if (digits) {
        out = static_cast<Coord>(v);
        return true;
      }
    }
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) {
      report(Severity::kError, "bad-coordinate", kColumnNames[column], "an integer below 2^63", quoted(s),
             "the coordinate is too large");
      return false;
    }
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
      report(Severity::kError, "bad-coordinate", kColumnNames[column], "a positive integer", quoted(s),
             "coordinates are 1-based integers; '.' is allowed only when both start and end are '.'");
      return false;
    }
    if (v < 0) {
      report(Severity::kError, "bad-coordinate", kColumnNames[column], "a positive integer", quoted(s),
             "coordinates cannot be negative");
      return false;
    }
    out = v;
    return true;
  }

  // Non-UTF-8 bytes and NULs: an error; lenient mode repairs them in place.
  bool check_bytes(char* begin, std::size_t len) {
    std::string_view s(begin, len);
    std::size_t bad = find_invalid_utf8(s);
    if (bad == std::string_view::npos) return true;
    const unsigned char c = static_cast<unsigned char>(s[bad]);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", c);
    if (!report(Severity::kError, c == 0 ? "nul-byte" : "invalid-utf8",
                "byte " + std::to_string(bad + 1) + " of the line", "UTF-8 text", std::string("byte ") + hex,
                "lenient mode replaces each invalid byte with '?'; convert the file to UTF-8 (iconv)")) {
      return false;
    }
    // Resume after each repaired byte: one pass over the line, however many
    // bytes are bad.
    while (bad != std::string_view::npos) {
      begin[bad] = '?';
      ++out_.repaired_bytes;
      const std::size_t next = find_invalid_utf8(s.substr(bad + 1));
      bad = next == std::string_view::npos ? next : bad + 1 + next;
    }
    return true;
  }

  const ChunkParseOptions& o_;
  ParsedChunk& out_;
  LocalDictionary seqids_, sources_, types_;
  std::uint64_t line_ = 0;
  std::string_view text_;
  std::vector<AttributeItem> line_items_;
  std::array<KeyInfo, 32> key_cache_{};
  bool issue_ok_ = true;
};

}  // namespace

std::size_t find_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // Fast path: ASCII bytes, none of them NUL, sixteen (SSE2) then eight at a time.
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      if (_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero))) != 0) break;
      i += 16;
    }
#endif
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      const bool high = (w & 0x8080808080808080ULL) != 0;
      const bool zero = ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) != 0;
      if (high || zero) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c == 0) return i;
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else return i;
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::vector<std::size_t> split_at_lines(std::string_view text, int n) {
  std::vector<std::size_t> cuts{0};
  if (n < 1) n = 1;
  const std::size_t step = text.size() / static_cast<std::size_t>(n) + 1;
  for (int i = 1; i < n; ++i) {
    std::size_t at = std::max(cuts.back(), static_cast<std::size_t>(i) * step);
    if (at >= text.size()) break;
    const std::size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) break;
    if (nl + 1 > cuts.back() && nl + 1 < text.size()) cuts.push_back(nl + 1);
  }
  cuts.push_back(text.size());
  return cuts;
}

std::size_t find_fasta_start(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == '>' ) return pos;
    if (text.compare(pos, 7, "##FASTA") == 0) {
      std::size_t e = pos + 7;
      while (e < text.size() && (text[e] == '\r' || text[e] == ' ')) ++e;
      if (e == text.size() || text[e] == '\n') return pos;
    }
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
    // Skip quickly over ordinary lines: only lines starting with '#' or '>' matter.
    while (pos < text.size() && text[pos] != '#' && text[pos] != '>') {
      const std::size_t next = text.find('\n', pos);
      if (next == std::string_view::npos) return text.size();
      pos = next + 1;
    }
  }
  return text.size();
}

bool ucsc_browser_line(std::string_view line) {
  for (std::string_view word : {std::string_view("track"), std::string_view("browser")}) {
    if (line.starts_with(word) &&
        (line.size() == word.size() || line[word.size()] == ' ' || line[word.size()] == '\t')) {
      return true;
    }
  }
  return false;
}

bool split_on_space_runs(std::string_view line, std::string_view (&col)[9]) {
  std::string_view rest = line;
  std::string_view parts[9];
  for (int k = 0; k < 8; ++k) {
    const std::size_t b = rest.find_first_not_of(' ');
    if (b == std::string_view::npos) return false;
    rest.remove_prefix(b);
    const std::size_t e = rest.find(' ');
    if (e == std::string_view::npos) return false;
    parts[k] = rest.substr(0, e);
    rest.remove_prefix(e);
  }
  const std::size_t b = rest.find_first_not_of(' ');
  if (b == std::string_view::npos) return false;
  parts[8] = rest.substr(b);
  for (int k = 0; k < 9; ++k) col[k] = parts[k];
  return true;
}

void parse_chunk(char* text, std::size_t size, const ChunkParseOptions& options, ParsedChunk& out) {
  LineParser parser(options, out);
  std::size_t pos = 0;
  std::uint64_t line = 0;
  // Strict stop: still count the remaining lines so later chunks' line
  // numbers rebase correctly.
  auto stop = [&](std::uint64_t at) {
    const std::size_t rest = pos < size ? size - pos : 0;
    out.lines = at + static_cast<std::uint64_t>(std::count(text + size - rest, text + size, '\n')) +
                (rest > 0 && text[size - 1] != '\n' ? 1 : 0);
  };
  // Growing the per-record vectors by doubling cost most of ingest's page
  // faults and a tenth of its copying: after a sample of lines, reserve what
  // the whole chunk will need (its line count is cheap: one memchr per line;
  // std::count compared byte by byte, 7% of ingest's instructions).
  std::size_t total_lines = 1;
  for (const char* p = text; const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(text + size - p));) {
    ++total_lines;
    p = static_cast<const char*>(nl) + 1;
  }
  bool reserved = total_lines < 4096;
  while (pos < size) {
    if (!reserved && out.records.size() == 256) {
      reserved = true;
      const double per_line = 1.0 / static_cast<double>(line);
      const auto scale = [&](std::size_t sample) {
        return static_cast<std::size_t>(static_cast<double>(sample) * per_line * 1.05 * total_lines) + 16;
      };
      internal::reserve_huge(out.records, scale(out.records.size()));
      internal::reserve_huge(out.items, scale(out.items.size()));
      internal::reserve_huge(out.attr_entries, scale(out.attr_entries.size()));
    }
    const void* nl = std::memchr(text + pos, '\n', size - pos);
    const std::size_t end = nl ? static_cast<const char*>(nl) - text : size;
    std::size_t len = end - pos;
    ++line;
    if (len > 0 && text[pos + len - 1] == '\r') --len;  // CRLF
    char* begin = text + pos;
    pos = end + 1;
    if (len >= 3 && static_cast<unsigned char>(begin[0]) == 0xEF && static_cast<unsigned char>(begin[1]) == 0xBB &&
        static_cast<unsigned char>(begin[2]) == 0xBF) {
      // A byte order mark inside the file (files joined with cat): said and
      // skipped, or it would start the line's seqid or hide its "##".
      parser.stray_byte_order_mark(begin, len, line);
      begin += 3;
      len -= 3;
    }
    if (len == 0) continue;
    if (begin[0] == '#') {
      // "##" directives and the "#!" pragmas of Ensembl and NCBI files
      // (#!genome-build GRCh38.p14) are kept; other '#' lines are comments.
      if (len >= 2 && (begin[1] == '#' || begin[1] == '!')) {
        if (!parser.directive_line(begin, len, line)) return stop(line);
      } else {
        out.comment_lines++;
      }
      continue;
    }
    // Whitespace-only lines are blank.
    std::size_t k = 0;
    while (k < len && (begin[k] == ' ' || begin[k] == '\t')) ++k;
    if (k == len) continue;
    if (!parser.feature_line(begin, len, line)) return stop(line);
  }
  out.lines = line;
}

}  // namespace gffbase
