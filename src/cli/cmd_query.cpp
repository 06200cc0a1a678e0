// gffbase get / children / parents / region
#include <algorithm>
#include <charconv>
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"
#include "gffbase/parse/problem.hpp"
#include "gffbase/query/database.hpp"
#include "output.hpp"

namespace gffbase::cli {
namespace {

// A UCSC BED header line: the word "track" or "browser", alone or followed by a blank.
bool is_bed_header(std::string_view line) {
  for (std::string_view word : {std::string_view("track"), std::string_view("browser")}) {
    const std::string_view rest = line.substr(std::min(word.size(), line.size()));
    if (line.starts_with(word) && (rest.empty() || rest.front() == ' ' || rest.front() == '\t')) return true;
  }
  return false;
}

HierarchyQuery hierarchy_query(const Database& db, const Args& a, std::string& err) {
  HierarchyQuery q;
  if (auto l = a.value("--level")) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
    if (ec != std::errc() || p != l->data() + l->size() || v == 0) err = "--level: expected a positive integer, found '" + *l + "'";
    q.level = v;
  }
  const auto types = a.values("--type");
  if (!types.empty()) {
    q.type_filter = true;
    q.type_codes = db.type_codes(types);
  }
  return q;
}

const std::vector<OptionSpec> kHierarchyOptions = {
    {"--level", "-l", true, false, "only this depth (1 = direct); default all depths", "N"},
    {"--type", "-t", true, true, "only features of this type (repeatable)", "TYPE"},
    {"--ids", "", true, false, "read more IDs from FILE, one per line (- = stdin)", "FILE"},
    {"--format", "-f", true, false, kFormatHelp, "FMT"},
};

int hierarchy(const Argv& argv, bool down) {
  const std::string name = down ? "children" : "parents";
  CommandSpec spec{name, "gffbase " + name + " DB ID... [--level N] [--type T] [--format F]",
                   down ? "Print every feature below each ID (each feature once, in row order: seqid, start, end)."
                        : "Print every feature above each ID (each feature once, in row order: seqid, start, end).",
                   kHierarchyOptions};
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  std::string err;
  if (a.positional().empty()) return usage_error(spec, "expected DB and at least one ID");
  std::vector<std::string> ids;
  if (!collect_ids(a, 1, ids, err)) return report_error(name, err);
  if (ids.empty()) return usage_error(spec, "expected at least one ID (or --ids FILE)");
  OpenedForOutput o;
  if (auto done = open_for_output(spec, a.positional()[0], a, o)) return *done;
  HierarchyQuery q = hierarchy_query(*o.db, a, err);
  if (!err.empty()) return usage_error(spec, err);
  warn_unknown_types(name, *o.db, a.values("--type"));
  RowPrinter out(o, stdout);
  out.header();
  int missing = 0;
  for (const auto& id : ids) {
    auto f = o.db->find(id);
    if (!f) {
      std::fprintf(stderr, "gffbase %s: no feature with ID '%s'\n", name.c_str(), id.c_str());
      ++missing;
      continue;
    }
    for (const RelatedRow& r : down ? o.db->children(*f, q) : o.db->parents(*f, q)) out.row(r.row);
  }
  return missing ? 1 : 0;
}

}  // namespace

int cmd_get(const Argv& argv) {
  CommandSpec spec{"get", "gffbase get DB ID... [--ids FILE] [--format F]",
                   "Print the features with these IDs (every line of a multi-line feature).",
                   {{"--ids", "", true, false, "read more IDs from FILE, one per line (- = stdin)", "FILE"},
                    {"--format", "-f", true, false, kFormatHelp, "FMT"}}};
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  std::string err;
  if (a.positional().empty()) return usage_error(spec, "expected DB and at least one ID");
  std::vector<std::string> ids;
  if (!collect_ids(a, 1, ids, err)) return report_error("get", err);
  if (ids.empty()) return usage_error(spec, "expected at least one ID (or --ids FILE)");
  OpenedForOutput o;
  if (auto done = open_for_output(spec, a.positional()[0], a, o)) return *done;
  RowPrinter out(o, stdout);
  out.header();
  int missing = 0;
  for (const auto& id : ids) {
    auto f = o.db->find(id);
    if (!f) {
      std::fprintf(stderr, "gffbase get: no feature with ID '%s'\n", id.c_str());
      ++missing;
      continue;
    }
    for (RowId r : o.db->feature_rows(*f)) out.row(r);
  }
  return missing ? 1 : 0;
}

int cmd_children(const Argv& argv) { return hierarchy(argv, true); }
int cmd_parents(const Argv& argv) { return hierarchy(argv, false); }

