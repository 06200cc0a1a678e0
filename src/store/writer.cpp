#include "gffbase/store/writer.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gffbase/store/format.hpp"
#include "gffbase/store/sections.hpp"
#include "../common/pending_temp_files.hpp"
#include "../common/start_thread.hpp"
#include "../common/unnamed_file.hpp"

namespace gffbase {
namespace {

struct Blob {
  std::string_view name;
  const void* data;
  std::uint64_t bytes;
  std::uint32_t element_size;
};

template <typename T>
Blob blob(std::string_view name, const std::vector<T>& v) {
  return {name, v.data(), v.size() * sizeof(T), sizeof(T)};
}
Blob blob(std::string_view name, const std::string& s) { return {name, s.data(), s.size(), 1}; }

void add_strings(std::vector<Blob>& out, std::string_view offsets_name, std::string_view data_name,
                 const StringColumn& c) {
  out.push_back(blob(offsets_name, c.offsets));
  out.push_back(blob(data_name, c.data));
}

// Every section, text.main first: its offset is then known before the rest
// of the table exists, so it can be written early (GffdbWriter::begin_text).
std::vector<Blob> table_blobs(const FeatureTable& t) {
  namespace s = store::section;
  std::vector<Blob> b;
  b.push_back({s::kTextMain, t.text.data(), t.text.size(), 1});
  add_strings(b, s::kSeqidOffsets, s::kSeqidData, t.seqids);
  add_strings(b, s::kSourceOffsets, s::kSourceData, t.sources);
  add_strings(b, s::kTypeOffsets, s::kTypeData, t.types);
  b.push_back(blob(s::kRowSeqid, t.row_seqid));
  b.push_back(blob(s::kRowSource, t.row_source));
  b.push_back(blob(s::kRowType, t.row_type));
  b.push_back(blob(s::kRowStart, t.row_start));
  b.push_back(blob(s::kRowEnd, t.row_end));
  b.push_back(blob(s::kRowScore, t.row_score));
  b.push_back(blob(s::kRowStrand, t.row_strand));
  b.push_back(blob(s::kRowPhase, t.row_phase));
  b.push_back(blob(s::kRowFlags, t.row_flags));
  b.push_back(blob(s::kRowFileOrder, t.row_file_order));
  b.push_back(blob(s::kRowLine, t.row_line));
  b.push_back(blob(s::kRowFeature, t.row_feature));
  b.push_back(blob(s::kRowTextOffset, t.row_text_offset));
  b.push_back(blob(s::kRowTextLength, t.row_text_length));
  b.push_back(blob(s::kRowAttrStart, t.row_attr_start));
  b.push_back(blob(s::kTextExtra, t.extra_text));
  b.push_back(blob(s::kRowMaxEnd, t.row_max_end));
  b.push_back(blob(s::kSeqidRows, t.seqid_rows));
  add_strings(b, s::kFeatureIdOffsets, s::kFeatureIdData, t.feature_ids);
  b.push_back(blob(s::kFeatureRowsOffsets, t.feature_rows_offsets));
  b.push_back(blob(s::kFeatureRows, t.feature_rows));
  b.push_back(blob(s::kParentOffsets, t.parent_offsets));
  b.push_back(blob(s::kParents, t.parents));
  b.push_back(blob(s::kChildOffsets, t.child_offsets));
  b.push_back(blob(s::kChildren, t.children));
  b.push_back(blob(s::kIdSlots, t.id_slots));
  b.push_back(blob(s::kTypeRowsOffsets, t.type_rows_offsets));
  b.push_back(blob(s::kTypeRows, t.type_rows));
  b.push_back(blob(s::kFileOrderRows, t.file_order_rows));
  b.push_back(blob(s::kAttrEntries, t.attr_entries));
  add_strings(b, s::kDirectiveOffsets, s::kDirectiveData, t.directives);
  b.push_back(blob(s::kDirectiveLines, t.directive_lines));
  add_strings(b, s::kProblemOffsets, s::kProblemData, t.problems);
  b.push_back(blob(s::kProblemLines, t.problem_lines));
  b.push_back(blob(s::kProblemSeverity, t.problem_severity));
  b.push_back({s::kFasta, t.fasta.data(), t.fasta.size(), 1});
  add_strings(b, s::kMetaKeyOffsets, s::kMetaKeyData, t.meta_keys);
  add_strings(b, s::kMetaValueOffsets, s::kMetaValueData, t.meta_values);
  return b;
}

// CRC-32 of `bytes` as a whole and of each `block_bytes` block (appended to
// `blocks`), in one sweep: each block is still in cache for its second CRC.
std::uint32_t checksum_blocks(const void* data, std::uint64_t bytes, std::uint64_t block_bytes,
                              std::vector<std::uint32_t>& blocks) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint32_t whole = 0;
  for (std::uint64_t at = 0; at < bytes; at += block_bytes) {
    const std::uint64_t n = std::min<std::uint64_t>(block_bytes, bytes - at);
    blocks.push_back(static_cast<std::uint32_t>(libdeflate_crc32(0, p + at, n)));
    whole = static_cast<std::uint32_t>(libdeflate_crc32(whole, p + at, n));
  }
  return whole;
}

std::uint64_t align_up(std::uint64_t x) { return (x + store::kAlignment - 1) & ~(store::kAlignment - 1); }

Status pwrite_all(int fd, const void* data, std::uint64_t bytes, std::uint64_t offset) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t w = ::pwrite(fd, p, bytes > (1u << 30) ? (1u << 30) : bytes, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::io(std::string("write failed: ") + std::strerror(errno));
    }
    p += w;
    bytes -= static_cast<std::uint64_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
  return Status::ok();
}

