// gffbase — reading annotation bytes from a path, gzip, BGZF or stdin.
//
// Contract
// --------
// `read_input` returns the whole *decompressed* text of one input in memory,
// plus provenance (name, on-disk size, CRC-32 of the on-disk bytes, the
// compression found).  Compression is detected from the bytes, never from the
// file name:
//   * plain text                     -> read with large reads
//   * BGZF (gzip + 'BC' extra field) -> blocks inflated in parallel (libdeflate)
//   * gzip, one or many members      -> libdeflate, member by member
// The path "-" means standard input (also auto-detected for gzip).
//
// Errors: a missing or unreadable file is ErrorKind::kIo; truncated or
// corrupt gzip/BGZF data is ErrorKind::kInvalidInput with the byte offset of
// the damaged member/block.  Nothing is printed.
//
// Memory: the decompressed text is held once; the caller parses it in place.
// Complexity: O(input); BGZF inflation uses up to `threads` threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/io/text_buffer.hpp"
#include "gffbase/status.hpp"

namespace gffbase {

enum class Compression : std::uint8_t { kNone, kGzip, kBgzf };
std::string_view compression_name(Compression c);

struct InputText {
  std::string name;             ///< the path as given ("-" for stdin)
  TextBuffer text;              ///< decompressed bytes (mapped for plain files)
  std::uint64_t disk_bytes = 0; ///< size of the bytes read from disk/stdin
  std::uint32_t disk_crc32 = 0; ///< CRC-32 of those bytes
  Compression compression = Compression::kNone;
  std::vector<std::string> warnings;  ///< e.g. a BGZF file without its EOF block
};

/// Where decompressed text goes: returns a buffer of `n` bytes of capacity
/// (e.g. TextBuffer::map_file_region of the file being written), or an empty
/// buffer to use the heap.  The buffer may be grown (TextBuffer::grow).
using TextAllocator = std::function<TextBuffer(std::size_t n)>;

/// Reads and decompresses `path` ("-" = stdin).  `threads` <= 0 means all
/// cores.  Compressed input is inflated into `allocate`'s buffer when given.
Result<InputText> read_input(const std::string& path, int threads = 0, const TextAllocator& allocate = {});

/// Decompresses an in-memory buffer (what read_input does after reading).
/// `name` is used in error messages only.
Result<InputText> decode_input(std::string name, TextBuffer raw, int threads = 0,
                               const TextAllocator& allocate = {});

/// Number of worker threads to use for `requested` (<= 0: hardware threads).
int resolve_threads(int requested);

}  // namespace gffbase
