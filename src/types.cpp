#include "gffbase/types.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace gffbase {
namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
}  // namespace

std::string_view format_name(Format f) {
  switch (f) {
    case Format::kAuto: return "auto";
    case Format::kGff3: return "gff3";
    case Format::kGtf: return "gtf";
    case Format::kGff2: return "gff2";
  }
  return "?";
}

bool parse_format(std::string_view text, Format& out) {
  const std::string t = lower(text);
  if (t == "auto") out = Format::kAuto;
  else if (t == "gff3" || t == "gff") out = Format::kGff3;
  else if (t == "gtf" || t == "gtf2") out = Format::kGtf;
  else if (t == "gff2") out = Format::kGff2;
  else return false;
  return true;
}

std::string_view merge_strategy_name(MergeStrategy m) {
  switch (m) {
    case MergeStrategy::kError: return "error";
    case MergeStrategy::kWarning: return "warning";
    case MergeStrategy::kMerge: return "merge";
    case MergeStrategy::kCreateUnique: return "create_unique";
    case MergeStrategy::kReplace: return "replace";
  }
  return "?";
}

bool parse_merge_strategy(std::string_view text, MergeStrategy& out) {
  const std::string t = lower(text);
  if (t == "error") out = MergeStrategy::kError;
  else if (t == "warning") out = MergeStrategy::kWarning;
  else if (t == "merge") out = MergeStrategy::kMerge;
  else if (t == "create_unique" || t == "create-unique") out = MergeStrategy::kCreateUnique;
  else if (t == "replace") out = MergeStrategy::kReplace;
  else return false;
  return true;
}

}  // namespace gffbase
