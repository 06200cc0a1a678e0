#include "gffbase/query/sequences.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <optional>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/parse/attributes.hpp"
#include "../common/parallel_parts.hpp"

namespace gffbase {

SplicedParts spliced_parts(const Database& db, FeatureIndex f, std::span<const std::uint32_t> part_type_codes) {
  SplicedParts p;
  p.feature = f;
  const RowId own = db.primary_row(f);
  p.seqid = db.row_seqid_code(own);
  p.strand = static_cast<Strand>(db.strands()[own]);
  const auto types = db.type_codes_column();
  for (FeatureIndex c : db.children_of(f)) {
    for (std::uint32_t r : db.feature_rows(c)) {
      if (std::find(part_type_codes.begin(), part_type_codes.end(), types[r]) != part_type_codes.end()) {
        p.rows.push_back(r);
      }
    }
  }
  if (p.rows.empty() && std::find(part_type_codes.begin(), part_type_codes.end(), types[own]) !=
                            part_type_codes.end()) {
    const auto own_rows = db.feature_rows(f);
    p.rows.assign(own_rows.begin(), own_rows.end());
  }
  if (p.rows.empty()) return p;  // nothing to fetch (fasta_sequence_for says so)
  // Rows are stored in (seqid, start, end) order: row order is coordinate order.
  std::sort(p.rows.begin(), p.rows.end());
  p.rows.erase(std::unique(p.rows.begin(), p.rows.end()), p.rows.end());
  const auto st = db.starts();
  const auto en = db.ends();
  p.start = st[p.rows.front()];
  p.end = p.start;
  for (RowId r : p.rows) {
    p.end = std::max(p.end, en[r]);
    if (en[r] >= st[r]) p.length += static_cast<std::uint64_t>(en[r] - st[r] + 1);
  }
  return p;
}

Result<const FastaSequence*> fasta_sequence_for(const Database& db, const FastaReader& fasta,
                                                const SplicedParts& parts, std::span<const std::string> part_types) {
  const std::string who = "feature '" + std::string(db.feature_id(parts.feature)) + "'";
  if (parts.rows.empty()) {
    std::string types;
    for (const auto& t : part_types) types += (types.empty() ? "" : " or ") + t;
    return Status::not_found(who + " (" + std::string(db.type_name(db.row_type_code(db.primary_row(parts.feature)))) +
                             ") has no " + types + " children and is no " + types + " itself: nothing to join");
  }
  const std::string_view seqid = db.seqid_name(parts.seqid);
  const FastaSequence* seq = fasta.find(seqid);
  if (seq == nullptr) {
    return Status::not_found(who + ": its seqid '" + std::string(seqid) + "' is not in " + fasta.name() + " (" +
                             std::to_string(fasta.sequences().size()) + " sequences" +
                             (fasta.sequences().empty() ? "" : ", the first '" + fasta.sequences()[0].name + "'") +
                             ")");
  }
  const auto fl = db.flags();
  const auto seqids = db.seqid_codes();
  const auto st = db.starts();
  const auto en = db.ends();
  for (RowId r : parts.rows) {
    // The checks read the columns; the row's text is fetched only to word an error.
    const bool no_coords = fl[r] & kRowNoCoords;
    const bool elsewhere = seqids[r] != parts.seqid;
    const bool outside = st[r] < 1 || static_cast<std::uint64_t>(en[r]) > seq->length;
    if (!no_coords && !elsewhere && !outside) continue;
    const RowView v = db.row(r);
    const std::string at = " (line " + std::to_string(v.line) + ")";
    if (no_coords) {
      return Status::invalid_argument(who + ": a part without coordinates" + at + " has no bases to fetch");
    }
    if (elsewhere) {
      return Status::invalid_argument(who + ": a part lies on seqid '" + std::string(v.seqid) + "'" + at +
                                      ", not on the feature's own '" + std::string(seqid) +
                                      "' (trans-spliced: fetch its parts one by one)");
    }
    return Status::invalid_argument(who + ": part " + std::string(seqid) + ":" + std::to_string(v.start) + "-" +
                                    std::to_string(v.end) + at + " lies outside " + std::string(seqid) + " in " +
                                    fasta.name() + " (1-" + std::to_string(seq->length) + ")");
  }
  return seq;
}

Result<FastaReader> database_fasta(std::shared_ptr<const Database> db) {
  const std::string_view text = db->fasta();
  if (text.empty()) {
    return Status::not_found(db->path() + " holds no ##FASTA section: pass a FASTA file");
  }
  // The section is the input's last lines: its first line is the input's
  // line count minus the section's.
  const std::uint64_t section_lines =
      static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')) + (text.back() != '\n');
  std::uint64_t input_lines = 0;
  const std::string lines = db->meta_value("lines");
  std::from_chars(lines.data(), lines.data() + lines.size(), input_lines);
  const std::uint64_t first = input_lines > section_lines ? input_lines - section_lines + 1 : 1;
  std::string source = db->meta_value("source_name");
  if (source.empty() || source == "-") source = db->path() + " (##FASTA section)";
  return FastaReader::index_text(text, std::move(source), first, db);
}

Status write_spliced(const Database& db, const FastaReader& fasta, const FastaSequence& seq, const SplicedParts& parts,
                     bool use_strand, char* dst) {
  const auto st = db.starts();
  const auto en = db.ends();
  char* p = dst;
  for (RowId r : parts.rows) {
    if (en[r] < st[r]) continue;
    fasta.copy(seq, static_cast<std::uint64_t>(st[r]), static_cast<std::uint64_t>(en[r]), p);
    p += en[r] - st[r] + 1;
  }
  if (const std::size_t bad = first_non_ascii(std::string_view(dst, static_cast<std::size_t>(p - dst)));
      bad != std::string_view::npos) {
    return Status::invalid_input("feature '" + std::string(db.feature_id(parts.feature)) + "': base " +
                                 std::to_string(bad + 1) + " of its " + std::to_string(parts.length) +
                                 " fetched from " + fasta.name() +
                                 " is a byte that is not ASCII: is the .fai beside it for another file?");
  }
  if (use_strand && parts.strand == '-') reverse_complement(dst, p);
  return {};
}

namespace {

constexpr const char* kTranslateNeedsStrand =
    "translate reads each coding sequence 5' to 3': it cannot be asked without the strand (use_strand)";

// Where genomic position `x` falls in the joined parts (5' to 3'), or -1.
std::int64_t offset_in_parts(const Database& db, const SplicedParts& parts, bool reversed, Coord x) {
  const auto st = db.starts();
  const auto en = db.ends();
  std::int64_t off = 0;
  for (std::size_t i = 0; i < parts.rows.size(); ++i) {
    const RowId r = parts.rows[reversed ? parts.rows.size() - 1 - i : i];
    if (en[r] < st[r]) continue;
    if (x >= st[r] && x <= en[r]) return off + (reversed ? en[r] - x : x - st[r]);
    off += en[r] - st[r] + 1;
  }
  return -1;
}

// NCBI transl_except values, "(pos:4296060..4296062,aa:Sec)" or
// "(pos:complement(join(100..101,200)),aa:TERM)", several joined by ','
// (a converter that left the comma inside a value unescaped splits one value
// in two; joined, it reads whole again).  Each names a codon by its 5'-most
// base (the lowest position, the highest on a complement; an accession
// before a range, "NC_1.1:10..12", is not a position) and an amino acid;
// they are appended to `out`.  A value read otherwise is left out.
void add_translation_exceptions(const Database& db, const SplicedParts& parts, bool reversed, int phase,
                                std::string_view text, std::vector<std::pair<std::size_t, char>>& out) {
  for (std::size_t pos = text.find("pos:"); pos != std::string_view::npos;) {
    const std::size_t next = text.find("pos:", pos + 4);
    const std::string_view entry = text.substr(pos + 4, next == std::string_view::npos ? next : next - pos - 4);
    pos = next;
    const std::size_t aa = entry.find(",aa:");
    if (aa == std::string_view::npos) continue;
    std::string_view name = entry.substr(aa + 4);
    name = name.substr(0, name.find_first_of("),"));
    const char letter = amino_acid_letter(name);
    if (letter == 0) continue;
    const std::string_view location = entry.substr(0, aa);
    const bool complement = location.find("complement") != std::string_view::npos;
    std::optional<Coord> five_prime;
    bool bad = false;
    for (std::size_t i = 0; i < location.size() && !bad;) {
      const char c = location[i];
      const bool starts_number = i == 0 || std::string_view("(,.:<>").find(location[i - 1]) != std::string_view::npos;
      if (c < '0' || c > '9' || !starts_number || location.find(':', i) < location.find_first_of("(,", i)) {
        ++i;  // not a position: no digit, digits inside a word ("complement2"), an accession ending in ':'
        continue;
      }
      Coord x = 0;
      const auto parsed = std::from_chars(location.data() + i, location.data() + location.size(), x);
      bad = parsed.ec != std::errc();
      i = static_cast<std::size_t>(parsed.ptr - location.data());
      if (!bad && (!five_prime || (complement ? x > *five_prime : x < *five_prime))) five_prime = x;
    }
    if (bad || !five_prime) continue;
    const std::int64_t at = offset_in_parts(db, parts, reversed, *five_prime) - phase;
    if (at >= 0 && at % 3 == 0) out.emplace_back(static_cast<std::size_t>(at / 3), letter);
  }
}

}  // namespace

Result<CodingFrame> coding_frame(const Database& db, const SplicedParts& parts, const SequenceQuery& q) {
  CodingFrame frame;
  if (parts.rows.empty()) return frame;
  const bool reversed = q.use_strand && parts.strand == '-';
  const RowId five_prime = reversed ? parts.rows.back() : parts.rows.front();
  const std::int8_t phase = db.phases()[five_prime];
  frame.options.phase = phase > 0 ? phase : 0;
  frame.options.complete_start = frame.options.phase == 0;
  // The 5' part's attributes first, then the anchor's: each may carry the
  // table.  The 5' end's marks are the part's own (an mRNA's start_range is
  // the transcript's end, in its UTR); a GENCODE tag says it on either.
  const bool gff3 = db.gff3_attributes();
  const std::string_view range_key = reversed ? "end_range" : "start_range";
  bool table_seen = q.genetic_code != 0;  // an explicit table overrides the attribute
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  for (const RowId r : {five_prime, db.primary_row(parts.feature)}) {
    // Most lines carry none of these keys: the text is searched before it
    // is parsed (parsing every anchor's and 5' part's column 9 was ~40% of
    // translating a genome).
    const std::string_view text = db.row_attributes(r);
    if (text.find("transl_table") == std::string_view::npos && text.find("cds_start_NF") == std::string_view::npos &&
        (r != five_prime || text.find(range_key) == std::string_view::npos)) {
      continue;
    }
    items.clear();
    scratch.clear();
    parse_attributes(text, gff3, items, scratch);
    for (const AttributeItem& a : items) {
      if ((a.key == range_key && r == five_prime) || (a.key == "tag" && a.value == "cds_start_NF")) {
        frame.options.complete_start = false;
      }
      if (a.key != "transl_table" || table_seen) continue;
      table_seen = true;
      int id = 0;
      const char* end = a.value.data() + a.value.size();
      const auto parsed = std::from_chars(a.value.data(), end, id);
      frame.code = parsed.ec == std::errc() && parsed.ptr == end ? GeneticCode::ncbi(id) : nullptr;
      if (frame.code == nullptr) {
        return Status::invalid_argument("feature '" + std::string(db.feature_id(parts.feature)) +
                                        "': transl_table=" + std::string(a.value) + " (line " +
                                        std::to_string(db.row(r).line) + ") names no NCBI genetic code (" +
                                        std::string(GeneticCode::known_ids()) + ")");
      }
    }
  }
  // NCBI writes transl_except on the CDS lines.  Most lines have none: the
  // text is searched before it is parsed.
  for (const RowId r : parts.rows) {
    const std::string_view text = db.row_attributes(r);
    if (text.find("transl_except") == std::string_view::npos) continue;
    items.clear();
    scratch.clear();
    parse_attributes(text, gff3, items, scratch);
    std::string joined;
    for (const AttributeItem& a : items) {
      if (a.key == "transl_except") (joined += ',') += a.value;
    }
    add_translation_exceptions(db, parts, reversed, frame.options.phase, joined, frame.options.exceptions);
  }
  if (frame.code == nullptr) {
    const int id = q.genetic_code != 0 ? q.genetic_code : 1;
    frame.code = GeneticCode::ncbi(id);
    if (frame.code == nullptr) {
      return Status::invalid_argument("feature '" + std::string(db.feature_id(parts.feature)) + "': genetic code " +
                                      std::to_string(id) + ": no such NCBI table (" +
                                      std::string(GeneticCode::known_ids()) + ")");
    }
  }
  return frame;
}

Status fetch_sequence(const Database& db, const FastaReader& fasta, const FastaSequence& seq, const SplicedParts& parts,
                      const SequenceQuery& q, std::string& out) {
  if (q.translate && !q.use_strand) return Status::invalid_argument(kTranslateNeedsStrand);
  out.resize(parts.length);
  if (Status s = write_spliced(db, fasta, seq, parts, q.use_strand, out.data()); !s) return s;
  if (!q.translate) return {};
  auto frame = coding_frame(db, parts, q);
  if (!frame.is_ok()) return frame.status();
  out = translate(out, *frame->code, frame->options);
  return {};
}

Status export_sequences_arrow(const Database& db, const FastaReader& fasta,
                              std::span<const std::string_view> anchor_names, std::span<const FeatureIndex> anchors,
                              const SequenceQuery& q, ArrowArrayStream* out, int threads) {
  if (q.translate && !q.use_strand) return Status::invalid_argument(kTranslateNeedsStrand);
  const std::vector<std::uint32_t> codes = db.type_codes(q.part_types);
  std::vector<std::uint32_t> input;  // input positions of the known anchors
  for (std::uint32_t i = 0; i < anchors.size(); ++i) {
    if (anchors[i] != kNone && anchors[i] < db.feature_count()) input.push_back(i);
  }
  const std::size_t n = input.size();
  std::vector<SplicedParts> parts(n);
  std::vector<const FastaSequence*> seqs(n, nullptr);
  std::vector<std::optional<Status>> problems(n);
  internal::parallel_parts(n, threads, 256, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t k = b; k < e; ++k) {
      parts[k] = spliced_parts(db, anchors[input[k]], codes);
      auto s = fasta_sequence_for(db, fasta, parts[k], q.part_types);
      if (s.is_ok()) {
        seqs[k] = *s;
      } else {
        problems[k] = s.status();
      }
    }
  });
  // Proteins are translated first, into their own strings: their lengths
  // are known only then.  Bases go straight into the column.
  std::vector<std::string> proteins(q.translate ? n : 0);
  auto unavailable = [&](std::size_t k, Status s) {
    problems[k] = std::move(s);
    seqs[k] = nullptr;
  };
  if (q.translate) {
    internal::parallel_parts(n, threads, 256, [&](std::size_t b, std::size_t e, int) {
      for (std::size_t k = b; k < e; ++k) {
        if (!seqs[k]) continue;
        if (Status s = fetch_sequence(db, fasta, *seqs[k], parts[k], q, proteins[k]); !s) {
          unavailable(k, std::move(s));
          proteins[k].clear();
        }
      }
    });
  }
  auto off = arrow::ColumnBuffer<std::int64_t>::uninitialized(n + 1);
  off[0] = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t bytes = !seqs[k] ? 0 : q.translate ? proteins[k].size() : parts[k].length;
    off[k + 1] = off[k] + static_cast<std::int64_t>(bytes);
  }
  auto data = arrow::ColumnBuffer<char>::uninitialized(static_cast<std::size_t>(off[n]));
  internal::parallel_parts(n, threads, 256, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t k = b; k < e; ++k) {
      if (!seqs[k]) continue;
      if (q.translate) {
        std::copy(proteins[k].begin(), proteins[k].end(), data.data() + off[k]);
      } else if (Status s = write_spliced(db, fasta, *seqs[k], parts[k], q.use_strand, data.data() + off[k]); !s) {
        unavailable(k, std::move(s));
        std::fill(data.data() + off[k], data.data() + off[k + 1], 'N');  // a null row; its bytes must still be text
      }
    }
  });
  if (!q.skip_unavailable) {
    for (const auto& p : problems) {
      if (p) return *p;
    }
  }

  arrow::TableBuilder t(static_cast<std::int64_t>(n));
  std::vector<std::string_view> names(n), problem_text(n);
  std::vector<std::int32_t> seqid(n), n_parts(n);
  std::vector<std::int64_t> start(n), end(n), length(n);
  auto strand = arrow::ColumnBuffer<std::int8_t>::uninitialized(n);
  std::vector<std::uint8_t> valid(n, 1), problem_valid(n, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const SplicedParts& p = parts[k];
    names[k] = anchor_names[input[k]];
    seqid[k] = static_cast<std::int32_t>(p.seqid);
    start[k] = p.start;
    end[k] = p.end;
    const char s = static_cast<char>(p.strand);
    strand[k] = static_cast<std::int8_t>(s == '+' ? 0 : s == '-' ? 1 : s == '.' ? 2 : 3);
    n_parts[k] = static_cast<std::int32_t>(p.rows.size());
    length[k] = static_cast<std::int64_t>(p.length);
    valid[k] = seqs[k] != nullptr;
    if (problems[k]) {
      problem_text[k] = problems[k]->message();
      problem_valid[k] = 1;
    }
  }
  std::vector<std::string_view> seqid_names;
  seqid_names.reserve(db.seqid_count());
  for (std::uint32_t i = 0; i < db.seqid_count(); ++i) seqid_names.push_back(db.seqid_name(i));
  static const std::vector<std::string_view> kStrands = {"+", "-", ".", "?"};
  t.add_utf8_from_views("anchor", names);
  t.add_dictionary_utf8("seqid", std::move(seqid), seqid_names);
  t.add_int64("start", std::move(start));
  t.add_int64("end", std::move(end));
  t.add_dictionary_utf8("strand", std::move(strand), kStrands);
  t.add_int32("parts", std::move(n_parts));
  t.add_int64("length", std::move(length));
  t.add_large_utf8("sequence", std::move(off), std::move(data), std::move(valid));
  t.add_utf8_from_views("problem", problem_text, std::move(problem_valid));
  t.export_stream(out);
  return {};
}

}  // namespace gffbase
