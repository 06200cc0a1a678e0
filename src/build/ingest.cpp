// Orchestrates an ingest: read -> detect dialect -> parse chunks in parallel
// -> assemble (IDs, relations) -> finish (sort, indexes) -> write atomically.
#include "gffbase/build/ingest.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <chrono>
#include <cstring>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "draft.hpp"
#include "../common/background_task.hpp"
#include "gffbase/io/input.hpp"
#include "gffbase/query/database.hpp"
#include "gffbase/store/sections.hpp"
#include "gffbase/store/writer.hpp"
#include "gffbase/version.hpp"
#include "id_spec_internal.hpp"
#include "sequence_regions.hpp"
#include "../common/start_thread.hpp"

namespace gffbase {
namespace {

// The version a `##gff-version` line among the comment lines before the
// first feature line (UCSC track lines aside) declares (2 or 3; 0: none), and
// that line's number.
int declared_version(std::string_view text, std::uint64_t& line) {
  std::size_t pos = 0;
  for (std::uint64_t n = 1; pos < text.size() && n <= 1000; ++n) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view l = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!l.empty() && l[0] != '#' && l != "\r" && !ucsc_browser_line(l)) return 0;
    constexpr std::string_view kDirective = "##gff-version";
    if (!l.starts_with(kDirective)) continue;
    const std::size_t digit = l.find_first_not_of(" \t", kDirective.size());
    if (digit == std::string_view::npos || (l[digit] != '2' && l[digit] != '3')) return 0;
    line = n;
    return l[digit] - '0';
  }
  return 0;
}

// Votes over the first `check_lines` feature lines, in file order.  With no
// line written either way (GFF1-style groups, bare values), a `##gff-version 2`
// header (`declared`) decides: the lines read as GFF2.
Dialect detect(std::string_view text, const IngestOptions& o, int declared) {
  DialectDetector det;
  std::size_t pos = 0;
  int seen = 0;
  while (pos < text.size() && seen < o.check_lines) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::size_t tab = 0;
    int tabs = 0;
    while (tabs < 8 && (tab = line.find('\t', tab)) != std::string_view::npos) {
      ++tabs;
      ++tab;
    }
    if (tabs < 8 && ucsc_browser_line(line)) continue;  // display settings, skipped by the parser too
    if (tabs == 0 && !o.strict) {
      // A line of space-separated columns, which lenient mode reads: its
      // attributes count too (a space-separated GTF is still a GTF).
      std::string_view col[9];
      if (!split_on_space_runs(line, col)) continue;
      det.observe(col[8]);
      ++seen;
      continue;
    }
    if (tabs < 8) continue;
    det.observe(line.substr(tab));
    ++seen;
  }
  Dialect d = det.finish(o.format);
  if (o.format == Format::kAuto && declared == 2 && d.format == Format::kGff3 && d.votes_gff3 == 0) {
    d.format = Format::kGff2;
  }
  return d;
}

std::string options_summary(const IngestOptions& o, const Dialect& d) {
  std::string s = "format=" + std::string(format_name(o.format)) + " detected=" + std::string(format_name(d.format));
  s += " merge_strategy=" + std::string(merge_strategy_name(o.merge_strategy));
  s += o.strict ? " mode=strict" : " mode=lenient";
  s += " infer_genes=" + std::string(o.infer_genes ? "1" : "0");
  s += " infer_transcripts=" + std::string(o.infer_transcripts ? "1" : "0");
  s += " gtf_gene_key=" + o.gtf_gene_key + " gtf_transcript_key=" + o.gtf_transcript_key;
  s += " gtf_subfeature=" + o.gtf_subfeature;
  if (!o.id_spec.empty()) {
    s += " id_spec=";
    for (auto& k : o.id_spec.keys) s += k + ",";
    for (auto& [t, ks] : o.id_spec.by_type) {
      s += t + ":";
      for (auto& k : ks) s += k + "|";
      s += ",";
    }
    if (!o.id_spec.by_line.empty()) s += "<per-line IDs from the caller>";
  }
  if (!o.options_text.empty()) s += " " + o.options_text;
  return s;
}

