// Internal: temporary files in the making (a database or an export being
// written beside its final path), listed so that a signal handler can
// remove them before the process dies.
//
// Why: an ingest or export stopped by Ctrl-C, SIGTERM (`timeout`, a batch
// scheduler) or SIGHUP left its `<path>.tmp-<pid>-<n>` behind, hundreds of
// megabytes each, piling up run after run.  Only the CLI installs the
// handler (cli/main.cpp): a library must not take over its host's signals.
//
// remove_pending_temp_files() is async-signal-safe: the paths live in
// fixed buffers claimed and released with atomics, and it only calls
// unlink().  A path too long for its buffer is simply not listed.
#pragma once

#include <atomic>
#include <cstring>
#include <string>

#include <unistd.h>

namespace gffbase::internal {

inline constexpr int kPendingSlots = 32;
inline constexpr std::size_t kPendingPathBytes = 4096;
inline std::atomic<bool> pending_claimed[kPendingSlots];  ///< the slot's buffer belongs to a PendingTempFile
inline std::atomic<bool> pending_ready[kPendingSlots];    ///< the buffer holds a path to remove
inline char pending_paths[kPendingSlots][kPendingPathBytes];

/// Lists `path` while the object lives (or until release()).
class PendingTempFile {
 public:
  PendingTempFile() = default;
  explicit PendingTempFile(const std::string& path) { list(path); }
  PendingTempFile(const PendingTempFile&) = delete;
  PendingTempFile& operator=(const PendingTempFile&) = delete;
  ~PendingTempFile() { release(); }

  void list(const std::string& path) {
    release();
    if (path.size() >= kPendingPathBytes) return;
    for (int i = 0; i < kPendingSlots; ++i) {
      bool expected = false;
      if (!pending_claimed[i].compare_exchange_strong(expected, true)) continue;
      std::memcpy(pending_paths[i], path.c_str(), path.size() + 1);
      pending_ready[i].store(true);
      slot_ = i;
      return;
    }
  }
  /// The file was renamed into place or removed: no longer listed.
  void release() {
    if (slot_ < 0) return;
    pending_ready[slot_].store(false);
    pending_claimed[slot_].store(false);
    slot_ = -1;
  }

 private:
  int slot_ = -1;
};

/// The name of the n-th temporary file for `path`, beside it:
/// `<path>.tmp-<pid>-<n>`, or, when that name would be too long for the file
/// system (a final name near 255 bytes), `<dir>/.gffbase-tmp-<pid>-<n>`.
inline std::string temp_path_beside(const std::string& path, unsigned n, bool shortened) {
  const std::string suffix = "tmp-" + std::to_string(::getpid()) + "-" + std::to_string(n);
  if (!shortened) return path + "." + suffix;
  const auto slash = path.rfind('/');
  return (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + ".gffbase-" + suffix;
}

/// Removes every listed file.  Async-signal-safe.
inline void remove_pending_temp_files() noexcept {
  for (int i = 0; i < kPendingSlots; ++i) {
    if (pending_ready[i].load()) ::unlink(pending_paths[i]);
  }
}

}  // namespace gffbase::internal
