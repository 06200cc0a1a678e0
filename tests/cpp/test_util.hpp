// Small helpers shared by the gffbase C++ tests (header-only; not a test file).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/build/ingest.hpp"
#include "gffbase/query/database.hpp"

namespace gffbase::testing {

namespace fs = std::filesystem;

inline std::string test_data(const std::string& name) { return std::string(GFFBASE_TEST_DATA) + "/" + name; }
inline std::string shared_data(const std::string& rel) { return std::string(GFFBASE_SHARED_DATA) + "/" + rel; }
inline bool shared_data_available() { return fs::is_directory(GFFBASE_SHARED_DATA); }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// One GFF line: the columns joined by tabs, ending in a newline.
inline std::string tsv(std::initializer_list<std::string_view> cols) {
  std::string s;
  for (auto c : cols) {
    s.append(c);
    s += '\t';
  }
  s.back() = '\n';
  return s;
}

inline void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "gffbase-test-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  /// Names of the entries in the directory (sorted).
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string path_;
};

/// Standard CRC-32 (IEEE 802.3, reflected, as zlib/gzip/libdeflate compute it).
inline std::uint32_t crc32(const void* data, std::size_t n, std::uint32_t crc = 0) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

inline void put_le16(std::string& s, std::uint32_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>((v >> 8) & 0xFF);
}
inline void put_le32(std::string& s, std::uint32_t v) {
  put_le16(s, v & 0xFFFF);
  put_le16(s, v >> 16);
}

/// Raw DEFLATE made only of stored (uncompressed) blocks: valid input for any
/// inflater, and simple enough to write by hand.
inline std::string deflate_stored(std::string_view data) {
  std::string out;
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(data.size() - pos, 65535);
    const bool last = pos + n == data.size();
    out += static_cast<char>(last ? 1 : 0);
    put_le16(out, static_cast<std::uint32_t>(n));
    put_le16(out, static_cast<std::uint32_t>(~n & 0xFFFF));
    out.append(data.substr(pos, n));
    pos += n;
  } while (pos < data.size());
  return out;
}

/// One plain gzip member (no extra field) holding `data`.
inline std::string gzip_member(std::string_view data) {
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  out += deflate_stored(data);
  put_le32(out, crc32(data.data(), data.size()));
  put_le32(out, static_cast<std::uint32_t>(data.size()));
  return out;
}

/// One BGZF block: a gzip member whose FEXTRA carries the 'BC' subfield with
/// BSIZE (total block size - 1).  `data` must be small (< 64 KiB).
inline std::string bgzf_block(std::string_view data) {
  const std::string body = deflate_stored(data);
  const std::size_t total = 18 + body.size() + 8;
  std::string out("\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff", 10);
  put_le16(out, 6);            // XLEN
  out += "BC";                 // SI1 SI2
  put_le16(out, 2);            // SLEN
  put_le16(out, static_cast<std::uint32_t>(total - 1));  // BSIZE
  out += body;
  put_le32(out, crc32(data.data(), data.size()));
  put_le32(out, static_cast<std::uint32_t>(data.size()));
  return out;
}

/// A BGZF file: `data` cut into blocks of at most `block` bytes, plus the
/// empty end-of-file block.
inline std::string make_bgzf(std::string_view data, std::size_t block = 4096) {
  std::string out;
  for (std::size_t pos = 0; pos < data.size(); pos += block) out += bgzf_block(data.substr(pos, block));
  out += bgzf_block("");
  return out;
}

inline IngestOptions default_options() {
  IngestOptions o;
  o.threads = 2;
  return o;
}

/// Opens a database that must open; fails the test (and returns null) otherwise.
inline std::shared_ptr<const Database> open_db(const std::string& path) {
  auto db = Database::open(path);
  if (!db.is_ok()) {
    ADD_FAILURE() << "open failed: " << db.status().message();
    return nullptr;
  }
  return std::move(db).value();
}

/// Ingests `text` into `db_path` and opens it; fails the test on error.
inline std::shared_ptr<const Database> build_db(const std::string& text, const std::string& db_path,
                                                IngestOptions o = default_options()) {
  o.force = true;
  auto rep = ingest_text(text, db_path, o);
  if (!rep.is_ok()) {
    ADD_FAILURE() << "ingest failed: " << rep.status().message();
    return nullptr;
  }
  auto db = Database::open(db_path);
  if (!db.is_ok()) {
    ADD_FAILURE() << "open failed: " << db.status().message();
    return nullptr;
  }
  return *db;
}

/// The rows of the feature with this ID (empty when there is none).
inline std::vector<RowId> rows_of(const Database& db, std::string_view id) {
  auto f = db.find(id);
  if (!f) return {};
  auto span = db.feature_rows(*f);
  return {span.begin(), span.end()};
}

inline bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

}  // namespace gffbase::testing
