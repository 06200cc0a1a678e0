// gffbase — the attribute dialect of an input, detected deterministically.
//
// Column 9 comes in two families:
//   GFF3:      key=value1,value2;key2=value        (percent-encoded)
//   GTF/GFF2:  key "value"; key2 "value"; key 3    (quoted, repeated keys)
// GTF is GFF2 whose lines carry gene_id and transcript_id.
//
// `detect_dialect` votes over the first `check_lines` feature lines (in file
// order, so the answer never depends on threads): each attribute field is
// classified by its first token; the majority family wins, ties go to GFF3.
// The result also records the surface style (quoting, separator spacing,
// trailing semicolon) that writers use to produce lines in the same dialect.
// A caller may override the format; the style is still detected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gffbase/types.hpp"

namespace gffbase {

struct Dialect {
  Format format = Format::kGff3;
  bool quoted_values = false;      ///< GTF/GFF2: values in double quotes
  bool trailing_semicolon = false; ///< attribute field ends with ';'
  bool space_after_separator = false; ///< "; " between attributes
  bool repeated_keys = false;      ///< a key appears twice in one line
  bool comma_lists = false;        ///< GFF3 value lists "a,b"
  std::uint32_t lines_checked = 0;
  std::uint32_t votes_gff3 = 0;
  std::uint32_t votes_gtf = 0;

  /// One-line human summary, e.g. "gtf (quoted values, '; ' separator, trailing ';')".
  std::string describe() const;
};

/// Classifies one attribute field: 3 = GFF3 key=value, 2 = GTF/GFF2, 0 = no vote.
int classify_attribute_field(std::string_view attributes);

/// Votes over the attribute fields given one at a time.
class DialectDetector {
 public:
  void observe(std::string_view attributes);
  /// `forced` != kAuto overrides the voted format.
  Dialect finish(Format forced) const;

 private:
  Dialect d_{};
  std::uint32_t with_gene_and_transcript_ = 0;
  std::uint32_t trailing_ = 0, spaced_ = 0, quoted_ = 0, repeated_ = 0, commas_ = 0;
};

}  // namespace gffbase
