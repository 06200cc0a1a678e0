#include "gffbase/export/writers.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <deque>
#include <unordered_map>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/parse/attributes.hpp"
#include "gffbase/query/bare_id.hpp"

namespace gffbase {
namespace {

void append_int(std::string& out, long long v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, p);
}

void append_coord(std::string& out, const RowView& v, Coord c) {
  if (v.flags & kRowNoCoords) out += '.';
  else append_int(out, c);
}

// A text field of a tab-separated format (TSV, BED): a tab, newline or CR
// inside it (lenient mode keeps them in values) is written as \t, \n, \r,
// so every line keeps its columns.
void append_field(std::string& out, std::string_view s) {
  if (s.find_first_of("\t\n\r") == std::string_view::npos) {
    out += s;
    return;
  }
  for (char c : s) {
    if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
}

// (key, values) in first-appearance order; a bare key has no values.  A
// linear search finds a line's usual handful of keys; past 32 a map takes
// over, so a line of 100k distinct keys is not quadratic (it took seconds).
std::vector<std::pair<std::string_view, std::vector<std::string_view>>> group_by_key(
    const std::vector<AttributeItem>& items) {
  std::vector<std::pair<std::string_view, std::vector<std::string_view>>> grouped;
  std::unordered_map<std::string_view, std::size_t> index;  // key -> its place in grouped, once grouped > 32
  for (const auto& it : items) {
    std::size_t g = grouped.size();
    if (index.empty()) {
      for (std::size_t i = 0; i < grouped.size(); ++i) {
        if (grouped[i].first == it.key) {
          g = i;
          break;
        }
      }
    } else if (auto found = index.find(it.key); found != index.end()) {
      g = found->second;
    }
    if (g == grouped.size()) {
      grouped.push_back({it.key, {}});
      if (!index.empty() || grouped.size() > 32) {
        if (index.empty()) {
          for (std::size_t i = 0; i < grouped.size(); ++i) index.emplace(grouped[i].first, i);
        } else {
          index.emplace(it.key, g);
        }
      }
    }
    if (it.has_value) grouped[g].second.push_back(it.value);
  }
  return grouped;
}

// The first-parent chain from a feature to its root: [f, parent, ..., root].
// Bounded, so a cycle (reported at ingest) cannot loop.
std::vector<FeatureIndex> ancestry(const Database& db, FeatureIndex f) {
  std::vector<FeatureIndex> chain{f};
  for (int depth = 0; depth < 64; ++depth) {
    const auto parents = db.parents_of(chain.back());
    if (parents.empty() || parents[0] == chain.back() ||
        std::find(chain.begin(), chain.end(), parents[0]) != chain.end()) {
      break;
    }
    chain.push_back(parents[0]);
  }
  return chain;
}

bool has_parent(const Database& db, FeatureIndex f) {
  for (FeatureIndex p : db.parents_of(f)) {
    if (p != f) return true;
  }
  return false;
}

bool has_children(const Database& db, FeatureIndex f) {
  for (FeatureIndex c : db.children_of(f)) {
    if (c != f) return true;
  }
  return false;
}

// A child with children of its own: f is a gene with transcripts.
bool has_grandchildren(const Database& db, FeatureIndex f) {
  for (FeatureIndex c : db.children_of(f)) {
    if (c != f && has_children(db, c)) return true;
  }
  return false;
}

// has_grandchildren of a root, remembered for the last root asked (per
// thread; keyed like gtf_name by the mapped ID's address): every leaf below
// a root asks, and a root whose children are all leaves is answered by
// scanning them all (a contig `region` named as Parent by 60,000 CDS lines
// took 10 s to export as GTF).
bool root_has_grandchildren(const Database& db, FeatureIndex root) {
  thread_local const char* last_id = nullptr;
  thread_local bool last = false;
  const char* id = db.feature_id(root).data();
  if (id != last_id) {
    last_id = id;
    last = has_grandchildren(db, root);
  }
  return last;
}

// Types whose line stays a gene line in GTF even with exons or CDS right
// below it (a prokaryote gene: gene -> CDS).
bool gene_type(const Database& db, FeatureIndex f) {
  const std::string_view t = db.row(db.primary_row(f)).type;
  return t == "gene" || t == "pseudogene" || t.ends_with("_gene");
}

// Whether type `t` ends with `suffix`, ignoring case (SO names vary: ncRNA, lnc_RNA, miRNA).
bool type_ends_with(std::string_view t, std::string_view suffix) {
  if (t.size() < suffix.size()) return false;
  const std::string_view tail = t.substr(t.size() - suffix.size());
  return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

// Types of a transcript (mRNA, lnc_RNA, tRNA, primary_transcript, ...): one
// with no child line is still a transcript of its gene, not a part of it.
bool transcript_type(std::string_view t) {
  return type_ends_with(t, "RNA") || type_ends_with(t, "transcript");
}

// Types of a gene model: genes, transcripts (mRNA, ncRNA, *_transcript, ...,
// V/D/J/C segments) and their parts (exons, CDS, UTRs, codons, introns,
// Ensembl's Selenocysteine).  A feature of any other type (NCBI's `region`,
// repeat_region, mobile_genetic_element, origin_of_replication, ...) with
// neither parent nor child is in no gene.
bool gene_model_type(const Database& db, FeatureIndex f) {
  const std::string_view t = db.row(db.primary_row(f)).type;
  return gene_type(db, f) || transcript_type(t) || type_ends_with(t, "_segment") ||
         type_ends_with(t, "exon") || type_ends_with(t, "CDS") || type_ends_with(t, "UTR") ||
         type_ends_with(t, "codon") || type_ends_with(t, "intron") || t == "Selenocysteine";
}

// The parents a feature's GTF lines are written under, one line each (GTF
// names one transcript a line).  When some of them have a parent of their
// own, only those: a TAIR10 CDS names its mRNA (under a gene) and its
// protein (a root, tied to the mRNA by Derives_from), and the mRNA is the
// transcript.  An exon shared by isoforms (Parent=t1,t2) keeps both.
std::vector<FeatureIndex> gtf_parents(const Database& db, FeatureIndex f) {
  std::vector<FeatureIndex> all, nested;
  for (FeatureIndex p : db.parents_of(f)) {
    if (p == f) continue;
    all.push_back(p);
    if (has_parent(db, p)) nested.push_back(p);
  }
  return nested.empty() ? all : nested;
}

// The features a GFF3 feature's GTF gene_id and transcript_id name
// (transcript kNone: none written), from its first-parent chain
// [f, ..., root], through `via` (one of its parents) when given:
//  - three levels or more: the root is the gene, the feature below it the
//    transcript;
//  - f below a root: f with children of its own, or of a transcript's type
//    (an mRNA without exon lines), is a transcript of that gene; a leaf (an
//    exon, a CDS) under a root with transcripts belongs to the gene alone,
//    and under a root without any, the root is both its gene and its
//    transcript (an mRNA with no gene line, as gffread and miniprot write
//    them; a prokaryote gene and its CDS);
//  - f a root: a gene names itself as gene only; a root whose children are
//    leaves is their transcript too when its lines are written under it
//    (gtf_parents), unless its type is a gene's;
//  - f alone (no parent, no child) and not of a gene model's type: in no
//    gene, written as GTF 2.2 writes intergenic features, gene_id "" and
//    transcript_id "" (gene kNone).  Named by its own ID, every `region`
//    and repeat_region of an NCBI GFF3 came back from the GTF as a gene.
struct GtfRoles {
  FeatureIndex gene;  ///< kNone: in no gene
  FeatureIndex transcript = kNone;
};

GtfRoles gtf_roles(const Database& db, FeatureIndex f, FeatureIndex via) {
  std::vector<FeatureIndex> chain{f};
  if (via != kNone) {
    const std::vector<FeatureIndex> up = ancestry(db, via);
    chain.insert(chain.end(), up.begin(), up.end());
  } else {
    chain = ancestry(db, f);
  }
  const std::size_t n = chain.size();
  if (n >= 3) return {chain.back(), chain[n - 2]};
  if (n == 2) {
    const FeatureIndex root = chain[1];
    if (has_children(db, f) || transcript_type(db.row(db.primary_row(f)).type)) return {root, f};
    return {root, root_has_grandchildren(db, root) ? kNone : root};
  }
  if (!has_children(db, f) && !gene_model_type(db, f)) return {kNone, kNone};
  if (has_grandchildren(db, f) || gene_type(db, f)) return {f, kNone};
  for (FeatureIndex c : db.children_of(f)) {
    if (c == f) continue;
    const std::vector<FeatureIndex> ps = gtf_parents(db, c);
    if (std::find(ps.begin(), ps.end(), f) != ps.end()) return {f, f};
  }
  return {f, kNone};
}

// A GTF value between its double quotes.  GTF has no escapes: a '"' ended
// the value early, and a tab, CR or LF (a GFF3 %09, %0D, %0A, decoded) ended
// the column or the line, so the file no longer parsed.  They are written
// percent-encoded, as GFF3 would.
void append_gtf_value(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '"';
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c < 0x20 || c == 0x7F) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  out += '"';
}

void append_gtf_item(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += ' ';
  out += key;
  out += ' ';
  append_gtf_value(out, value);
  out += ';';
}

// The GTF name of feature f under `key` (gene_id, transcript_id): the value
// its own line gives that key (Ensembl and RefSeq GFF3 carry them; for
// gene_id, gffread's geneID too), else its ID.  Every line of a gene or
// transcript then uses one name for it.
// Consecutive lines share their gene and transcript: the last answer per
// key is remembered (per thread), so a gene's name is parsed once, not per line.
const std::string& gtf_name(const Database& db, FeatureIndex f, std::string_view key, bool from_gff3) {
  struct Last {
    std::string_view id;  // the feature's ID as mapped: its address tells features (and files) apart
    std::string name;
  };
  thread_local Last last_gene, last_transcript;
  Last& last = key == "gene_id" ? last_gene : last_transcript;
  const std::string_view id = db.feature_id(f);
  if (last.id.data() == id.data() && last.id.size() == id.size() && !id.empty()) return last.name;
  last.id = id;
  last.name.assign(id);
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  parse_attributes(db.row(db.primary_row(f)).attributes, from_gff3, items, scratch);
  const std::string_view fallback = key == "gene_id" ? "geneID" : "";
  bool fell_back = false;
  for (const auto& it : items) {
    if (!it.has_value || it.value.empty()) continue;
    if (it.key == key) {
      last.name.assign(it.value);
      break;
    }
    if (!fell_back && !fallback.empty() && it.key == fallback) {
      last.name.assign(it.value);
      fell_back = true;
    }
  }
  return last.name;
}

// Column 9 of `row` converted to the other dialect.  The hierarchy, which
// each dialect states its own way, is carried over:
//  - GFF3 -> GTF: gene_id and transcript_id name the features gtf_roles
//    picks (by gtf_name), replacing values the line gives those keys, so all
//    lines of a gene agree.  Feature types are kept: a GTF reader takes only
//    type "transcript" for a transcript, so an mRNA line comes back as a
//    child of an inferred transcript of that name.
//  - GTF -> GFF3: ID on features with children, Parent naming the parents
//    (inferred ones only when `link_synthetic`: they are written then).
// Column 9 of `row` in the other dialect.  To GTF, gene_id and
// transcript_id are those of gtf_roles, through `via` (one of the feature's
// parents) or its first parent.
std::string attributes_as(const Database& db, RowId row, std::string_view raw, bool to_gtf, bool from_gff3,
                          bool link_synthetic, FeatureIndex via = kNone) {
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  parse_attributes(raw, from_gff3, items, scratch);
  const FeatureIndex f = db.row_feature(row);
  // A bare ID (AUGUSTUS's gene line "g1", read as the ID at ingest) is
  // written as the target dialect's ID, not as a key without a value.
  const bool bare_id = !items.empty() && is_bare_id(db, row, std::span(items).first(1));
  if (bare_id) items.erase(items.begin());
  std::string out;
  if (to_gtf) {
    const GtfRoles roles = gtf_roles(db, f, via);
    if (roles.gene == kNone) {
      append_gtf_item(out, "gene_id", "");
      append_gtf_item(out, "transcript_id", "");
    } else {
      append_gtf_item(out, "gene_id", gtf_name(db, roles.gene, "gene_id", from_gff3));
    }
    if (roles.transcript != kNone) {
      append_gtf_item(out, "transcript_id", gtf_name(db, roles.transcript, "transcript_id", from_gff3));
    }
    for (const auto& it : items) {
      if (it.key == "gene_id" || it.key == "transcript_id") continue;  // written above
      if (it.has_value) {
        append_gtf_item(out, it.key, it.value);
      } else {  // a bare key
        if (!out.empty()) out += ' ';
        out += it.key;
        out += ';';
      }
    }
    return out;
  }
  // GFF3: repeated keys become comma lists, in first-appearance order.
  // A GTF line's own ID and Parent attributes are not GFF3 structure (a GTF
  // states its hierarchy with gene_id and transcript_id): the hierarchy
  // written is the database's.  Its Parent always goes; its ID stays on a
  // feature no line names as parent, unless another feature has that ID
  // (GFF3 -> GTF -> GFF3 carried ID=t1 on the mRNA line beside the inferred
  // transcript t1: two features with one ID, and a gene's ID=gene:ENSG...
  // that its transcripts' Parent=ENSG... did not name).
  const bool needs_id = bare_id || has_children(db, f);
  std::erase_if(items, [&](const AttributeItem& it) {
    if (it.key == "Parent") return true;
    if (it.key != "ID") return false;
    if (needs_id) return true;
    const std::optional<FeatureIndex> other = db.find(it.value);
    return other && *other != f;
  });
  if (needs_id) {
    out += "ID=";
    out += percent_encode(db.feature_id(f));
  } else {  // its own ID (a leaf's: an exon's), first, as GFF3 writes it
    bool first = true;
    for (const AttributeItem& it : items) {
      if (it.key != "ID" || !it.has_value) continue;
      out += first ? "ID=" : ",";
      out += percent_encode(it.value);
      first = false;
    }
    std::erase_if(items, [](const AttributeItem& it) { return it.key == "ID"; });
  }
  {
    // An inferred parent not being written stands aside for its own parents:
    // an NCBI CDS under an inferred transcript names the gene line above it.
    const auto flags = db.flags();
    std::vector<FeatureIndex> parents, pending(db.parents_of(f).begin(), db.parents_of(f).end()), seen;
    while (!pending.empty() && seen.size() < 64) {
      const FeatureIndex p = pending.front();
      pending.erase(pending.begin());
      if (p == f || std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
      seen.push_back(p);
      if (!link_synthetic && (flags[db.primary_row(p)] & kRowSynthetic)) {
        pending.insert(pending.end(), db.parents_of(p).begin(), db.parents_of(p).end());
      } else {
        parents.push_back(p);
      }
    }
    bool first = true;
    for (FeatureIndex p : parents) {
      if (!out.empty() && first) out += ';';
      out += first ? "Parent=" : ",";
      out += percent_encode(db.feature_id(p));
      first = false;
    }
  }
  for (const auto& [k, vals] : group_by_key(items)) {
    if (!out.empty()) out += ';';
    out += percent_encode(k);
    if (vals.empty()) continue;
    out += '=';
    for (std::size_t i = 0; i < vals.size(); ++i) {
      if (i) out += ',';
      out += percent_encode(vals[i]);
    }
  }
  return out;
}

}  // namespace

bool parse_output_format(std::string_view t, OutputFormat& out) {
  if (t == "gff3" || t == "gff") out = OutputFormat::kGff3;
  else if (t == "gtf") out = OutputFormat::kGtf;
  else if (t == "bed" || t == "bed6") out = OutputFormat::kBed;
  else if (t == "bed12") out = OutputFormat::kBed12;
  else if (t == "tsv") out = OutputFormat::kTsv;
  else if (t == "jsonl" || t == "json") out = OutputFormat::kJsonl;
  else return false;
  return true;
}

void append_score(std::string& out, double score) {
  if (std::isnan(score)) {
    out += '.';
    return;
  }
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, score);
  out.append(buf, p);
}

namespace {
// The score as the input wrote it ("1.50"), falling back to the number.
void append_score_text(const Database& db, RowId row, double score, std::string& out) {
  const std::string_view text = db.row_column_text(row, 6);
  if (!text.empty()) out += text;
  else append_score(out, score);
}

// Columns 1-8 of `row` and the tab after them; `text(out, s)` writes the
// seqid, source and type (as they are in GFF, escaped in TSV).
template <typename AppendText>
void append_columns_1_to_8(std::string& out, const Database& db, RowId row, const RowView& v, AppendText&& text) {
  text(out, v.seqid);
  out += '\t';
  text(out, v.source);
  out += '\t';
  text(out, v.type);
  out += '\t';
  append_coord(out, v, v.start);
  out += '\t';
  append_coord(out, v, v.end);
  out += '\t';
  append_score_text(db, row, v.score, out);
  out += '\t';
  out += v.strand;
  out += '\t';
  if (v.phase < 0) out += '.';
  else out += static_cast<char>('0' + v.phase);
  out += '\t';
}

// A GFF2 line written as GTF that has no gene_id (RepeatMasker's `Target`,
// WormBase's `Sequence`): in no gene, as GTF 2.2 writes intergenic features.
bool gff2_line_needs_gtf_ids(const Database& db, const RowView& v, bool gff2_to_gtf) {
  if (!gff2_to_gtf || db.meta_value("format") != "gff2") return false;
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  parse_attributes(v.attributes, false, items, scratch);
  return std::none_of(items.begin(), items.end(), [](const AttributeItem& it) { return it.key == "gene_id"; });
}
}  // namespace

void write_gff_line(const Database& db, RowId row, bool as_gtf, std::string& out, bool link_synthetic,
                    bool gff2_to_gtf) {
  const RowView v = db.row(row);
  const bool add_gtf_ids = as_gtf && gff2_line_needs_gtf_ids(db, v, gff2_to_gtf);
  if (as_gtf == !db.gff3_attributes() && !(v.flags & kRowSynthetic) && !add_gtf_ids) {
    // The input's own dialect: the line exactly as it was read, unless
    // lenient mode read it from space-separated columns (no tab at all):
    // that is written tab-separated, as Python's str(Feature) writes it.
    const std::string_view line = db.row_line(row);
    if (line.find('\t') != std::string_view::npos) {
      out += line;
      out += '\n';
      return;
    }
  }
  const std::size_t line_begin = out.size();
  append_columns_1_to_8(out, db, row, v, [](std::string& o, std::string_view t) { o += t; });
  const bool from_gff3 = db.gff3_attributes();
  if (as_gtf == !from_gff3) {
    if (add_gtf_ids) {
      out += "gene_id \"\"; transcript_id \"\";";
      if (!v.attributes.empty() && v.attributes != ".") (out += ' ') += v.attributes;
      out += '\n';
      return;
    }
    out += v.attributes.empty() ? std::string_view(".") : v.attributes;
    out += '\n';
    return;
  }
  const FeatureIndex f = db.row_feature(row);
  std::vector<FeatureIndex> parents;
  if (as_gtf) parents = gtf_parents(db, f);
  if (parents.size() <= 1) {
    // Through the one parent gtf_parents kept (a TAIR10 CDS: its mRNA, whichever it names first).
    const FeatureIndex via = parents.size() == 1 ? parents[0] : kNone;
    const std::string a = attributes_as(db, row, v.attributes, as_gtf, from_gff3, link_synthetic, via);
    out += a.empty() ? "." : a;
    out += '\n';
    return;
  }
  // An exon shared by isoforms (GFF3 Parent=t1,t2): GTF names one transcript
  // per line, so the line is written once per parent.  Written once, with
  // the first parent's transcript_id, GTF readers lost it from the others.
  const std::string columns = out.substr(line_begin);  // columns 1-8 and their tabs
  for (std::size_t i = 0; i < parents.size(); ++i) {
    if (i) out += columns;
    out += attributes_as(db, row, v.attributes, as_gtf, from_gff3, link_synthetic, parents[i]);
    out += '\n';
  }
}

namespace {
// BED's score column: the GFF score as a number (as BEDOPS' gff2bed keeps
// it), 0 for '.'.  UCSC's own tools want an integer from 0 to 1000.
void append_bed_score(std::string& out, double score) {
  if (std::isnan(score)) out += '0';
  else append_score(out, score);
}
}  // namespace

void write_bed6_line(const Database& db, RowId row, std::string& out) {
  const RowView v = db.row(row);
  append_field(out, v.seqid);
  out += '\t';
  append_int(out, v.start > 0 ? v.start - 1 : 0);
  out += '\t';
  append_int(out, v.end);
  out += '\t';
  append_field(out, v.id);
  out += '\t';
  append_bed_score(out, v.score);
  out += '\t';
  out += v.strand == '?' ? '.' : v.strand;
  out += '\n';
}

void write_bed12_line(const Database& db, RowId row, const std::vector<std::pair<Coord, Coord>>& blocks,
                      Coord thick_start, Coord thick_end, std::string& out) {
  const RowView v = db.row(row);
  // BED12 needs its first block at chromStart and its last ending at
  // chromEnd: the line spans the blocks (sorted, merged), which is the
  // feature's own span unless its children lie outside it.
  Coord first = v.start, last = v.end;
  if (!blocks.empty()) {
    first = blocks.front().first;
    last = blocks.back().second;
  }
  const Coord chrom_start = first > 0 ? first - 1 : 0;
  append_field(out, v.seqid);
  out += '\t';
  append_int(out, chrom_start);
  out += '\t';
  append_int(out, last);
  out += '\t';
  append_field(out, v.id);
  out += '\t';
  append_bed_score(out, v.score);
  out += '\t';
  out += v.strand == '?' ? '.' : v.strand;
  out += '\t';
  thick_start = std::max(thick_start, chrom_start + 1);
  thick_end = std::min(thick_end, last);
  if (thick_start <= thick_end) {
    append_int(out, thick_start - 1);
    out += '\t';
    append_int(out, thick_end);
  } else {  // no thick part: thickStart = thickEnd = chromEnd (UCSC convention)
    append_int(out, last);
    out += '\t';
    append_int(out, last);
  }
  out += "\t0\t";
  append_int(out, static_cast<long long>(blocks.size()));
  out += '\t';
  // 0-based as chromStart is: a block starting at 0 (a file's zero-start
  // feature, kept with a warning) starts at 0 too, one base shorter.
  for (auto& b : blocks) {
    append_int(out, b.second - std::max<Coord>(b.first - 1, 0));
    out += ',';
  }
  out += '\t';
  for (auto& b : blocks) {
    append_int(out, std::max<Coord>(0, b.first - 1 - chrom_start));
    out += ',';
  }
  out += '\n';
}

void write_bed12_for_feature(const Database& db, RowId row, std::string& out) {
  const FeatureIndex f = db.row_feature(row);
  const RowView self = db.row(row);
  HierarchyQuery q;
  q.level = 1;
  std::vector<std::pair<Coord, Coord>> exons, pieces;
  Coord thick_start = INT64_MAX, thick_end = INT64_MIN;
  Coord codon_start = INT64_MAX, codon_end = INT64_MIN;
  for (const RelatedRow& c : db.children(f, q)) {
    const RowView v = db.row(c.row);
    // A line drawn on this row's seqid only (a child elsewhere is not part of it).
    if (v.seqid != self.seqid || (v.flags & kRowNoCoords)) continue;
    const bool codon = v.type == "start_codon" || v.type == "stop_codon";
    if (v.type == "exon") exons.emplace_back(v.start, v.end);
    else if (v.type == "CDS" || v.type.find("UTR") != std::string_view::npos || v.type.find("codon") != std::string_view::npos)
      pieces.emplace_back(v.start, v.end);
    if (v.type == "CDS") {
      thick_start = std::min(thick_start, v.start);
      thick_end = std::max(thick_end, v.end);
    } else if (codon) {
      codon_start = std::min(codon_start, v.start);
      codon_end = std::max(codon_end, v.end);
    }
  }
  // GTF's CDS leaves out the stop codon; UCSC's thick part (genePred's
  // cdsEnd) includes it, so the start and stop codons widen it.
  if (thick_start != INT64_MAX && codon_start != INT64_MAX) {
    thick_start = std::min(thick_start, codon_start);
    thick_end = std::max(thick_end, codon_end);
  }
  // The feature's own lines on this seqid: its span, and its blocks when it
  // has no exon-like children (a gene over a circular genome's origin).
  std::vector<std::pair<Coord, Coord>> own;
  for (RowId r : db.feature_rows(f)) {
    const RowView seg = db.row(r);
    if (seg.seqid == self.seqid && !(seg.flags & kRowNoCoords)) own.emplace_back(seg.start, seg.end);
  }
  if (self.type == "CDS" && thick_start == INT64_MAX) {  // a CDS itself: all of its lines are coding
    for (const auto& [s, e] : own) {
      thick_start = std::min(thick_start, s);
      thick_end = std::max(thick_end, e);
    }
  }
  // Blocks: the exons; else the CDS, UTR and codon pieces, reaching out to
  // the feature's own ends (a prokaryote gene with its CDS: one block over
  // the gene, the CDS thick; an mRNA with CDS lines only: the parts outside
  // them are UTR); else the feature's own lines.
  const bool from_pieces = exons.empty() && !pieces.empty();
  std::vector<std::pair<Coord, Coord>> raw = !exons.empty() ? std::move(exons) : from_pieces ? std::move(pieces) : own;
  std::sort(raw.begin(), raw.end());
  // Merge touching/overlapping pieces (CDS + UTR segments abut).
  std::vector<std::pair<Coord, Coord>> blocks;
  for (auto& b : raw) {
    if (!blocks.empty() && b.first <= blocks.back().second + 1) blocks.back().second = std::max(blocks.back().second, b.second);
    else blocks.push_back(b);
  }
  if (from_pieces && !own.empty()) {
    Coord lo = INT64_MAX, hi = INT64_MIN;
    for (const auto& [s, e] : own) {
      lo = std::min(lo, s);
      hi = std::max(hi, e);
    }
    if (lo <= blocks.front().first && hi >= blocks.back().second) {
      blocks.front().first = lo;
      blocks.back().second = hi;
    }
  }
  write_bed12_line(db, row, blocks, thick_start, thick_end, out);
}

void write_tsv_header(std::string& out) {
  out += "id\tseqid\tsource\tfeaturetype\tstart\tend\tscore\tstrand\tframe\tattributes\n";
}

void write_tsv_line(const Database& db, RowId row, std::string& out) {
  const RowView v = db.row(row);
  append_field(out, v.id);
  out += '\t';
  append_columns_1_to_8(out, db, row, v, append_field);
  append_field(out, v.attributes);
  out += '\n';
}

void append_json_string(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void write_jsonl_line(const Database& db, RowId row, std::string& out) {
  const RowView v = db.row(row);
  out += "{\"id\":";
  append_json_string(out, v.id);
  out += ",\"seqid\":";
  append_json_string(out, v.seqid);
  out += ",\"source\":";
  append_json_string(out, v.source);
  out += ",\"featuretype\":";
  append_json_string(out, v.type);
  out += ",\"start\":";
  if (v.flags & kRowNoCoords) out += "null";
  else append_int(out, v.start);
  out += ",\"end\":";
  if (v.flags & kRowNoCoords) out += "null";
  else append_int(out, v.end);
  out += ",\"score\":";
  if (!std::isfinite(v.score)) out += "null";  // JSON has no inf (databases built before it was an error)
  else append_score(out, v.score);
  out += ",\"strand\":";
  append_json_string(out, std::string_view(&v.strand, 1));
  out += ",\"frame\":";
  if (v.phase < 0) out += "null";
  else append_int(out, v.phase);
  out += ",\"attributes\":{";
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  const bool gff3 = db.gff3_attributes();
  parse_attributes(v.attributes, gff3, items, scratch);
  if (is_bare_id(db, row, items)) {
    // A bare ID (AUGUSTUS's "g1", read as the ID at ingest): the attributes
    // it stands for, as the Python Feature gives them.
    items.clear();
    for (const auto& [key, value] : bare_id_attributes(db, row, gff3)) items.push_back({key, value, 0, true});
  }
  const auto grouped = group_by_key(items);
  for (std::size_t i = 0; i < grouped.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, grouped[i].first);
    out += ":[";
    for (std::size_t k = 0; k < grouped[i].second.size(); ++k) {
      if (k) out += ',';
      append_json_string(out, grouped[i].second[k]);
    }
    out += ']';
  }
  out += "}}\n";
}

}  // namespace gffbase
