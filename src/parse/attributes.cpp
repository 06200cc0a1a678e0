#include "gffbase/parse/attributes.hpp"

#include "gffbase/parse/chunk_parser.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <unordered_map>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gffbase {
namespace {

inline std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The '"' that closes a quoted GTF value opened before p: the first in
// [p, end) not escaped by a backslash (`note "a \"b\" c"`, as some
// converters write a quote inside a value; the value keeps the backslashes,
// as gffutils keeps them).  nullptr when there is none.
const char* closing_quote(const char* p, const char* end) {
  for (;;) {
    const auto* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
    if (q == nullptr) return nullptr;
    std::size_t backslashes = 0;
    for (const char* b = q; b > p && b[-1] == '\\'; --b) ++backslashes;
    if (backslashes % 2 == 0) return q;
    p = q + 1;
  }
}

// Numbers repeated keys' values (tag "a"; tag "b" -> indexes 0, 1).  A
// linear scan is fastest for the usual handful of keys; a map takes over
// for pathological lines with thousands of items so parsing stays linear.
class KeyCounter {
 public:
  /// The running value count of `key`; the caller advances it.
  std::uint16_t& slot(std::string_view key) {
    if (map_.empty() && small_.size() < 32) {
      for (auto& [k, n] : small_) {
        if (k == key) return n;
      }
      return small_.emplace_back(key, 0).second;
    }
    if (map_.empty()) {
      for (auto& [k, n] : small_) map_.emplace(k, n);
    }
    return map_.try_emplace(key, 0).first->second;
  }

 private:
  std::vector<std::pair<std::string_view, std::uint16_t>> small_;
  std::unordered_map<std::string_view, std::uint16_t> map_;
};

// Splits on ';' that are not inside double quotes.  Calls f(item) for each
// non-empty trimmed item.  Returns false when a quote is left open.
template <typename F>
bool for_each_item(std::string_view field, bool quotes, F&& f) {
  // memchr jumps from separator to separator: a ';' ends an item unless a
  // '"' opened before it is still open, in which case the search resumes
  // after the closing quote.
  const char* p = field.data();
  const char* const end = p + field.size();
  const char* begin = p;
  // The next ';' at or after p (end: none), found again only once p passes
  // it: searching afresh after every closing quote made a line of many
  // quoted strings ("" "" ...) take quadratic time.
  const char* stop = nullptr;
  while (p < end) {
    if (stop == nullptr || stop < p) {
      const char* semi = static_cast<const char*>(std::memchr(p, ';', end - p));
      stop = semi ? semi : end;
    }
    // GFF3 has no quoting: a '"' there is an ordinary character.
    const char* quote = quotes ? static_cast<const char*>(std::memchr(p, '"', stop - p)) : nullptr;
    if (quote) {
      const char* close = closing_quote(quote + 1, end);
      if (!close) {  // unterminated: the rest of the field is one item
        auto item = trim(std::string_view(begin, end - begin));
        if (!item.empty()) f(item);
        return false;
      }
      p = close + 1;
      continue;
    }
    auto item = trim(std::string_view(begin, stop - begin));
    if (!item.empty()) f(item);
    p = begin = stop + 1;
  }
  if (begin < end) {
    auto item = trim(std::string_view(begin, end - begin));
    if (!item.empty()) f(item);
  }
  return true;
}

// `gffutils_lists`: an empty value is no value, and empty list slots are
// values (parse_attributes_gffutils).
void parse_gff3_item(std::string_view item, std::vector<AttributeItem>& out, std::deque<std::string>& scratch,
                     const AttributeIssueSink& on_issue, KeyCounter* counter, bool gffutils_lists) {
  const std::size_t eq = item.find('=');
  if (eq == std::string_view::npos) {
    // 'gene_id "G1"' (a key, spaces, a quoted value) is a GTF item in a GFF3
    // line (mixed files): kept as written, but said.  A bare key may hold
    // spaces ("Lack 3'-end" flags): only the quote tells GTF apart.
    const std::size_t space = item.find(' ');
    const std::size_t value = space == std::string_view::npos ? space : item.find_first_not_of(' ', space);
    if (on_issue && value != std::string_view::npos && item[value] == '"' && item.back() == '"' &&
        item.size() - value >= 2) {
      on_issue({"gtf-style-attribute", std::string(item.substr(0, space)), "key=value (GFF3)", std::string(item)});
    }
    out.push_back({item, {}, 0, false});
    return;
  }
  const std::string_view key = trim(item.substr(0, eq));
  const std::string_view value = item.substr(eq + 1);
  std::uint16_t unnumbered = 0;
  std::uint16_t& index = counter ? counter->slot(key) : unnumbered;
  auto emit = [&](std::string_view v) {
    if (v.find('%') == std::string_view::npos) {
      out.push_back({key, v, index++, true});
      return;
    }
    std::string& decoded = scratch.emplace_back();
    if (!percent_decode(v, decoded)) {
      // A malformed escape, or one that decodes to bytes that are not UTF-8
      // (%FF, %00): the value is kept exactly as written.
      if (on_issue) {
        on_issue({"bad-percent-escape", std::string(key),
                  "percent escapes %XX with two hex digits that decode to UTF-8 text", std::string(v)});
      }
      out.push_back({key, v, index++, true});
      return;
    }
    out.push_back({key, decoded, index++, true});
  };
  if (value.empty()) {
    if (gffutils_lists) out.push_back({key, {}, index, false});
    else out.push_back({key, value, index++, true});
    return;
  }
  std::size_t begin = 0;
  bool emitted = false;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || value[i] == ',') {
      auto v = value.substr(begin, i - begin);
      // "Parent=a," (a trailing comma) is an empty list slot, not a value.
      if (!v.empty() || gffutils_lists) {
        emit(v);
        emitted = true;
      }
      begin = i + 1;
    }
  }
  if (!emitted) out.push_back({key, {}, index++, true});
}

