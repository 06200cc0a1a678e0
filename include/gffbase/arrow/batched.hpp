// gffbase — batched queries with Arrow results (the ML path).
//
// Contract
// --------
// Batched queries answer many anchors or regions in one call, on all cores,
// and return one Arrow table through the C stream interface.  Column names
// and order follow gffbase 0.3 and its ML cookbook, so code written for it
// runs unchanged:
//
//   hierarchy (children/parents):
//     anchor, descendant_id, seqid, source, featuretype, start, end, score,
//     strand, frame, file_order, depth
//     (for parents the related feature is in descendant_id too)
//   region:
//     query_idx, query_seqid, query_start, query_end, id, seqid, source,
//     featuretype, start, end, score, strand, frame, file_order
//
// Types: ids large_utf8; seqid/query_seqid/source/featuretype/strand/frame
// dictionary<int32, large_utf8> (categorical; query_seqid shares seqid's
// dictionary); coordinates int64 (1-based,
// closed); score float64 (null for '.'); file_order int64; depth int32;
// query_idx int64.  Rows are grouped by input position (anchor order /
// query_idx), then in row order within a group.  Unknown anchors and
// seqids contribute no rows.  Empty input gives a table with zero rows and
// the full schema.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/arrow/c_data.hpp"
#include "gffbase/query/database.hpp"

namespace gffbase {

/// Batched results, entry k in the order it was computed (anchors or queries
/// sorted for locality: gathering columns in that order reads the large row
/// arrays nearly sequentially).  position[k] is entry k's place in the
/// result table, which is grouped by input position, then row order.
struct HierarchyBatch {
  std::vector<std::uint32_t> input_index;  ///< position of the anchor in the input
  std::vector<RowId> rows;
  std::vector<std::uint32_t> depth;
  std::vector<std::uint32_t> position;
};

struct RegionBatchQuery {
  std::vector<std::string> seqids;
  std::vector<Coord> starts, ends;  ///< 1-based closed
  /// Per query, the strand the region itself names ("chr1:5-9:+"), 0 for
  /// none; empty when no query names one.  The filters' strand, when set,
  /// wins (as a `strand=` argument beside a region does in db.region()).
  std::vector<Strand> strands;
};

struct RegionBatch {
  std::vector<std::uint32_t> query_index;
  std::vector<RowId> rows;
  std::vector<std::uint32_t> position;  ///< as in HierarchyBatch
};

/// Related rows of every anchor (kNone entries are skipped).
HierarchyBatch hierarchy_batched(const Database& db, std::span<const FeatureIndex> anchors, const HierarchyQuery& q,
                                 bool children, int threads);

/// Hits of every region; fails (kInvalidArgument) when a query has start > end
/// or a strand other than + - . ?, naming its index.
Result<RegionBatch> region_batched(const Database& db, const RegionBatchQuery& queries, const RegionQuery& filters,
                                   int threads);

/// Builds the Arrow tables described above into `out` (a fresh stream),
/// gathering the columns on `threads` threads (0 = all cores).
void export_hierarchy_arrow(const Database& db, std::span<const std::string_view> anchor_names,
                            const HierarchyBatch& batch, ArrowArrayStream* out, int threads = 0);
void export_region_arrow(const Database& db, const RegionBatchQuery& queries, const RegionBatch& batch,
                         ArrowArrayStream* out, int threads = 0);

/// Whole-table views for SQL: every row's columns (features), and the
/// hierarchy edges (relations: parent, child, level=1 direct edges).
void export_features_arrow(const Database& db, ArrowArrayStream* out);
void export_relations_arrow(const Database& db, ArrowArrayStream* out);
/// attributes (feature_id, key, value, idx): parsed on demand from column 9.
void export_attributes_arrow(const Database& db, ArrowArrayStream* out);

}  // namespace gffbase
