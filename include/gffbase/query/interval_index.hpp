// gffbase — a static interval index over rows sorted by start.
//
// Layout: an *implicit augmented interval tree* (the idea behind cgranges'
// IITree).  The rows of one seqid, already sorted by start, are viewed as the
// in-order layout of a perfect binary search tree: index i sits at level k
// when its lowest k bits are 1 and bit k is 0, and its children are
// i -/+ 2^(k-1).  Each node stores `max_end`: the largest end in its subtree.
// No pointers, no extra order: one int64 per row.
//
// Query (overlap with [qs, qe], 1-based closed): descend from the root; skip
// a left subtree whose max_end < qs (nothing there reaches the query); stop
// going right once a node's start > qe (everything to the right starts
// later).  Small subtrees (< 16 rows) are scanned linearly, which is faster
// than descending.  Cost O(log n + k) for k hits.
//
// Subtrees that hang off the right edge (indexes >= n) have no rows of their
// own; their max_end is taken from the last real subtree during the build so
// the left-pruning test stays exact.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace gffbase {

/// Fills `max_end` (same length as `end`) for rows sorted by `start`.
void build_interval_max_end(std::span<const std::int64_t> end, std::span<std::int64_t> max_end);

/// Calls `emit(i)` for every i with start[i] <= qe && end[i] >= qs, in
/// increasing i (row) order.  Spans are one seqid's rows.
template <typename Emit>
void query_interval_overlaps(std::span<const std::int64_t> start, std::span<const std::int64_t> end,
                             std::span<const std::int64_t> max_end, std::int64_t qs, std::int64_t qe,
                             Emit&& emit);

}  // namespace gffbase

#include "gffbase/query/interval_index_inl.hpp"