// Numbers the temporary names of this process's writers.
std::atomic<unsigned> temp_counter{0};

}  // namespace

struct GffdbWriter::State {
  std::string path;
  /// The file's name while it has one and is not yet renamed into place;
  /// empty while `fd` is an unnamed file (it gets this name only in commit).
  std::string tmp_path;
  internal::PendingTempFile pending;  ///< tmp_path, for the CLI's signal handler until renamed
  int fd = -1;
  bool unnamed = false;
  bool in_memory = false;  ///< an anonymous memory file (create_in_memory): never named, synced or renamed
  bool committed = false;
  std::size_t section_count = 0;
  std::uint64_t text_offset = 0;
  std::string_view text;
  std::thread text_thread;
  Status text_status;
  std::uint32_t text_crc = 0;
  std::vector<std::uint32_t> text_block_crcs;
  std::uint64_t block_bytes = store::kBlockBytes;  ///< chosen from the text's size by begin_text
  bool text_started = false;
  // Sections written early by begin_sections, in the order they lie in the
  // file (right after the text).
  struct EarlySection {
    std::string_view name;
    const void* data;
    std::uint64_t bytes, offset;
    std::uint32_t crc = 0;
    std::vector<std::uint32_t> block_crcs;
  };
  std::vector<EarlySection> early;
  std::uint64_t early_end = 0;  ///< where the sections commit writes begin
  std::thread sections_thread;
  Status sections_status;

  // Where the sections go: the section table after the header, then the text.
  void lay_out() {
    section_count = table_blobs(FeatureTable{}).size() + 1;  // + checksums.blocks
    text_offset = align_up(sizeof(store::FileHeader) + section_count * sizeof(store::SectionEntry));
  }

  ~State() {
    if (sections_thread.joinable()) sections_thread.join();
    if (text_thread.joinable()) text_thread.join();
    if (fd >= 0) ::close(fd);
    if (!committed && !tmp_path.empty()) ::unlink(tmp_path.c_str());
  }
};

