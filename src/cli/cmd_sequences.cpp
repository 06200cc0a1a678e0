// gffbase sequences: spliced transcripts, coding sequences or any feature's
// bases from a FASTA file (or the database's own ##FASTA section), as FASTA,
// TSV or JSON lines.
#include <charconv>
#include <cstdio>
#include <memory>

#include "args.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "output_file.hpp"
#include "gffbase/io/fasta.hpp"
#include "gffbase/query/sequences.hpp"

namespace gffbase::cli {
namespace {

enum class SeqFormat { kFasta, kTsv, kJsonl };

void write_record(const Database& db, std::string_view id, const SplicedParts& p, std::string_view bases,
                  SeqFormat format, std::size_t width, std::string& out) {
  const std::string_view seqid = db.seqid_name(p.seqid);
  const char strand = static_cast<char>(p.strand);
  switch (format) {
    case SeqFormat::kFasta:
      out += '>';
      out += id;
      out += ' ';
      out += seqid;
      out += ':' + std::to_string(p.start) + '-' + std::to_string(p.end) + '(' + strand + ")\n";
      for (std::size_t at = 0; at < bases.size(); at += width) {
        out += bases.substr(at, width);
        out += '\n';
      }
      break;
    case SeqFormat::kTsv:
      out += id;
      out += '\t';
      out += seqid;
      out += '\t' + std::to_string(p.start) + '\t' + std::to_string(p.end) + '\t' + strand + '\t' +
             std::to_string(p.rows.size()) + '\t' + std::to_string(p.length) + '\t';
      out += bases;
      out += '\n';
      break;
    case SeqFormat::kJsonl:
      out += "{\"anchor\":";
      append_json_string(out, id);
      out += ",\"seqid\":";
      append_json_string(out, seqid);
      out += ",\"start\":" + std::to_string(p.start) + ",\"end\":" + std::to_string(p.end) + ",\"strand\":";
      append_json_string(out, std::string_view(&strand, 1));
      out += ",\"parts\":" + std::to_string(p.rows.size()) + ",\"length\":" + std::to_string(p.length) +
             ",\"sequence\":";
      append_json_string(out, bases);
      out += "}\n";
      break;
  }
}

}  // namespace

int cmd_sequences(const Argv& argv) {
  CommandSpec spec{
      "sequences", "gffbase sequences DB [ID...] [--of-type T] [--fasta FASTA] [--type exon|CDS] [options]",
      "Print the sequences of features: each ID's direct children of --type (exon by default; CDS for coding\n"
      "sequences; repeatable) joined in coordinate order and reverse-complemented on the minus strand, as\n"
      "`gffread -w` / `-x` do.  A feature that is itself of --type and has no such children gives its own\n"
      "lines' bases.  Bases come from --fasta (plain, gzip or BGZF; an up-to-date .fai is used) or, without\n"
      "it, from the database's own ##FASTA section.  FASTA records are headed `>ID seqid:start-end(strand)`.\n"
      "--translate gives proteins instead (`gffread -y`): ask for --type CDS; the 5' CDS's phase is skipped,\n"
      "an alternative start codon of a complete CDS reads as M, a final stop is left out, and the genetic\n"
      "code is the CDS's transl_table attribute (NCBI), else 1, unless --genetic-code says.",
      {{"--fasta", "", true, false, "the genome FASTA (default: the database's ##FASTA section)", "FASTA"},
       {"--type", "-t", true, true, "type of the children to join (repeatable; default exon)", "TYPE"},
       {"--of-type", "", true, true, "every feature of this type is an ID (repeatable)", "TYPE"},
       {"--ids", "", true, false, "read more IDs from FILE, one per line (- = stdin)", "FILE"},
       {"--no-strand", "", false, false, "never reverse-complement", ""},
       {"--translate", "", false, false, "print proteins: the joined bases translated", ""},
       {"--genetic-code", "", true, false, "NCBI genetic code for --translate (default: transl_table, else 1)", "N"},
       {"--skip-unavailable", "", false, false,
        "leave out features whose bases cannot be fetched (no such children, seqid not in the FASTA) with one "
        "summary line instead of an error each",
        ""},
       {"--width", "-w", true, false, "FASTA line width (default 60; 0 = one line)", "N"},
       {"--format", "-f", true, false, "fasta (default), tsv or jsonl", "FMT"},
       {"--output", "-o", true, false, "write to FILE (default stdout)", "FILE"}}};
  Args a;
  if (auto done = parse_command_line(spec, argv, a)) return *done;
  if (a.positional().empty()) return usage_error(spec, "expected DB");
  const std::string fmt = a.value("--format").value_or("fasta");
  SeqFormat format;
  if (fmt == "fasta" || fmt == "fa") format = SeqFormat::kFasta;
  else if (fmt == "tsv") format = SeqFormat::kTsv;
  else if (fmt == "jsonl" || fmt == "json") format = SeqFormat::kJsonl;
  else return usage_error(spec, "--format: expected fasta, tsv or jsonl, found '" + fmt + "'");
  std::size_t width = 60;
  if (auto w = a.value("--width")) {
    char* end = nullptr;
    const long long v = std::strtoll(w->c_str(), &end, 10);
    if (w->empty() || *end != '\0' || v < 0) return usage_error(spec, "--width: expected a number >= 0, found '" + *w + "'");
    width = v == 0 ? std::string::npos : static_cast<std::size_t>(v);
  }
  SequenceQuery query;
  query.use_strand = !a.flag("--no-strand");
  query.translate = a.flag("--translate");
  if (query.translate && !query.use_strand) {
    return usage_error(spec, "--translate reads coding sequences 5' to 3': it cannot go with --no-strand");
  }
  if (auto g = a.value("--genetic-code")) {
    if (!query.translate) return usage_error(spec, "--genetic-code goes with --translate");
    const char* end = g->data() + g->size();
    const auto parsed = std::from_chars(g->data(), end, query.genetic_code);
    if (g->empty() || parsed.ec != std::errc() || parsed.ptr != end || !GeneticCode::ncbi(query.genetic_code)) {
      return usage_error(spec, "--genetic-code: expected an NCBI genetic code (" +
                                   std::string(GeneticCode::known_ids()) + "), found '" + *g + "'");
    }
  }
  std::vector<std::string> ids;
  std::string err;
  if (!collect_ids(a, 1, ids, err)) return report_error(spec.name, err);
  const std::vector<std::string> of_types = a.values("--of-type");
  if (ids.empty() && of_types.empty()) return usage_error(spec, "expected IDs (or --ids FILE, or --of-type TYPE)");

  auto opened = Database::open(a.positional()[0]);
  if (!opened.is_ok()) return report_error(spec.name, opened.status().message());
  std::shared_ptr<const Database> db = *opened;
  query.part_types = a.values("--type");
  if (query.part_types.empty()) query.part_types = {"exon"};
  const std::vector<std::string>& part_types = query.part_types;
  warn_unknown_types(spec.name, *db, part_types);
  warn_unknown_types(spec.name, *db, of_types);

  if (!a.value("--fasta") && db->fasta().empty()) {
    return report_error(spec.name, db->path() + " holds no ##FASTA section: name the genome with --fasta FASTA");
  }
  Result<FastaReader> fasta = a.value("--fasta") ? FastaReader::open(*a.value("--fasta")) : database_fasta(db);
  if (!fasta.is_ok()) return report_error(spec.name, fasta.status().message());

  // The features, in the order asked: IDs first (an unknown one is said and
  // makes the exit status 1), then every feature of each --of-type in row order.
  int failures = 0;
  std::vector<std::pair<std::string, FeatureIndex>> anchors;
  for (const auto& id : ids) {
    if (const auto f = db->find(id)) {
      anchors.emplace_back(id, *f);
    } else {
      std::fprintf(stderr, "gffbase sequences: no feature with ID '%s'\n", id.c_str());
      ++failures;
    }
  }
  if (!of_types.empty()) {
    std::vector<std::uint8_t> seen(db->feature_count(), 0);
    for (std::uint32_t code : db->type_codes(of_types)) {
      for (RowId r : db->rows_of_type(code)) {
        const FeatureIndex f = db->row_feature(r);
        if (seen[f]) continue;
        seen[f] = 1;
        anchors.emplace_back(std::string(db->feature_id(f)), f);
      }
    }
  }

  OutputFile output;
  if (std::string e = output.open(a.value("--output").value_or("-"), a.positional()[0]); !e.empty()) {
    return report_error(spec.name, e);
  }
  std::FILE* out = output.stream();
  const std::vector<std::uint32_t> codes = db->type_codes(part_types);
  const bool skip = a.flag("--skip-unavailable");
  std::size_t skipped = 0;
  std::string first_skipped;
  std::string buf, bases;
  if (format == SeqFormat::kTsv) buf += "anchor\tseqid\tstart\tend\tstrand\tparts\tlength\tsequence\n";
  for (const auto& [id, f] : anchors) {
    const SplicedParts parts = spliced_parts(*db, f, codes);
    auto seq = fasta_sequence_for(*db, *fasta, parts, part_types);
    Status fetched = seq.status();
    if (fetched) fetched = fetch_sequence(*db, *fasta, **seq, parts, query, bases);
    if (!fetched) {
      if (skip) {
        if (skipped++ == 0) first_skipped = fetched.message();
      } else {
        std::fprintf(stderr, "gffbase sequences: %s\n", fetched.message().c_str());
        ++failures;
      }
      continue;
    }
    write_record(*db, id, parts, bases, format, width, buf);
    if (buf.size() >= (1u << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  if (skipped > 0) {
    std::fprintf(stderr, "gffbase sequences: left out %zu feature%s whose bases cannot be fetched (the first: %s)\n",
                 skipped, skipped == 1 ? "" : "s", first_skipped.c_str());
  }
  if (std::string e = output.commit(); !e.empty()) return report_error(spec.name, e);
  return failures ? 1 : 0;
}

}  // namespace gffbase::cli
