// Internal: a file written with no name, beside its final path, and named
// only when complete (Linux O_TMPFILE).
//
// Why: a database or an export is written beside its path and renamed into
// place when complete.  Under a temporary name, a writer that dies without a
// chance to clean up (SIGKILL, the OOM killer, a Python host killed by
// SIGTERM, a power cut) leaves that file behind: hundreds of megabytes each,
// piling up.  A file opened with O_TMPFILE has no name until linkat() gives it
// one, so whatever kills the writer before then, the kernel frees it.  The
// name is given right before the rename, so only a death in that moment can
// still leave a (complete) temporary file.
//
// Where O_TMPFILE is missing (older kernels, some network or FUSE file
// systems) or /proc is not mounted (needed to link without CAP_DAC_READ_SEARCH),
// open_unnamed_beside() returns -1 and the caller uses a named temporary file.
#pragma once

#include <atomic>
#include <cerrno>
#include <string>

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include "pending_temp_files.hpp"

namespace gffbase::internal {

/// The directory `path` is in ("." for a bare name).
inline std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

/// A new file with no name in the directory of `path`, open read-write with
/// `mode` (less the umask), or -1 when this file system or system cannot.
inline int open_unnamed_beside(const std::string& path, mode_t mode) {
#ifdef O_TMPFILE
  if (::access("/proc/self/fd", X_OK) != 0) return -1;
  for (;;) {
    const int fd = ::open(directory_of(path).c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
    if (fd >= 0 || errno != EINTR) return fd;
  }
#else
  (void)path, (void)mode;
  return -1;
#endif
}

/// Gives the unnamed file open as `fd` the name `name` (in its directory).
/// False with errno set (EEXIST: the name is taken; try another).
inline bool name_unnamed(int fd, const std::string& name) {
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) return true;
  if (errno == EEXIST || errno == ENAMETOOLONG) return false;
#ifdef AT_EMPTY_PATH
  // /proc refused (a restricted mount): the direct form, which needs
  // CAP_DAC_READ_SEARCH (root has it).
  const int proc_errno = errno;
  if (::linkat(fd, "", AT_FDCWD, name.c_str(), AT_EMPTY_PATH) == 0) return true;
  if (errno != EEXIST && errno != ENAMETOOLONG) errno = proc_errno;
#endif
  return false;
}

/// Names the unnamed file open as `fd` for its rename into `path`: the first
/// free `<path>.tmp-<pid>-<n>` counting from `counter` (the short form of
/// temp_path_beside when that name is too long).  Returns the name, or ""
/// with errno set.
inline std::string name_unnamed_beside(int fd, const std::string& path, std::atomic<unsigned>& counter) {
  bool shortened = false;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string name = temp_path_beside(path, counter++, shortened);
    if (name_unnamed(fd, name)) return name;
    if (errno == ENAMETOOLONG && !shortened) {
      shortened = true;
      continue;
    }
    if (errno != EEXIST) return {};
  }
  return {};  // errno: EEXIST
}

}  // namespace gffbase::internal
