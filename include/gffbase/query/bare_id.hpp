// gffbase — what a bare-ID column 9 stands for.
//
// AUGUSTUS and BRAKER write a gene line's column 9 as the gene's ID alone
// ("g1") and a transcript line's as the transcript's ("g1.t1").  Ingest
// reads that bare key as the feature's ID; every reader of the line's
// attributes (the Python Feature, JSON lines, GFF3 <-> GTF conversion) then
// gives the attributes it stands for, the ones gffutils gives the features it
// infers.  One rule, here, so that they agree.
#pragma once

#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "gffbase/parse/attributes.hpp"
#include "gffbase/query/database.hpp"

namespace gffbase {

/// True when `items` (row's column 9, parsed) is a single bare key equal to
/// the ID of the row's feature.
bool is_bare_id(const Database& db, RowId row, std::span<const AttributeItem> items);

/// The (key, value) attributes a bare ID stands for: `ID` in a GFF3; in a
/// GTF, `gene_id` on a gene line, else `transcript_id` followed by the
/// `gene_id` of its first parent of type gene (if any).  The views point into
/// the database (IDs) or are literals.
std::vector<std::pair<std::string_view, std::string_view>> bare_id_attributes(const Database& db, RowId row,
                                                                              bool gff3);

}  // namespace gffbase
