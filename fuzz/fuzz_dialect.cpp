// Fuzz target: DialectDetector over arbitrary attribute fields.
//
// The input is split at '\n'; each piece is one observed column 9.
// Properties besides "no crash":
//   * classify_attribute_field returns 0, 2 or 3;
//   * lines_checked counts the observations; votes never exceed it and match
//     the per-field classification;
//   * a forced format always wins; auto gives GFF3 unless GTF/GFF2 votes are
//     the strict majority; GFF3 never reports quoted values;
//   * detection is deterministic (a second detector agrees).
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "gffbase/parse/dialect.hpp"

using namespace gffbase;
using fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  DialectDetector a, b;
  std::uint32_t n = 0, v3 = 0, v2 = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view field = text.substr(pos, nl - pos);
    const int c = classify_attribute_field(field);
    check(c == 0 || c == 2 || c == 3, "classify_attribute_field returns 0, 2 or 3");
    v3 += c == 3;
    v2 += c == 2;
    a.observe(field);
    b.observe(field);
    ++n;
    pos = nl + 1;
  }
  const Dialect d = a.finish(Format::kAuto);
  check(d.lines_checked == n, "lines_checked counts observations");
  check(d.votes_gff3 == v3 && d.votes_gtf == v2, "votes match the per-field classification");
  check(d.votes_gff3 + d.votes_gtf <= d.lines_checked, "votes <= lines");
  if (v2 > v3) check(d.format == Format::kGtf || d.format == Format::kGff2, "a GTF/GFF2 majority wins");
  else check(d.format == Format::kGff3, "ties and GFF3 majorities give GFF3");
  if (d.format == Format::kGff3) check(!d.quoted_values, "GFF3 never has quoted values");
  check(!d.describe().empty(), "describe() says something");
  const Dialect e = b.finish(Format::kAuto);
  check(e.format == d.format && e.quoted_values == d.quoted_values && e.trailing_semicolon == d.trailing_semicolon &&
            e.space_after_separator == d.space_after_separator && e.comma_lists == d.comma_lists,
        "detection is deterministic");
  for (Format f : {Format::kGff3, Format::kGtf, Format::kGff2}) {
    check(a.finish(f).format == f, "a forced format wins");
  }
  return 0;
}
