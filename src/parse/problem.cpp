#include "gffbase/parse/problem.hpp"

#include <algorithm>

namespace gffbase {

std::string truncate_for_message(std::string_view s, std::size_t max) {
  std::string out;
  const std::size_t n = std::min(s.size(), max);
  out.reserve(n + 3);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == 0) out += "\\0";
    else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

std::string Problem::format() const {
  std::string m = path;
  if (line) {
    m += ':';
    m += std::to_string(line);
  }
  m += severity == Severity::kError ? ": error: " : ": warning: ";
  if (!field.empty()) m += field + ": ";
  if (!expected.empty()) {
    m += "expected " + expected;
    m += found.empty() ? "" : ", found " + found;
  } else {
    m += found;
  }
  if (!text.empty()) m += "\n  | " + text;
  if (!hint.empty()) m += "\n  hint: " + hint;
  return m;
}

void ProblemLog::add(Problem p) {
  (p.severity == Severity::kError ? errors : warnings)++;
  if (items.size() < kMaxStoredProblems) items.push_back(std::move(p));
}

void ProblemLog::merge(ProblemLog&& other) {
  errors += other.errors;
  warnings += other.warnings;
  for (auto& p : other.items) {
    if (items.size() >= kMaxStoredProblems) break;
    items.push_back(std::move(p));
  }
}

void ProblemLog::sort_by_line() {
  std::stable_sort(items.begin(), items.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
}

}  // namespace gffbase
