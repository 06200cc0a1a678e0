#include "gffbase/store/writer.hpp"

#include <libdeflate.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gffbase/store/format.hpp"
#include "gffbase/store/sections.hpp"

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

std::vector<Blob> table_blobs(const FeatureTable& t) {
  namespace s = store::section;
  std::vector<Blob> b;
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
  b.push_back({s::kTextMain, t.text.data(), t.text.size(), 1});
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

std::uint64_t align_up(std::uint64_t x) { return (x + store::kAlignment - 1) & ~(store::kAlignment - 1); }

Status write_all(int fd, const void* data, std::uint64_t bytes) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t w = ::write(fd, p, bytes > (1u << 30) ? (1u << 30) : bytes);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::io(std::string("write failed: ") + std::strerror(errno));
    }
    p += w;
    bytes -= static_cast<std::uint64_t>(w);
  }
  return Status::ok();
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Removes the temporary file unless released (RAII: every early return cleans up).
struct TempFile {
  std::string path;
  int fd = -1;
  bool keep = false;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!keep && !path.empty()) ::unlink(path.c_str());
  }
};

}  // namespace

Result<std::uint64_t> write_gffdb(const FeatureTable& table, const std::string& path, bool overwrite) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::io(path + ": is a directory, expected a .gffdb file path");
    if (!overwrite) {
      return Status::io(path + ": already exists (hint: use --force / force=True to replace it)");
    }
  }
  const std::vector<Blob> blobs = table_blobs(table);
  std::vector<store::SectionEntry> entries(blobs.size());
  std::uint64_t offset = align_up(sizeof(store::FileHeader) + blobs.size() * sizeof(store::SectionEntry));
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    store::SectionEntry& e = entries[i];
    std::memset(&e, 0, sizeof e);
    std::memcpy(e.name, blobs[i].name.data(), std::min<std::size_t>(blobs[i].name.size(), sizeof e.name - 1));
    e.offset = offset;
    e.length = blobs[i].bytes;
    e.element_size = blobs[i].element_size;
    e.crc32 = static_cast<std::uint32_t>(libdeflate_crc32(0, blobs[i].data, blobs[i].bytes));
    offset = align_up(offset + blobs[i].bytes);
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

  static std::atomic<unsigned> counter{0};
  TempFile tmp;
  tmp.path = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (tmp.fd < 0) {
    const std::string err = std::strerror(errno);
    tmp.path.clear();
    return Status::io(path + ": cannot create a temporary file beside it: " + err);
  }
  static const char zeros[store::kAlignment] = {};
  auto fail = [&](const Status& s) { return Status::io(path + ": " + s.message()); };
  if (Status s = write_all(tmp.fd, &h, sizeof h); !s) return fail(s);
  if (Status s = write_all(tmp.fd, entries.data(), entries.size() * sizeof(store::SectionEntry)); !s) return fail(s);
  std::uint64_t written = sizeof h + entries.size() * sizeof(store::SectionEntry);
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    if (Status s = write_all(tmp.fd, zeros, entries[i].offset - written); !s) return fail(s);
    if (Status s = write_all(tmp.fd, blobs[i].data, blobs[i].bytes); !s) return fail(s);
    written = entries[i].offset + blobs[i].bytes;
  }
  if (Status s = write_all(tmp.fd, zeros, offset - written); !s) return fail(s);
  if (::fsync(tmp.fd) != 0) return Status::io(path + ": fsync failed: " + std::strerror(errno));
  ::close(tmp.fd);
  tmp.fd = -1;
  if (::rename(tmp.path.c_str(), path.c_str()) != 0) {
    return Status::io(path + ": cannot rename the finished database into place: " + std::strerror(errno));
  }
  tmp.keep = true;
  const int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return offset;
}

}  // namespace gffbase
