// Internal: large arrays backed by transparent huge pages where the kernel
// allows it (THP "madvise" mode, as on Debian).
//
// Filling a freshly allocated array of hundreds of megabytes costs one page
// fault per 4 KiB; those faults were an eighth of ingest CPU time on the
// mouse GTF.  Advising the allocation before its first touch lets the kernel
// back it with 2 MiB pages instead.  Best effort: without THP it is a no-op.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

#include <sys/mman.h>

namespace gffbase::internal {

inline void advise_huge_pages(void* p, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = 2u << 20;
  if (bytes < 2 * kHuge) return;
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
