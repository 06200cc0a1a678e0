// Internal: LSD radix sorts (64-bit keys; records by a 64-bit key).
//
// Why not std::sort: the locality order of a million batched regions and the
// row order of a build sort integers whose high bits are often constant;
// 16-bit digits with constant digits skipped take 2-4 linear passes (1M
// region keys: ~134 ms with an indirect std::sort comparator, ~15 ms here;
// the mouse GTF's 1.16M rows by (start, end), keys copied out included:
// ~115-140 ms -> ~77-100 ms).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace gffbase::internal {

/// Sorts `v` by key(x) (a std::uint64_t), stably: items with equal keys keep
/// their order, so sorting by a minor key and then by a major one orders by
/// (major, minor).  16 bits at a time, from the lowest, up to the highest bit
/// any key sets.  `scratch` is resized to v.size() (reusable across calls).
template <typename T, typename Key>
void stable_radix_sort_by(std::vector<T>& v, std::vector<T>& scratch, Key&& key) {
  const std::size_t n = v.size();
  if (n < 2) return;
  std::uint64_t any_bits = 0;
  for (const T& x : v) any_bits |= key(x);
  scratch.resize(n);
  std::vector<std::size_t> count(65536);
  for (int shift = 0; shift < 64 && (any_bits >> shift) != 0; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (const T& x : v) count[(key(x) >> shift) & 0xFFFF]++;
    if (count[(key(v[0]) >> shift) & 0xFFFF] == n) continue;  // this digit is the same everywhere
    std::size_t sum = 0;
    for (auto& c : count) {
      const std::size_t k = c;
      c = sum;
      sum += k;
    }
    for (const T& x : v) scratch[count[(key(x) >> shift) & 0xFFFF]++] = x;
    v.swap(scratch);
  }
}

/// Sorts `v` ascending.  Uses a temporary of v.size() keys.
inline void radix_sort_u64(std::vector<std::uint64_t>& v) {
  if (v.size() < 4096) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<std::uint64_t> scratch;
  stable_radix_sort_by(v, scratch, [](std::uint64_t x) { return x; });
}

}  // namespace gffbase::internal
