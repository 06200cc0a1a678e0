#include "gffbase/io/input.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gffbase/store/format.hpp"
#include "gzip_diagnosis.hpp"
#include "../common/start_thread.hpp"

namespace gffbase {
namespace {

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
using Decompressor = std::unique_ptr<libdeflate_decompressor, DecompressorDeleter>;

Decompressor make_decompressor() { return Decompressor(libdeflate_alloc_decompressor()); }

std::uint32_t le32(const unsigned char* p) {
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
         (std::uint32_t(p[3]) << 24);
}

bool is_gzip(std::string_view raw) {
  return raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0x1f &&
         static_cast<unsigned char>(raw[1]) == 0x8b;
}

// Names a compression we recognise but do not decode, or nullptr.
const char* unsupported_compression(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  if (starts(std::string_view("\x28\xb5\x2f\xfd", 4))) return "zstd";
  if (starts("BZh")) return "bzip2";
  if (starts(std::string_view("\xfd" "7zXZ\x00", 6))) return "xz";
  if (starts(std::string_view("PK\x03\x04", 4))) return "zip";
  return nullptr;
}

// UTF-16 text (Windows' "Unicode" save): a byte-order mark, or every other
// byte of the first line NUL.  Read as UTF-8 it gave two errors a line.
bool is_utf16(std::string_view b) {
  if (b.size() >= 2 && ((b[0] == '\xFF' && b[1] == '\xFE') || (b[0] == '\xFE' && b[1] == '\xFF'))) return true;
  const std::size_t n = std::min<std::size_t>(b.size() & ~std::size_t(1), 64);
  if (n < 8) return false;
  std::size_t even = 0, odd = 0;
  for (std::size_t i = 0; i < n; i += 2) {
    even += b[i] == '\0';
    odd += b[i + 1] == '\0';
  }
  return (even == n / 2 && odd == 0) || (odd == n / 2 && even == 0);  // not all NUL: /dev/zero is binary
}

constexpr const char* kUtf16Message =
    "the input is UTF-16 text; gffbase reads UTF-8 (hint: convert it first, e.g. iconv -f UTF-16 -t UTF-8 FILE > "
    "FILE.utf8.gff3)";

// Returns the BGZF block size (BSIZE+1) of the member starting at `p`, or 0
// when the member is a plain gzip member without the BGZF 'BC' subfield.
std::size_t bgzf_block_size(const unsigned char* p, std::size_t avail) {
  if (avail < 18 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || !(p[3] & 4)) return 0;
  const std::size_t xlen = std::size_t(p[10]) | (std::size_t(p[11]) << 8);
  if (12 + xlen > avail) return 0;
  std::size_t off = 12;
  while (off + 4 <= 12 + xlen) {
    const std::size_t slen = std::size_t(p[off + 2]) | (std::size_t(p[off + 3]) << 8);
    if (p[off] == 'B' && p[off + 1] == 'C' && slen == 2 && off + 6 <= 12 + xlen) {
      return (std::size_t(p[off + 4]) | (std::size_t(p[off + 5]) << 8)) + 1;
    }
    off += 4 + slen;
  }
  return 0;
}

std::string offset_note(const std::string& name, std::size_t offset) {
  return name + ": compressed data are corrupt at byte " + std::to_string(offset);
}

// Maps the pages of [p, p + n) for writing on another thread, front to back,
// while the caller fills them: inflating a plain gzip stream is serial, and
// its first touch of each fresh output page (a fault and a zero fill, ~0.4-1.8
// ms per MB on this VM: ~1 s of a 1.2 GB GENCODE-scale text) then happens on
// the idle core instead.  MADV_POPULATE_WRITE never changes a page's bytes,
// so racing the writer is harmless.  stop() must be called before the
// buffer is freed or moved.
class PrefaultAhead {
 public:
  PrefaultAhead(char* p, std::size_t n, bool enabled) {
#ifdef MADV_POPULATE_WRITE
    if (!enabled || n < (64u << 20)) return;
    thread_ = std::thread([this, p, n] {
      const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
      const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(p) + page - 1) & ~(page - 1);
      const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(p) + n) & ~(page - 1);
      constexpr std::uintptr_t kStep = 8u << 20;
      for (std::uintptr_t at = begin; at < end && !stop_.load(std::memory_order_relaxed); at += kStep) {
        if (::madvise(reinterpret_cast<void*>(at), std::min(kStep, end - at), MADV_POPULATE_WRITE) != 0) break;
      }
    });
#else
    (void)p, (void)n, (void)enabled;
#endif
  }
  ~PrefaultAhead() { stop(); }
  void stop() {
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A buffer of capacity n for inflated text: the caller's, else the heap.
TextBuffer output_buffer(const TextAllocator& allocate, std::size_t n) {
  if (allocate && n > 0) {
    TextBuffer b = allocate(n);
    if (b.capacity() >= n) return b;
  }
  return TextBuffer::allocate(n);
}

// Plain gzip, any number of members.  Each member is inflated with the output
// buffer sized from a guess and doubled on demand: libdeflate needs the whole
// output space up front, and ISIZE is only a hint (mod 2^32, per member).
Status inflate_gzip(const std::string& name, std::string_view raw, TextBuffer& out, int threads,
                    const TextAllocator& allocate) {
  Decompressor d = make_decompressor();
  if (!d) return Status::io("out of memory allocating a decompressor");
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  std::size_t in_pos = 0;
  std::size_t out_len = 0;
  // DEFLATE expands at most ~1032:1, which bounds any honest output; the
  // ISIZE footer is only a hint (it is garbage in a cut-off file).
  const std::size_t ceiling = raw.size() * 1032 + (1 << 20);
  std::size_t guess = raw.size() >= 4 ? le32(in + raw.size() - 4) : 0;
  guess = std::min(std::max<std::size_t>({guess, raw.size() * 4, 1 << 16}), ceiling);
  out = output_buffer(allocate, guess);
  out.set_size(0);
  PrefaultAhead prefault(out.data(), out.capacity(), threads > 1);
  while (in_pos < raw.size()) {
    // Trailing zero padding after the last member is tolerated (tar/dd tails).
    if (!is_gzip(raw.substr(in_pos))) {
      bool all_zero = std::all_of(raw.begin() + in_pos, raw.end(), [](char c) { return c == 0; });
      if (all_zero) break;
      return Status::invalid_input(name + ": trailing garbage after gzip member at byte " +
                                   std::to_string(in_pos));
    }
    for (;;) {
      std::size_t used_in = 0, produced = 0;
      libdeflate_result r = libdeflate_gzip_decompress_ex(
          d.get(), in + in_pos, raw.size() - in_pos, out.data() + out_len, out.capacity() - out_len,
          &used_in, &produced);
      if (r == LIBDEFLATE_SUCCESS) {
        in_pos += used_in;
        out_len += produced;
        break;
      }
      if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
        if (out.capacity() >= ceiling) {
          return Status::invalid_input(offset_note(name, in_pos) + " (more text than DEFLATE can encode in it)");
        }
        prefault.stop();  // before the buffer moves
        out.set_size(out_len);
        out.grow(out.capacity() * 2);
        continue;
      }
      return Status::invalid_input(internal::diagnose_gzip_failure(name, raw, in_pos));
    }
  }
  out.set_size(out_len);
  return Status::ok();
}

// BGZF: every block declares its compressed size and (in its footer) its
// uncompressed size, so all output offsets are known before inflating and
// the blocks can be inflated independently on all threads.
Status inflate_bgzf(const std::string& name, std::string_view raw, TextBuffer& out, int threads,
                    const TextAllocator& allocate, std::vector<std::string>& warnings) {
  struct Block {
    std::size_t in_off, in_len, out_off, out_len;
  };
  std::vector<Block> blocks;
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  std::size_t pos = 0, total = 0;
  while (pos < raw.size()) {
    const std::size_t bsize = bgzf_block_size(in + pos, raw.size() - pos);
    if (bsize == 0 || bsize < 26 || pos + bsize > raw.size()) {
      // A plain gzip member among BGZF blocks: rare, so decode the whole
      // input serially rather than special-casing the mixture.
      if (bsize == 0 && is_gzip(raw.substr(pos))) return inflate_gzip(name, raw, out, threads, allocate);
      if (bsize >= 26) {
        return Status::invalid_input(internal::cut_short_message(
            name, raw.size(), "the BGZF block starting at byte " + std::to_string(pos),
            ", which has " + std::to_string(bsize) + " bytes"));
      }
      return Status::invalid_input(offset_note(name, pos) +
                                   (bsize == 0 ? std::string(" (neither a BGZF block nor a gzip member starts there)")
                                               : " (a BGZF block of " + std::to_string(bsize) +
                                                     " bytes; its header and trailer alone take 26)"));
    }
    const std::size_t isize = le32(in + pos + bsize - 4);
    if (isize > 65536) {  // a BGZF block holds at most 64 KiB
      return Status::invalid_input(offset_note(name, pos) + " (BGZF block claims " + std::to_string(isize) +
                                   " bytes; at most 65536 are possible)");
    }
    blocks.push_back({pos, bsize, total, isize});
    total += isize;
    pos += bsize;
  }
  // bgzip ends every file with an empty 28-byte block; without it the file
  // may have been cut at a block boundary, which inflates cleanly.
  if (blocks.empty() || blocks.back().in_len != 28 || blocks.back().out_len != 0) {
    warnings.push_back("the BGZF input has no end-of-file block: it may be truncated");
  }
  out = output_buffer(allocate, total);
  out.set_size(total);
  const int n_threads = std::max(1, std::min<int>(threads, static_cast<int>(blocks.size() / 16 + 1)));
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failed_block{SIZE_MAX};
  auto worker = [&] {
    Decompressor d = make_decompressor();
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= blocks.size()) return;
      const Block& b = blocks[i];
      std::size_t produced = 0;
      auto r = libdeflate_gzip_decompress(d.get(), in + b.in_off, b.in_len, out.data() + b.out_off,
                                          b.out_len, &produced);
      if (r != LIBDEFLATE_SUCCESS || produced != b.out_len) {
        std::size_t cur = failed_block.load();
        while (i < cur && !failed_block.compare_exchange_weak(cur, i)) {
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < n_threads; ++t) internal::start_or_run(pool, worker);
  worker();
  for (auto& t : pool) t.join();
  if (failed_block.load() != SIZE_MAX) {
    const Block& b = blocks[failed_block.load()];
    return Status::invalid_input(internal::diagnose_gzip_failure(name, raw.substr(0, b.in_off + b.in_len), b.in_off));
  }
  return Status::ok();
}

// A stream (pipe, device) has no size to bound it: /dev/zero or
// /dev/urandom would be read until memory ran out.  Its first MiB is
// sniffed: text holds next to no control bytes (a stray NUL is a per-line
// error, as in a file), so more than 1% of them ends the read.  A stream
// that ends within its first MiB is bounded and is not sniffed.
constexpr std::size_t kStreamSniffBytes = 1 << 20;

Status check_stream_is_text(std::string_view head) {
  if (is_gzip(head) || unsupported_compression(head)) return Status::ok();
  if (is_utf16(head)) return Status::invalid_input(kUtf16Message);
  std::size_t control = 0, first = std::string_view::npos;
  for (std::size_t i = 0; i < head.size(); ++i) {
    const auto c = static_cast<unsigned char>(head[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      if (control++ == 0) first = i;
    }
  }
  if (control * 100 <= head.size()) return Status::ok();
  return Status::invalid_input("binary data, not an annotation: " + std::to_string(control) + " of the first " +
                               std::to_string(head.size()) + " bytes of the stream are control bytes, the first at " +
                               "byte " + std::to_string(first) +
                               " (hint: a GFF3 or GTF file is text, plain or gzip-compressed)");
}

Status read_fd(int fd, TextBuffer& raw) {
  raw = TextBuffer::allocate(1 << 20);
  std::size_t len = 0;
  bool sniffed = false;
  for (;;) {
    if (len == raw.capacity()) {
      raw.set_size(len);
      raw.grow(raw.capacity() * 2);
    }
    const ssize_t got = ::read(fd, raw.data() + len, raw.capacity() - len);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::io(std::string("read failed: ") + std::strerror(errno));
    }
    len += static_cast<std::size_t>(got);
    if (!sniffed && len >= kStreamSniffBytes) {
      sniffed = true;
      GFFBASE_RETURN_IF_ERROR(check_stream_is_text({raw.data(), kStreamSniffBytes}));
    }
    if (got == 0) break;
  }
  raw.set_size(len);
  return Status::ok();
}

}  // namespace

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kBgzf: return "bgzf";
  }
  return "?";
}

