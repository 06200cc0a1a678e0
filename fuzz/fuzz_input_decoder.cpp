// Fuzz target: decode_input (plain / gzip / BGZF sniffing and inflation).
//
// Byte 0 picks a mode; the rest is the payload.
//   mode 0  the payload as raw bytes: any outcome but a crash is fine; an
//           error is kInvalidInput naming the input; plain input comes back
//           byte for byte; provenance (disk_bytes, CRC) describes the bytes.
//   mode 1  the payload gzip-compressed (1..4 members): decodes to the payload.
//   mode 2  the payload as BGZF blocks: decodes to the payload.
//   mode 3  modes 1/2 then cut short at a fuzzer-chosen byte: either an
//           kInvalidInput error or a prefix of the payload (a cut at a member
//           boundary is a valid shorter stream) — never garbage.
// Bit 6 of byte 0 inflates into a shared mapping of a file region at an
// unaligned offset (what an ingest does: GffdbWriter::text_buffer), so the
// growth of such a buffer (fallocate + mremap) is fuzzed too.
#include <libdeflate.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#include "fuzz_common.hpp"
#include "gffbase/io/input.hpp"

using namespace gffbase;
using fuzz::check;

namespace {

libdeflate_compressor* compressor() {
  static libdeflate_compressor* c = libdeflate_alloc_compressor(6);
  return c;
}

std::string gzip_member(std::string_view payload) {
  std::string out(libdeflate_gzip_compress_bound(compressor(), payload.size()), '\0');
  const std::size_t n = libdeflate_gzip_compress(compressor(), payload.data(), payload.size(), out.data(), out.size());
  check(n > 0, "libdeflate_gzip_compress succeeds");
  out.resize(n);
  return out;
}

void put16(std::string& s, unsigned v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

// One BGZF block: a gzip member with FEXTRA holding the 'BC' subfield.
std::string bgzf_block(std::string_view payload) {
  std::string deflated(libdeflate_deflate_compress_bound(compressor(), payload.size()) + 16, '\0');
  std::size_t n = libdeflate_deflate_compress(compressor(), payload.data(), payload.size(), deflated.data(),
                                              deflated.size());
  check(n > 0, "libdeflate_deflate_compress succeeds");
  deflated.resize(n);
  std::string b = "\x1f\x8b\x08\x04";
  b.append(4, '\0');          // MTIME
  b += '\0';                  // XFL
  b += '\xff';                // OS
  put16(b, 6);                // XLEN
  b += "BC";
  put16(b, 2);
  put16(b, static_cast<unsigned>(12 + 6 + deflated.size() + 8 - 1));  // BSIZE - 1
  b += deflated;
  put32(b, libdeflate_crc32(0, payload.data(), payload.size()));
  put32(b, static_cast<std::uint32_t>(payload.size()));
  return b;
}


// Inflated text goes to a region of this file (open for the process's life).
TextAllocator file_region_allocator() {
  static const int fd = ::open(fuzz::temp_file("gffbase-fuzz-decoder").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  return [](std::size_t n) {
    if (fd < 0) return TextBuffer();
    (void)::ftruncate(fd, 0);  // each input starts from an empty file
    return TextBuffer::map_file_region(fd, 100, n);
  };
}

void expect_payload(const Result<InputText>& r, std::string_view payload, const char* what) {
  if (!r.is_ok()) {
    std::fprintf(stderr, "decode error: %s\n", r.status().message().c_str());
    check(false, what);
  }
  check(r->text.view() == payload, what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t sel = data[0];
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  const int threads = 1 + (sel >> 7);
  const TextAllocator allocate = (sel & 0x40) ? file_region_allocator() : TextAllocator();
  switch (sel & 3) {
    case 0: {
      Result<InputText> r = decode_input("fuzz-input", TextBuffer::adopt(std::string(payload)), threads, allocate);
      if (!r.is_ok()) {
        check(r.status().kind() == ErrorKind::kInvalidInput, "decode errors are kInvalidInput");
        check(r.status().message().find("fuzz-input") != std::string::npos, "decode errors name the input");
        return 0;
      }
      check(r->disk_bytes == payload.size(), "disk_bytes is the input size");
      check(r->disk_crc32 == libdeflate_crc32(0, payload.data(), payload.size()), "disk_crc32 is the input's CRC");
      if (r->compression == Compression::kNone) check(r->text.view() == payload, "plain input is returned unchanged");
      fuzz::touch(r->text.view());
      return 0;
    }
    case 1:
    case 2:
    case 3: {
      const bool bgzf = (sel & 3) == 2 || ((sel & 3) == 3 && (sel & 4));
      const std::size_t piece = bgzf ? 1 + (std::size_t(sel >> 3) & 15) * 512 : 1 + payload.size() / (1 + ((sel >> 3) & 3));
      std::string packed;
      std::size_t pos = 0;
      do {
        const std::string_view part = payload.substr(pos, piece);
        packed += bgzf ? bgzf_block(part) : gzip_member(part);
        pos += part.size();
      } while (pos < payload.size());
      if ((sel & 3) != 3) {
        expect_payload(decode_input("fuzz-input", TextBuffer::adopt(packed), threads, allocate), payload,
                       bgzf ? "BGZF round trip" : "gzip round trip");
        return 0;
      }
      const std::size_t cut = payload.empty() ? 0 : static_cast<unsigned char>(payload[0]) * packed.size() / 256;
      Result<InputText> r = decode_input("fuzz-input", TextBuffer::adopt(packed.substr(0, cut)), threads, allocate);
      if (!r.is_ok()) {
        check(r.status().kind() == ErrorKind::kInvalidInput, "truncated compressed input is kInvalidInput");
        check(r.status().message().find("fuzz-input") != std::string::npos, "decode errors name the input");
        return 0;
      }
      const std::string_view got = r->text.view();
      if (r->compression == Compression::kNone) {
        check(cut < 2, "a truncated stream only reads as plain text when under 2 bytes");
      } else {
        check(payload.substr(0, got.size()) == got, "a cut stream decodes to a prefix of the payload");
      }
      return 0;
    }
  }
  return 0;
}