// A --format that most checked lines contradict (GTF text read as GFF3 keeps
// no IDs or relations, and the reverse): one warning, or none.
std::optional<Problem> format_mismatch(const std::string& name, const IngestOptions& o, const Dialect& d) {
  const bool forced_gff3 = o.format == Format::kGff3, forced_gtf = o.format == Format::kGtf || o.format == Format::kGff2;
  const std::uint32_t against = forced_gff3 ? d.votes_gtf : forced_gtf ? d.votes_gff3 : 0;
  if (d.lines_checked == 0 || against * 2 <= d.lines_checked) return std::nullopt;
  Problem p;
  p.severity = Severity::kWarning;
  p.code = "format-mismatch";
  p.path = name;
  p.field = "--format " + std::string(format_name(o.format));
  p.expected = forced_gff3 ? "GFF3 attributes (key=value)" : "GTF/GFF2 attributes (key \"value\")";
  p.found = std::to_string(against) + " of the " + std::to_string(d.lines_checked) + " lines checked written " +
            (forced_gff3 ? "GTF/GFF2-style" : "GFF3-style");
  p.hint = "IDs and relations come from the attributes; leave --format auto to detect the dialect";
  return p;
}

// A file whose `##gff-version` header says one dialect while most checked
// lines are written in the other (read as the lines say): a GFF3 whose
// column 9 a spreadsheet quoted whole, or written `ID = g1`, reads as GFF2
// and keeps none of its IDs and Parents.  Only when the format was detected.
// `version` is the header's (declared_version), at `line`.
std::optional<Problem> header_mismatch(const std::string& name, const IngestOptions& o, const Dialect& d,
                                       int version, std::uint64_t line) {
  if (o.format != Format::kAuto) return std::nullopt;
  const bool says_gff3 = version == 3 && d.format != Format::kGff3;
  const bool says_gff2 = version == 2 && d.format == Format::kGff3;
  if (d.lines_checked == 0 || (!says_gff3 && !says_gff2)) return std::nullopt;
  // A warning in strict mode too: real files carry wrong headers (a GTF
  // saying 3, rtracklayer's test.gtf; SOLiD's GFF3 saying 2), and the lines
  // are read as they are written.
  Problem p;
  p.severity = Severity::kWarning;
  p.code = "format-mismatch";
  p.path = name;
  p.line = line;
  p.field = "##gff-version " + std::to_string(version);
  p.expected = says_gff3 ? "GFF3 attributes (key=value;key=value), as the header declares"
                         : "GTF/GFF2 attributes (key \"value\"), as the header declares";
  p.found = std::to_string(says_gff3 ? d.votes_gtf : d.votes_gff3) + " of the " + std::to_string(d.lines_checked) +
            " lines checked written " + (says_gff3 ? "GTF/GFF2-style; read as " : "GFF3-style; read as ") +
            std::string(format_name(d.format));
  p.text = "##gff-version " + std::to_string(version);
  p.hint = says_gff3 ? "a column 9 quoted whole (a spreadsheet's export) or written `key = value` is not GFF3: "
                       "fix the file, or choose with --format gff3 or --format gtf"
                     : "the header is likely wrong; --format gff3 reads the file as GFF3 without this warning";
  return p;
}