// Words that are all numbers or strands ("1 463", "10 200 +"): a GFF2
// Target's or Gap's coordinates.
bool numbers_and_strands(std::string_view words) {
  bool any = false;
  for (char c : words) {
    if (c == ' ' || c == '\t' || c == '+' || c == '-' || c == '.') continue;
    if (c < '0' || c > '9') return false;
    any = true;
  }
  return any;
}

void parse_gtf_item(std::string_view item, std::vector<AttributeItem>& out, std::deque<std::string>& scratch,
                    KeyCounter* counter) {
  // The key ends at the first space, tab or quote (a table lookup per byte).
  static constexpr auto kKeyEnd = [] {
    std::array<bool, 256> t{};
    t[' '] = t['\t'] = t['"'] = true;
    return t;
  }();
  std::size_t sp = 0;
  while (sp < item.size() && !kKeyEnd[static_cast<unsigned char>(item[sp])]) ++sp;
  const std::string_view key = item.substr(0, sp);
  std::string_view rest = trim(item.substr(sp));
  std::uint16_t unnumbered = 0;
  std::uint16_t& index = counter ? counter->slot(key) : unnumbered;
  if (key.empty()) {  // an item that is only a quoted string: keep it as a bare key
    out.push_back({rest, {}, 0, false});
    return;
  }
  if (rest.empty()) {
    out.push_back({key, {}, index, false});
    return;
  }
  if (rest.front() != '"') {
    out.push_back({key, rest, index++, true});
    return;
  }
  // One or more quoted strings: key "a" "b" -> two values.
  while (!rest.empty()) {
    if (rest.front() == '"') {
      const char* const quote_end = closing_quote(rest.data() + 1, rest.data() + rest.size());
      if (quote_end == nullptr) {
        out.push_back({key, rest.substr(1), index++, true});
        return;
      }
      const auto close = static_cast<std::size_t>(quote_end - rest.data());
      out.push_back({key, rest.substr(1, close - 1), index++, true});
      rest = trim(rest.substr(close + 1));
    } else if (numbers_and_strands(rest)) {
      // Coordinates after a quoted string belong to it: GFF2's Target
      // "Motif:(TAACCC)n" 1 463 (RepeatMasker) is one value, GFF3's
      // Target=Motif:(TAACCC)n 1 463, not a name and a separate "1 463".
      AttributeItem& last = out.back();
      last.value = scratch.emplace_back(std::string(last.value) + " " + std::string(rest));
      return;
    } else {  // GFF1's gene_id "g" transcript_id 335995: the rest is its own value
      out.push_back({key, rest, index++, true});
      return;
    }
  }
}

// Where a GTF key that starts at p ends: the first blank, quote or ';' of
// [p, end), or end.  Sixteen bytes at a time where SSE2 is there (keys are
// ~10 bytes; a table lookup a byte was a sixteenth of ingest's instructions).
const char* key_end(const char* p, const char* end) {
  static constexpr auto kStop = [] {
    std::array<bool, 256> t{};
    t[' '] = t['\t'] = t['"'] = t[';'] = true;
    return t;
  }();
#if defined(__SSE2__)
  const __m128i blank = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), quote = _mm_set1_epi8('"'),
                semi = _mm_set1_epi8(';');
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, blank), _mm_cmpeq_epi8(v, tab)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, semi)));
    if (const auto m = static_cast<unsigned>(_mm_movemask_epi8(hit)); m != 0) return p + std::countr_zero(m);
  }
