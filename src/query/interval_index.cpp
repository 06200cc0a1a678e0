#include "gffbase/query/interval_index.hpp"

#include <algorithm>

namespace gffbase {

void build_interval_max_end(std::span<const std::int64_t> end, std::span<std::int64_t> max_end) {
  const std::int64_t n = static_cast<std::int64_t>(end.size());
  if (n == 0) return;
  for (std::int64_t i = 0; i < n; ++i) max_end[i] = end[i];
  // `last` is the max_end of the rightmost existing subtree at the previous
  // level; it stands in for right children that fall beyond n.
  std::int64_t last_i = (n - 1) & ~std::int64_t{1};  // rightmost leaf (even index)
  std::int64_t last = end[last_i];
  if (((n - 1) & 1) == 1) {
    // n-1 is odd: it is an internal node at some level; the rightmost leaf
    // is n-2 (even); its value is already in `last`.
  }
  for (int k = 1; (std::int64_t{1} << k) <= n; ++k) {
    const std::int64_t half = std::int64_t{1} << (k - 1);
    const std::int64_t first = (std::int64_t{1} << k) - 1;
    const std::int64_t step = std::int64_t{1} << (k + 1);
    for (std::int64_t i = first; i < n; i += step) {
      const std::int64_t left = max_end[i - half];
      const std::int64_t right = i + half < n ? max_end[i + half] : last;
      max_end[i] = std::max({end[i], left, right});
    }
    // The rightmost subtree at level k is the parent of last_i.
    last_i = ((last_i >> k) & 1) ? last_i - half : last_i + half;
    if (last_i < n) last = std::max(last, max_end[last_i]);
  }
}

}  // namespace gffbase