// Sequence lines never have nine tab-separated columns: such a line in the
// FASTA tail (`fasta`, whose first line is file line `base` + 1) is a feature
// line the section swallowed (a stray '>' line, or features after ##FASTA).
// It is not read as a feature; the problem names the first such line (an
// error in strict mode, else a warning).
std::optional<Problem> feature_lines_in_fasta(const std::string& name, const IngestOptions& o,
                                              std::string_view fasta, std::uint64_t base) {
  if (fasta.empty()) return std::nullopt;
  std::size_t first = std::string_view::npos, count = 0;
  for (std::size_t at = fasta.find('\t'); at != std::string_view::npos;) {
    const std::size_t begin = fasta.rfind('\n', at) + 1;  // npos + 1 == 0
    const std::size_t end = std::min(fasta.find('\n', at), fasta.size());
    if (std::count(fasta.begin() + begin, fasta.begin() + end, '\t') >= 8) {
      if (count++ == 0) first = begin;
    }
    at = end < fasta.size() ? fasta.find('\t', end) : std::string_view::npos;
  }
  if (count == 0) return std::nullopt;
  const bool implicit = fasta[0] == '>';
  const std::string_view line = fasta.substr(first, std::min(fasta.find('\n', first), fasta.size()) - first);
  Problem p;
  p.severity = o.strict ? Severity::kError : Severity::kWarning;
  p.code = "feature-in-fasta";
  p.path = name;
  p.line = base + 1 + static_cast<std::uint64_t>(std::count(fasta.begin(), fasta.begin() + first, '\n'));
  p.field = "line";
  p.expected = implicit ? "sequence after the line starting with '>' (line " + std::to_string(base + 1) +
                              "), which begins the FASTA section"
                        : "sequence after ##FASTA (line " + std::to_string(base + 1) + ")";
  p.found = "9 tab-separated columns" + (count > 1 ? " (" + std::to_string(count) + " such lines)" : std::string());
  p.text = truncate_for_message(line);
  p.hint = implicit ? "features after a line starting with '>' are not read; remove that line, or put the "
                      "sequence last, after ##FASTA"
                    : "features after ##FASTA are not read; move them before it";
  return p;
}