int cmd_region(const Argv& argv) {
  CommandSpec spec{"region", "gffbase region DB [REGION...] [--regions FILE] [--type T] [--strand S] [--within]",
                   "Print features overlapping each REGION (seqid:start-end[:strand], 1-based closed).\n"
                   "--regions reads one region per line: seqid:start-end, or BED (0-based, tab-separated).",
                   {{"--regions", "-r", true, false, "read regions from FILE (- = stdin); BED accepted", "FILE"},
                    {"--type", "-t", true, true, "only features of this type (repeatable)", "TYPE"},
                    {"--strand", "-s", true, false, "only features on this strand (+, -, or . for unstranded)", "S"},
                    {"--within", "", false, false, "only features completely within the region", ""},
                    {"--format", "-f", true, false, kFormatHelp, "FMT"}}};
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  std::string err;
  if (a.positional().empty()) return usage_error(spec, "expected DB");
  std::vector<std::string> texts(a.positional().begin() + 1, a.positional().end());
  std::vector<InputLine> lines;
  if (auto f = a.value("--regions")) {
    if (!read_lines(*f, lines, err)) return report_error("region", err);
  }
  if (texts.empty() && lines.empty()) return usage_error(spec, "expected at least one REGION (or --regions FILE)");
  OpenedForOutput o;
  if (auto done = open_for_output(spec, a.positional()[0], a, o)) return *done;
  RegionQuery filters;
  filters.completely_within = a.flag("--within");
  if (auto s = a.value("--strand")) {
    if (*s != "+" && *s != "-" && *s != "." && *s != "?") {
      return usage_error(spec, "--strand: expected +, - or . (unstranded), found '" + *s + "'");
    }
    filters.strand = (*s)[0];
  }
  if (auto t = a.values("--type"); !t.empty()) {
    filters.type_filter = true;
    filters.type_codes = o.db->type_codes(t);
    warn_unknown_types(spec.name, *o.db, t);
  }
  RowPrinter out(o, stdout);
  out.header();
  // A seqid the database lacks is most often a naming mismatch (chr1 vs 1):
  // said once per seqid, with the database's own names.
  std::vector<std::string> unknown_seqids;
  auto warn_unknown = [&](std::string_view seqid, const std::string& where) {
    if (o.db->seqid_code(seqid)) return;
    if (std::find(unknown_seqids.begin(), unknown_seqids.end(), seqid) != unknown_seqids.end()) return;
    unknown_seqids.emplace_back(seqid);
    std::string known;
    for (std::size_t c = 0; c < o.db->seqid_count() && c < 5; ++c) {
      known += (c ? ", " : "") + std::string(o.db->seqid_name(static_cast<std::uint32_t>(c)));
    }
    if (o.db->seqid_count() > 5) known += ", ...";
    std::fprintf(stderr, "gffbase region: warning: %sseqid '%s' is not in the database (its seqids: %s)\n",
                 where.c_str(), std::string(seqid).c_str(), known.c_str());
  };
  auto run = [&](RegionQuery q, const std::string& where) -> bool {
    q.completely_within = filters.completely_within;
    if (!q.strand) q.strand = filters.strand;
    q.type_filter = filters.type_filter;
    q.type_codes = filters.type_codes;
    warn_unknown(q.seqid, where);
    auto rows = o.db->region(q);
    if (!rows.is_ok()) {
      std::fprintf(stderr, "gffbase region: %s%s\n", where.c_str(), rows.status().message().c_str());
      return false;
    }
    for (RowId r : *rows) out.row(r);
    return true;
  };
  bool ok = true;
  for (const auto& t : texts) {
    RegionQuery q;
    if (Status s = parse_region(t, *o.db, q); !s) return usage_error(spec, s.message());
    ok = run(q, "") && ok;
  }
  const std::string list_name = a.value("--regions").value_or("");
  for (const InputLine& line : lines) {
    const std::string& l = line.text;
    const std::string where = list_name + ":" + std::to_string(line.number) + ": ";
    auto bad_line = [&](const std::string& expected) {
      return report_error("region", where + "expected " + expected + ", found \"" + truncate_for_message(l, 80) +
                                        "\"");
    };
    if (is_bed_header(l)) continue;
    RegionQuery q;
    if (l.find('\t') != std::string::npos) {  // BED: chrom, 0-based start, end[, name, score, strand]
      std::vector<std::string_view> f;
      std::string_view rest = l;
      while (f.size() < 6) {
        const auto tab = rest.find('\t');
        f.push_back(rest.substr(0, tab));
        if (tab == std::string_view::npos) break;
        rest = rest.substr(tab + 1);
      }
      Coord s = 0, e = 0;
      // The whole field a number: "5abc" is not 5.
      auto number = [](std::string_view w, Coord& v) {
        const auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
        return ec == std::errc() && p == w.data() + w.size() && !w.empty();
      };
      if (f.size() < 3 || f[0].empty() || !number(f[1], s) || !number(f[2], e) || e < s || s < 0) {
        return bad_line("a BED line (chrom<TAB>start<TAB>end, 0-based, start <= end)");
      }
      q.seqid = f[0];
      // 0-based half-open [s, e) is 1-based closed [s + 1, e].  An empty BED
      // interval (s == e, an insertion point between 1-based bases s and
      // s + 1) is read as those two bases: the features it touches.
      q.start = s + 1;
      q.end = e;
      if (s == e) {
        q.start = s;
        q.end = s + 1;
        if (s == 0) q.start = q.end = 1;
      }
      // A BED6 strand selects features on that strand ('.': any, as BED means it).
      if (f.size() >= 6 && (f[5] == "+" || f[5] == "-")) q.strand = f[5][0];
    } else if (l.find_first_of(" \v\f") != std::string::npos && !o.db->seqid_code(l)) {
      return bad_line("seqid:start-end or a tab-separated BED line");
    } else if (Status st = parse_region(l, *o.db, q); !st) {
      return report_error("region", where + st.message());
    }
    ok = run(q, where) && ok;
  }
  return ok ? 0 : 1;
}

}  // namespace gffbase::cli
