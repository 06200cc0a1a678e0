// ingest / validate: building a .gffdb from Python (GIL released throughout).
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "gffbase/build/ingest.hpp"
#include "gffbase/io/input.hpp"

namespace gffbase::python {
namespace {

struct PyIngestOptions {
  std::string format = "auto";
  std::string merge_strategy = "error";
  bool strict = false;
  int threads = 0;
  std::vector<std::string> id_keys;
  std::vector<std::pair<std::string, std::vector<std::string>>> id_by_type;
  std::vector<std::string> id_by_line;
  std::string gtf_gene_key = "gene_id";
  std::string gtf_transcript_key = "transcript_id";
  std::string gtf_subfeature = "exon";
  bool infer_genes = true;
  bool infer_transcripts = true;
  int check_lines = 1000;
  bool force = false;
  bool allow_empty = false;
  std::string source_name;
  std::string options_text;
};

IngestOptions convert(const PyIngestOptions& p) {
  IngestOptions o;
  if (!parse_format(p.format, o.format)) {
    throw Error(ErrorKind::kInvalidArgument, "format: expected auto, gff3, gtf or gff2, found '" + p.format + "'");
  }
  if (!parse_merge_strategy(p.merge_strategy, o.merge_strategy)) {
    throw Error(ErrorKind::kInvalidArgument,
                "merge_strategy: expected error, warning, merge, create_unique or replace, found '" + p.merge_strategy + "'");
  }
  o.strict = p.strict;
  o.threads = p.threads;
  o.id_spec.keys = p.id_keys;
  o.id_spec.by_type = p.id_by_type;
  o.id_spec.by_line = p.id_by_line;
  o.gtf_gene_key = p.gtf_gene_key;
  o.gtf_transcript_key = p.gtf_transcript_key;
  o.gtf_subfeature = p.gtf_subfeature;
  o.infer_genes = p.infer_genes;
  o.infer_transcripts = p.infer_transcripts;
  o.check_lines = p.check_lines > 0 ? p.check_lines : 1000;
  o.force = p.force;
  o.allow_empty = p.allow_empty;
  o.source_name = p.source_name;
  o.options_text = p.options_text;
  return o;
}

nb::dict report_dict(const IngestReport& r) {
  nb::dict d;
  d["format"] = std::string(format_name(r.dialect.format));
  d["dialect"] = r.dialect.describe();
  d["lines"] = r.lines;
  d["feature_lines"] = r.feature_lines;
  d["skipped_lines"] = r.skipped_lines;
  d["rows"] = r.rows;
  d["features"] = r.features;
  d["synthetic"] = r.synthetic;
  d["seqids"] = r.seqids;
  d["types"] = r.types;
  d["relations"] = r.relations;
  d["duplicates"] = r.duplicates;
  d["db_bytes"] = r.db_bytes;
  d["seconds"] = r.seconds;
  d["errors"] = r.problems.errors;
  d["warnings"] = r.problems.warnings;
  nb::list problems;
  for (const Problem& p : r.problems.items) {
    nb::dict pd;
    pd["severity"] = p.severity == Severity::kError ? "error" : "warning";
    pd["code"] = p.code;
    pd["path"] = p.path;
    pd["line"] = p.line;
    pd["field"] = p.field;
    pd["expected"] = p.expected;
    pd["found"] = p.found;
    pd["text"] = p.text;
    pd["hint"] = p.hint;
    pd["message"] = p.format();
    problems.append(pd);
  }
  d["problems"] = problems;
  return d;
}

}  // namespace

void register_ingest(nb::module_& m) {
  nb::class_<PyIngestOptions>(m, "IngestOptions")
      .def(nb::init<>())
      .def_rw("format", &PyIngestOptions::format)
      .def_rw("merge_strategy", &PyIngestOptions::merge_strategy)
      .def_rw("strict", &PyIngestOptions::strict)
      .def_rw("threads", &PyIngestOptions::threads)
      .def_rw("id_keys", &PyIngestOptions::id_keys)
      .def_rw("id_by_type", &PyIngestOptions::id_by_type)
      .def_rw("id_by_line", &PyIngestOptions::id_by_line)
      .def_rw("gtf_gene_key", &PyIngestOptions::gtf_gene_key)
      .def_rw("gtf_transcript_key", &PyIngestOptions::gtf_transcript_key)
      .def_rw("gtf_subfeature", &PyIngestOptions::gtf_subfeature)
      .def_rw("infer_genes", &PyIngestOptions::infer_genes)
      .def_rw("infer_transcripts", &PyIngestOptions::infer_transcripts)
      .def_rw("check_lines", &PyIngestOptions::check_lines)
      .def_rw("force", &PyIngestOptions::force)
      .def_rw("allow_empty", &PyIngestOptions::allow_empty)
      .def_rw("source_name", &PyIngestOptions::source_name)
      .def_rw("options_text", &PyIngestOptions::options_text);

  m.def(
      "ingest_file",
      [](const std::string& input, const std::string& db_path, const PyIngestOptions& po) {
        const IngestOptions o = convert(po);
        Result<IngestReport> r = [&] {
          nb::gil_scoped_release release;
          return ingest_file(input, db_path, o);
        }();
        if (!r.is_ok()) raise_error(Error(r.status()));
        return report_dict(*r);
      },
      nb::arg("input"), nb::arg("db_path"), nb::arg("options"),
      "Build db_path from the file `input` (plain/gzip/BGZF; '-' = stdin). Returns the report.");
  m.def(
      "ingest_text",
      [](nb::bytes text, const std::string& db_path, const PyIngestOptions& po) {
        const IngestOptions o = convert(po);
        std::string copy(text.c_str(), text.size());
        Result<IngestReport> r = [&] {
          nb::gil_scoped_release release;
          return ingest_text(std::move(copy), db_path, o);
        }();
        if (!r.is_ok()) raise_error(Error(r.status()));
        return report_dict(*r);
      },
      nb::arg("text"), nb::arg("db_path"), nb::arg("options"), "Build db_path from annotation text (bytes).");
  // ":memory:" builds: (report, Database), the database in an anonymous
  // memory file (ingest_*_in_memory).
  m.def(
      "ingest_file_in_memory",
      [](const std::string& input, const PyIngestOptions& po) {
        const IngestOptions o = convert(po);
        Result<InMemoryDatabase> r = [&] {
          nb::gil_scoped_release release;
          return ingest_file_in_memory(input, o);
        }();
        if (!r.is_ok()) raise_error(Error(r.status()));
        nb::object db = nb::cast(new PyDatabase(std::move(r->db)), nb::rv_policy::take_ownership);
        return nb::make_tuple(report_dict(r->report), db);
      },
      nb::arg("input"), nb::arg("options"),
      "Build a database in memory only from the file `input`. Returns (report, Database).");
  m.def(
      "ingest_text_in_memory",
      [](nb::bytes text, const PyIngestOptions& po) {
        const IngestOptions o = convert(po);
        std::string copy(text.c_str(), text.size());
        Result<InMemoryDatabase> r = [&] {
          nb::gil_scoped_release release;
          return ingest_text_in_memory(std::move(copy), o);
        }();
        if (!r.is_ok()) raise_error(Error(r.status()));
        nb::object db = nb::cast(new PyDatabase(std::move(r->db)), nb::rv_policy::take_ownership);
        return nb::make_tuple(report_dict(r->report), db);
      },
      nb::arg("text"), nb::arg("options"),
      "Build a database in memory only from annotation text (bytes). Returns (report, Database).");
  m.def(
      "validate_file",
      [](const std::string& input, const PyIngestOptions& po) {
        const IngestOptions o = convert(po);
        IngestReport rep;
        std::string fatal;
        {
          nb::gil_scoped_release release;
          Result<InputText> in = read_input(input, o.threads);
          if (!in.is_ok()) {
            fatal = in.status().message();
          } else {
            add_input_warnings(input, in->warnings, rep);
            Result<FeatureTable> t = build_table(input, std::move(in->text), o, rep);
            if (!t.is_ok()) fatal = t.status().message();
          }
        }
        nb::dict d = report_dict(rep);
        d["fatal"] = fatal.empty() ? nb::none() : nb::object(nb::str(fatal.c_str()));
        return d;
      },
      nb::arg("input"), nb::arg("options"), "Parse and check `input` without writing a database.");
}

}  // namespace gffbase::python
