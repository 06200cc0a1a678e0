#include "gffbase/query/database.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <deque>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/hash.hpp"
#include "gffbase/io/input.hpp"
#include "gffbase/parse/attributes.hpp"
#include "gffbase/query/interval_index.hpp"
#include "gffbase/store/format.hpp"
#include "gffbase/store/sections.hpp"
#include "../common/start_thread.hpp"

namespace gffbase {

namespace sec = store::section;

// Section slots, in the order of kSectionNames.
enum S : int {
  kSeqidOff, kSeqidData, kSourceOff, kSourceData, kTypeOff, kTypeData,
  kRSeqid, kRSource, kRType, kRStart, kREnd, kRScore, kRStrand, kRPhase, kRFlags, kRFileOrder, kRLine, kRFeature,
  kRTextOff, kRTextLen, kRAttrStart, kTextMain, kTextExtra, kRMaxEnd, kSeqidRows, kFIdOff, kFIdData, kFRowsOff, kFRows, kParOff, kPar, kChOff, kCh,
  kIdSlots, kTypeRowsOff, kTypeRows, kFileOrderRows, kAttrEntries, kDirOff, kDirData, kDirLines,
  kProbOff, kProbData, kProbLines, kProbSev, kFasta, kMetaKOff, kMetaKData, kMetaVOff, kMetaVData, kSectionCount,
  // Optional sections (absent from older minor versions) follow the required ones.
  kBlockCrc = kSectionCount, kSlotCount
};

namespace {
constexpr std::string_view kSectionNames[kSlotCount] = {
    sec::kSeqidOffsets, sec::kSeqidData, sec::kSourceOffsets, sec::kSourceData, sec::kTypeOffsets, sec::kTypeData,
    sec::kRowSeqid, sec::kRowSource, sec::kRowType, sec::kRowStart, sec::kRowEnd, sec::kRowScore, sec::kRowStrand,
    sec::kRowPhase, sec::kRowFlags, sec::kRowFileOrder, sec::kRowLine, sec::kRowFeature, sec::kRowTextOffset,
    sec::kRowTextLength, sec::kRowAttrStart, sec::kTextMain, sec::kTextExtra, sec::kRowMaxEnd, sec::kSeqidRows, sec::kFeatureIdOffsets, sec::kFeatureIdData,
    sec::kFeatureRowsOffsets, sec::kFeatureRows, sec::kParentOffsets, sec::kParents, sec::kChildOffsets,
    sec::kChildren, sec::kIdSlots, sec::kTypeRowsOffsets, sec::kTypeRows, sec::kFileOrderRows, sec::kAttrEntries,
    sec::kDirectiveOffsets, sec::kDirectiveData, sec::kDirectiveLines, sec::kProblemOffsets,
    sec::kProblemData, sec::kProblemLines, sec::kProblemSeverity, sec::kFasta, sec::kMetaKeyOffsets,
    sec::kMetaKeyData, sec::kMetaValueOffsets, sec::kMetaValueData, sec::kBlockChecksums};
constexpr std::uint32_t kElementSize[kSlotCount] = {
    8, 1, 8, 1, 8, 1, 4, 4, 4, 8, 8, 8, 1, 1, 1, 4, 8, 4, 8, 4, 4, 1, 1, 8, 4, 8, 1, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 8, 8, 1, 8, 8, 1, 8, 1, 1, 8, 1, 8, 1, 4};
// A crafted file whose metadata denies the Parent cycle it has (walks trust
// that record; see walk_into and verify).
std::string cycle_denied(const std::string& path) {
  return path + ": corrupt database: the hierarchy has a Parent cycle its metadata says it lacks";
}
}  // namespace

// Bytes [b, e) of a string section's `len` bytes, clamped to them (empty
// when b lies outside or e <= b): offsets are checksummed, but a crafted file
// can carry correct checksums over wrong offsets until verify().
static std::string_view clamped_string(const char* data, std::int64_t len, std::int64_t b, std::int64_t e) {
  if (b < 0 || b >= len || e <= b) return {};
  return std::string_view(data + b, static_cast<std::size_t>(std::min(e, len) - b));
}

struct Database::Impl {
  const std::byte* base = nullptr;
  std::size_t size = 0;
  std::string path;
  struct Section {
    const std::byte* data = nullptr;
    std::uint64_t length = 0;
    std::uint32_t crc = 0;
    const std::uint32_t* block_crc = nullptr;  ///< this section's block CRCs (format >= 1.1), else null
    std::size_t block_base = 0;                ///< index of its first block in block_state
  };
  Section s[kSlotCount];
  // 0 unchecked, 1 ok, 2 bad: per section, and per block of every section.
  mutable std::atomic<std::uint8_t> state[kSlotCount] = {};
  mutable std::atomic<std::uint64_t> blocks_ok[kSlotCount] = {};  ///< good blocks found so far, per section
  std::unique_ptr<std::atomic<std::uint8_t>[]> block_state;
  std::uint64_t block_bytes = store::kBlockBytesV1_1;  ///< as the file records it (format >= 1.2)
  /// log2(block_bytes) (open checks it is a power of two): the per-element
  /// checks below shift instead of dividing — a 64-bit division on every
  /// column read was a measurable part of a warm children() call.
  unsigned block_shift = std::countr_zero(store::kBlockBytesV1_1);
  /// The writer found no Parent cycle (meta parent_cycles == 0; unknown in
  /// older files, so false): a feature with one parent is then reached at
  /// most once by any walk.
  bool acyclic = false;
  /// Column 9 is GFF3 (key=value; meta format == "gff3"), else GTF/GFF2.
  bool gff3_attributes = false;
  std::size_t n_rows = 0, n_features = 0;

  ~Impl() {
    if (base) ::munmap(const_cast<std::byte*>(base), size);
  }

  [[noreturn]] void fail_checksum(int i, const std::string& where) const {
    throw Error(ErrorKind::kCorrupt, path + ": corrupt database: " + where + "section '" +
                                         std::string(kSectionNames[i]) +
                                         "' fails its checksum (hint: rebuild it with `gffbase ingest --force`)");
  }

  void check_block(int i, std::uint64_t b) const {
    std::atomic<std::uint8_t>& st = block_state[s[i].block_base + b];
    std::uint8_t v = st.load(std::memory_order_acquire);
    if (v == 1) return;
    if (v == 0) {
      const std::uint64_t at = b * block_bytes;
      const std::uint64_t n = std::min<std::uint64_t>(block_bytes, s[i].length - at);
      const std::uint8_t verdict =
          static_cast<std::uint32_t>(libdeflate_crc32(0, s[i].data + at, n)) == s[i].block_crc[b] ? 1 : 2;
      std::uint8_t expected = 0;
      if (st.compare_exchange_strong(expected, verdict, std::memory_order_acq_rel)) {
        // The last good block of a section makes the whole section good:
        // later reads skip the per-block check.
        if (verdict == 1 &&
            blocks_ok[i].fetch_add(1, std::memory_order_acq_rel) + 1 == store::block_count(s[i].length, block_bytes)) {
          state[i].store(1, std::memory_order_release);
        }
        v = verdict;
      } else {
        v = expected;  // another thread decided first
      }
    }
    if (v == 2) fail_checksum(i, "block " + std::to_string(b) + " of ");
  }

  // The whole section: every block (format >= 1.1), else its CRC.
  void require(int i) const {
    std::uint8_t st = state[i].load(std::memory_order_acquire);
    if (st == 1) return;
    if (st == 0) {
      if (s[i].block_crc) {
        for (std::uint64_t b = 0; b < store::block_count(s[i].length, block_bytes); ++b) check_block(i, b);
        st = 1;
      } else {
        const auto crc = static_cast<std::uint32_t>(libdeflate_crc32(0, s[i].data, s[i].length));
        st = crc == s[i].crc ? 1 : 2;
      }
      state[i].store(st, std::memory_order_release);
    }
    if (st == 2) fail_checksum(i, "");
  }

