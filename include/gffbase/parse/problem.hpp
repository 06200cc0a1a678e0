// gffbase — one diagnosed problem in an input file, and the collected report.
//
// Every problem names where (path:line), what (the column or attribute),
// what was expected and what was found, the offending line (truncated to
// kMaxQuotedLine bytes) and a hint.  `format()` renders the message people
// read; tests assert its text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gffbase {

enum class Severity : std::uint8_t { kWarning = 0, kError = 1 };

struct Problem {
  Severity severity = Severity::kError;
  std::string code;      ///< stable machine-readable name, e.g. "bad-strand"
  std::string path;      ///< input name
  std::uint64_t line = 0;///< 1-based line number; 0 when not tied to a line
  std::string field;     ///< column or attribute, e.g. "column 7 (strand)"
  std::string expected;  ///< what a valid value looks like
  std::string found;     ///< what was there (truncated)
  std::string text;      ///< the offending line (truncated)
  std::string hint;      ///< how to fix or work around it

  /// "path:line: error: field: expected X, found Y\n  | text\n  hint: ..."
  std::string format() const;
};

inline constexpr std::size_t kMaxQuotedLine = 200;
inline constexpr std::size_t kMaxStoredProblems = 10000;

/// Truncates `s` for quoting in a message, marking the cut with "...".
std::string truncate_for_message(std::string_view s, std::size_t max = kMaxQuotedLine);

/// Problems found by one ingest: counts are exact; the list keeps the first
/// kMaxStoredProblems (sorted by line).
struct ProblemLog {
  std::uint64_t errors = 0;
  std::uint64_t warnings = 0;
  std::vector<Problem> items;

  void add(Problem p);
  void merge(ProblemLog&& other);
  void sort_by_line();
};

}  // namespace gffbase
