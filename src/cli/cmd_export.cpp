// gffbase export
#include <cstdio>
#include <limits>

#include "args.hpp"
#include "commands.hpp"
#include "gffbase/build/feature_table.hpp"
#include "gffbase/query/database.hpp"
#include "output.hpp"
#include "output_file.hpp"

namespace gffbase::cli {

int cmd_export(const Argv& argv) {
  CommandSpec spec{"export",
                   "gffbase export DB [--format F] [-o OUT] [--type T] [--sorted] [--include-synthetic|--exclude-synthetic]",
                   "Write every feature of DB.  GFF3/GTF output in the input's dialect reproduces the input's\n"
                   "feature lines and directives in input order (FASTA last; --sorted: directives first, without\n"
                   "###): the genes and transcripts inferred from a GTF are left out unless --include-synthetic.\n"
                   "Other formats (a GTF as GFF3, BED12, ...) include them unless --exclude-synthetic.  --type keeps\n"
                   "features of the given types only (a BED12 track of transcripts: -f bed12 -t mRNA -t transcript).",
                   {{"--format", "-f", true, false, kFormatHelp, "FMT"},
                    {"--type", "-t", true, true, "only features of this type (repeatable)", "TYPE"},
                    {"--output", "-o", true, false, "write to OUT instead of stdout", "OUT"},
                    {"--sorted", "", false, false, "row order (seqid, start, end) instead of input order", ""},
                    {"--include-synthetic", "", false, false, "also write inferred GTF genes/transcripts", ""},
                    {"--exclude-synthetic", "", false, false, "leave out inferred GTF genes/transcripts", ""},
                    {"--no-directives", "", false, false, "leave out ## directives and FASTA", ""}}};
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  if (a.positional().size() != 1) return usage_error(spec, "expected exactly one DB");
  if (a.flag("--include-synthetic") && a.flag("--exclude-synthetic")) {
    return usage_error(spec, "--include-synthetic and --exclude-synthetic: give one or the other");
  }
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
  const bool sorted = a.flag("--sorted");
  // Directives go where they stood in the input: a "###" (forward references
  // resolved) or a mid-file ##sequence-region between the features it
  // separates.  Sorted output has no such places: all first, "###" dropped.
  std::vector<std::string_view> dirs;
  std::vector<std::uint64_t> dir_lines;
  if (directives) {
    const auto d = db.directives();
    const auto line = db.directive_lines();
    for (std::size_t i = 0; i < d.size(); ++i) {
      // A version line is only right in its own format (a GFF2 written as GTF gains gene_id and
      // transcript_id: its "##gff-version 2" no longer holds).
      const bool converted = !own_dialect || opened.gff2_to_gtf;
      if (converted && d[i].rfind("##gff-version", 0) == 0) continue;
      if (sorted && d[i] == "###") continue;
      dirs.push_back(d[i]);
      dir_lines.push_back(sorted ? 0 : line[i]);
    }
  }
  {
    RowPrinter p(opened, out);
    p.header();
    if (directives && !own_dialect && format == OutputFormat::kGff3) p.line("##gff-version 3");
    std::size_t next_dir = 0;
    auto directives_before = [&](std::uint64_t line) {
      for (; next_dir < dirs.size() && dir_lines[next_dir] < line; ++next_dir) p.line(dirs[next_dir]);
    };
    // Inferred features have no input line: the input's own dialect leaves
    // them out (export reproduces the input); any other format is a
    // conversion, whose hierarchy (GFF3 Parent, BED12 of transcripts) needs them.
    const bool synth = a.flag("--include-synthetic") || (!a.flag("--exclude-synthetic") && !(gff_like && own_dialect));
    p.set_link_synthetic(synth);
    const auto flags = db.flags();
    const auto row_types = db.type_codes_column();
    std::vector<std::uint8_t> wanted_type;  // by type code; empty: every type
    if (const auto types = a.values("--type"); !types.empty()) {
      warn_unknown_types(spec.name, db, types);
      wanted_type.assign(db.type_count(), 0);
      for (std::uint32_t c : db.type_codes(types)) {
        if (c < wanted_type.size()) wanted_type[c] = 1;
      }
    }
    auto emit = [&](RowId r) {
      if ((flags[r] & kRowSynthetic) && !synth) return;
      if (!wanted_type.empty() && !wanted_type[row_types[r]]) return;
      if (next_dir < dirs.size()) directives_before(std::max<std::uint64_t>(db.row(r).line, 1));
      p.row(r);
    };
    directives_before(1);  // those before the first feature (all of them when sorted)
    if (sorted) {
      for (RowId r = 0; r < db.row_count(); ++r) emit(r);
    } else {
      // Inferred features come last in file order.  Converted, each is
      // written instead just before the first line below it, parents first
      // (gene, transcript, exon); in the input's own dialect they stay last,
      // after the input's lines: read back, IDs are given in file order, and
      // a GTF naming a gene and its transcript alike (StringTie, refGene:
      // gene_id "NM_1"; transcript_id "NM_1") would swap which one is "NM_1".
      const bool place = synth && !own_dialect;
      std::vector<std::uint8_t> written(place ? db.feature_count() : 0, 0);
      std::vector<FeatureIndex> chain;
      auto emit_inferred_above = [&](RowId r) {
        chain.clear();
        for (FeatureIndex f = db.row_feature(r);;) {
          const auto ps = db.parents_of(f);
          if (ps.empty()) break;
          const FeatureIndex p = ps.front();
          if (written[p] || !(flags[db.primary_row(p)] & kRowSynthetic) || chain.size() > 16) break;
          chain.push_back(p);
          f = p;
        }
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
          written[*it] = 1;
          for (RowId s : db.feature_rows(*it)) emit(s);
        }
      };
      for (RowId r : db.rows_in_file_order()) {
        if (place) {
          if (flags[r] & kRowSynthetic) {
            if (written[db.row_feature(r)]) continue;
            written[db.row_feature(r)] = 1;
          } else {
            // The directives above this line go above the inferred parents
            // written for it too (a header stays the header).
            directives_before(std::max<std::uint64_t>(db.row(r).line, 1));
            emit_inferred_above(r);
          }
        }
        emit(r);
      }
    }
    directives_before(std::numeric_limits<std::uint64_t>::max());
  }
  if (directives && format == OutputFormat::kGff3 && !db.fasta().empty()) {
    std::fputs("##FASTA\n", out);
    std::fwrite(db.fasta().data(), 1, db.fasta().size(), out);
  }
  if (std::string err = output.commit(); !err.empty()) return report_error("export", err);
  return 0;
}

}  // namespace gffbase::cli
