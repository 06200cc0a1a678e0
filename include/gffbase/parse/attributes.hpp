// gffbase — parsing column 9 into (key, value) pairs.
//
// Contract
// --------
// `parse_attributes` splits one attribute field in the given format family:
//   * GFF3: ';'-separated `key=value` items; values split on ','; values are
//     percent-decoded (%3B -> ';').  An item without '=' is a key with no
//     values (gffutils' behaviour for "Lack 3'-end").  The first '=' splits.
//   * GTF/GFF2: ';'-separated `key value` items; a value in double quotes is
//     unquoted and may contain ';'; an item with several quoted strings
//     yields several values; repeated keys accumulate values in order.
// In both: empty items (doubled or trailing ';') are skipped, surrounding
// spaces are trimmed, and keys keep their first-appearance order.
//
// Values are handed out as string_views into the field when no decoding was
// needed, otherwise into `scratch`, which the caller keeps alive while the
// views are used.  Problems (a bad percent escape, an unterminated quote)
// are reported through `on_issue` and never stop parsing: the raw text is
// kept for the value concerned.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/types.hpp"

namespace gffbase {

struct AttributeItem {
  std::string_view key;
  std::string_view value;
  std::uint16_t value_index = 0;  ///< position among this key's values
  bool has_value = true;          ///< false for a bare key ("Complete;")
};

struct AttributeIssue {
  std::string code;      ///< "bad-percent-escape", "unterminated-quote"
  std::string key;       ///< attribute concerned
  std::string expected;
  std::string found;
};

using AttributeIssueSink = std::function<void(const AttributeIssue&)>;

/// Appends the items of `field` to `out` (not cleared).  `gff3` selects the
/// family.  `field` == "." or "" yields nothing.
void parse_attributes(std::string_view field, bool gff3, std::vector<AttributeItem>& out,
                      std::deque<std::string>& scratch, const AttributeIssueSink& on_issue = {});

/// As parse_attributes, but every value_index is 0: the ingest's fast path,
/// which needs the values, not their positions among repeated keys.
void parse_attributes_unnumbered(std::string_view field, bool gff3, std::vector<AttributeItem>& out,
                                 std::deque<std::string>& scratch, const AttributeIssueSink& on_issue = {});

/// As parse_attributes, with the value lists gffutils' Feature.attributes
/// has (the Python API's): an empty value is no value (GFF3 `Note=`, GTF
/// `note ""`: the key, with no values), and the empty slots of a GFF3 list
/// are values (`Alias=a,,b` -> "a", "", "b"; the index drops them).
/// value_index is not meaningful here; problems are not reported.
void parse_attributes_gffutils(std::string_view field, bool gff3, std::vector<AttributeItem>& out,
                               std::deque<std::string>& scratch);

/// Percent-decodes `in` into `out`; returns false (copying the rest
/// literally) at the first malformed escape, or when the decoded bytes are not
/// UTF-8 (%FF, %00).  Callers then keep the value as written.
bool percent_decode(std::string_view in, std::string& out);

/// Percent-encodes the characters GFF3 reserves in values (; = & , tab,
/// newline, %, control bytes).  `in_list` also encodes ','.
std::string percent_encode(std::string_view in, bool in_list = true);

/// Values of `key` in a parsed list (in order).
std::vector<std::string_view> values_of(const std::vector<AttributeItem>& items, std::string_view key);

}  // namespace gffbase
