// Implementation of query_interval_overlaps (template, header-only).
#pragma once

namespace gffbase {

template <typename Emit>
void query_interval_overlaps(std::span<const std::int64_t> start, std::span<const std::int64_t> end,
                             std::span<const std::int64_t> max_end, std::int64_t qs, std::int64_t qe,
                             Emit&& emit) {
  const std::int64_t n = static_cast<std::int64_t>(start.size());
  if (n == 0) return;
  int root_level = 0;
  while ((std::int64_t{1} << (root_level + 1)) <= n) ++root_level;
  struct Frame {
    std::int64_t x;
    int level;
    bool left_done;
  };
  Frame stack[64];
  int top = 0;
  stack[top++] = {(std::int64_t{1} << root_level) - 1, root_level, false};
  // Emits in row order: left subtree, node, right subtree (in-order walk).
  while (top > 0) {
    Frame f = stack[--top];
    if (f.level <= 3) {
      // Leaf-ish subtree: rows [x - 2^k + 1, x + 2^k - 1] intersected with [0, n).
      const std::int64_t lo = f.x - (std::int64_t{1} << f.level) + 1;
      std::int64_t hi = f.x + (std::int64_t{1} << f.level);
      if (hi > n) hi = n;
      for (std::int64_t i = lo; i < hi && start[i] <= qe; ++i) {
        if (end[i] >= qs) emit(static_cast<std::size_t>(i));
      }
      continue;
    }
    if (!f.left_done) {
      stack[top++] = {f.x, f.level, true};
      const std::int64_t left = f.x - (std::int64_t{1} << (f.level - 1));
      // A left child beyond n still has real rows below it; descend.
      if (left >= n || max_end[left] >= qs) stack[top++] = {left, f.level - 1, false};
      continue;
    }
    if (f.x < n && start[f.x] <= qe) {
      if (end[f.x] >= qs) emit(static_cast<std::size_t>(f.x));
      const std::int64_t right = f.x + (std::int64_t{1} << (f.level - 1));
      if (right < n ? max_end[right] >= qs : true) stack[top++] = {right, f.level - 1, false};
    }
  }
}

}  // namespace gffbase
