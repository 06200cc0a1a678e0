// gffbase — writing a FeatureTable as a .gffdb, atomically.
//
// The bytes go to "<path>.tmp-<pid>-<n>" in the same directory, are flushed
// with fsync, and the file is renamed over `path` (then the directory is
// synced).  Readers of an older file at `path` keep their mapping; new
// openers see the complete new file; nobody ever sees a partial file.  On
// any error the temporary file is removed and `path` is untouched.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/status.hpp"

namespace gffbase {

/// Where the bytes of a text also lie in a file: GffdbWriter then copies
/// them file to file in the kernel (copy_file_range: no copy through user
/// memory, several times faster than write()), and asks `unchanged` after
/// the copy whether the file still holds them (else the write fails).
///
/// With `in_place`, the bytes already lie where the text section goes, in
/// the writer's own file (they were inflated into text_buffer()'s mapping,
/// and `fd`/`offset` are that buffer's region_fd()/region_offset()):
/// nothing is copied, the writer only checksums them.
struct TextFileSource {
  int fd = -1;
  std::uint64_t offset = 0;
  std::function<bool()> unchanged;
  bool in_place = false;
};

/// Writes a .gffdb in two steps so that the bulk of the bytes — the input
/// text, the first section — is written on a background thread while the
/// builder is still indexing:
///
///   auto w = GffdbWriter::create(path, overwrite);   // temp file beside path
///   w->begin_text(text);                              // background write
///   ... build the table ...
///   w->commit(table);                                 // rest, sync, rename
///
/// Destroying a writer that was not committed removes its temporary file.
class GffdbWriter {
 public:
  static Result<std::unique_ptr<GffdbWriter>> create(const std::string& path, bool overwrite);
  /// A writer whose file lives in memory only (an anonymous memfd): nothing
  /// is created on any file system, so nothing can be left behind.  `name`
  /// stands for the path in messages.  After commit, release_fd() hands the
  /// finished file over (Database::open_fd maps it).
  static Result<std::unique_ptr<GffdbWriter>> create_in_memory(const std::string& name);
  ~GffdbWriter();
  GffdbWriter(const GffdbWriter&) = delete;
  GffdbWriter& operator=(const GffdbWriter&) = delete;

  /// A buffer of `capacity` bytes mapped where the text section will lie
  /// in the temporary file: text inflated into it is written as it is made
  /// (begin_text with TextFileSource::in_place then copies nothing).  Empty
  /// when the file system cannot map it (the caller uses the heap).
  TextBuffer text_buffer(std::size_t capacity);
  /// Starts writing `text` (which must stay alive and unchanged until
  /// commit) as the text.main section.  At most once.
  void begin_text(std::string_view text, TextFileSource source = {});
  /// Waits for the background text write (the text may be freed afterwards).
  void wait_text();
  /// Starts writing the sections of `table` named in `names` (which must be
  /// final: their bytes may not change, nor their vectors reallocate, until
  /// commit) on a background thread, after the text, while the builder makes
  /// the rest.  Call after begin_text; at most once.  commit then writes the
  /// other sections after these and checks that each of these still has the
  /// size it had here.
  void begin_sections(const FeatureTable& table, std::span<const std::string_view> names);
  /// Waits for begin_sections' writes (their arrays may be freed afterwards;
  /// a failure is reported by commit).
  void wait_sections();
  /// Writes everything else (table.text must be the text given to
  /// begin_text, which is started here if it was not), syncs, and renames
  /// the file into place.  Returns the file size.
  Result<std::uint64_t> commit(const FeatureTable& table);
  /// The file of a committed in-memory writer, now the caller's to close;
  /// -1 for any other writer (or before commit, or a second time).
  int release_fd();

 private:
  GffdbWriter() = default;
  struct State;
  std::unique_ptr<State> s_;
};

/// Writes `table` to `path` in one call.  Fails (kIo) when `path` exists and
/// !overwrite.  Returns the number of bytes written.
Result<std::uint64_t> write_gffdb(const FeatureTable& table, const std::string& path, bool overwrite);

}  // namespace gffbase
