// gffbase — the .gffdb file format, version 1.
//
// Layout (all integers little-endian):
//
//   offset 0   FileHeader (64 bytes)
//   offset 64  SectionEntry[section_count] (64 bytes each)
//   ...        sections, each starting on a 64-byte boundary
//
// A section is one array in an Arrow layout (fixed-width values, or the
// int64 offsets / bytes halves of a string column).  Its entry records the
// name, byte offset, byte length, element size and CRC-32 of the bytes.
//
// Integrity: the header carries a CRC-32 of itself and of the section table;
// `Database::open` checks magic, version, file size, both CRCs and that every
// section lies inside the file, is aligned and has a whole number of
// elements.  Since 1.1, the section `checksums.blocks` holds one CRC-32 per
// block of every other section; a query checks the blocks it reads (lazily,
// so opening stays O(1) in the file size) and `verify()` checks them all.
//
// Block size: 64 KiB in 1.1.  Since 1.2 it is recorded in the `param` field
// of the `checksums.blocks` entry.  The writer uses kBlockBytes = 1 KiB (more
// for texts over 512 MB: writer_block_bytes keeps the block table ~2 MB): a
// single-row read from ~20 column sections then checksums ~20 KiB, not
// ~1.3 MB as with 64 KiB blocks.  Measured on mouse in a fresh process:
// 5,000 region queries ~65 ms (64 KiB) -> ~48 ms (4 KiB); 500 children()
// calls 16-17 ms (4 KiB) -> 12-13 ms (1 KiB), with whole-section checks no
// slower (libdeflate: 12.5 GB/s on 1 KiB blocks, 13.4 GB/s on 4 KiB).
//
// Compatibility: readers refuse a major version they do not know; a new minor
// version may add sections, which older readers ignore.
#pragma once

#include <cstdint>

namespace gffbase::store {

inline constexpr char kMagic[8] = {'\x89', 'G', 'F', 'F', 'D', 'B', '\r', '\n'};
inline constexpr std::uint32_t kVersionMajor = 1;
inline constexpr std::uint32_t kVersionMinor = 2;
inline constexpr std::uint64_t kAlignment = 64;
inline constexpr std::uint32_t kMaxSections = 4096;
/// The writer's smallest block size (format >= 1.2 records it per file).
inline constexpr std::uint64_t kBlockBytes = 1 << 10;
/// At most this many blocks of text: the block table, checked whole at open,
/// then stays ~2 MB whatever the file's size (open is O(sections), not O(bytes)).
inline constexpr std::uint64_t kMaxTextBlocks = 1 << 19;
/// Block size of format 1.1 files, which do not record it.
inline constexpr std::uint64_t kBlockBytesV1_1 = 64 << 10;
/// Block sizes a reader accepts: powers of two in this range.
inline constexpr std::uint64_t kMinBlockBytes = 512, kMaxBlockBytes = 1 << 20;

/// The block size the writer uses for a file whose text section has
/// `text_bytes`: kBlockBytes, doubled while the text would have more than
/// kMaxTextBlocks blocks (mouse GTF, 231 MB of text: 1 KiB; GENCODE-scale,
/// 1.15 GB: 4 KiB).
constexpr std::uint64_t writer_block_bytes(std::uint64_t text_bytes) {
  std::uint64_t b = kBlockBytes;
  while (b < kMaxBlockBytes && text_bytes / b > kMaxTextBlocks) b *= 2;
  return b;
}

/// Number of `block_bytes` blocks covering `bytes`.
constexpr std::uint64_t block_count(std::uint64_t bytes, std::uint64_t block_bytes = kBlockBytes) {
  return (bytes + block_bytes - 1) / block_bytes;
}

struct FileHeader {
  char magic[8];
  std::uint32_t version_major;
  std::uint32_t version_minor;
  std::uint64_t file_size;
  std::uint32_t section_count;
  std::uint32_t section_table_crc;
  std::uint64_t section_table_offset;
  std::uint8_t reserved[20];
  std::uint32_t header_crc;  ///< CRC-32 of bytes [0, 60)
};
static_assert(sizeof(FileHeader) == 64);

struct SectionEntry {
  char name[32];             ///< NUL-padded
  std::uint64_t offset;
  std::uint64_t length;      ///< bytes
  std::uint32_t crc32;
  std::uint32_t element_size;
  std::uint64_t param;       ///< checksums.blocks: bytes per block (format >= 1.2); else 0
};
static_assert(sizeof(SectionEntry) == 64);

}  // namespace gffbase::store
