// Internal: LSD radix sort of 64-bit keys.
//
// Why not std::sort: the attribute index (tens of millions of packed
// (hash, row) entries) and the locality order of a million batched regions
// sort integers whose high bits are often constant; 16-bit digits with
// constant digits skipped take 2-4 linear passes (1M region keys: ~134 ms
// with an indirect std::sort comparator, ~15 ms here).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace gffbase::internal {

/// Sorts `v` ascending.  Uses a temporary of v.size() keys.
inline void radix_sort_u64(std::vector<std::uint64_t>& v) {
  if (v.size() < 4096) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<std::uint64_t> tmp(v.size());
  std::vector<std::size_t> count(65536);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (std::uint64_t x : v) count[(x >> shift) & 0xFFFF]++;
    if (count[(v[0] >> shift) & 0xFFFF] == v.size()) continue;  // this digit is the same everywhere
    std::size_t sum = 0;
    for (auto& c : count) {
      const std::size_t n = c;
      c = sum;
      sum += n;
    }
    for (std::uint64_t x : v) tmp[count[(x >> shift) & 0xFFFF]++] = x;
    v.swap(tmp);
  }
}

}  // namespace gffbase::internal
