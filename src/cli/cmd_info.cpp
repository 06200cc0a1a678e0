// gffbase info
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "args.hpp"
#include "commands.hpp"
#include "gffbase/query/database.hpp"

namespace gffbase::cli {

namespace {
// A count recorded in the database's metadata; nullopt when absent or not a number.
std::optional<std::uint64_t> meta_count(const Database& d, std::string_view key) {
  const std::string v = d.meta_value(key);
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return n;
}
}  // namespace

int cmd_info(const Argv& argv) {
  CommandSpec spec{"info", "gffbase info DB [--problems] [--verify]",
                   "Print a database's provenance, size, and feature counts by type and seqid.",
                   {{"--problems", "", false, false, "also list the problems recorded at ingest", ""},
                    {"--verify", "", false, false, "check every section's checksum and index bounds", ""}}};
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  if (a.positional().size() != 1) return usage_error(spec, "expected exactly one DB");
  auto db = Database::open(a.positional()[0]);
  if (!db.is_ok()) return report_error("info", db.status().message());
  const Database& d = **db;
  if (a.flag("--verify")) {
    if (Status s = d.verify(); !s) return report_error("info", s.message());
    std::printf("verify: ok (all section checksums and index bounds)\n");
  }
  std::printf("database: %s (%.2f MB)\n", d.path().c_str(), d.file_bytes() / 1e6);
  for (const auto& [k, v] : d.meta()) std::printf("  %-28s %s\n", k.c_str(), v.c_str());
  // The input's own provenance: Ensembl's and NCBI's "#!" pragmas (genome
  // build, annotation date, ...), as written.
  bool pragma_heading = false;
  for (std::string_view dir : d.directives()) {
    if (!dir.starts_with("#!")) continue;
    if (!std::exchange(pragma_heading, true)) std::printf("pragmas:\n");
    std::printf("  %.*s\n", static_cast<int>(dir.size()), dir.data());
  }
  std::printf("features: %zu  rows: %zu  seqids: %zu  types: %zu\n", d.feature_count(), d.row_count(),
              d.seqid_count(), d.type_count());
  std::printf("by type:\n");
  for (std::uint32_t t = 0; t < d.type_count(); ++t) {
    std::printf("  %-28.*s %zu\n", (int)d.type_name(t).size(), d.type_name(t).data(), d.rows_of_type(t).size());
  }
  std::printf("by seqid:\n");
  for (std::uint32_t s = 0; s < d.seqid_count(); ++s) {
    auto [b, e] = d.seqid_rows(s);
    std::printf("  %-28.*s %u\n", (int)d.seqid_name(s).size(), d.seqid_name(s).data(), e - b);
  }
  const auto problems = d.problems();
  std::size_t errors = 0;
  for (auto& p : problems) errors += p.error;
  // The ingest's totals (meta), of which the database keeps the first
  // kMaxStoredProblems; older files without them (or with values that are
  // not numbers): the kept list.
  std::uint64_t total_errors = errors, total_warnings = problems.size() - errors;
  if (auto e = meta_count(d, "errors"), w = meta_count(d, "warnings"); e && w) total_errors = *e, total_warnings = *w;
  std::printf("problems recorded: %llu errors, %llu warnings", static_cast<unsigned long long>(total_errors),
              static_cast<unsigned long long>(total_warnings));
  if (total_errors + total_warnings > problems.size()) {
    std::printf(" (the database keeps the first %zu)", problems.size());
  }
  std::printf("\n");
  if (a.flag("--problems")) {
    for (auto& p : problems) std::printf("%.*s\n", (int)p.message.size(), p.message.data());
  }
  return 0;
}

}  // namespace gffbase::cli
