#include "gffbase/parse/problem.hpp"

#include <algorithm>

namespace gffbase {

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t len;
  std::uint32_t cp;
  if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
  else return 0;
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}
}  // namespace

// Messages must be valid UTF-8 (Python decodes them): control bytes and
// bytes that are not part of a valid UTF-8 sequence are written as \xNN, and
// the cut never splits a character.
std::string truncate_for_message(std::string_view s, std::size_t max) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  const std::size_t n = std::min(s.size(), max);
  out.reserve(n + 3);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t len = utf8_sequence(s, i);
      if (len > 0 && i + len <= n) {
        out.append(s.substr(i, len));
        i += len - 1;
      } else {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      }
      continue;
    }
    if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == 0) out += "\\0";
    else if (c < 0x20 || c == 0x7f) {
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