Result<std::unique_ptr<GffdbWriter>> GffdbWriter::create(const std::string& path, bool overwrite) {
  if (path.empty()) return Status::io("the database path is empty, expected a .gffdb file path");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::io(path + ": is a directory, expected a .gffdb file path");
    // Renaming over a device, FIFO or socket would replace it (/dev/null
    // included, for root) with a file: never, forced or not.
    if (!S_ISREG(st.st_mode)) {
      return Status::io(path + ": is not a regular file (a device, FIFO or socket), expected a .gffdb file path");
    }
    if (!overwrite) return Status::io(path + ": already exists (hint: use --force / force=True to replace it)");
  }
  std::unique_ptr<GffdbWriter> w(new GffdbWriter());
  w->s_ = std::make_unique<State>();
  State& s = *w->s_;
  s.path = path;
  // Unnamed until complete, where the file system can (unnamed_file.hpp);
  // read-write: text_buffer() maps it.
  s.fd = internal::open_unnamed_beside(path, 0644);
  s.unnamed = s.fd >= 0;
  // Else a named temporary file.  A writer killed earlier can leave its
  // temp file behind, and its pid may come back (containers): on EEXIST,
  // try the next name.
  bool shortened = false;  // the usual name was too long (ENAMETOOLONG): the short one
  for (int attempt = 0; attempt < 1000 && !s.unnamed; ++attempt) {
    s.tmp_path = internal::temp_path_beside(path, temp_counter++, shortened);
    // Read-write: text_buffer() maps it.
    s.fd = ::open(s.tmp_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (s.fd < 0 && errno == ENAMETOOLONG && !shortened) {
      shortened = true;
      continue;
    }
    if (s.fd >= 0 || errno != EEXIST) break;
  }
  if (s.fd < 0) {
    const std::string err = std::strerror(errno);
    s.tmp_path.clear();
    return Status::io(path + ": cannot create a temporary file beside it: " + err);
  }
  if (!s.unnamed) s.pending.list(s.tmp_path);
  s.lay_out();
  return w;
}

Result<std::unique_ptr<GffdbWriter>> GffdbWriter::create_in_memory(const std::string& name) {
  std::unique_ptr<GffdbWriter> w(new GffdbWriter());
  w->s_ = std::make_unique<State>();
  State& s = *w->s_;
  s.path = name;
  s.fd = ::memfd_create("gffbase-db", MFD_CLOEXEC);
  if (s.fd < 0) return Status::io(name + ": cannot create an in-memory file (memfd_create): " + std::strerror(errno));
  s.in_memory = true;
  s.lay_out();
  return w;
}

int GffdbWriter::release_fd() {
  State& s = *s_;
  if (!s.in_memory || !s.committed) return -1;
  return std::exchange(s.fd, -1);
}

GffdbWriter::~GffdbWriter() = default;

