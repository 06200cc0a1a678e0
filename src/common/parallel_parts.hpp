// Internal: a loop split into contiguous parts, one thread each.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

#include "gffbase/io/input.hpp"  // resolve_threads
#include "start_thread.hpp"

namespace gffbase::internal {

// Runs body(begin, end, part) over [0, n) split into contiguous parts, one
// per thread, so each part's output can be concatenated in input order.
// An exception in a worker (a section failing its checksum, bad_alloc) is
// carried back and rethrown on the calling thread, never left to terminate().
template <typename Body>
void parallel_parts(std::size_t n, int threads, std::size_t min_per_thread, Body&& body) {
  const int t = std::max(1, std::min<int>(resolve_threads(threads), static_cast<int>(n / min_per_thread)));
  if (t <= 1) {
    body(0, n, 0);
    return;
  }
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(t);
  const std::size_t step = (n + t - 1) / t;
  for (int i = 1; i < t; ++i) {
    const std::size_t b = std::min(n, i * step), e = std::min(n, (i + 1) * step);
    start_or_run(pool, [&, b, e, i] {
      try {
        body(b, e, i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  try {
    body(0, std::min(n, step), 0);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& th : pool) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace gffbase::internal
