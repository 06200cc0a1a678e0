// gffbase derive: introns, splice sites, inter-features, merged intervals,
// bp covered by children.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "gffbase/query/derived.hpp"

namespace gffbase::cli {

int cmd_derive(const Argv& argv) {
  CommandSpec spec{
      "derive", "gffbase derive DB KIND [ID...] [options]",
      "Print derived features.  KIND is one of:\n"
      "  introns        gaps between each transcript's consecutive exons (per transcript, never pooled)\n"
      "  splice-sites   2 bp donor/acceptor sites at both ends of every intron\n"
      "  inter          gaps between consecutive features of --type (per seqid and strand)\n"
      "  merged         overlapping or touching features of --type merged into one\n"
      "  children-bp    for each ID: bases covered by its --type descendants, exons by default, as in Python\n"
      "                 (--merge: count overlaps once)\n"
      "IDs limit the other kinds to those features and their descendants: `derive DB introns GENE` gives the\n"
      "introns of that gene's transcripts, `derive DB merged GENE -t exon` the union of its exons.",
      {{"--type", "-t", true, true, "feature type (inter, merged, children-bp); repeatable", "TYPE"},
       {"--exon-type", "", true, false, "exon type for introns/splice-sites (default exon)", "TYPE"},
       {"--parent-type", "", true, true, "only transcripts of this type (introns/splice-sites)", "TYPE"},
       {"--ignore-strand", "", false, false, "inter/merged/children-bp: ignore strands", ""},
       {"--merge", "", false, false, "children-bp: count overlapping bases once", ""},
       {"--format", "-f", true, false, "gff3 (default), gtf, bed, tsv", "FMT"}}};
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  if (a.positional().size() < 2) return usage_error(spec, "expected DB and KIND");
  const std::string kind = a.positional()[1];
  const std::string format = a.value("--format").value_or("gff3");
  if (format != "gff3" && format != "gtf" && format != "bed" && format != "tsv") {
    return usage_error(spec, "--format: expected gff3, gtf, bed or tsv, found '" + format + "'");
  }
  auto opened = Database::open(a.positional()[0]);
  if (!opened.is_ok()) return report_error("derive", opened.status().message());
  const Database& db = **opened;
  const std::vector<std::string> types = a.values("--type");
  warn_unknown_types(spec.name, db, types);
  warn_unknown_types(spec.name, db, a.values("--parent-type"));
  if (auto e = a.value("--exon-type")) warn_unknown_types(spec.name, db, {*e});
  // The IDs after KIND, each found once; an unknown one is said and makes the exit status 1.
  int missing = 0;
  std::vector<std::pair<std::string, FeatureIndex>> named;
  for (std::size_t i = 2; i < a.positional().size(); ++i) {
    if (const auto f = db.find(a.positional()[i])) {
      named.emplace_back(a.positional()[i], *f);
    } else {
      std::fprintf(stderr, "gffbase derive: no feature with ID '%s'\n", a.positional()[i].c_str());
      ++missing;
    }
  }
  // The features the IDs name and those below them (no ID given: everything).
  std::vector<bool> in_scope;
  if (kind != "children-bp" && a.positional().size() > 2) {
    in_scope.assign(db.feature_count(), false);
    for (const auto& [id, f] : named) {
      in_scope[f] = true;
      for (const RelatedRow& r : db.children(f, HierarchyQuery{})) in_scope[db.row_feature(r.row)] = true;
    }
  }
  auto rows_of = [&] {
    std::vector<RowId> rows;
    for (const auto& t : types) {
      if (auto c = db.type_code(t)) {
        for (RowId r : db.rows_of_type(*c)) {
          if (in_scope.empty() || in_scope[db.row_feature(r)]) rows.push_back(r);
        }
      }
    }
    return rows;
  };
  std::vector<DerivedFeature> result;
  if (kind == "introns" || kind == "splice-sites") {
    IntronOptions o;
    o.exon_type = a.value("--exon-type").value_or("exon");
    o.parent_types = a.values("--parent-type");
    result = kind == "introns" ? introns(db, o) : splice_sites(db, o);
    if (!in_scope.empty()) {
      std::erase_if(result, [&](const DerivedFeature& d) { return d.parent == kNone || !in_scope[d.parent]; });
    }
  } else if (kind == "inter" || kind == "merged") {
    if (types.empty()) return usage_error(spec, kind + " needs --type");
    result = kind == "inter" ? interfeatures(db, rows_of(), "inter_" + types[0], a.flag("--ignore-strand"))
                             : merge_rows(db, rows_of(), a.flag("--ignore-strand"));
  } else if (kind == "children-bp") {
    if (a.positional().size() < 3) return usage_error(spec, "children-bp needs at least one ID");
    const std::vector<std::string> child_types = types.empty() ? std::vector<std::string>{"exon"} : types;
    for (const auto& [id, f] : named) {
      std::printf("%s\t%lld\n", id.c_str(),
                  static_cast<long long>(children_bp(db, f, child_types, a.flag("--merge"), a.flag("--ignore-strand"))));
    }
    return missing ? 1 : 0;
  } else {
    return usage_error(spec, "unknown KIND '" + kind + "' (introns, splice-sites, inter, merged, children-bp)");
  }
  std::string out;
  if (format == "tsv") out += "seqid\tfeaturetype\tstart\tend\tstrand\tparent\n";
  for (const DerivedFeature& d : result) {
    write_derived_line(db, d, format, out);
    if (out.size() > (1u << 20)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return missing ? 1 : 0;
}

}  // namespace gffbase::cli
