// Where a command writes its output: stdout, or a named file that is written
// beside its path and renamed into place only when complete.
#pragma once

#include <cstdio>
#include <string>

#include "../common/pending_temp_files.hpp"

namespace gffbase::cli {

/// An output destination.  A regular file (new or existing) is written as a
/// temporary file beside it (unnamed until commit() where the file system
/// can: see common/unnamed_file.hpp) and renamed over it by commit(): a failed or
/// interrupted command leaves an existing file as it was, and a reader that
/// has the old file mapped (a database being exported over) keeps its bytes.
/// FIFOs and devices (/dev/stdout, process substitution) are written directly.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  /// Removes the temporary file unless commit() succeeded.
  ~OutputFile();

  /// Opens `path` ("-": stdout).  `read_from` is a file the command reads
  /// while writing (its database): an output that is that same file is
  /// refused.  Returns "" on success, else the error message.
  std::string open(const std::string& path, const std::string& read_from);
  std::FILE* stream() const { return stream_; }
  /// Flushes and closes the stream and renames the file into place.
  /// Returns "" on success, else the error message.
  std::string commit();

 private:
  std::FILE* stream_ = stdout;
  std::string path_, tmp_path_;
  internal::PendingTempFile pending_;  ///< tmp_path_, for the signal handler (main.cpp) until renamed
  bool direct_ = false;  ///< a special file, written in place
  bool unnamed_ = false; ///< the file has no name until commit() (tmp_path_ is empty till then)
};

}  // namespace gffbase::cli
