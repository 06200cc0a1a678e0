// Test-only: recomputes every checksum of a .gffdb image after a deliberate
// edit — section CRCs, the block checksums (checksums.blocks), the section
// table and header CRCs — so the edit gets past the checksums and reaches the
// structural checks.  It stands for a file written by a faulty writer, the
// case Database::verify()'s index checks exist for.  Used by the C++ tests
// and the gffdb_open fuzz target; sections whose bounds are not sane are
// left alone.
#pragma once

#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/store/format.hpp"
#include "gffbase/store/sections.hpp"

namespace gffbase::testing {

inline void recompute_gffdb_checksums(std::string& b) {
  using store::FileHeader;
  using store::SectionEntry;
  if (b.size() < sizeof(FileHeader)) return;
  FileHeader h;
  std::memcpy(&h, b.data(), sizeof h);
  const std::uint64_t count = h.section_count;
  auto crc = [](const void* p, std::uint64_t n) { return static_cast<std::uint32_t>(libdeflate_crc32(0, p, n)); };
  if (count > 0 && count <= store::kMaxSections && sizeof h + count * sizeof(SectionEntry) <= b.size()) {
    std::vector<SectionEntry> entries(count);
    std::memcpy(entries.data(), b.data() + sizeof h, count * sizeof(SectionEntry));
    auto sane = [&](const SectionEntry& e) { return e.offset <= b.size() && e.length <= b.size() - e.offset; };
    // The block size the reader will use: recorded since 1.2, fixed before.
    std::uint64_t block_bytes = h.version_minor >= 2 ? store::kBlockBytes : store::kBlockBytesV1_1;
    for (const SectionEntry& e : entries) {
      const bool valid = e.param >= store::kMinBlockBytes && e.param <= store::kMaxBlockBytes &&
                         (e.param & (e.param - 1)) == 0;
      if (h.version_minor >= 2 && std::string_view(e.name, strnlen(e.name, sizeof e.name)) ==
                                      store::section::kBlockChecksums && valid) {
        block_bytes = e.param;
      }
    }
    std::vector<std::uint32_t> blocks;
    std::uint64_t checksum_section = count;
    for (std::uint64_t i = 0; i < count; ++i) {
      SectionEntry& e = entries[i];
      const std::string_view name(e.name, strnlen(e.name, sizeof e.name));
      if (name == store::section::kBlockChecksums) {
        checksum_section = i;
        continue;
      }
      if (!sane(e)) continue;  // open() refuses the file before it looks at blocks
      for (std::uint64_t at = 0; at < e.length; at += block_bytes) {
        blocks.push_back(crc(b.data() + e.offset + at, std::min<std::uint64_t>(block_bytes, e.length - at)));
      }
      e.crc32 = crc(b.data() + e.offset, e.length);
    }
    if (checksum_section < count) {
      SectionEntry& e = entries[checksum_section];
      if (sane(e) && !blocks.empty()) {
        std::memcpy(b.data() + e.offset, blocks.data(), std::min<std::uint64_t>(e.length, blocks.size() * 4));
        e.crc32 = crc(b.data() + e.offset, e.length);
      }
    }
    std::memcpy(b.data() + sizeof h, entries.data(), count * sizeof(SectionEntry));
    h.section_table_crc = crc(b.data() + sizeof h, count * sizeof(SectionEntry));
  }
  h.file_size = b.size();
  h.header_crc = crc(&h, offsetof(FileHeader, header_crc));
  std::memcpy(b.data(), &h, sizeof h);
}

}  // namespace gffbase::testing
