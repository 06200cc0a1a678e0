#include "output_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/unnamed_file.hpp"

namespace gffbase::cli {

OutputFile::~OutputFile() {
  if (stream_ != stdout && stream_ != nullptr) std::fclose(stream_);
  if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

namespace {
bool under(const std::string& path, const char* dir) { return path.rfind(dir, 0) == 0; }

// Numbers the temporary names of this process's outputs.
std::atomic<unsigned> temp_counter{0};
}  // namespace

std::string OutputFile::open(const std::string& path, const std::string& read_from) {
  if (path == "-") return {};
  if (path.empty()) return "the output path is empty";
  path_ = path;
  auto direct = [&]() -> std::string {
    stream_ = std::fopen(path.c_str(), "wb");
    if (!stream_) {
      stream_ = stdout;
      return path + ": cannot open for writing: " + std::strerror(errno);
    }
    direct_ = true;
    return {};
  };
  // /dev/stdout, /proc/self/fd/N: a stream the caller set up (a pipe, a
  // redirection that may append); write through, never rename over them.
  if (under(path, "/dev/") || under(path, "/proc/")) return direct();
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    // A symlink: the file it names is replaced (beside it), the link kept.
    char* target = ::realpath(path.c_str(), nullptr);
    if (!target) return direct();  // dangling: fopen creates the target
    path_ = target;
    std::free(target);
    if (under(path_, "/dev/") || under(path_, "/proc/")) {
      path_ = path;
      return direct();
    }
  }
  struct stat out {};
  bool exists = false;
  if (::stat(path_.c_str(), &out) == 0) {
    exists = true;
    struct stat in {};
    if (::stat(read_from.c_str(), &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
      return path + ": is the database being read; choose another output path";
    }
    if (S_ISDIR(out.st_mode)) return path + ": is a directory, expected a file path";
    // A FIFO or a device: there is nothing to keep intact, and renaming over
    // it would replace it.
    if (!S_ISREG(out.st_mode)) return direct();
  }
  if (const int fd = internal::open_unnamed_beside(path_, 0644); fd >= 0) {
    if (exists) ::fchmod(fd, out.st_mode & 07777);  // the replaced file's permissions
    stream_ = ::fdopen(fd, "wb");
    if (stream_) {
      unnamed_ = true;
      return {};
    }
    ::close(fd);
  }
  bool shortened = false;  // the usual name was too long (ENAMETOOLONG): the short one
  for (int attempt = 0; attempt < 1000; ++attempt) {
    tmp_path_ = internal::temp_path_beside(path_, temp_counter++, shortened);
    const int fd = ::open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENAMETOOLONG && !shortened) {
      shortened = true;
      continue;
    }
    if (fd >= 0) {
      pending_.list(tmp_path_);
      if (exists) ::fchmod(fd, out.st_mode & 07777);  // the replaced file's permissions
      stream_ = ::fdopen(fd, "wb");
      if (stream_) return {};
      ::close(fd);
      break;
    }
    if (errno != EEXIST) break;
  }
  const std::string err = std::strerror(errno);
  if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());
  tmp_path_.clear();
  stream_ = stdout;
  return path + ": cannot create a file beside it: " + err;
}

std::string OutputFile::commit() {
  if (stream_ == stdout) {
    // ferror too: a write that failed earlier (a full disk behind a shell
    // redirection) left the stream in error, and a later fflush may succeed.
    const bool ok = std::fflush(stdout) == 0 && !std::ferror(stdout);
    return ok ? "" : "write failed: " + std::string(errno ? std::strerror(errno) : "I/O error");
  }
  const bool flushed = std::fflush(stream_) == 0 && !std::ferror(stream_);
  const int err = errno;
  if (flushed && unnamed_) {
    // Complete: now it gets a name, for the rename below.
    tmp_path_ = internal::name_unnamed_beside(::fileno(stream_), path_, temp_counter);
    if (tmp_path_.empty()) {
      const int name_err = errno;
      std::fclose(stream_);
      stream_ = nullptr;
      return path_ + ": cannot give the finished file a name beside it: " + std::strerror(name_err);
    }
    pending_.list(tmp_path_);
  }
  const bool closed = std::fclose(stream_) == 0;
  stream_ = nullptr;
  if (!flushed || !closed) return path_ + ": write failed: " + std::strerror(flushed ? errno : err);
  if (direct_) return {};
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    return path_ + ": cannot rename the finished file into place: " + std::strerror(errno);
  }
  tmp_path_.clear();
  pending_.release();
  return {};
}

}  // namespace gffbase::cli