int resolve_threads(int requested) {
  // More threads than any machine here has cores only costs memory (and
  // --threads 100000 made 400,000 parse chunks).
  if (requested > 0) return std::min(requested, 256);
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min(hw, 64u));
}

Result<InputText> decode_input(std::string name, TextBuffer raw, int threads, const TextAllocator& allocate) {
  InputText result;
  result.name = std::move(name);
  result.disk_bytes = raw.size();
  result.disk_crc32 = libdeflate_crc32(0, raw.data(), raw.size());
  const std::string_view bytes = raw.view();
  if (const char* other = unsupported_compression(bytes)) {
    return Status::invalid_input(result.name + ": the input is " + other +
                                 "-compressed, which gffbase does not read (hint: decompress it first, or "
                                 "recompress with gzip or bgzip)");
  }
  if (!is_gzip(bytes) && is_utf16(bytes)) return Status::invalid_input(result.name + ": " + kUtf16Message);
  if (bytes.substr(0, sizeof store::kMagic) == std::string_view(store::kMagic, sizeof store::kMagic)) {
    // Its embedded text would parse, badly, between binary sections.
    return Status::invalid_input(result.name + ": the input is a .gffdb database, not an annotation (hint: query "
                                 "it directly, or `gffbase export` it to GFF3/GTF first)");
  }
  if (!is_gzip(bytes)) {
    result.text = std::move(raw);
    return result;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bgzf_block_size(p, bytes.size()) != 0) {
    result.compression = Compression::kBgzf;
    GFFBASE_RETURN_IF_ERROR(inflate_bgzf(result.name, bytes, result.text, resolve_threads(threads), allocate,
                                         result.warnings));
  } else {
    result.compression = Compression::kGzip;
    GFFBASE_RETURN_IF_ERROR(inflate_gzip(result.name, bytes, result.text, resolve_threads(threads), allocate));
  }
  return result;
}

Result<InputText> read_input(const std::string& path, int threads, const TextAllocator& allocate) {
  TextBuffer raw;
  if (path == "-") {
    if (Status s = read_fd(STDIN_FILENO, raw); !s.is_ok()) return Status(s.kind(), "stdin: " + s.message());
    return decode_input(path, std::move(raw), threads, allocate);
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::io(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const std::string err = std::strerror(errno);
    ::close(fd);
    return Status::io(path + ": cannot stat: " + err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::io(path + ": is a directory, expected an annotation file");
  }
  // Regular files are mapped; pipes, FIFOs and anything mmap refuses are read.
  if (S_ISREG(st.st_mode) && st.st_size > 0) raw = TextBuffer::map_file(fd, static_cast<std::size_t>(st.st_size));
  if (raw.empty()) {
    Status s = read_fd(fd, raw);
    if (!s.is_ok()) {
      ::close(fd);
      return Status(s.kind(), path + ": " + s.message());
    }
  }
  ::close(fd);
  return decode_input(path, std::move(raw), threads, allocate);
}

}  // namespace gffbase