  // Bytes [off, off + len) of section i (clamped to the section): only the
  // blocks they fall in, when the file has block checksums.
  void require_bytes(int i, std::uint64_t off, std::uint64_t len) const {
    if (state[i].load(std::memory_order_acquire) == 1) return;
    if (!s[i].block_crc) return require(i);
    if (len == 0 || off >= s[i].length) return;
    const std::uint64_t last = std::min(off + len, s[i].length) - 1;
    for (std::uint64_t b = off >> block_shift; b <= last >> block_shift; ++b) check_block(i, b);
  }

  // The element at byte `off` of section i.  An element never straddles a
  // block (sections are 64-byte aligned, blocks a power of two >= 512 bytes), so
  // a block already found good costs one load.
  void require_element(int i, std::uint64_t off) const {
    if (!s[i].block_crc) return require(i);
    if (off >= s[i].length) return;
    const std::uint64_t b = off >> block_shift;
    if (block_state[s[i].block_base + b].load(std::memory_order_acquire) == 1) return;
    check_block(i, b);
  }

  // The blocks holding element r of section i (elements of T) for each r in
  // `rows`; consecutive rows in one block cost one comparison.
  template <typename T>
  void require_elements(int i, std::span<const RowId> rows) const {
    if (state[i].load(std::memory_order_acquire) == 1) return;
    if (!s[i].block_crc) return require(i);
    std::uint64_t last = UINT64_MAX;
    for (RowId r : rows) {
      const std::uint64_t b = (std::uint64_t{r} * sizeof(T)) >> block_shift;
      if (b != last) check_block(i, b);
      last = b;
    }
  }

