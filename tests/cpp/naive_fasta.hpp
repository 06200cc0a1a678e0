// A deliberately naive FASTA read, the reference the FASTA reader is
// checked against (tests/cpp/fasta_test.cpp and fuzz/fuzz_fasta.cpp).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace gffbase::testing {

// Lines split at \n; a header's name runs to its first byte <= 0x20; a
// sequence line's bases are its bytes above 0x20 (a UTF-8 BOM first is skipped).
inline std::map<std::string, std::string> naive(std::string_view text) {
  std::map<std::string, std::string> out;
  std::string* cur = nullptr;
  std::size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line[0] == '>') {
      std::size_t cut = 1;
      while (cut < line.size() && static_cast<unsigned char>(line[cut]) > 0x20) ++cut;
      cur = &out[std::string(line.substr(1, cut - 1))];
    } else if (cur != nullptr) {
      for (char c : line) {
        if (static_cast<unsigned char>(c) > 0x20) *cur += c;
      }
    }
    pos = nl + 1;
  }
  return out;
}

}  // namespace gffbase::testing