// `writer` (may be null) starts writing the input text as soon as parsing
// has finished with it, so the write overlaps assembly and indexing.
Result<FeatureTable> build(std::string name, TextBuffer text, std::uint64_t disk_bytes, std::uint32_t disk_crc,
                           std::string_view compression, const IngestOptions& o, IngestReport& report,
                           GffdbWriter* writer = nullptr) {
  const auto t0 = std::chrono::steady_clock::now();
  const int threads = resolve_threads(o.threads);
  auto last = std::chrono::steady_clock::now();
  auto progress = [&](const char* stage, double f) {
    if (o.progress) o.progress(stage, f);
    const auto now = std::chrono::steady_clock::now();
    report.stage_seconds.emplace_back(stage, std::chrono::duration<double>(now - last).count());
    last = now;
  };
  progress("start", 0.1);
  // A UTF-8 byte-order mark is not part of the first line.
  const std::size_t bom = text.view().substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  const std::size_t fasta_at = bom + find_fasta_start(text.view().substr(bom));
  if (text.region_fd() >= 0 && (bom != 0 || fasta_at < text.size())) {
    // Text inflated into the database file is the text section only when
    // it is all feature text: a byte-order mark would shift the section off
    // its alignment, and the sections written after it would overwrite a
    // FASTA tail.  These inputs are rare; they are parsed from a copy.
    text = text.heap_copy();
  }
  const std::string_view features(text.data() + bom, fasta_at - bom);
  std::uint64_t header_line = 0;
  const int declared = declared_version(features, header_line);
  report.dialect = detect(features, o, declared);
  if (auto p = format_mismatch(name, o, report.dialect)) report.problems.add(std::move(*p));
  if (auto p = header_mismatch(name, o, report.dialect, declared, header_line)) report.problems.add(std::move(*p));

  ChunkParseOptions po;
  po.path = name;
  po.format = report.dialect.format;
  po.strict = o.strict;
  po.keys_of_interest = internal::keys_of_interest(o, report.dialect.format);

  // Small inputs are parsed on one thread: chunk set-up would cost more.
  const int n_chunks = features.size() < (1u << 20) ? 1 : threads * 4;
  const std::vector<std::size_t> cuts = split_at_lines(features, n_chunks);
  std::vector<ParsedChunk> chunks(cuts.size() - 1);
  {
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;  // bad_alloc in a worker reaches the caller, not terminate()
    auto worker = [&] {
      try {
        for (std::size_t i; (i = next.fetch_add(1)) < chunks.size();) {
          parse_chunk(text.data() + bom + cuts[i], cuts[i + 1] - cuts[i], po, chunks[i]);
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next.store(chunks.size());
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < std::min<int>(threads, static_cast<int>(chunks.size())); ++t) {
      internal::start_or_run(pool, worker);
    }
    worker();
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
  }
  // Rebase chunk-local line numbers to file lines; records also get the
  // build's dictionary codes.
  std::uint64_t base = 0;
  ProblemLog& log = report.problems;
  FeatureTable table;
  internal::Draft draft;
  std::vector<std::uint64_t> line_base;
  line_base.reserve(chunks.size());
  for (auto& c : chunks) {
    line_base.push_back(base);
    for (auto& d : c.directives) d.line += base;
    for (auto& p : c.problems.items) p.line += base;
    report.skipped_lines += c.skipped_lines;
    base += c.lines;
  }
  internal::renumber_records(chunks, line_base, draft);
  report.lines = base;
  // The fasta section's own lines are counted too.
  for (std::size_t i = fasta_at; i < text.size(); ++i) report.lines += text.data()[i] == '\n';
  if (fasta_at < text.size() && text.data()[text.size() - 1] != '\n') report.lines++;  // last line, no newline
  for (auto& c : chunks) log.merge(std::move(c.problems));
  for (Problem& p : internal::sequence_region_problems(name, chunks, draft)) log.add(std::move(p));
  log.sort_by_line();
  if (o.strict && log.errors > 0) {
    for (const Problem& p : log.items) {
      if (p.severity == Severity::kError) return Status::invalid_input(p.format());
    }
  }
  if (auto p = feature_lines_in_fasta(name, o, text.view().substr(fasta_at), base)) {
    if (o.strict) return Status::invalid_input(p->format());
    log.add(std::move(*p));
  }
  // The FASTA section is stored as text: invalid UTF-8 there is an error
  // (strict) or repaired to '?' with a warning (lenient), as in feature lines.
  if (fasta_at < text.size()) {
    char* fasta = text.data() + fasta_at;
    const std::size_t n = text.size() - fasta_at;
    std::size_t bad = find_invalid_utf8(std::string_view(fasta, n)), repaired = 0;
    if (bad != std::string_view::npos) {
      Problem p;
      p.severity = o.strict ? Severity::kError : Severity::kWarning;
      p.code = "invalid-utf8";
      p.path = name;
      p.line = base + 1 + static_cast<std::uint64_t>(std::count(fasta, fasta + bad, '\n'));
      p.field = "##FASTA section";
      p.expected = "sequence text (UTF-8)";
      if (o.strict) {
        p.found = "a byte that is not UTF-8";
        return Status::invalid_input(p.format());
      }
      while (bad != std::string_view::npos) {
        fasta[bad] = '?';
        ++repaired;
        const std::size_t next = find_invalid_utf8(std::string_view(fasta + bad + 1, n - bad - 1));
        bad = next == std::string_view::npos ? next : bad + 1 + next;
      }
      p.found = std::to_string(repaired) + " bytes that are not UTF-8";
      p.hint = "lenient mode replaced them with '?'";
      log.add(std::move(p));
    }
  }
  for (auto& c : chunks) report.feature_lines += c.records.size();
  if (report.feature_lines == 0 && !o.allow_empty) {
    std::string why = name + ": no feature lines found";
    if (text.view().find('\n') == std::string_view::npos && text.view().find('\r') != std::string_view::npos) {
      why += " (its lines end in a carriage return alone, as on classic Mac OS: the whole file reads as one line)";
      return Status::invalid_input(why + "\n  hint: convert the line ends to newlines, e.g. tr '\\r' '\\n'");
    }
    if (log.errors > 0) {
      for (const Problem& p : log.items) {
        if (p.severity == Severity::kError) {
          why += " (every candidate line was rejected; first problem:\n" + p.format() + ")";
          break;
        }
      }
    } else if (text.size() == 0) {
      why += " (the input is empty)";
    } else {
      why += " (only headers, comments or sequence)";
    }
    return Status::invalid_input(why + "\n  hint: is this a GFF3/GTF file? gffbase needs at least one feature line");
  }

  progress("parse", 0.5);
  if (writer) {
    // A mapped plain file whose feature text was not repaired in place is
    // copied file to file, text inflated into the file stays there, and
    // anything else is written from memory.
    TextFileSource source;
    bool repaired = false;
    for (const auto& c : chunks) repaired |= c.repaired_bytes > 0;
    if (text.region_fd() >= 0) {
      // Inflated into the file, where the section goes (repairs included).
      // Parsing is done with writing it: read-only from here on, so writing
      // it back costs no per-page write-protection (TextBuffer::seal).
      text.seal();
      source.fd = text.region_fd();
      source.offset = text.region_offset();
      source.in_place = true;
    } else if (text.source_fd() >= 0 && !repaired) {
      source.fd = text.source_fd();
      source.offset = bom;
      source.unchanged = text.source_check();  // by value: `text` moves into the table below
    }
    writer->begin_text(features, std::move(source));
  }
  // Every return from here on, success or failure, waits for that write
  // (and for the sections finish hands over early) before `text` and
  // `table` (which they read) can be freed.
  struct WaitForWrites {
    GffdbWriter* w;
    ~WaitForWrites() {
      if (w) w->wait_text(), w->wait_sections();
    }
  } wait_for_writes{writer};
  internal::EarlyIndex early;
  if (threads > 1 && report.feature_lines >= (1u << 16)) {
    // assemble runs on one core.  Another sorts the records and indexes
    // their attributes (finish_table's work, when the rows turn out to be
    // the records), then faults in the row columns that finish_table will
    // fill (one per feature line; synthesised rows, if any, make
    // finish_table grow them).
    internal::BackgroundTask side([&early, &chunks, &draft, &table, rows = report.feature_lines] {
      early = internal::build_early_index(chunks, draft.seqids);
      internal::preallocate_row_columns(table, static_cast<std::size_t>(rows));
    });
    Status assembled = internal::assemble(chunks, report.dialect, o, name, draft, log, report);
    side.join();
    GFFBASE_RETURN_IF_ERROR(assembled);
  } else {
    GFFBASE_RETURN_IF_ERROR(internal::assemble(chunks, report.dialect, o, name, draft, log, report));
  }
  progress("assemble", 0.65);
  // The row columns (and the attribute index, when it is ready by then) go
  // to the file while finish builds the other indexes.
  std::function<void(const FeatureTable&)> rows_final;
  if (writer) {
    rows_final = [writer](const FeatureTable& t) {
      namespace sec = store::section;
      std::vector<std::string_view> names = {
          sec::kRowSeqid, sec::kRowSource,     sec::kRowType,       sec::kRowStart,     sec::kRowEnd,
          sec::kRowScore, sec::kRowStrand,     sec::kRowPhase,      sec::kRowFlags,     sec::kRowFileOrder,
          sec::kRowLine,  sec::kRowFeature,    sec::kRowTextOffset, sec::kRowTextLength, sec::kRowAttrStart,
          sec::kFileOrderRows};
      if (!t.attr_entries.empty()) names.push_back(sec::kAttrEntries);
      writer->begin_sections(t, names);
    };
  }
  internal::finish_table(draft, chunks, features, threads, table, &early, rows_final);
  progress("index", 0.8);

  for (auto& c : chunks) {
    for (auto& d : c.directives) {
      table.directives.push(d.text);
      table.directive_lines.push_back(d.line);
    }
  }
  if (fasta_at < text.size()) {
    std::string_view f(text.data() + fasta_at, text.size() - fasta_at);
    if (f.substr(0, 7) == "##FASTA") {
      const std::size_t nl = f.find('\n');
      f = nl == std::string_view::npos ? std::string_view() : f.substr(nl + 1);
    }
    table.fasta = f;
  }
  log.sort_by_line();
  for (const Problem& p : log.items) {
    table.problems.push(p.format());
    table.problem_lines.push_back(p.line);
    table.problem_severity.push_back(static_cast<std::uint8_t>(p.severity));
  }
  report.rows = table.row_count();
  report.features = table.feature_count();
  report.seqids = table.seqids.size();
  report.types = table.types.size();

  auto meta = [&](std::string_view k, std::string_view v) {
    table.meta_keys.push(k);
    table.meta_values.push(v);
  };
  meta("tool", "gffbase");
  meta("tool_version", kVersion);
  meta("source_name", o.source_name.empty() ? name : o.source_name);
  meta("source_bytes", std::to_string(disk_bytes));
  meta("source_crc32", std::to_string(disk_crc));
  meta("source_compression", compression);
  meta("text_bytes", std::to_string(text.size()));
  meta("format", format_name(report.dialect.format));
  meta("dialect", report.dialect.describe());
  meta("dialect_quoted", report.dialect.quoted_values ? "1" : "0");
  meta("dialect_trailing_semicolon", report.dialect.trailing_semicolon ? "1" : "0");
  meta("dialect_space_after_separator", report.dialect.space_after_separator ? "1" : "0");
  meta("options", options_summary(o, report.dialect));
  meta("lines", std::to_string(report.lines));
  meta("errors", std::to_string(log.errors));
  meta("warnings", std::to_string(log.warnings));
  {
    // Readers walk an acyclic hierarchy with fewer visited-checks.
    std::size_t cycles = 0;
    for (const Problem& p : log.items) cycles += p.code == "parent-cycle";
    meta("parent_cycles", std::to_string(cycles));
  }
  meta("created_unix", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count()));
  table.text = features;
  table.text_owner = std::move(text);  // the views above point into its (stable) bytes
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return table;
}

// Decompressed text goes into `w`'s temporary file (GffdbWriter::text_buffer).
TextAllocator inflate_into(GffdbWriter& w) {
  return [&w](std::size_t n) { return w.text_buffer(n); };
}

// `writer` was created before the input was read, so that compressed input
// could be inflated straight into its file (GffdbWriter::text_buffer).
Result<IngestReport> build_and_write(InputText in, GffdbWriter& writer, const IngestOptions& o,
                                     std::chrono::steady_clock::time_point t0) {
  IngestReport report;
  add_input_warnings(in.name, in.warnings, report);
  report.stage_seconds.emplace_back("read", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  Result<FeatureTable> table = build(std::move(in.name), std::move(in.text), in.disk_bytes, in.disk_crc32,
                                     compression_name(in.compression), o, report, &writer);
  if (!table.is_ok()) return table.status();
  if (o.progress) o.progress("write", 0.9);
  const auto w0 = std::chrono::steady_clock::now();
  Result<std::uint64_t> bytes = writer.commit(*table);
  if (!bytes.is_ok()) return bytes.status();
  report.stage_seconds.emplace_back("write", std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count());
  report.db_bytes = *bytes;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace

void add_input_warnings(const std::string& name, const std::vector<std::string>& warnings, IngestReport& report) {
  for (const std::string& w : warnings) {
    Problem p;
    p.severity = Severity::kWarning;
    p.code = "input";
    p.path = name;
    p.found = w;
    p.hint = "check the file with `gzip -t` or `bgzip -t`; lines after the damage would be missing";
    report.problems.add(std::move(p));
  }
}

Result<FeatureTable> build_table(std::string name, std::string text, const IngestOptions& options,
                                 IngestReport& report) {
  const std::uint64_t n = text.size();
  return build(std::move(name), TextBuffer::adopt(std::move(text)), n, 0, "none", options, report);
}

Result<FeatureTable> build_table(std::string name, TextBuffer text, const IngestOptions& options,
                                 IngestReport& report) {
  const std::uint64_t n = text.size();
  return build(std::move(name), std::move(text), n, 0, "none", options, report);
}

namespace {
// Reads `input` (inflated straight into the writer's file when compressed),
// builds, and writes through `writer`.
Result<IngestReport> ingest_file_into(const std::string& input, GffdbWriter& writer, const IngestOptions& o,
                                      std::chrono::steady_clock::time_point t0) {
  if (o.progress) o.progress("read", 0.0);
  Result<InputText> in = read_input(input, o.threads, inflate_into(writer));
  if (!in.is_ok()) return in.status();
  return build_and_write(std::move(*in), writer, o, t0);
}
}  // namespace

Result<IngestReport> ingest_file(const std::string& input, const std::string& db_path, const IngestOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  // --force replaces the database: never the annotation it is built from.
  struct stat in_st {}, db_st {};
  if (input != "-" && ::stat(input.c_str(), &in_st) == 0 && ::stat(db_path.c_str(), &db_st) == 0 &&
      in_st.st_dev == db_st.st_dev && in_st.st_ino == db_st.st_ino) {
    return Status::invalid_argument(db_path + ": is the input file itself; choose another database path");
  }
  // Created first (it refuses an existing database without force), so that
  // compressed input can be inflated straight into its file, where the text
  // section goes: no second copy of hundreds of megabytes.
  Result<std::unique_ptr<GffdbWriter>> writer = GffdbWriter::create(db_path, o.force);
  if (!writer.is_ok()) return writer.status();
  return ingest_file_into(input, **writer, o, t0);
}

namespace {
Result<IngestReport> ingest_text_into(std::string text, GffdbWriter& writer, const IngestOptions& o,
                                      std::chrono::steady_clock::time_point t0) {
  Result<InputText> in = decode_input(o.source_name.empty() ? "<string>" : o.source_name,
                                      TextBuffer::adopt(std::move(text)), o.threads, inflate_into(writer));
  if (!in.is_ok()) return in.status();
  return build_and_write(std::move(*in), writer, o, t0);
}

// The committed in-memory file, opened; the descriptor is closed either way
// (the mapping keeps the memory).
Result<InMemoryDatabase> open_in_memory(Result<IngestReport> report, GffdbWriter& writer) {
  if (!report.is_ok()) return report.status();
  const int fd = writer.release_fd();
  if (fd < 0) return Status::io(":memory:: internal error: the in-memory database was not committed");
  Result<std::shared_ptr<const Database>> db = Database::open_fd(fd, ":memory:");
  ::close(fd);
  if (!db.is_ok()) return db.status();
  return InMemoryDatabase{std::move(*report), std::move(*db)};
}
}  // namespace

Result<IngestReport> ingest_text(std::string text, const std::string& db_path, const IngestOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  // Created first (it refuses an existing database without force), so that
  // compressed input can be inflated straight into its file, where the text
  // section goes: no second copy of hundreds of megabytes.
  Result<std::unique_ptr<GffdbWriter>> writer = GffdbWriter::create(db_path, o.force);
  if (!writer.is_ok()) return writer.status();
  return ingest_text_into(std::move(text), **writer, o, t0);
}

Result<InMemoryDatabase> ingest_file_in_memory(const std::string& input, const IngestOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  Result<std::unique_ptr<GffdbWriter>> writer = GffdbWriter::create_in_memory(":memory:");
  if (!writer.is_ok()) return writer.status();
  return open_in_memory(ingest_file_into(input, **writer, o, t0), **writer);
}

Result<InMemoryDatabase> ingest_text_in_memory(std::string text, const IngestOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  Result<std::unique_ptr<GffdbWriter>> writer = GffdbWriter::create_in_memory(":memory:");
  if (!writer.is_ok()) return writer.status();
  return open_in_memory(ingest_text_into(std::move(text), **writer, o, t0), **writer);
}

}  // namespace gffbase
