// Helpers shared by the fuzz targets (not part of the library).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace gffbase::fuzz {

/// Aborts with a message when a property does not hold (libFuzzer then
/// saves the input as a crash-* file).
inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "\nfuzz property violated: %s\n", what);
    std::abort();
  }
}

inline volatile unsigned g_touch_sink = 0;

/// Reads every byte of a view so AddressSanitizer sees any view that points
/// outside live memory; the result is kept alive through a volatile sink.
inline void touch(std::string_view v) {
  unsigned h = 0;
  for (char c : v) h = h * 31 + static_cast<unsigned char>(c);
  g_touch_sink = h;
}

/// True when `v` lies inside [base, base + n) (an empty view anywhere counts).
inline bool inside(std::string_view v, const char* base, std::size_t n) {
  if (v.empty()) return true;
  return v.data() >= base && v.data() + v.size() <= base + n;
}

/// A per-process scratch file in /dev/shm (or /tmp), removed at exit.
inline const std::string& temp_file(const char* stem) {
  static const std::string path = [stem] {
    const char* dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    return std::string(dir) + "/" + stem + "-" + std::to_string(::getpid()) + ".gffdb";
  }();
  // Registered after `path` is built, so it runs before `path` is destroyed.
  static const bool cleanup = [] { return std::atexit([] { ::unlink(path.c_str()); }) == 0; }();
  (void)cleanup;
  return path;
}

/// When the environment sets GFFBASE_FUZZ_SKIP_KNOWN=1, targets skip inputs
/// that trigger an already reported, not yet fixed bug (see RELIABILITY.md),
/// so a campaign can look past it.  Off by default: a plain run reports
/// every known bug it hits.
inline bool skip_known() {
  static const bool skip = [] {
    const char* v = std::getenv("GFFBASE_FUZZ_SKIP_KNOWN");
    return v != nullptr && v[0] == '1';
  }();
  return skip;
}

}  // namespace gffbase::fuzz