#endif
  while (p < end && !kStop[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

// The leading items of a GTF/GFF2 field that have the usual shape, read in
// one pass: `key "value"` or `key value`, then ';' or the end of the field.
// Returns the offset of the first item of any other shape (a bare key, a
// comment, several quoted strings, a quote left open, ...), from which
// for_each_item and parse_gtf_item take over; field.size() when every item
// was read.  The items read here are exactly those parse_gtf_item would
// yield: each ends at a ';' outside quotes, so the general path, resumed
// after it, splits the rest as it would have split the whole field.  (The
// general path costs about five memchr calls an item; this one, one.)
std::size_t common_gtf_items(std::string_view field, std::vector<AttributeItem>& out, KeyCounter* counter) {
  const char* const first = field.data();
  const char* const end = first + field.size();
  const char* p = first;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (p < end) {
    const char* const item = p;
    while (p < end && blank(*p)) ++p;
    const char* const key_begin = p;
    p = key_end(p, end);
    if (p == key_begin || *key_begin == '#') return static_cast<std::size_t>(item - first);
    const std::string_view key(key_begin, static_cast<std::size_t>(p - key_begin));
    while (p < end && blank(*p)) ++p;
    if (p == end || *p == ';') return static_cast<std::size_t>(item - first);  // a bare key
    std::string_view value;
    const char* next;  // the ';' that ends the item, or end
    if (*p == '"') {
      const char* close = closing_quote(p + 1, end);
      if (close == nullptr) return static_cast<std::size_t>(item - first);
      value = std::string_view(p + 1, static_cast<std::size_t>(close - p - 1));
      next = close + 1;
      while (next < end && (blank(*next) || *next == '\r')) ++next;
      if (next < end && *next != ';') return static_cast<std::size_t>(item - first);  // more after the quotes
    } else {
      const auto* semi = static_cast<const char*>(std::memchr(p, ';', static_cast<std::size_t>(end - p)));
      next = semi ? semi : end;
      if (std::memchr(p, '"', static_cast<std::size_t>(next - p)) != nullptr) {
        return static_cast<std::size_t>(item - first);
      }
      const char* e = next;
      while (e > p && (blank(e[-1]) || e[-1] == '\r')) --e;
      if (e == p) return static_cast<std::size_t>(item - first);  // only blanks and CRs: a bare key
      value = std::string_view(p, static_cast<std::size_t>(e - p));
    }
    const std::uint16_t index = counter ? counter->slot(key)++ : 0;
    out.push_back({key, value, index, true});
    p = next < end ? next + 1 : end;
  }
  return field.size();
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  bool ok = true;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      const int h = i + 1 < in.size() ? hex_value(in[i + 1]) : -1;
      const int l = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
      if (h >= 0 && l >= 0) {
        out += static_cast<char>(h * 16 + l);
        i += 2;
        continue;
      }
      ok = false;
    }
    out += in[i];
  }
  if (ok && find_invalid_utf8(out) != std::string_view::npos) ok = false;
  return ok;
}

std::string percent_encode(std::string_view in, bool in_list) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (char ch : in) {
    const unsigned char c = static_cast<unsigned char>(ch);
    const bool reserved = c == ';' || c == '=' || c == '&' || c == '%' || c < 0x20 || c == 0x7f ||
                          (in_list && c == ',');
    if (reserved) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

namespace {
void parse_items(std::string_view field, bool gff3, std::vector<AttributeItem>& out,
                 std::deque<std::string>& scratch, const AttributeIssueSink& on_issue, KeyCounter* counter,
                 bool gffutils_lists = false) {
  field = trim(field);
  if (field.empty() || field == ".") return;
  // GTF/GFF2: the items of the usual shape first, then the general path.
  const std::size_t rest = gff3 ? 0 : common_gtf_items(field, out, counter);
  if (rest == field.size()) return;
  bool comment = false;
  const bool closed = for_each_item(field.substr(rest), !gff3, [&](std::string_view item) {
    // GTF/GFF2: text after a '#' that starts an item is a comment.
    if (comment || (!gff3 && item.front() == '#')) {
      comment = true;
      return;
    }
    if (gff3) parse_gff3_item(item, out, scratch, on_issue, counter, gffutils_lists);
    else parse_gtf_item(item, out, scratch, counter);
  });
  if (!closed && on_issue) {
    on_issue({"unterminated-quote", "", "a closing double quote", std::string(field)});
  }
}
}  // namespace

void parse_attributes(std::string_view field, bool gff3, std::vector<AttributeItem>& out,
                      std::deque<std::string>& scratch, const AttributeIssueSink& on_issue) {
  KeyCounter counter;
  parse_items(field, gff3, out, scratch, on_issue, &counter);
}

void parse_attributes_unnumbered(std::string_view field, bool gff3, std::vector<AttributeItem>& out,
                                 std::deque<std::string>& scratch, const AttributeIssueSink& on_issue) {
  parse_items(field, gff3, out, scratch, on_issue, nullptr);
}

void parse_attributes_gffutils(std::string_view field, bool gff3, std::vector<AttributeItem>& out,
                               std::deque<std::string>& scratch) {
  KeyCounter counter;
  const std::size_t first = out.size();
  parse_items(field, gff3, out, scratch, {}, &counter, true);
  if (gff3) return;
  // GTF: `note ""` names the key but gives it no value.  (A GFF3 list's
  // empty slots, handled above, stay values.)
  for (std::size_t k = first; k < out.size(); ++k) {
    if (out[k].has_value && out[k].value.empty()) out[k].has_value = false;
  }
}

std::vector<std::string_view> values_of(const std::vector<AttributeItem>& items, std::string_view key) {
  std::vector<std::string_view> v;
  for (const auto& it : items) {
    if (it.key == key && it.has_value) v.push_back(it.value);
  }
  return v;
}

}  // namespace gffbase
