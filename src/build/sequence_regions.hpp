// GFF3's ##sequence-region seqid start end: the extent of a seqid, which
// every feature on it must lie within.  Checked after parsing (warnings:
// nothing is dropped or changed).
#pragma once

#include <string>
#include <vector>

#include "draft.hpp"
#include "gffbase/parse/problem.hpp"

namespace gffbase::internal {

/// Warnings for `chunks` (records renumbered into `draft`'s dictionaries):
/// - sequence-region-conflict: a second ##sequence-region for a seqid with
///   other bounds (features are checked against the first);
/// - outside-sequence-region: a feature that starts before or ends after
///   its seqid's region, one warning per seqid naming the first such line
///   and how many there are.  Seqids of a `region` line with
///   Is_circular=true are exempt: features there may cross the origin
///   (end past the length, as NCBI writes them).
std::vector<Problem> sequence_region_problems(const std::string& path, const std::vector<ParsedChunk>& chunks,
                                              const Draft& draft);

}  // namespace gffbase::internal
