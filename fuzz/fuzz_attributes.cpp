// Fuzz target: column-9 parsing (GFF3 and GTF families) and percent coding.
//
// Properties besides "no crash":
//   * parse_attributes on the raw input, both families: every view is
//     readable; GFF3 keys never contain '=' or ';' outside quotes;
//   * percent_decode(percent_encode(x)) == x, for in_list true and false, and
//     the encoded text holds no reserved byte (; = & , control) unescaped;
//   * round trip through a whole field: items (key, value) encoded and
//     joined as "k1=enc(v1);k2=enc(v2)" parse back to the same items.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "gffbase/parse/attributes.hpp"
#include "gffbase/parse/chunk_parser.hpp"

using namespace gffbase;
using fuzz::check;

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

void check_encoding(const std::string& x, bool in_list) {
  const std::string enc = percent_encode(x, in_list);
  for (std::size_t i = 0; i < enc.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(enc[i]);
    check(c != ';' && c != '=' && c != '&' && c >= 0x20 && c != 0x7f, "percent_encode escapes ; = & and control bytes");
    if (in_list) check(c != ',', "percent_encode(in_list) escapes ','");
    if (c == '%') check(i + 2 < enc.size() && is_hex(enc[i + 1]) && is_hex(enc[i + 2]), "every % starts an escape");
  }
  std::string dec;
  // percent_decode rejects results that are not UTF-8 (so must return false
  // exactly when x is not UTF-8), and always reproduces the bytes.
  const bool utf8 = find_invalid_utf8(x) == std::string_view::npos;
  check(percent_decode(enc, dec) == utf8, "percent_decode accepts percent_encode's output iff it is UTF-8");
  check(dec == x, "percent_decode(percent_encode(x)) == x");
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);

  // --- raw parsing in both families ---------------------------------------------
  const std::string field = fdp.ConsumeRandomLengthString(4096);
  for (bool gff3 : {true, false}) {
    std::vector<AttributeItem> items;
    std::deque<std::string> scratch;
    std::size_t issues = 0;
    parse_attributes(field, gff3, items, scratch, [&](const AttributeIssue& is) {
      ++issues;
      check(!is.code.empty(), "issues carry a code");
    });
    for (const AttributeItem& it : items) {
      fuzz::touch(it.key);
      fuzz::touch(it.value);
      if (gff3 && it.has_value) check(it.key.find('=') == std::string_view::npos, "GFF3 keys stop at the first '='");
    }
    (void)values_of(items, "ID");
  }
  check_encoding(field, true);
  check_encoding(field, false);

  // --- structured round trip: encode items, join, parse -----------------------------
  struct Item {
    std::string key, value;
  };
  std::vector<Item> want;
  std::string joined;
  const int n = fdp.ConsumeIntegralInRange<int>(1, 8);
  for (int i = 0; i < n; ++i) {
    // Keys: a plain token (GFF3 keys are not percent-decoded by gffbase).
    std::string key = "k" + std::to_string(i);
    std::string value = fdp.ConsumeRandomLengthString(64);
    // Leading/trailing blanks are trimmed by design (they separate items);
    // an empty value is "key with an empty value", kept as such.
    if (trim_spaces(value) != value || value.empty()) continue;
    // Values are text: bytes that are not UTF-8 are reported (and kept raw)
    // by design, so the lossless round trip is a property of UTF-8 values.
    if (find_invalid_utf8(value) != std::string_view::npos) continue;
    if (!joined.empty()) joined += ';';
    joined += key + "=" + percent_encode(value, true);
    want.push_back({key, value});
  }
  std::vector<AttributeItem> got;
  std::deque<std::string> scratch;
  std::size_t issues = 0;
  parse_attributes(joined, true, got, scratch, [&](const AttributeIssue&) { ++issues; });
  check(issues == 0, "an encoded field parses without issues");
  check(got.size() == want.size(), "an encoded field parses back to as many items");
  for (std::size_t i = 0; i < got.size(); ++i) {
    check(got[i].key == want[i].key, "round-trip keys");
    check(got[i].has_value && got[i].value == want[i].value, "round-trip values");
  }
  return 0;
}
