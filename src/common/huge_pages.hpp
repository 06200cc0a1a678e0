// Internal: large arrays backed by transparent huge pages, when asked for.
//
// Off unless GFFBASE_HUGE_PAGES=1.  Filling a fresh array of hundreds of
// megabytes costs one page fault per 4 KiB, and 2 MiB pages cut that and the
// TLB misses of random reads; back to back on this project's VM, advised
// arrays took mouse ingest from ~1.07 to ~1.03 s (medians).  But on a VM
// whose host takes back freed guest memory (free page reporting: whole free
// 2 MiB blocks go back first), a huge page needs one such block, which the
// host must back anew, while 4 KiB pages come from partly used blocks it still
// backs.  There, with a pause before each run (the benchmark's case: other
// tools run in between), advised arrays were slower: 256 MB first touched in
// ~380-775 ms instead of ~155-320 ms, mouse ingest ~1.5 s instead of ~1.2 s
// (medians of 6), GENCODE scale no different.  bench/fresh_memory.py shows
// which kind of machine this is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <vector>

#include <sys/mman.h>

namespace gffbase::internal {

/// GFFBASE_HUGE_PAGES=1 in the environment (read once).
inline bool huge_pages_wanted() {
  static const bool wanted = [] {
    const char* v = std::getenv("GFFBASE_HUGE_PAGES");
    return v != nullptr && v[0] == '1' && v[1] == '\0';
  }();
  return wanted;
}

/// Advises [p, p + bytes) for huge pages when huge_pages_wanted().
inline void advise_huge_pages(void* p, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = 2u << 20;
  if (bytes < 2 * kHuge || !huge_pages_wanted()) return;
  const auto b = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const auto e = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (e > b) ::madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
}

/// v.reserve(n), advising huge pages for a fresh allocation before anything
/// touches it.
template <typename T>
void reserve_huge(std::vector<T>& v, std::size_t n) {
  if (v.capacity() >= n) return;
  std::vector<T> fresh;
  fresh.reserve(n);
  advise_huge_pages(fresh.data(), n * sizeof(T));
  fresh.insert(fresh.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
  v.swap(fresh);
}

/// v.assign(n, value), advising huge pages before the first touch (v is
/// expected to be empty: only a fresh allocation can be advised in time).
template <typename T>
void assign_huge(std::vector<T>& v, std::size_t n, const T& value = T()) {
  if (v.capacity() < n) {
    std::vector<T>().swap(v);
    v.reserve(n);
    advise_huge_pages(v.data(), n * sizeof(T));
  }
  v.assign(n, value);
}

}  // namespace gffbase::internal
