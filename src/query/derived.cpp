#include "gffbase/query/derived.hpp"

#include <algorithm>
#include <cstdint>
#include <charconv>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/parse/attributes.hpp"

namespace gffbase {
namespace {

bool before(const DerivedFeature& a, const DerivedFeature& b) {
  if (a.seqid != b.seqid) return a.seqid < b.seqid;
  if (a.start != b.start) return a.start < b.start;
  if (a.end != b.end) return a.end < b.end;
  return a.parent < b.parent;
}

struct Span {
  std::uint32_t seqid;
  Strand strand;
  Coord start, end;
};

std::vector<Span> spans_of(const Database& db, const std::vector<RowId>& rows, bool ignore_strand) {
  std::vector<Span> s;
  s.reserve(rows.size());
  const auto flags = db.flags();
  for (RowId r : rows) {
    if (flags[r] & kRowNoCoords) continue;
    const RowView v = db.row(r);
    s.push_back({db.row_seqid_code(r), ignore_strand ? '.' : v.strand, v.start, v.end});
  }
  std::sort(s.begin(), s.end(), [](const Span& a, const Span& b) {
    if (a.seqid != b.seqid) return a.seqid < b.seqid;
    if (a.strand != b.strand) return a.strand < b.strand;
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  return s;
}

}  // namespace

std::vector<DerivedFeature> introns(const Database& db, const IntronOptions& o) {
  std::vector<DerivedFeature> out;
  const auto exon_type = db.type_code(o.exon_type);
  if (!exon_type) return out;
  const std::vector<std::uint32_t> parent_types = db.type_codes(o.parent_types);
  // Exons grouped by parent: every parent edge of every exon row's feature.
  std::vector<std::pair<FeatureIndex, RowId>> by_parent;
  for (RowId r : db.rows_of_type(*exon_type)) {
    if (db.flags()[r] & kRowNoCoords) continue;
    for (FeatureIndex p : db.parents_of(db.row_feature(r))) {
      const RowId pr = db.primary_row(p);
      if (pr == kNone) continue;
      if (!o.parent_types.empty() &&
          !std::binary_search(parent_types.begin(), parent_types.end(), db.row_type_code(pr))) {
        continue;
      }
      by_parent.emplace_back(p, r);
    }
  }
  // Per transcript and seqid: a GFF3 transcript with an exon on another
  // seqid has no intron running between chromosomes.
  const auto seqid_of = [&](RowId r) { return db.row_seqid_code(r); };
  std::sort(by_parent.begin(), by_parent.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (seqid_of(a.second) != seqid_of(b.second)) return seqid_of(a.second) < seqid_of(b.second);
    return db.starts()[a.second] < db.starts()[b.second];
  });
  for (std::size_t i = 0; i < by_parent.size();) {
    std::size_t j = i;
    while (j < by_parent.size() && by_parent[j].first == by_parent[i].first &&
           seqid_of(by_parent[j].second) == seqid_of(by_parent[i].second)) {
      ++j;
    }
    const FeatureIndex p = by_parent[i].first;
    const RowId pr = db.primary_row(p);
    Coord reach = db.ends()[by_parent[i].second];
    for (std::size_t k = i + 1; k < j; ++k) {
      const RowId r = by_parent[k].second;
      const Coord s = db.starts()[r];
      if (s - 1 > reach) {  // s > reach + 1, which overflows at reach = 2^63 - 1
        out.push_back({db.row_seqid_code(r), reach + 1, s - 1, static_cast<Strand>(db.strands()[pr]), "intron", p, 0});
      }
      reach = std::max(reach, db.ends()[r]);
    }
    i = j;
  }
  std::sort(out.begin(), out.end(), before);
  return out;
}

std::vector<DerivedFeature> splice_sites(const Database& db, const IntronOptions& o) {
  std::vector<DerivedFeature> out;
  // Two bases at each end of every intron, a 1 bp intron too (then the
  // sites reach past it), as gffutils' create_splice_sites makes them.
  for (const DerivedFeature& in : introns(db, o)) {
    DerivedFeature left = in, right = in;
    left.end = in.start + 1;
    right.start = in.end - 1;
    const bool minus = in.strand == '-';
    left.type = minus ? "three_prime_cis_splice_site" : "five_prime_cis_splice_site";
    right.type = minus ? "five_prime_cis_splice_site" : "three_prime_cis_splice_site";
    out.push_back(left);
    out.push_back(right);
  }
  std::sort(out.begin(), out.end(), before);
  return out;
}

std::vector<DerivedFeature> interfeatures(const Database& db, std::vector<RowId> rows, const std::string& type,
                                          bool ignore_strand) {
  std::vector<DerivedFeature> out;
  const std::vector<Span> s = spans_of(db, rows, ignore_strand);
  Coord reach = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool same_group = i > 0 && s[i].seqid == s[i - 1].seqid && s[i].strand == s[i - 1].strand;
    if (same_group && s[i].start - 1 > reach) {  // start > reach + 1 without overflow
      out.push_back({s[i].seqid, reach + 1, s[i].start - 1, s[i].strand, type, kNone, 0});
    }
    reach = same_group ? std::max(reach, s[i].end) : s[i].end;
  }
  std::sort(out.begin(), out.end(), before);
  return out;
}

std::vector<DerivedFeature> merge_rows(const Database& db, std::vector<RowId> rows, bool ignore_strand) {
  std::vector<DerivedFeature> out;
  for (const Span& sp : spans_of(db, rows, ignore_strand)) {
    if (!out.empty() && out.back().seqid == sp.seqid && out.back().strand == sp.strand &&
        sp.start - 1 <= out.back().end) {  // start <= end + 1 without overflow
      out.back().end = std::max(out.back().end, sp.end);
      out.back().members++;
    } else {
      out.push_back({sp.seqid, sp.start, sp.end, sp.strand, "merged", kNone, 1});
    }
  }
  std::sort(out.begin(), out.end(), before);
  return out;
}

Coord children_bp(const Database& db, FeatureIndex f, const std::vector<std::string>& child_types, bool merge,
                  bool ignore_strand) {
  HierarchyQuery q;
  q.type_filter = !child_types.empty();
  q.type_codes = db.type_codes(child_types);
  std::vector<RowId> rows;
  for (const RelatedRow& r : db.children(f, q)) rows.push_back(r.row);
  // Saturates at 2^63 - 1: lengths near that limit (coordinates go up to
  // it) would otherwise wrap to a negative total.
  Coord total = 0;
  auto add = [&total](Coord start, Coord end) {
    const Coord span = end - start;  // length - 1: no overflow for start >= 0
    total = span >= INT64_MAX - total ? INT64_MAX : total + span + 1;
  };
  if (!merge) {
    const auto flags = db.flags();
    for (RowId r : rows) {
      if (!(flags[r] & kRowNoCoords)) add(db.starts()[r], db.ends()[r]);
    }
    return total;
  }
  for (const DerivedFeature& m : merge_rows(db, rows, ignore_strand)) add(m.start, m.end);
  return total;
}

void write_derived_line(const Database& db, const DerivedFeature& d, std::string_view format, std::string& out) {
  auto num = [&](Coord v) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, p);
  };
  const std::string_view seqid = db.seqid_name(d.seqid);
  const std::string_view parent = d.parent == kNone ? std::string_view() : db.feature_id(d.parent);
  if (format == "bed") {
    out.append(seqid);
    out += '\t';
    num(d.start - 1);
    out += '\t';
    num(d.end);
    out += '\t';
    out.append(parent.empty() ? std::string_view(d.type) : parent);
    out += "\t0\t";
    out += d.strand == '?' ? '.' : d.strand;
    out += '\n';
    return;
  }
  out.append(seqid);
  out += format == "tsv" ? "\t" : "\tgffbase\t";
  out += d.type;
  out += '\t';
  num(d.start);
  out += '\t';
  num(d.end);
  out += format == "tsv" ? "\t" : "\t.\t";
  out += d.strand;
  if (format == "tsv") {
    out += '\t';
    out.append(parent);
    out += '\n';
    return;
  }
  out += "\t.\t";
  if (format == "gtf") {
    // GTF wants gene_id and transcript_id on every line: the transcript's
    // first parent is the gene (else the transcript names its own gene);
    // a merged or inter feature belongs to none ("").  '"' is written %22.
    std::string_view gene = parent;
    if (d.parent != kNone && !db.parents_of(d.parent).empty()) gene = db.feature_id(db.parents_of(d.parent).front());
    auto quoted = [&](std::string_view v) {
      out += '"';
      for (char c : v) {
        if (c == '"') out += "%22";
        else out += c;
      }
      out += '"';
    };
    out += "gene_id ";
    quoted(gene);
    out += "; transcript_id ";
    quoted(parent);
    out += ';';
  } else if (parent.empty()) {
    out += '.';
  } else {
    out += "Parent=";
    out += percent_encode(parent, true);  // "t,1" is one ID, not a list
  }
  out += '\n';
}

}  // namespace gffbase