  // Element k of section i, checking only the block it lies in.
  template <typename T>
  T at(int i, std::size_t k) const {
    if (state[i].load(std::memory_order_acquire) != 1) require_element(i, k * sizeof(T));
    return reinterpret_cast<const T*>(s[i].data)[k];
  }
  // Elements [b, e) of section i.
  template <typename T>
  std::span<const T> range(int i, std::size_t b, std::size_t e) const {
    require_bytes(i, b * sizeof(T), (e - b) * sizeof(T));
    return {reinterpret_cast<const T*>(s[i].data) + b, e - b};
  }
  // Element access for loops that may touch few or many elements: no check
  // per access once the whole section is known good, a block check otherwise.
  template <typename T>
  struct Column {
    const Impl* d;
    int i;
    const T* p;
    bool whole_ok;
    T operator[](std::size_t k) const {
      if (!whole_ok) d->require_element(i, k * sizeof(T));
      return p[k];
    }
  };
  template <typename T>
  Column<T> column(int i) const {
    return {this, i, reinterpret_cast<const T*>(s[i].data), state[i].load(std::memory_order_acquire) == 1};
  }
  template <typename T>
  std::span<const T> col(int i) const {
    require(i);
    return {reinterpret_cast<const T*>(s[i].data), s[i].length / sizeof(T)};
  }
  std::string_view str(int off, int data, std::size_t k) const {
    const std::string_view v =
        clamped_string(reinterpret_cast<const char*>(s[data].data), static_cast<std::int64_t>(s[data].length),
                       at<std::int64_t>(off, k), at<std::int64_t>(off, k + 1));
    if (!v.empty()) {
      require_bytes(data, static_cast<std::uint64_t>(v.data() - reinterpret_cast<const char*>(s[data].data)),
                    v.size());
    }
    return v;
  }
  std::size_t str_count(int off) const { return s[off].length / 8 - 1; }
};

// ---------------------------------------------------------------------------
// open

namespace {
Status corrupt(const std::string& path, const std::string& what) {
  return Status::corrupt(path + ": not a valid .gffdb: " + what +
                         " (hint: rebuild it with `gffbase ingest`; a .gffdb is made only by gffbase)");
}

// Checks a string column's offsets are monotone and inside its data.
bool valid_string_column(const Database::Impl& d, int off, int data) {
  const auto& so = d.s[off];
  if (so.length < 8 || so.length % 8) return false;
  const auto* o = reinterpret_cast<const std::int64_t*>(so.data);
  const std::size_t n = so.length / 8;
  if (o[0] != 0 || o[n - 1] != static_cast<std::int64_t>(d.s[data].length)) return false;
  return true;
}
}  // namespace

Result<std::shared_ptr<const Database>> Database::open(const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would wait for a writer (forever);
  // it is refused below.  No effect on a regular file.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::io(path + ": cannot open database: " + std::strerror(errno));
  Result<std::shared_ptr<const Database>> db = open_fd(fd, path);
  ::close(fd);
  return db;
}

Result<std::shared_ptr<const Database>> Database::open_fd(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::io(path + ": cannot stat: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::io(path + ": is a directory, expected a .gffdb file");
  if (!S_ISREG(st.st_mode)) {
    return Status::io(path + ": is not a regular file (a FIFO, device or socket), expected a .gffdb file");
  }
  const std::size_t size = static_cast<std::size_t>(st.st_size);
  if (size < sizeof(store::FileHeader)) {
    return corrupt(path, size == 0 ? "the file is empty" : "the file is too short (" + std::to_string(size) + " bytes)");
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return Status::io(path + ": cannot map: " + std::strerror(errno));
  auto impl = std::make_unique<Impl>();
  impl->base = static_cast<const std::byte*>(map);
  impl->size = size;
  impl->path = path;

  store::FileHeader h;
  std::memcpy(&h, impl->base, sizeof h);
  if (std::memcmp(h.magic, store::kMagic, sizeof h.magic) != 0) {
    if (std::memcmp(h.magic, "SQLite f", 8) == 0) {
      return corrupt(path, "this is an SQLite file (a gffutils database?), not a gffbase database");
    }
    return corrupt(path, "wrong magic bytes at the start of the file");
  }
  if (static_cast<std::uint32_t>(libdeflate_crc32(0, &h, offsetof(store::FileHeader, header_crc))) != h.header_crc) {
    return corrupt(path, "the header fails its checksum");
  }
  if (h.version_major != store::kVersionMajor) {
    return corrupt(path, "format version " + std::to_string(h.version_major) + "." + std::to_string(h.version_minor) +
                             " is not supported (this gffbase reads version " +
                             std::to_string(store::kVersionMajor) + ".x)");
  }
  if (h.file_size != size) {
    return corrupt(path, "the file is " + std::to_string(size) + " bytes but its header says " +
                             std::to_string(h.file_size) + " (truncated or extended)");
  }
  if (h.section_count > store::kMaxSections || h.section_table_offset != sizeof h ||
      sizeof h + std::uint64_t(h.section_count) * sizeof(store::SectionEntry) > size) {
    return corrupt(path, "the section table lies outside the file");
  }
  const auto* table = reinterpret_cast<const store::SectionEntry*>(impl->base + sizeof h);
  if (static_cast<std::uint32_t>(libdeflate_crc32(0, table, h.section_count * sizeof(store::SectionEntry))) !=
      h.section_table_crc) {
    return corrupt(path, "the section table fails its checksum");
  }
  if (h.version_minor >= 2) {
    for (std::uint32_t i = 0; i < h.section_count; ++i) {
      store::SectionEntry e;
      std::memcpy(&e, &table[i], sizeof e);
      if (std::string_view(e.name, strnlen(e.name, sizeof e.name)) != sec::kBlockChecksums) continue;
      if (e.param < store::kMinBlockBytes || e.param > store::kMaxBlockBytes || (e.param & (e.param - 1)) != 0) {
        return corrupt(path, "section 'checksums.blocks' records a block size of " + std::to_string(e.param) +
                                 " bytes (expected a power of two from " + std::to_string(store::kMinBlockBytes) +
                                 " to " + std::to_string(store::kMaxBlockBytes) + ")");
      }
      impl->block_bytes = e.param;
      impl->block_shift = static_cast<unsigned>(std::countr_zero(e.param));
    }
  }
  bool found[kSlotCount] = {};
  std::uint64_t table_blocks = 0;  // blocks of every section before checksums.blocks, in table order
  std::size_t block_base[kSlotCount] = {};
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    store::SectionEntry e;
    std::memcpy(&e, &table[i], sizeof e);
    const std::string_view name(e.name, strnlen(e.name, sizeof e.name));
    if (e.offset % store::kAlignment || e.offset > size || e.length > size - e.offset) {
      return corrupt(path, "section '" + std::string(name) + "' lies outside the file or is misaligned");
    }
    for (int k = 0; k < kSlotCount; ++k) {
      if (kSectionNames[k] != name) continue;
      if (found[k]) return corrupt(path, "section '" + std::string(name) + "' appears twice");
      if (e.element_size != kElementSize[k] || e.length % kElementSize[k]) {
        return corrupt(path, "section '" + std::string(name) + "' has the wrong element size");
      }
      impl->s[k] = {impl->base + e.offset, e.length, e.crc32};
      block_base[k] = table_blocks;
      found[k] = true;
    }
    if (name != sec::kBlockChecksums) table_blocks += store::block_count(e.length, impl->block_bytes);
  }
  for (int k = 0; k < kSectionCount; ++k) {
    if (!found[k]) return corrupt(path, "section '" + std::string(kSectionNames[k]) + "' is missing");
  }
  if (found[kBlockCrc]) {
    // Small (4 bytes per block: 0.1% of the file): checked now, then every section
    // can check its blocks as they are read.
    const auto& bc = impl->s[kBlockCrc];
    if (bc.length != table_blocks * 4) {
      return corrupt(path, "section 'checksums.blocks' does not have one checksum per block");
    }
    if (static_cast<std::uint32_t>(libdeflate_crc32(0, bc.data, bc.length)) != bc.crc) {
      return corrupt(path, "section 'checksums.blocks' fails its checksum");
    }
    impl->state[kBlockCrc].store(1);
    impl->block_state = std::make_unique<std::atomic<std::uint8_t>[]>(table_blocks);
    const auto* crcs = reinterpret_cast<const std::uint32_t*>(bc.data);
    for (int k = 0; k < kSectionCount; ++k) {
      impl->s[k].block_crc = crcs + block_base[k];
      impl->s[k].block_base = block_base[k];
    }
  }
  // Structural checks that keep every later access in bounds.
  const std::size_t n = impl->s[kRStart].length / 8;
  const int row_cols[] = {kRSeqid, kRSource,  kRType,    kREnd,       kRScore,   kRStrand,       kRPhase, kRFlags,
                          kRFileOrder, kRLine, kRFeature, kRTextOff, kRTextLen, kRAttrStart, kRMaxEnd, kFileOrderRows};
  for (int c : row_cols) {
    if (impl->s[c].length / kElementSize[c] != n) {
      return corrupt(path, "section '" + std::string(kSectionNames[c]) + "' does not have one value per row");
    }
  }
  const std::pair<int, int> strings[] = {{kSeqidOff, kSeqidData}, {kSourceOff, kSourceData}, {kTypeOff, kTypeData},
                                         {kFIdOff, kFIdData},       {kDirOff, kDirData},
                                         {kProbOff, kProbData},   {kMetaKOff, kMetaKData},   {kMetaVOff, kMetaVData}};
  for (auto [o, d] : strings) {
    if (!valid_string_column(*impl, o, d)) {
      return corrupt(path, "string section '" + std::string(kSectionNames[o]) + "' is inconsistent");
    }
  }
  const std::size_t m = impl->s[kFIdOff].length / 8 - 1;
  const std::pair<int, std::size_t> csr[] = {{kFRowsOff, m + 1}, {kParOff, m + 1}, {kChOff, m + 1},
                                             {kSeqidRows, impl->s[kSeqidOff].length / 8},
                                             {kTypeRowsOff, impl->s[kTypeOff].length / 8}};
  for (auto [c, want] : csr) {
    if (impl->s[c].length / 4 != want) {
      return corrupt(path, "index section '" + std::string(kSectionNames[c]) + "' has the wrong length");
    }
  }
  const std::size_t slots = impl->s[kIdSlots].length / 4;
  if (slots == 0 || (slots & (slots - 1)) != 0) return corrupt(path, "the ID index has a bad size");
  impl->n_rows = n;
  impl->n_features = m;
  try {
    for (std::size_t i = 0; i + 1 < impl->s[kMetaKOff].length / 8; ++i) {
      if (impl->str(kMetaKOff, kMetaKData, i) == "parent_cycles") {
        impl->acyclic = impl->str(kMetaVOff, kMetaVData, i) == "0";
      } else if (impl->str(kMetaKOff, kMetaKData, i) == "format") {
        impl->gff3_attributes = impl->str(kMetaVOff, kMetaVData, i) == "gff3";
      }
    }
  } catch (const Error&) {
    // Damaged metadata: walks keep every visited-check, and the damage is
    // reported when the metadata is read.
    impl->acyclic = false;
    impl->gff3_attributes = false;
  }
  std::shared_ptr<Database> db(new Database());
  db->path_ = path;
  db->size_ = size;
  db->impl_ = std::move(impl);
  return std::shared_ptr<const Database>(std::move(db));
}

Database::~Database() = default;

Status Database::verify() const {
  try {
    for (int i = 0; i < kSlotCount; ++i) {
      if (i >= kSectionCount && impl_->s[i].data == nullptr) continue;
      impl_->require(i);
      // The section CRC too: block checksums and section checksums must agree.
      const auto& sec = impl_->s[i];
      if (static_cast<std::uint32_t>(libdeflate_crc32(0, sec.data, sec.length)) != sec.crc) {
        impl_->fail_checksum(i, "");
      }
    }
  } catch (const Error& e) {
    return Status(e.kind(), e.what());
  }
  // Index values must point inside their targets (a CRC-valid file written
  // by a faulty writer would otherwise make queries read out of bounds).
  const std::size_t n = impl_->n_rows, m = impl_->n_features;
  auto in_range = [](std::span<const std::uint32_t> v, std::size_t limit, bool allow_none) {
    return std::all_of(v.begin(), v.end(), [&](auto x) { return x < limit || (allow_none && x == kNone); });
  };
  auto monotone = [](std::span<const std::uint32_t> o, std::size_t total) {
    return std::is_sorted(o.begin(), o.end()) && !o.empty() && o.back() == total;
  };
  const auto& d = *impl_;
  bool ok = in_range(d.col<std::uint32_t>(kRFeature), m, false) && in_range(d.col<std::uint32_t>(kFRows), n, false) &&
            in_range(d.col<std::uint32_t>(kPar), m, false) && in_range(d.col<std::uint32_t>(kCh), m, false) &&
            in_range(d.col<std::uint32_t>(kIdSlots), m, true) && in_range(d.col<std::uint32_t>(kTypeRows), n, false) &&
            in_range(d.col<std::uint32_t>(kFileOrderRows), n, false) &&
            std::all_of(d.col<std::uint64_t>(kAttrEntries).begin(), d.col<std::uint64_t>(kAttrEntries).end(),
                        [&](std::uint64_t e) { return (e & 0xFFFFFFFFu) < n; }) &&
            in_range(d.col<std::uint32_t>(kRSeqid), seqid_count(), false) &&
            in_range(d.col<std::uint32_t>(kRType), type_count(), false) &&
            in_range(d.col<std::uint32_t>(kRSource), source_count(), false) &&
            monotone(d.col<std::uint32_t>(kFRowsOff), d.col<std::uint32_t>(kFRows).size()) &&
            monotone(d.col<std::uint32_t>(kParOff), d.col<std::uint32_t>(kPar).size()) &&
            monotone(d.col<std::uint32_t>(kChOff), d.col<std::uint32_t>(kCh).size()) &&
            monotone(d.col<std::uint32_t>(kSeqidRows), n) &&
            monotone(d.col<std::uint32_t>(kTypeRowsOff), d.col<std::uint32_t>(kTypeRows).size());
  if (!ok) return Status::corrupt(path_ + ": corrupt database: an index points outside its table");
  // Walks trust a recorded "no Parent cycle" (they skip visited-checks for
  // single-parent features), so it must be true of both adjacency sections
  // (a crafted file can make them disagree): Kahn's algorithm over each.
  if (d.acyclic) {
    auto acyclic = [&](int off_section, int adj_section) {
      const auto off = d.col<std::uint32_t>(off_section);
      const auto adj = d.col<std::uint32_t>(adj_section);
      std::vector<std::uint32_t> in_degree(m, 0), ready;
      for (std::uint32_t g : adj) in_degree[g]++;
      for (std::uint32_t f = 0; f < m; ++f) {
        if (in_degree[f] == 0) ready.push_back(f);
      }
      std::size_t done = 0;
      while (!ready.empty()) {
        const std::uint32_t f = ready.back();
        ready.pop_back();
        ++done;
        for (std::uint32_t k = off[f]; k < off[f + 1]; ++k) {
          if (--in_degree[adj[k]] == 0) ready.push_back(adj[k]);
        }
      }
      return done == m;
    };
    if (!acyclic(kParOff, kPar) || !acyclic(kChOff, kCh)) return Status::corrupt(cycle_denied(path_));
  }
  // String columns: offsets never decrease (so every view stays inside its
  // bytes), and each row's line lies inside the text sections.
  const int string_offsets[] = {kSeqidOff, kSourceOff, kTypeOff, kFIdOff, kDirOff, kProbOff, kMetaKOff, kMetaVOff};
  for (int o : string_offsets) {
    const auto off = d.col<std::int64_t>(o);
    if (!std::is_sorted(off.begin(), off.end())) {
      return Status::corrupt(path_ + ": corrupt database: string offsets in '" + std::string(kSectionNames[o]) +
                             "' go backwards");
    }
  }
  const std::uint64_t text_bytes = d.s[kTextMain].length + d.s[kTextExtra].length;
  const auto toff = d.col<std::uint64_t>(kRTextOff);
  const auto tlen = d.col<std::uint32_t>(kRTextLen);
  const auto astart = d.col<std::uint32_t>(kRAttrStart);
  for (std::size_t r = 0; r < n; ++r) {
    if (toff[r] > text_bytes || tlen[r] > text_bytes - toff[r] || astart[r] > tlen[r]) {
      return Status::corrupt(path_ + ": corrupt database: row " + std::to_string(r) + " points outside the text");
    }
  }
  return Status::ok();
}

namespace {
// Maps a whole section's pages in one call (every page is about to be read):
// cheaper than a fault per 4 KiB.  Best effort (Linux >= 5.14).
void populate(const std::byte* p, std::uint64_t n) {
#ifdef MADV_POPULATE_READ
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto b = reinterpret_cast<std::uintptr_t>(p) & ~(page - 1);
  const auto e = reinterpret_cast<std::uintptr_t>(p) + n;
  ::madvise(reinterpret_cast<void*>(b), e - b, MADV_POPULATE_READ);
#else
  (void)p, (void)n;
#endif
}
}  // namespace

namespace {
// The sections each kind of batched query reads (check_query_sections).
// Arrow export of rows: the nine columns and the feature IDs.
constexpr int kExportSections[] = {kRSeqid, kRSource, kRType,   kRStart,     kREnd,     kRScore, kRStrand,
                                   kRPhase, kRFlags,  kRFileOrder, kRFeature, kFIdOff, kFIdData};
constexpr int kIdLookupSections[] = {kIdSlots, kFIdOff, kFIdData};
// A walk reads the adjacency it follows and the other direction's offsets
// (a feature with one edge into it needs no visited check).
constexpr int kChildrenSections[] = {kFRowsOff, kFRows, kChOff, kCh, kParOff};
constexpr int kParentsSections[] = {kFRowsOff, kFRows, kParOff, kPar, kChOff};
constexpr int kRegionSections[] = {kRMaxEnd, kSeqidRows};

std::vector<int> sections_read(Database::Reads reads) {
  std::vector<int> out;
  auto add = [&out](std::span<const int> s) { out.insert(out.end(), s.begin(), s.end()); };
  switch (reads) {
    case Database::Reads::kIdLookup:
      add(kIdLookupSections);
      break;
    case Database::Reads::kChildren:
      add(kExportSections), add(kChildrenSections);
      break;
    case Database::Reads::kParents:
      add(kExportSections), add(kParentsSections);
      break;
    case Database::Reads::kRegions:
      add(kExportSections), add(kRegionSections);
      break;
    case Database::Reads::kAll:
      add(kExportSections), add(kIdLookupSections), add(kChildrenSections), add(kParentsSections),
          add(kRegionSections);
      break;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}
}  // namespace

void Database::check_query_sections(int threads, Reads reads) const {
  const Impl& d = *impl_;
  std::vector<std::pair<int, std::uint64_t>> blocks;  // (section, block) still unchecked
  for (int i : sections_read(reads)) {
    if (d.state[i].load(std::memory_order_acquire) == 1) continue;
    if (!d.s[i].block_crc) {
      d.require(i);  // format 1.0: one CRC per section
      continue;
    }
    for (std::uint64_t b = 0; b < store::block_count(d.s[i].length, d.block_bytes); ++b) blocks.emplace_back(i, b);
  }
  // ~130 MB on the mouse GTF for kAll: split over threads (each block is independent;
  // the last good block of a section marks the section good).  Each thread
  // first maps the pages of its share: mapping, not the CRC, was most of a
  // fresh process's check (~15 of ~21 ms for children on mouse) when one
  // thread mapped everything.
  const std::size_t n = blocks.size();
  const int t = static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(resolve_threads(threads), n / 256)));
  std::vector<std::exception_ptr> errors(t);
  auto populate_share = [&](std::size_t first, std::size_t last) {
    for (std::size_t j = first; j < last;) {
      const int i = blocks[j].first;
      std::size_t end = j;
      while (end < last && blocks[end].first == i) ++end;  // this section's run of blocks
      const std::uint64_t from = blocks[j].second * d.block_bytes;
      const std::uint64_t to = std::min<std::uint64_t>(d.s[i].length, (blocks[end - 1].second + 1) * d.block_bytes);
      populate(d.s[i].data + from, to - from);
      j = end;
    }
  };
  auto part = [&](int k) {
    try {
      const std::size_t first = n * k / t, last = n * (k + 1) / t;
      populate_share(first, last);
      for (std::size_t j = first; j < last; ++j) d.check_block(blocks[j].first, blocks[j].second);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int k = 1; k < t; ++k) internal::start_or_run(pool, [&part, k] { part(k); });
  part(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// ---------------------------------------------------------------------------
// sizes, dictionaries, rows

std::size_t Database::row_count() const { return impl_->n_rows; }
std::size_t Database::feature_count() const { return impl_->n_features; }
std::size_t Database::seqid_count() const { return impl_->str_count(kSeqidOff); }
std::size_t Database::type_count() const { return impl_->str_count(kTypeOff); }
std::size_t Database::source_count() const { return impl_->str_count(kSourceOff); }
std::string_view Database::seqid_name(std::uint32_t c) const { return impl_->str(kSeqidOff, kSeqidData, c); }
std::string_view Database::type_name(std::uint32_t c) const { return impl_->str(kTypeOff, kTypeData, c); }
std::string_view Database::source_name(std::uint32_t c) const { return impl_->str(kSourceOff, kSourceData, c); }

namespace {
std::optional<std::uint32_t> find_sorted(const Database::Impl& d, int off, int data, std::string_view name) {
  std::size_t lo = 0, hi = d.str_count(off);
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (d.str(off, data, mid) < name) lo = mid + 1;
    else hi = mid;
  }
  if (lo < d.str_count(off) && d.str(off, data, lo) == name) return static_cast<std::uint32_t>(lo);
  return std::nullopt;
}
}  // namespace

std::optional<std::uint32_t> Database::seqid_code(std::string_view name) const {
  return find_sorted(*impl_, kSeqidOff, kSeqidData, name);
}
std::optional<std::uint32_t> Database::type_code(std::string_view name) const {
  return find_sorted(*impl_, kTypeOff, kTypeData, name);
}
std::vector<std::uint32_t> Database::type_codes(const std::vector<std::string>& names) const {
  std::vector<std::uint32_t> out;
  for (const auto& n : names) {
    if (auto c = type_code(n)) out.push_back(*c);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RowView Database::row(RowId r) const {
  RowView v = row_columns(r);
  v.attributes = row_attributes(r);
  return v;
}

std::string_view Database::row_score_text(RowId r) const {
  if (impl_->at<std::uint8_t>(kRFlags, r) & kRowScoreDot) return ".";
  return row_column_text(r, 6);
}

RowView Database::row_columns(RowId r) const {
  const Impl& d = *impl_;
  RowView v;
  // Element reads: a query for a few rows checks only the blocks it reads.
  v.seqid = seqid_name(d.at<std::uint32_t>(kRSeqid, r));
  v.source = source_name(d.at<std::uint32_t>(kRSource, r));
  v.type = type_name(d.at<std::uint32_t>(kRType, r));
  v.id = feature_id(d.at<std::uint32_t>(kRFeature, r));
  v.start = d.at<std::int64_t>(kRStart, r);
  v.end = d.at<std::int64_t>(kREnd, r);
  v.score = d.at<double>(kRScore, r);
  v.strand = static_cast<Strand>(d.at<std::uint8_t>(kRStrand, r));
  v.phase = d.at<std::int8_t>(kRPhase, r);
  v.flags = d.at<std::uint8_t>(kRFlags, r);
  v.file_order = d.at<std::uint32_t>(kRFileOrder, r);
  v.line = d.at<std::uint64_t>(kRLine, r);
  return v;
}

void Database::row_codes(std::span<const RowId> rows, std::vector<RowCodes>& out) const {
  const Impl& d = *impl_;
  for (RowId r : rows) {
    if (r >= d.n_rows) throw Error(ErrorKind::kInvalidArgument, "row " + std::to_string(r) + " out of range");
  }
  // Checks first, then plain loads: per value, `at` costs an atomic load and
  // a branch per section (~10% of building Python features, perf).
  d.require_elements<std::uint32_t>(kRSeqid, rows);
  d.require_elements<std::uint32_t>(kRSource, rows);
  d.require_elements<std::uint32_t>(kRType, rows);
  d.require_elements<std::uint32_t>(kRFeature, rows);
  d.require_elements<std::int64_t>(kRStart, rows);
  d.require_elements<std::int64_t>(kREnd, rows);
  d.require_elements<double>(kRScore, rows);
  d.require_elements<std::uint8_t>(kRStrand, rows);
  d.require_elements<std::int8_t>(kRPhase, rows);
  d.require_elements<std::uint8_t>(kRFlags, rows);
  d.require_elements<std::uint32_t>(kRFileOrder, rows);
  auto col = [&d](int i, auto type_tag) {
    using T = decltype(type_tag);
    return reinterpret_cast<const T*>(d.s[i].data);
  };
  const auto* seqid = col(kRSeqid, std::uint32_t{});
  const auto* source = col(kRSource, std::uint32_t{});
  const auto* type = col(kRType, std::uint32_t{});
  const auto* feature = col(kRFeature, std::uint32_t{});
  const auto* start = col(kRStart, std::int64_t{});
  const auto* end = col(kREnd, std::int64_t{});
  const auto* score = col(kRScore, double{});
  const auto* strand = col(kRStrand, std::uint8_t{});
  const auto* phase = col(kRPhase, std::int8_t{});
  const auto* flags = col(kRFlags, std::uint8_t{});
  const auto* file_order = col(kRFileOrder, std::uint32_t{});
  out.reserve(out.size() + rows.size());
  for (RowId r : rows) {
    out.push_back({seqid[r], source[r], type[r], feature[r], start[r], end[r], score[r],
                   static_cast<Strand>(strand[r]), phase[r], flags[r], file_order[r]});
  }
}

std::string_view Database::row_id(RowId r) const { return feature_id(impl_->at<std::uint32_t>(kRFeature, r)); }
std::string_view Database::row_line(RowId r) const {
  const Impl& d = *impl_;
  const std::uint64_t off = d.at<std::uint64_t>(kRTextOff, r);
  const std::uint32_t len = d.at<std::uint32_t>(kRTextLen, r);
  const std::uint64_t main = d.s[kTextMain].length;
  // Bounds were checked by verify(); clamp anyway so a bad offset cannot read
  // outside the map before the checksum of these sections is known bad.
  if (off < main) {
    const std::uint64_t n = std::min<std::uint64_t>(len, main - off);
    d.require_bytes(kTextMain, off, n);
    return {reinterpret_cast<const char*>(d.s[kTextMain].data) + off, n};
  }
  const std::uint64_t x = off - main, extra = d.s[kTextExtra].length;
  if (x >= extra) return {};
  const std::uint64_t n = std::min<std::uint64_t>(len, extra - x);
  d.require_bytes(kTextExtra, x, n);
  return {reinterpret_cast<const char*>(d.s[kTextExtra].data) + x, n};
}

std::string_view Database::row_column_text(RowId r, int column) const {
  if (column < 1 || column > 9 || (impl_->at<std::uint8_t>(kRFlags, r) & kRowSynthetic)) return {};
  // A plain byte loop: the columns before 9 are a few bytes each, where a
  // memchr call per tab costs more than the scan (perf: 15% of building
  // Python rows).
  const std::string_view line = row_line(r);
  const char* p = line.data();
  const char* const end = p + line.size();
  for (int c = 1; c < column; ++c) {
    while (p < end && *p != '\t') ++p;
    if (p == end) return {};
    ++p;
  }
  if (column == 9) return {p, static_cast<std::size_t>(end - p)};
  const char* q = p;
  while (q < end && *q != '\t') ++q;
  return {p, static_cast<std::size_t>(q - p)};
}

std::string_view Database::row_attributes(RowId r) const {
  const std::string_view line = row_line(r);
  const std::uint32_t a = impl_->at<std::uint32_t>(kRAttrStart, r);
  return a <= line.size() ? line.substr(a) : std::string_view();
}
FeatureIndex Database::row_feature(RowId r) const { return impl_->at<std::uint32_t>(kRFeature, r); }
std::uint32_t Database::row_type_code(RowId r) const { return impl_->at<std::uint32_t>(kRType, r); }
std::uint32_t Database::row_seqid_code(RowId r) const { return impl_->at<std::uint32_t>(kRSeqid, r); }
std::uint32_t Database::row_source_code(RowId r) const { return impl_->at<std::uint32_t>(kRSource, r); }
std::span<const std::int64_t> Database::starts() const { return impl_->col<std::int64_t>(kRStart); }
std::span<const std::int64_t> Database::ends() const { return impl_->col<std::int64_t>(kREnd); }
std::span<const double> Database::scores() const { return impl_->col<double>(kRScore); }
std::span<const std::uint8_t> Database::strands() const { return impl_->col<std::uint8_t>(kRStrand); }
std::span<const std::int8_t> Database::phases() const { return impl_->col<std::int8_t>(kRPhase); }
std::span<const std::uint32_t> Database::seqid_codes() const { return impl_->col<std::uint32_t>(kRSeqid); }
std::span<const std::uint32_t> Database::type_codes_column() const { return impl_->col<std::uint32_t>(kRType); }
std::span<const std::uint32_t> Database::source_codes() const { return impl_->col<std::uint32_t>(kRSource); }
std::span<const std::uint32_t> Database::file_orders() const { return impl_->col<std::uint32_t>(kRFileOrder); }
std::span<const std::uint8_t> Database::flags() const { return impl_->col<std::uint8_t>(kRFlags); }
std::span<const std::uint32_t> Database::row_features() const { return impl_->col<std::uint32_t>(kRFeature); }
std::span<const std::int64_t> Database::feature_id_offsets() const { return impl_->col<std::int64_t>(kFIdOff); }
std::string_view Database::feature_id_bytes() const {
  impl_->require(kFIdData);
  return {reinterpret_cast<const char*>(impl_->s[kFIdData].data), impl_->s[kFIdData].length};
}

// ---------------------------------------------------------------------------
// features

std::optional<FeatureIndex> Database::find(std::string_view id) const {
  const auto slots = impl_->column<std::uint32_t>(kIdSlots);
  const std::size_t mask = impl_->s[kIdSlots].length / 4 - 1;
  std::size_t h = hash_bytes(id) & mask;
  for (std::size_t probes = 0; probes <= mask; ++probes, h = (h + 1) & mask) {
    const std::uint32_t f = slots[h];
    if (f == kNone) return std::nullopt;
    if (f < impl_->n_features && feature_id(f) == id) return f;
  }
  return std::nullopt;
}

std::string_view Database::feature_id(FeatureIndex f) const { return impl_->str(kFIdOff, kFIdData, f); }

void Database::find_many(std::span<const std::string_view> ids, std::span<FeatureIndex> out, int threads) const {
  if (out.size() != ids.size()) throw Error(ErrorKind::kInvalidArgument, "find_many: ids and out differ in length");
  if (ids.size() < 1024) {
    for (std::size_t i = 0; i < ids.size(); ++i) out[i] = find(ids[i]).value_or(kNone);
    return;
  }
  check_query_sections(threads, Reads::kIdLookup);
  const Impl& d = *impl_;
  const auto* slots = reinterpret_cast<const std::uint32_t*>(d.s[kIdSlots].data);
  const auto* id_off = reinterpret_cast<const std::int64_t*>(d.s[kFIdOff].data);
  const char* id_bytes = reinterpret_cast<const char*>(d.s[kFIdData].data);
  const std::size_t mask = d.s[kIdSlots].length / 4 - 1;
  const auto n_bytes = static_cast<std::int64_t>(d.s[kFIdData].length);
  const std::size_t n_features = d.n_features;
  auto id_of = [&](std::uint32_t f) { return clamped_string(id_bytes, n_bytes, id_off[f], id_off[f + 1]); };
  // In groups: hash all and prefetch their slots, then prefetch the first
  // candidates' ID offsets, then their bytes, then compare.  Each stage's
  // misses overlap instead of queuing behind one lookup's chain.
  constexpr std::size_t kGroup = 16;
  auto lookup = [&](std::size_t b, std::size_t e) {
    std::size_t h[kGroup];
    std::uint32_t first[kGroup];
    for (std::size_t g = b; g < e; g += kGroup) {
      const std::size_t m = std::min(kGroup, e - g);
      for (std::size_t j = 0; j < m; ++j) {
        h[j] = hash_bytes(ids[g + j]) & mask;
        __builtin_prefetch(slots + h[j]);
      }
      for (std::size_t j = 0; j < m; ++j) {
        first[j] = slots[h[j]];
        if (first[j] < n_features) __builtin_prefetch(id_off + first[j]);
      }
      for (std::size_t j = 0; j < m; ++j) {
        if (first[j] < n_features) __builtin_prefetch(id_bytes + std::clamp<std::int64_t>(id_off[first[j]], 0, n_bytes));
      }
      for (std::size_t j = 0; j < m; ++j) {
        // The usual probe sequence from the first slot (mostly one probe).
        FeatureIndex found = kNone;
        std::size_t k = h[j];
        for (std::size_t probes = 0; probes <= mask; ++probes, k = (k + 1) & mask) {
          const std::uint32_t f = probes == 0 ? first[j] : slots[k];
          if (f == kNone) break;
          if (f < n_features && id_of(f) == ids[g + j]) {
            found = f;
            break;
          }
        }
        out[g + j] = found;
      }
    }
  };
  // The sections are checked, so the lookups read plain memory and cannot throw.
  const int t = std::max(1, std::min<int>(resolve_threads(threads), static_cast<int>(ids.size() / 8192)));
  std::vector<std::thread> pool;
  for (int k = 1; k < t; ++k) {
    internal::start_or_run(pool, [&, k] { lookup(ids.size() * k / t, ids.size() * (k + 1) / t); });
  }
  lookup(0, ids.size() / t);
  for (auto& th : pool) th.join();
}

std::span<const std::uint32_t> Database::feature_rows(FeatureIndex f) const {
  const Impl& d = *impl_;
  return d.range<std::uint32_t>(kFRows, d.at<std::uint32_t>(kFRowsOff, f), d.at<std::uint32_t>(kFRowsOff, f + 1));
}
RowId Database::primary_row(FeatureIndex f) const {
  auto r = feature_rows(f);
  return r.empty() ? kNone : r[0];
}
std::span<const std::uint32_t> Database::parents_of(FeatureIndex f) const {
  const Impl& d = *impl_;
  return d.range<std::uint32_t>(kPar, d.at<std::uint32_t>(kParOff, f), d.at<std::uint32_t>(kParOff, f + 1));
}
std::span<const std::uint32_t> Database::children_of(FeatureIndex f) const {
  const Impl& d = *impl_;
  return d.range<std::uint32_t>(kCh, d.at<std::uint32_t>(kChOff, f), d.at<std::uint32_t>(kChOff, f + 1));
}

// ---------------------------------------------------------------------------
// hierarchy

namespace {
bool type_ok(const std::vector<std::uint32_t>& codes, bool filter, std::uint32_t code) {
  if (!filter) return true;
  return std::binary_search(codes.begin(), codes.end(), code);
}
}  // namespace

void Database::walk_into(FeatureIndex start, const HierarchyQuery& q, bool down, WalkScratch& w,
                         std::vector<RelatedRow>& out) const {
  const Impl& d = *impl_;
  // A feature's rows minus those repeating an earlier row's seqid, start and
  // end (in input order), into `keep`.  Linear for the usual few rows;
  // sorted for a feature of many (a file giving every exon ID=exon would
  // otherwise cost rows^2 per walk).
  std::vector<std::pair<std::array<std::int64_t, 3>, std::uint32_t>> keyed;
  auto distinct_rows = [&d, &keyed](const auto& rows, std::uint32_t first, std::uint32_t last,
                                    std::vector<std::uint32_t>& keep) {
    const auto st = d.column<std::int64_t>(kRStart), en = d.column<std::int64_t>(kREnd);
    const auto sq = d.column<std::uint32_t>(kRSeqid);
    keep.clear();
    if (last - first <= 16) {
      for (std::uint32_t j = first; j < last; ++j) {
        const std::uint32_t r = rows[j];
        bool repeat = false;
        for (std::uint32_t k = first; k < j && !repeat; ++k) {
          const std::uint32_t e = rows[k];
          repeat = st[e] == st[r] && en[e] == en[r] && sq[e] == sq[r];
        }
        if (!repeat) keep.push_back(r);
      }
      return;
    }
    keyed.clear();
    for (std::uint32_t j = first; j < last; ++j) {
      const std::uint32_t r = rows[j];
      keyed.push_back({{static_cast<std::int64_t>(sq[r]), st[r], en[r]}, j});
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::uint32_t> firsts;
    for (std::size_t k = 0; k < keyed.size(); ++k) {
      if (k == 0 || keyed[k].first != keyed[k - 1].first) firsts.push_back(keyed[k].second);
    }
    std::sort(firsts.begin(), firsts.end());
    for (std::uint32_t j : firsts) keep.push_back(rows[j]);
  };
  std::vector<std::uint32_t> keep;
  // Columns fetched once; a walk from a freshly opened database checks only
  // the blocks it reads (hierarchy_batched checks whole sections up front).
  const auto off = d.column<std::uint32_t>(down ? kChOff : kParOff);
  const auto adj = d.column<std::uint32_t>(down ? kCh : kPar);
  const auto rows_off = d.column<std::uint32_t>(kFRowsOff);
  const auto rows = d.column<std::uint32_t>(kFRows);
  const auto types = d.column<std::uint32_t>(kRType);
  const std::size_t first_out = out.size();
  // Breadth-first; each feature is visited once (DAGs, cycles).  Small walks
  // remember visited features in a short list; large ones switch to a mark
  // array over all features, cleared afterwards.
  w.frontier.assign(1, start);
  w.seen.assign(1, start);
  bool marks = false;
  // The mark array is left all-zero however the walk ends (a block failing
  // its checksum throws mid-walk): scratch is reused across walks.
  struct ClearMarks {
    WalkScratch& w;
    const bool& marks;
    ~ClearMarks() {
      if (marks) {
        for (auto x : w.seen) w.seen_mark[x] = 0;
      }
    }
  } clear_marks{w, marks};
  auto insert = [&](std::uint32_t f) {
    w.seen.push_back(f);
    if (marks) {
      w.seen_mark[f] = 1;
    } else if (w.seen.size() > 64) {
      w.seen_mark.resize(d.n_features, 0);
      for (auto x : w.seen) w.seen_mark[x] = 1;
      marks = true;
    }
  };
  auto mark = [&](std::uint32_t f) {  // false when already visited
    if (marks ? w.seen_mark[f] != 0 : std::find(w.seen.begin(), w.seen.end(), f) != w.seen.end()) return false;
    insert(f);
    return true;
  };
  // Which visits need the visited check: the direct neighbours of `start`
  // are distinct (edges are deduplicated), so they only need comparing with
  // `start` (a self-parent); deeper, in an acyclic hierarchy, a feature with
  // a single edge into it can only be reached once.
  const auto in_off = d.column<std::uint32_t>(down ? kParOff : kChOff);
  const bool acyclic = d.acyclic;
  const std::uint32_t max_depth = q.level.value_or(0xFFFFFFFFu);
  // Each feature is visited at most once when the hierarchy is acyclic, as
  // the metadata says; more visits mean a crafted file lied, and the walk
  // would never end.
  std::size_t visits = 0;
  for (std::uint32_t depth = 1; !w.frontier.empty() && depth <= max_depth; ++depth) {
    w.next.clear();
    for (std::uint32_t f : w.frontier) {
      for (std::uint32_t k = off[f]; k < off[f + 1]; ++k) {
        const std::uint32_t g = adj[k];
        if (depth == 1) {
          if (g == start) continue;
          insert(g);
        } else if (!(acyclic && in_off[g + 1] - in_off[g] == 1) && !mark(g)) {
          continue;
        }
        w.next.push_back(g);
        if (++visits > d.n_features) throw Error(ErrorKind::kCorrupt, cycle_denied(d.path));
        if (q.level && *q.level != depth) continue;
        // Children: every line of each (a split CDS is all its lines, as
        // gffutils' create_unique makes them CDS, CDS_1, ...).  Parents: a
        // feature once, as its first line — the line a Parent names in
        // gffutils (TransDecoder repeats a gene's line for each of its ORFs).
        const std::uint32_t row_end = down ? rows_off[g + 1] : std::min(rows_off[g + 1], rows_off[g] + 1);
        if (row_end - rows_off[g] == 1) {
          const std::uint32_t r = rows[rows_off[g]];
          if (type_ok(q.type_codes, q.type_filter, types[r])) out.push_back({r, depth});
          continue;
        }
        // A line repeated with the same coordinates is one child: a GFF3
        // that writes an exon shared by two isoforms once per isoform
        // (ID=e1;Parent=t1, then ID=e1;Parent=t2) has it once in each.
        distinct_rows(rows, rows_off[g], row_end, keep);
        for (const std::uint32_t r : keep) {
          if (type_ok(q.type_codes, q.type_filter, types[r])) out.push_back({r, depth});
        }
      }
    }
    std::swap(w.frontier, w.next);
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first_out), out.end(),
            [](const RelatedRow& a, const RelatedRow& b) { return a.row < b.row; });
}

namespace {
// Single walks reuse one scratch per thread: their vectors' allocations cost
// more than a small walk itself.  walk_into leaves the mark array cleared and
// grows it to the database at hand, so one scratch serves any database.
WalkScratch& thread_scratch() {
  thread_local WalkScratch scratch;
  return scratch;
}
}  // namespace

std::vector<RelatedRow> Database::children(FeatureIndex f, const HierarchyQuery& q) const {
  std::vector<RelatedRow> out;
  walk_into(f, q, true, thread_scratch(), out);
  return out;
}
std::vector<RelatedRow> Database::parents(FeatureIndex f, const HierarchyQuery& q) const {
  std::vector<RelatedRow> out;
  walk_into(f, q, false, thread_scratch(), out);
  return out;
}

// ---------------------------------------------------------------------------
// regions

std::pair<RowId, RowId> Database::seqid_rows(std::uint32_t s) const {
  return {impl_->at<std::uint32_t>(kSeqidRows, s), impl_->at<std::uint32_t>(kSeqidRows, s + 1)};
}

void Database::region_into(std::uint32_t seqid, Coord qs, Coord qe, const RegionQuery& f,
                           std::vector<RowId>& out) const {
  const std::pair<RowId, RowId> range = seqid_rows(seqid);
  const RowId b = range.first, e = range.second;
  // Only this seqid's part of the interval index is checked, and the other
  // columns block by block as hits are read.
  const Impl& d = *impl_;
  const auto starts = d.range<std::int64_t>(kRStart, b, e);
  const auto ends = d.range<std::int64_t>(kREnd, b, e);
  const auto maxe = d.range<std::int64_t>(kRMaxEnd, b, e);
  const auto strands = d.column<std::uint8_t>(kRStrand);
  const auto types = d.column<std::uint32_t>(kRType);
  const auto flags = d.column<std::uint8_t>(kRFlags);
  query_interval_overlaps(starts, ends, maxe, qs, qe, [&](std::size_t i) {
    const RowId r = static_cast<RowId>(b + i);
    if (flags[r] & kRowNoCoords) return;
    if (f.completely_within && (starts[i] < qs || ends[i] > qe)) return;
    if (f.strand && strands[r] != static_cast<std::uint8_t>(f.strand)) return;
    if (f.type_filter && !std::binary_search(f.type_codes.begin(), f.type_codes.end(), types[r])) return;
    out.push_back(r);
  });
}

Result<std::vector<RowId>> Database::region(const RegionQuery& q) const {
  std::vector<RowId> out;
  Coord qs = q.start, qe = q.end;
  if (qe < qs) {
    if (q.end != 0) {
      return Status::invalid_argument("region " + std::string(q.seqid) + ":" + std::to_string(q.start) + "-" +
                                      std::to_string(q.end) + ": start is after end");
    }
    qe = INT64_MAX;
  }
  auto s = seqid_code(q.seqid);
  if (!s) return out;
  region_into(*s, qs, qe, q, out);
  return out;
}

Status parse_region(std::string_view text, RegionQuery& out) {
  auto fail = [&](const std::string& why) {
    return Status::invalid_argument("region \"" + std::string(text) + "\": " + why +
                                    " (expected seqid:start-end[:strand], e.g. chr1:1000-2000:+)");
  };
  std::string_view rest = text;
  // Optional trailing :strand.
  out.strand = 0;
  if (rest.size() >= 2 && rest[rest.size() - 2] == ':' &&
      (rest.back() == '+' || rest.back() == '-' || rest.back() == '.' || rest.back() == '?')) {
    out.strand = rest.back();  // ':.' = unstranded features only, as in gffutils
    rest.remove_suffix(2);
  }
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    if (rest.empty()) return fail("empty seqid");
    out.seqid = rest;
    out.start = 1;
    out.end = 0;
    return Status::ok();
  }
  out.seqid = rest.substr(0, colon);
  if (out.seqid.empty()) return fail("empty seqid");
  std::string_view range = rest.substr(colon + 1);
  auto number = [](std::string_view s, Coord& v) {
    if (s.empty()) return false;
    v = 0;
    for (char c : s) {
      if (c == ',' || c == '_') continue;
      if (c < '0' || c > '9') return false;
      const int d = c - '0';
      if (v > (INT64_MAX - d) / 10) return false;  // up to 2^63 - 1 exactly
      v = v * 10 + d;
    }
    return true;
  };
  // "chr1:1-10:x": the last field is neither a range nor a strand.
  if (!range.empty() && (range[0] < '0' || range[0] > '9') && out.seqid.find(':') != std::string_view::npos) {
    return fail("strand \"" + std::string(range) + "\" is not one of + - . ?");
  }
  const std::size_t dash = range.find('-');
  if (dash == std::string_view::npos) {
    if (!number(range, out.start)) return fail("start is not a number");
    out.end = 0;
    return Status::ok();
  }
  if (!number(range.substr(0, dash), out.start)) return fail("start is not a number");
  if (!number(range.substr(dash + 1), out.end)) return fail("end is not a number");
  if (out.end < out.start) return fail("start is after end");
  return Status::ok();
}

Status parse_region(std::string_view text, const Database& db, RegionQuery& out) {
  // A seqid that itself holds ':' ("HLA-A*01:01", "chrUn:KI270") is taken
  // whole when the database has it, alone or with a :strand, as htslib does.
  auto whole = [&](std::string_view seqid, Strand strand) {
    out.seqid = seqid;
    out.start = 1;
    out.end = 0;
    out.strand = strand;
    return Status::ok();
  };
  if (text.find(':') != std::string_view::npos) {
    if (db.seqid_code(text)) return whole(text, 0);
    const char last = text.empty() ? 0 : text.back();
    if (text.size() >= 3 && text[text.size() - 2] == ':' &&
        (last == '+' || last == '-' || last == '.' || last == '?') && db.seqid_code(text.substr(0, text.size() - 2))) {
      return whole(text.substr(0, text.size() - 2), last);
    }
  }
  return parse_region(text, out);
}

// ---------------------------------------------------------------------------
// types, order, attributes

std::span<const std::uint32_t> Database::rows_of_type(std::uint32_t t) const {
  auto off = impl_->col<std::uint32_t>(kTypeRowsOff);
  return impl_->col<std::uint32_t>(kTypeRows).subspan(off[t], off[t + 1] - off[t]);
}
std::span<const std::uint32_t> Database::rows_in_file_order() const {
  return impl_->col<std::uint32_t>(kFileOrderRows);
}

std::vector<RowId> Database::rows_with_attribute(std::string_view key, std::string_view value) const {
  const std::uint64_t h = attribute_entry(key, value, 0);
  auto entries = impl_->col<std::uint64_t>(kAttrEntries);
  auto lo = std::lower_bound(entries.begin(), entries.end(), h);
  std::vector<RowId> out;
  const bool gff3 = gff3_attributes();
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  for (auto it = lo; it != entries.end() && (*it >> 32) == (h >> 32); ++it) {
    const RowId r = static_cast<RowId>(*it & 0xFFFFFFFFu);
    // Verify: a hash match is only a candidate.
    items.clear();
    scratch.clear();
    parse_attributes(row_attributes(r), gff3, items, scratch);
    for (const auto& a : items) {
      if (a.has_value && a.key == key && a.value == value) {
        out.push_back(r);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<RowId> Database::rows_with_key(std::string_view key) const {
  std::vector<RowId> out;
  const bool gff3 = gff3_attributes();
  std::vector<AttributeItem> items;
  std::deque<std::string> scratch;
  for (RowId r = 0; r < row_count(); ++r) {
    const std::string_view a = row_attributes(r);
    if (a.find(key) == std::string_view::npos) continue;  // cheap pre-filter
    items.clear();
    scratch.clear();
    parse_attributes(a, gff3, items, scratch);
    for (const auto& it : items) {
      if (it.key == key) {
        out.push_back(r);
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// side tables

std::vector<std::pair<std::string, std::string>> Database::meta() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < impl_->str_count(kMetaKOff); ++i) {
    out.emplace_back(impl_->str(kMetaKOff, kMetaKData, i), impl_->str(kMetaVOff, kMetaVData, i));
  }
  return out;
}
bool Database::gff3_attributes() const { return impl_->gff3_attributes; }
std::string Database::meta_value(std::string_view key) const {
  for (std::size_t i = 0; i < impl_->str_count(kMetaKOff); ++i) {
    if (impl_->str(kMetaKOff, kMetaKData, i) == key) return std::string(impl_->str(kMetaVOff, kMetaVData, i));
  }
  return {};
}
std::vector<std::string_view> Database::directives() const {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < impl_->str_count(kDirOff); ++i) out.push_back(impl_->str(kDirOff, kDirData, i));
  return out;
}
std::vector<std::uint64_t> Database::directive_lines() const {
  const auto lines = impl_->col<std::uint64_t>(kDirLines);
  std::vector<std::uint64_t> out(lines.begin(), lines.end());
  out.resize(impl_->str_count(kDirOff), 0);  // a damaged file: never fewer lines than directives
  return out;
}
std::vector<Database::StoredProblem> Database::problems() const {
  std::vector<StoredProblem> out;
  auto lines = impl_->col<std::uint64_t>(kProbLines);
  auto sev = impl_->col<std::uint8_t>(kProbSev);
  for (std::size_t i = 0; i < impl_->str_count(kProbOff) && i < lines.size() && i < sev.size(); ++i) {
    out.push_back({lines[i], sev[i] == 1, impl_->str(kProbOff, kProbData, i)});
  }
  return out;
}
std::string_view Database::fasta() const {
  impl_->require(kFasta);
  return std::string_view(reinterpret_cast<const char*>(impl_->s[kFasta].data), impl_->s[kFasta].length);
}

}  // namespace gffbase
