// gffbase ingest / gffbase validate
#include <unistd.h>

#include <cstdio>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "gffbase/build/ingest.hpp"
#include "gffbase/export/writers.hpp"
#include "gffbase/io/input.hpp"

namespace gffbase::cli {
namespace {

const std::vector<OptionSpec> kBuildOptions = {
    {"--format", "-f", true, false, "input dialect: auto (default), gff3, gtf, gff2", "FMT"},
    {"--merge-strategy", "", true, false,
     "duplicate IDs: create_unique (default), error, warning, merge, replace", "S"},
    {"--strict", "", false, false, "stop at the first error", ""},
    {"--lenient", "", false, false, "record problems and keep going (default)", ""},
    {"--threads", "-t", true, false, "worker threads (default: all cores)", "N"},
    {"--id-spec", "", true, true, "attribute naming the ID; repeat for fallbacks; TYPE:KEY for one type", "KEY"},
    {"--no-infer-genes", "", false, false, "GTF: do not synthesise missing gene rows", ""},
    {"--no-infer-transcripts", "", false, false, "GTF: do not synthesise missing transcript rows", ""},
    {"--gtf-gene-key", "", true, false, "GTF attribute naming the gene (default gene_id)", "KEY"},
    {"--gtf-transcript-key", "", true, false, "GTF attribute naming the transcript (default transcript_id)", "KEY"},
    {"--gtf-subfeature", "", true, false, "GTF: child type giving inferred extents (default exon)", "TYPE"},
};

bool read_build_options(const Args& a, IngestOptions& o, std::string& err) {
  if (auto f = a.value("--format"); f && !parse_format(*f, o.format)) {
    err = "--format: expected auto, gff3, gtf or gff2, found '" + *f + "'";
    return false;
  }
  o.merge_strategy = MergeStrategy::kCreateUnique;
  if (auto m = a.value("--merge-strategy"); m && !parse_merge_strategy(*m, o.merge_strategy)) {
    err = "--merge-strategy: expected error, warning, merge, create_unique or replace, found '" + *m + "'";
    return false;
  }
  if (a.flag("--strict") && a.flag("--lenient")) {
    err = "--strict and --lenient exclude each other";
    return false;
  }
  o.strict = a.flag("--strict");
  if (auto t = a.value("--threads")) {
    // Digits only (std::stoi took "-3" and "4x"); 0 = every core; the core
    // caps large counts.
    if (t->empty() || t->find_first_not_of("0123456789") != std::string::npos) {
      err = "--threads: expected a number of threads (0: every core), found '" + *t + "'";
      return false;
    }
    o.threads = t->size() > 6 ? 1000000 : std::stoi(*t);
  }
  for (const std::string& k : a.values("--id-spec")) {
    const auto colon = k.find(':');
    const std::string type = colon == std::string::npos ? "" : k.substr(0, colon);
    const std::string key = colon == std::string::npos ? k : k.substr(colon + 1);
    if (key.empty() || (colon != std::string::npos && type.empty())) {
      err = "--id-spec: expected KEY or TYPE:KEY, found '" + k + "'";
      return false;
    }
    if (colon == std::string::npos) o.id_spec.keys.push_back(key);
    else o.id_spec.by_type.push_back({type, {key}});
  }
  o.infer_genes = !a.flag("--no-infer-genes");
  o.infer_transcripts = !a.flag("--no-infer-transcripts");
  if (auto k = a.value("--gtf-gene-key")) o.gtf_gene_key = *k;
  if (auto k = a.value("--gtf-transcript-key")) o.gtf_transcript_key = *k;
  if (auto k = a.value("--gtf-subfeature")) o.gtf_subfeature = *k;
  return true;
}

std::string default_db_path(const std::string& input) {
  if (input == "-") return "stdin.gffdb";
  std::string base = input;
  for (const char* ext : {".gz", ".bgz", ".gff3", ".gff", ".gtf", ".gff2", ".txt"}) {
    const std::string e = ext;
    if (base.size() > e.size() && base.compare(base.size() - e.size(), e.size(), e) == 0) {
      base.resize(base.size() - e.size());
    }
  }
  return base + ".gffdb";
}

}  // namespace

int cmd_ingest(const Argv& argv) {
  CommandSpec spec{"ingest", "gffbase ingest INPUT [-o DB] [options]",
                   "Build an immutable .gffdb from INPUT (a path, or - for stdin; gzip and BGZF are detected).\n"
                   "The database is written beside DB and renamed into place only when complete.",
                   kBuildOptions};
  spec.options.push_back({"--output", "-o", true, false, "database path (default: INPUT with .gffdb)", "DB"});
  spec.options.push_back({"--force", "", false, false, "replace an existing database", ""});
  spec.options.push_back({"--quiet", "-q", false, false, "print nothing on success", ""});
  spec.options.push_back({"--timings", "", false, false, "print the seconds each stage took", ""});
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  if (a.positional().size() != 1) return usage_error(spec, "expected exactly one INPUT");
  IngestOptions o;
  if (std::string err; !read_build_options(a, o, err)) return usage_error(spec, err);
  o.force = a.flag("--force");
  const std::string input = a.positional()[0];
  const std::string db = a.value("--output").value_or(default_db_path(input));
  if (db == "-") {
    return usage_error(spec, "-o -: a database is a file that is memory-mapped to be read; it cannot go to "
                             "standard output (give a path)");
  }
  const bool tty = ::isatty(STDERR_FILENO) && !a.flag("--quiet");
  if (tty) {
    o.progress = [](const char* stage, double f) {
      const int width = 30, done = static_cast<int>(f * width);
      std::fprintf(stderr, "\r[%.*s%*s] %3d%% %-10s", done, "##############################", width - done, "",
                   static_cast<int>(f * 100), stage);
      std::fflush(stderr);
    };
  }
  Result<IngestReport> r = ingest_file(input, db, o);
  if (tty) std::fprintf(stderr, "\r%60s\r", "");
  if (!r.is_ok()) return report_error("ingest", r.status().message());
  const IngestReport& rep = *r;
  // Show the first few problems, then the summary.
  const std::size_t shown = a.flag("--quiet") ? 0 : std::min<std::size_t>(5, rep.problems.items.size());
  for (std::size_t k = 0; k < shown; ++k) std::fprintf(stderr, "%s\n", rep.problems.items[k].format().c_str());
  // The totals, not the kept list: a log keeps the first kMaxStoredProblems.
  const std::uint64_t total = rep.problems.errors + rep.problems.warnings;
  if (total > 5 && !a.flag("--quiet")) {
    std::fprintf(stderr, "... %llu more problems (see `gffbase validate %s` or `gffbase info %s --problems`%s)\n",
                 static_cast<unsigned long long>(total - shown), input.c_str(),
                 db.c_str(),
                 total > rep.problems.items.size()
                     ? (", which lists the first " + std::to_string(rep.problems.items.size())).c_str()
                     : "");
  }
  if (a.flag("--timings")) {
    for (const auto& [stage, s] : rep.stage_seconds) {
      if (stage != "start") std::fprintf(stderr, "  %-9s %7.3f s\n", stage.c_str(), s);
    }
  }
  if (!a.flag("--quiet")) {
    std::printf("%s: %llu features (%llu rows, %llu synthetic), %llu seqids, %llu types, %llu relations, "
                "%llu errors, %llu warnings, %.2f s, %s (%.1f MB)\n",
                db.c_str(), (unsigned long long)rep.features, (unsigned long long)rep.rows,
                (unsigned long long)rep.synthetic, (unsigned long long)rep.seqids, (unsigned long long)rep.types,
                (unsigned long long)rep.relations, (unsigned long long)rep.problems.errors,
                (unsigned long long)rep.problems.warnings, rep.seconds, rep.dialect.describe().c_str(),
                rep.db_bytes / 1e6);
  }
  return 0;
}

int cmd_validate(const Argv& argv) {
  CommandSpec spec{"validate", "gffbase validate INPUT [--json] [options]",
                   "Check INPUT and print every problem (path:line, field, expected, found, hint).\n"
                   "Exit status 1 when any error is found, 0 otherwise (warnings do not fail).",
                   kBuildOptions};
  spec.options.push_back({"--json", "", false, false, "print the report as JSON", ""});
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  if (a.positional().size() != 1) return usage_error(spec, "expected exactly one INPUT");
  IngestOptions o;
  if (std::string err; !read_build_options(a, o, err)) return usage_error(spec, err);
  const std::string input = a.positional()[0];
  Result<InputText> in = read_input(input, o.threads);
  // A file that cannot be read or inflated: --json still prints a report
  // (ok false, the reason in "fatal"), so scripts read one shape.
  if (!in.is_ok() && !a.flag("--json")) return report_error("validate", in.status().message());
  IngestReport rep;
  Status fatal = in.is_ok() ? Status::ok() : in.status();
  if (in.is_ok()) {
    add_input_warnings(input, in->warnings, rep);
    Result<FeatureTable> t = build_table(input, std::move(in->text), o, rep);
    if (!t.is_ok()) fatal = t.status();
  }
  const bool failed = !fatal.is_ok();
  if (a.flag("--json")) {
    std::string out = "{\"path\":";
    append_json_string(out, input);
    out += ",\"ok\":";
    out += (failed || rep.problems.errors) ? "false" : "true";
    out += ",\"fatal\":";
    if (failed) append_json_string(out, fatal.message());
    else out += "null";
    out += ",\"dialect\":";
    if (in.is_ok()) append_json_string(out, rep.dialect.describe());
    else out += "null";  // nothing was read
    out += ",\"lines\":" + std::to_string(rep.lines) + ",\"features\":" + std::to_string(rep.features) +
           ",\"errors\":" + std::to_string(rep.problems.errors) +
           ",\"warnings\":" + std::to_string(rep.problems.warnings) + ",\"problems\":[";
    bool first = true;
    for (const Problem& p : rep.problems.items) {
      if (!first) out += ',';
      first = false;
      out += "{\"severity\":";
      out += p.severity == Severity::kError ? "\"error\"" : "\"warning\"";
      out += ",\"code\":";
      append_json_string(out, p.code);
      out += ",\"line\":" + std::to_string(p.line) + ",\"field\":";
      append_json_string(out, p.field);
      out += ",\"expected\":";
      append_json_string(out, p.expected);
      out += ",\"found\":";
      append_json_string(out, p.found);
      out += ",\"text\":";
      append_json_string(out, p.text);
      out += ",\"hint\":";
      append_json_string(out, p.hint);
      out += ",\"message\":";
      append_json_string(out, p.format());
      out += '}';
    }
    out += "]}\n";
    std::fputs(out.c_str(), stdout);
  } else {
    bool fatal_listed = false;  // strict mode stops on a problem it has recorded: print it once
    for (const Problem& p : rep.problems.items) {
      const std::string m = p.format();
      fatal_listed = fatal_listed || (failed && m == fatal.message());
      std::printf("%s\n", m.c_str());
    }
    if (failed && !fatal_listed) std::printf("%s\n", fatal.message().c_str());
    std::printf("%s: %llu lines, %llu features, %llu errors, %llu warnings; dialect %s\n", input.c_str(),
                (unsigned long long)rep.lines, (unsigned long long)rep.features,
                (unsigned long long)rep.problems.errors, (unsigned long long)rep.problems.warnings,
                rep.dialect.describe().c_str());
  }
  return (failed || rep.problems.errors) ? 1 : 0;
}

}  // namespace gffbase::cli
