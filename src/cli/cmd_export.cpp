// gffbase export
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"
#include "gffbase/build/feature_table.hpp"
#include "gffbase/query/database.hpp"
#include "output.hpp"
#include "output_file.hpp"

namespace gffbase::cli {

int cmd_export(const Argv& argv) {
  CommandSpec spec{"export", "gffbase export DB [--format F] [-o OUT] [--sorted] [--include-synthetic]",
                   "Write every feature of DB.  GFF3/GTF output in the input's dialect reproduces the input's\n"
                   "feature lines in input order, directives first (FASTA last).  Synthetic (inferred) features\n"
                   "are left out unless --include-synthetic.",
                   {{"--format", "-f", true, false, kFormatHelp, "FMT"},
                    {"--output", "-o", true, false, "write to OUT instead of stdout", "OUT"},
                    {"--sorted", "", false, false, "row order (seqid, start, end) instead of input order", ""},
                    {"--include-synthetic", "", false, false, "also write inferred GTF genes/transcripts", ""},
                    {"--no-directives", "", false, false, "leave out ## directives and FASTA", ""}}};
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  if (a.positional().size() != 1) return usage_error(spec, "expected exactly one DB");
  OpenedForOutput opened;
  if (auto done = open_for_output(spec, a.positional()[0], a, opened)) return *done;
  const Database& db = *opened.db;
  const OutputFormat format = opened.format;
  OutputFile output;
  if (std::string err = output.open(a.value("--output").value_or("-"), a.positional()[0]); !err.empty()) {
    return report_error("export", err);
  }
  std::FILE* out = output.stream();
  const bool gff_like = format == OutputFormat::kGff3 || format == OutputFormat::kGtf;
  const bool directives = gff_like && !a.flag("--no-directives");
  const bool own_dialect = (format == OutputFormat::kGff3) == (db.meta_value("format") == "gff3");
  if (directives) {
    std::string head;
    for (auto d : db.directives()) {
      // A GFF3 version line is only right when the output is GFF3.
      if (!own_dialect && d.rfind("##gff-version", 0) == 0) continue;
      head.append(d);
      head += '\n';
    }
    if (!own_dialect && format == OutputFormat::kGff3) head = "##gff-version 3\n" + head;
    std::fwrite(head.data(), 1, head.size(), out);
  }
  {
    RowPrinter p(db, format, out);
    p.header();
    const bool synth = a.flag("--include-synthetic");
    p.set_link_synthetic(synth);
    const auto flags = db.flags();
    auto emit = [&](RowId r) {
      if ((flags[r] & kRowSynthetic) && !synth) return;
      p.row(r);
    };
    if (a.flag("--sorted")) {
      for (RowId r = 0; r < db.row_count(); ++r) emit(r);
    } else {
      for (RowId r : db.rows_in_file_order()) emit(r);
    }
  }
  if (directives && format == OutputFormat::kGff3 && !db.fasta().empty()) {
    std::fputs("##FASTA\n", out);
    std::fwrite(db.fasta().data(), 1, db.fasta().size(), out);
  }
  if (std::string err = output.commit(); !err.empty()) return report_error("export", err);
  return 0;
}

}  // namespace gffbase::cli
