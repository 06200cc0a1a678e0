// gffbase — features derived from the stored ones: introns, splice sites,
// inter-features, merged intervals, bp covered by children.
//
// Contract
// --------
// * Introns are computed per parent (transcript): the gaps between that
//   parent's consecutive exon-type children (overlapping or abutting exons
//   leave no gap).  Never pooled across isoforms: two transcripts sharing an
//   intron each report it.
// * Splice sites are 2 bp: the first and last two bases of each intron,
//   named five_prime_cis_splice_site / three_prime_cis_splice_site by the
//   intron's strand ('-' swaps them).
// * Inter-features are the gaps between consecutive features of the given
//   rows on the same seqid (and strand unless ignore_strand).
// * Merged intervals join overlapping or touching rows per seqid (and
//   strand unless ignore_strand).
// Coordinates are 1-based, closed.  Results are in (seqid, start, end) order.
#pragma once

#include <string>
#include <vector>

#include "gffbase/query/database.hpp"

namespace gffbase {

struct DerivedFeature {
  std::uint32_t seqid = 0;           ///< seqid code of the database
  Coord start = 0, end = 0;
  Strand strand = '.';
  std::string type;                  ///< "intron", "five_prime_cis_splice_site", ...
  FeatureIndex parent = kNone;       ///< transcript of an intron/splice site
  std::uint32_t members = 0;         ///< rows merged (merge only)
};

struct IntronOptions {
  std::string exon_type = "exon";
  std::vector<std::string> parent_types;  ///< empty: every parent of an exon
};

std::vector<DerivedFeature> introns(const Database& db, const IntronOptions& o);
std::vector<DerivedFeature> splice_sites(const Database& db, const IntronOptions& o);
/// Gaps between consecutive `rows` (any order) on each seqid (and strand).
std::vector<DerivedFeature> interfeatures(const Database& db, std::vector<RowId> rows, const std::string& type,
                                          bool ignore_strand);
/// `rows` (any order) merged into maximal overlapping/touching runs.
std::vector<DerivedFeature> merge_rows(const Database& db, std::vector<RowId> rows, bool ignore_strand);
/// Bases covered by `f`'s descendants of the given types (all depths);
/// `merge` counts overlapping bases once.
Coord children_bp(const Database& db, FeatureIndex f, const std::vector<std::string>& child_types, bool merge,
                  bool ignore_strand);

/// One GFF3 / GTF / BED / TSV line for a derived feature (with '\n').
void write_derived_line(const Database& db, const DerivedFeature& d, std::string_view format, std::string& out);

}  // namespace gffbase