namespace {
// Copies `bytes` from `in` at `in_offset` to `out` at `out_offset` in the
// kernel.  Returns false (nothing to undo: the caller rewrites the range)
// when the file systems cannot, e.g. across devices or on old kernels.
bool copy_file_bytes(int in, std::uint64_t in_offset, int out, std::uint64_t out_offset, std::uint64_t bytes) {
  auto in_off = static_cast<loff_t>(in_offset), out_off = static_cast<loff_t>(out_offset);
  while (bytes > 0) {
    const ssize_t n = ::copy_file_range(in, &in_off, out, &out_off, std::min<std::uint64_t>(bytes, 1u << 30), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes -= static_cast<std::uint64_t>(n);
  }
  return true;
}
}  // namespace

TextBuffer GffdbWriter::text_buffer(std::size_t capacity) {
  return TextBuffer::map_file_region(s_->fd, s_->text_offset, capacity);
}

namespace {
// Whether `source` names bytes already at `offset` of the file open as `fd`.
bool already_in_place(const TextFileSource& source, int fd, std::uint64_t offset) {
  struct stat a {}, b {};
  return source.in_place && source.offset == offset && ::fstat(source.fd, &a) == 0 && ::fstat(fd, &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}
}  // namespace

void GffdbWriter::begin_text(std::string_view text, TextFileSource source) {
  State& s = *s_;
  if (s.text_started) return;
  s.text_started = true;
  s.text = text;
  s.block_bytes = store::writer_block_bytes(text.size());
  if (source.in_place && !already_in_place(source, s.fd, s.text_offset)) {
    s.text_status = Status::io("internal error: the text to write in place is not in this database's file");
    return;
  }
  auto write_text = [&s, source = std::move(source)] {
    s.text_crc = checksum_blocks(s.text.data(), s.text.size(), s.block_bytes, s.text_block_crcs);
    if (source.in_place) {
      // Already there: inflated into text_buffer()'s mapping.
    } else if (source.fd >= 0 && copy_file_bytes(source.fd, source.offset, s.fd, s.text_offset, s.text.size())) {
      // The checksums above describe the mapped bytes; the file must still
      // hold exactly those.
      if (source.unchanged && !source.unchanged()) {
        s.text_status = Status::io("the input file changed while it was being ingested");
      }
    } else {
      s.text_status = pwrite_all(s.fd, s.text.data(), s.text.size(), s.text_offset);
    }
    // Start writing the text to disk now, while the rest is being built, so
    // commit's fsync waits only for what is left.  Advisory: errors surface
    // at fsync.
    if (s.text_status) {
      ::sync_file_range(s.fd, static_cast<off_t>(s.text_offset), static_cast<off_t>(s.text.size()),
                        SYNC_FILE_RANGE_WRITE);
    }
  };
  internal::start_or_run(s.text_thread, std::move(write_text));
}

void GffdbWriter::wait_text() {
  if (s_->text_thread.joinable()) s_->text_thread.join();
}

void GffdbWriter::wait_sections() {
  if (s_->sections_thread.joinable()) s_->sections_thread.join();
}

void GffdbWriter::begin_sections(const FeatureTable& table, std::span<const std::string_view> names) {
  State& s = *s_;
  if (!s.text_started || !s.early.empty() || s.sections_thread.joinable()) return;
  std::uint64_t offset = align_up(s.text_offset + s.text.size());
  for (const Blob& b : table_blobs(table)) {
    if (std::find(names.begin(), names.end(), b.name) == names.end()) continue;
    s.early.push_back({b.name, b.data, b.bytes, offset, 0, {}});
    offset = align_up(offset + b.bytes);
  }
  s.early_end = offset;
  internal::start_or_run(s.sections_thread, [&s] {
    for (State::EarlySection& e : s.early) {
      e.crc = checksum_blocks(e.data, e.bytes, s.block_bytes, e.block_crcs);
      s.sections_status = pwrite_all(s.fd, e.data, e.bytes, e.offset);
      if (!s.sections_status) return;
      if (e.bytes >= (1u << 20)) {
        ::sync_file_range(s.fd, static_cast<off_t>(e.offset), static_cast<off_t>(e.bytes), SYNC_FILE_RANGE_WRITE);
      }
    }
  });
}

Result<std::uint64_t> GffdbWriter::commit(const FeatureTable& table) {
  State& s = *s_;
  if (!s.text_started) begin_text(table.text);
  std::vector<Blob> blobs = table_blobs(table);
  // checksums.blocks goes last: its size is known now, its first entries
  // (the text's blocks) only when the text thread is done.
  std::uint64_t block_total = 0;
  for (const Blob& b : blobs) block_total += store::block_count(b.bytes, s.block_bytes);
  blobs.push_back({store::section::kBlockChecksums, nullptr, block_total * 4, 4});
  const std::size_t checksum_blob = blobs.size() - 1;
  // Sections begin_sections wrote lie right after the text; the others follow.
  if (s.sections_thread.joinable()) s.sections_thread.join();
  auto fail = [&](const Status& st) { return Status::io(s.path + ": " + st.message()); };
  if (!s.sections_status) return fail(s.sections_status);
  auto early_of = [&](std::string_view name) -> const State::EarlySection* {
    for (const auto& e : s.early) {
      if (e.name == name) return &e;
    }
    return nullptr;
  };
  // Everything but the text is computed while the text is being written.
  std::vector<store::SectionEntry> entries(blobs.size());
  std::vector<std::uint32_t> other_block_crcs;
  other_block_crcs.reserve(block_total);
  std::uint64_t offset = std::max(align_up(s.text_offset + s.text.size()), s.early_end);
  std::vector<bool> written_early(blobs.size(), false);
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    store::SectionEntry& e = entries[i];
    std::memset(&e, 0, sizeof e);
    std::memcpy(e.name, blobs[i].name.data(), std::min<std::size_t>(blobs[i].name.size(), sizeof e.name - 1));
    e.length = blobs[i].bytes;
    e.element_size = blobs[i].element_size;
    if (i == 0) {
      e.offset = s.text_offset;  // its CRC comes from the text thread
      continue;
    }
    if (const State::EarlySection* w = i != checksum_blob ? early_of(blobs[i].name) : nullptr) {
      if (w->bytes != blobs[i].bytes || w->data != blobs[i].data) {
        return Status::io(s.path + ": internal error: section '" + std::string(w->name) +
                          "' changed after it was written");
      }
      e.offset = w->offset;
      e.crc32 = w->crc;
      other_block_crcs.insert(other_block_crcs.end(), w->block_crcs.begin(), w->block_crcs.end());
      written_early[i] = true;
      continue;
    }
    e.offset = offset;
    if (i == checksum_blob) e.param = s.block_bytes;
    if (i != checksum_blob) {
      e.crc32 = checksum_blocks(blobs[i].data, blobs[i].bytes, s.block_bytes, other_block_crcs);
    }
    offset = align_up(offset + blobs[i].bytes);
  }
  for (std::size_t i = 1; i < checksum_blob; ++i) {
    if (written_early[i]) continue;
    if (Status st = pwrite_all(s.fd, blobs[i].data, blobs[i].bytes, entries[i].offset); !st) return fail(st);
    // Large sections start going to disk now (advisory, as for the text), so
    // the fsync below waits for less.
    if (blobs[i].bytes >= (1u << 20)) {
      ::sync_file_range(s.fd, static_cast<off_t>(entries[i].offset), static_cast<off_t>(blobs[i].bytes),
                        SYNC_FILE_RANGE_WRITE);
    }
  }
  if (s.text_thread.joinable()) s.text_thread.join();
  if (!s.text_status) return fail(s.text_status);
  if (blobs.size() != s.section_count || table.text.data() != s.text.data() || table.text.size() != s.text.size()) {
    return Status::io(s.path + ": internal error: the text section changed between begin_text and commit");
  }
  entries[0].crc32 = s.text_crc;
  std::vector<std::uint32_t> block_crcs = std::move(s.text_block_crcs);
  block_crcs.insert(block_crcs.end(), other_block_crcs.begin(), other_block_crcs.end());
  if (block_crcs.size() != block_total) {
    return Status::io(s.path + ": internal error: block checksums do not cover the sections");
  }
  entries[checksum_blob].crc32 =
      static_cast<std::uint32_t>(libdeflate_crc32(0, block_crcs.data(), block_crcs.size() * 4));
  if (Status st = pwrite_all(s.fd, block_crcs.data(), block_crcs.size() * 4, entries[checksum_blob].offset); !st) {
    return fail(st);
  }
  store::FileHeader h;
  std::memset(&h, 0, sizeof h);
  std::memcpy(h.magic, store::kMagic, sizeof h.magic);
  h.version_major = store::kVersionMajor;
  h.version_minor = store::kVersionMinor;
  h.file_size = offset;
  h.section_count = static_cast<std::uint32_t>(blobs.size());
  h.section_table_offset = sizeof(store::FileHeader);
  h.section_table_crc =
      static_cast<std::uint32_t>(libdeflate_crc32(0, entries.data(), entries.size() * sizeof(store::SectionEntry)));
  h.header_crc = static_cast<std::uint32_t>(libdeflate_crc32(0, &h, offsetof(store::FileHeader, header_crc)));
  // Gaps between sections stay holes (they read as zeros); the size covers the
  // last section's padding.
  if (::ftruncate(s.fd, static_cast<off_t>(offset)) != 0) return Status::io(s.path + ": " + std::strerror(errno));
  if (Status st = pwrite_all(s.fd, entries.data(), entries.size() * sizeof(store::SectionEntry), sizeof h); !st) {
    return fail(st);
  }
  if (Status st = pwrite_all(s.fd, &h, sizeof h, 0); !st) return fail(st);
  if (s.in_memory) {  // complete: nothing to sync or name; release_fd() hands it over
    s.committed = true;
    return offset;
  }
  if (::fsync(s.fd) != 0) return Status::io(s.path + ": fsync failed: " + std::strerror(errno));
  if (s.unnamed) {
    // Complete: now it gets a name, for the rename below.
    s.tmp_path = internal::name_unnamed_beside(s.fd, s.path, temp_counter);
    if (s.tmp_path.empty()) {
      return Status::io(s.path + ": cannot give the finished database a name beside it: " + std::strerror(errno));
    }
    s.pending.list(s.tmp_path);
  }
  ::close(s.fd);
  s.fd = -1;
  if (::rename(s.tmp_path.c_str(), s.path.c_str()) != 0) {
    return Status::io(s.path + ": cannot rename the finished database into place: " + std::strerror(errno));
  }
  s.committed = true;
  s.pending.release();
  const int dir = ::open(internal::directory_of(s.path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return offset;
}

Result<std::uint64_t> write_gffdb(const FeatureTable& table, const std::string& path, bool overwrite) {
  Result<std::unique_ptr<GffdbWriter>> w = GffdbWriter::create(path, overwrite);
  if (!w.is_ok()) return w.status();
  return (*w)->commit(table);
}

}  // namespace gffbase
