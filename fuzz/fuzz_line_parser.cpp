// Fuzz target: parse_chunk (strict and lenient) and the text helpers the
// ingest runs before it (split_at_lines, find_fasta_start, find_invalid_utf8).
//
// Input: byte 0 selects the dialect family and the number of chunks; the
// rest is the annotation text.  Properties checked besides "no crash":
//   * find_invalid_utf8 returns npos or an offset whose prefix is valid;
//   * find_fasta_start returns a line start holding '>' or "##FASTA";
//   * split_at_lines returns increasing cuts at line ends, 0 first, size last;
//   * every view a parsed record hands out lies inside the text, records have
//     start <= end, a known strand and phase, and line numbers within the
//     chunk; the chunk's line count is exact (the ingest rebases with it);
//   * lenient mode leaves only valid UTF-8 in the fields it hands out;
//   * strict mode stops exactly when it reports an error;
//   * lenient parsing of the text cut into chunks (rebased as the ingest
//     does) gives the same records and problems as parsing it whole.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "gffbase/parse/chunk_parser.hpp"

using namespace gffbase;
using fuzz::check;

namespace {

std::uint64_t expected_lines(std::string_view t) {
  return static_cast<std::uint64_t>(std::count(t.begin(), t.end(), '\n')) + (!t.empty() && t.back() != '\n');
}

ChunkParseOptions options_for(std::uint8_t sel, bool strict) {
  ChunkParseOptions o;
  o.path = "fuzz.gff";
  static constexpr Format kFormats[4] = {Format::kGff3, Format::kGtf, Format::kGff2, Format::kGff3};
  o.format = kFormats[sel & 3];
  o.strict = strict;
  o.keys_of_interest = {"ID", "Parent", "Name", "gene_id", "transcript_id"};
  return o;
}

void check_chunk(const ParsedChunk& out, std::string_view text, const char* buf, bool strict) {
  check(out.lines == expected_lines(text), "ParsedChunk::lines counts every line of the chunk");
  for (const RawRecord& r : out.records) {
    check(r.line >= 1 && r.line <= out.lines, "record line number inside the chunk");
    check(r.start <= r.end, "record start <= end");
    check(r.strand == '+' || r.strand == '-' || r.strand == '.' || r.strand == '?', "strand is + - . ?");
    check(r.phase >= -1 && r.phase <= 2, "phase is -1..2");
    check(r.seqid_code < out.seqid_values.size() && r.source_code < out.source_values.size() &&
              r.type_code < out.type_values.size(),
          "record codes index the chunk's values");
    const std::string_view seqid = out.seqid_values[r.seqid_code], type = out.type_values[r.type_code];
    check(!seqid.empty() && !type.empty(), "seqid and type are non-empty");
    // Values are the chunk's first occurrences; this record's line must start
    // with an equal seqid (column 1).
    const std::string_view head(r.text, seqid.size());
    check(fuzz::inside(head, buf, text.size()) && head == seqid, "the record's text starts with its seqid");
    for (std::string_view v : {seqid, out.source_values[r.source_code], type, r.attributes()}) {
      check(fuzz::inside(v, buf, text.size()), "record fields are views into the text");
      if (!strict) check(find_invalid_utf8(v) == std::string_view::npos, "lenient mode repairs invalid UTF-8");
    }
    check(std::size_t(r.items_begin) + r.items_count <= out.items.size(), "record items inside ParsedChunk::items");
  }
  static const std::size_t kKeys = options_for(0, false).keys_of_interest.size();
  for (const KeptItem& it : out.items) {
    check(it.key < kKeys, "kept items name a key of interest");
    fuzz::touch(it.value());
  }
  for (const DirectiveLine& d : out.directives) {
    check(d.line >= 1 && d.line <= out.lines, "directive line number inside the chunk");
    check(fuzz::inside(d.text, buf, text.size()) && (d.text.substr(0, 2) == "##" || d.text.substr(0, 2) == "#!"),
          "directives are ## lines or #! pragmas");
  }
  std::uint64_t errors = 0;
  for (const Problem& p : out.problems.items) {
    check(p.line >= 1 && p.line <= out.lines, "problem line number inside the chunk");
    errors += p.severity == Severity::kError;
    const std::string msg = p.format();
    check(msg.rfind("fuzz.gff:" + std::to_string(p.line) + ":", 0) == 0, "problem message starts with path:line:");
  }
  check(errors == out.problems.errors || out.problems.items.size() >= kMaxStoredProblems,
        "ProblemLog error count matches its items");
  if (strict) check(out.stopped == (out.problems.errors > 0), "strict mode stops exactly at its first error");
  else check(!out.stopped, "lenient mode never stops");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t sel = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  // --- text helpers ---------------------------------------------------------
  const std::size_t bad = find_invalid_utf8(text);
  if (bad != std::string_view::npos) {
    check(bad < text.size(), "find_invalid_utf8 offset inside the text");
    check(find_invalid_utf8(text.substr(0, bad)) == std::string_view::npos, "bytes before the first invalid one are valid");
  }
  const std::size_t fasta = find_fasta_start(text);
  check(fasta <= text.size(), "find_fasta_start inside the text");
  if (fasta < text.size()) {
    check(fasta == 0 || text[fasta - 1] == '\n', "FASTA starts at a line start");
    check(text[fasta] == '>' || text.substr(fasta, 7) == "##FASTA", "FASTA start is '>' or ##FASTA");
  }
  const int n = 1 + (sel >> 2) % 16;
  const std::vector<std::size_t> cuts = split_at_lines(text, n);
  check(cuts.size() >= 2 && cuts.size() <= static_cast<std::size_t>(n) + 1, "split_at_lines returns 2..n+1 cuts");
  check(cuts.front() == 0 && cuts.back() == text.size(), "split_at_lines covers the text");
  for (std::size_t i = 1; i + 1 < cuts.size(); ++i) {
    check(cuts[i] > cuts[i - 1] && cuts[i] < text.size(), "cuts increase");
    check(text[cuts[i] - 1] == '\n', "interior cuts follow a newline");
  }

  // --- whole text, strict and lenient ---------------------------------------
  ParsedChunk lenient;
  std::string lenient_buf(text);
  for (bool strict : {true, false}) {
    std::string buf(text);
    ParsedChunk out;
    parse_chunk(buf.data(), buf.size(), options_for(sel, strict), out);
    check_chunk(out, text, buf.data(), strict);
    if (!strict) {
      lenient_buf = std::move(buf);  // views stay valid: the heap block moves with the string
      lenient = std::move(out);
    }
  }

  // --- the same text cut into chunks, rebased as ingest does -----------------
  std::string split_buf(text);
  std::vector<ParsedChunk> chunks(cuts.size() - 1);
  std::uint64_t base = 0, records = 0, problems = 0, skipped = 0;
  std::vector<std::uint64_t> record_lines, problem_lines;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    ParsedChunk& c = chunks[i];
    parse_chunk(split_buf.data() + cuts[i], cuts[i + 1] - cuts[i], options_for(sel, false), c);
    for (const RawRecord& r : c.records) record_lines.push_back(r.line + base);
    for (const Problem& p : c.problems.items) problem_lines.push_back(p.line + base);
    records += c.records.size();
    problems += c.problems.errors + c.problems.warnings;
    skipped += c.skipped_lines;
    base += c.lines;
  }
  check(base == lenient.lines, "chunk line counts add up to the whole text's");
  check(records == lenient.records.size(), "split parsing finds the same records");
  check(skipped == lenient.skipped_lines, "split parsing skips the same lines");
  check(problems == lenient.problems.errors + lenient.problems.warnings, "split parsing finds the same problems");
  for (std::size_t i = 0; i < lenient.records.size(); ++i) {
    check(record_lines[i] == lenient.records[i].line, "rebased record lines match");
  }
  if (lenient.problems.items.size() < kMaxStoredProblems) {
    std::sort(problem_lines.begin(), problem_lines.end());
    std::vector<std::uint64_t> whole;
    for (const Problem& p : lenient.problems.items) whole.push_back(p.line);
    std::sort(whole.begin(), whole.end());
    check(whole == problem_lines, "rebased problem lines match");
  }
  check(split_buf == lenient_buf, "lenient repairs are the same whether split or whole");
  return 0;
}
