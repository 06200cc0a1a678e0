// Fuzz target: the FASTA index (io/fasta.hpp) on arbitrary text.
//
// Properties besides "no crash":
//   * when indexing succeeds, every sequence equals a naive read of the same
//     text (headers split at the first blank, line ends and a CR before them
//     dropped), length and bases, for a spread of ranges;
//   * reverse_complement applied twice gives the bases back (U as T).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "gffbase/io/fasta.hpp"

using namespace gffbase;
using fuzz::check;

namespace {

std::map<std::string, std::string> naive(std::string_view text) {
  std::map<std::string, std::string> out;
  std::string* cur = nullptr;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line(text.substr(pos, nl - pos));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == '>') {
      const std::size_t cut = line.find_first_of(" \t", 1);
      cur = &out[line.substr(1, cut == std::string::npos ? std::string::npos : cut - 1)];
    } else if (cur != nullptr) {
      *cur += line;
    }
    pos = nl + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto fa = FastaReader::index_text(text, "fuzz.fa", 1, nullptr);
  if (!fa.is_ok()) return 0;
  const auto want = naive(text);
  check(want.size() == fa->sequences().size(), "one index entry per header");
  for (const auto& [name, seq] : want) {
    const FastaSequence* s = fa->find(name);
    check(s != nullptr, "every header's name is found");
    check(s->length == seq.size(), "length equals the naive read");
    const std::size_t step = seq.size() / 7 + 1;
    for (std::size_t a = 1; a <= seq.size(); a += step) {
      for (std::size_t b = a - 1; b <= seq.size(); b += step) {
        std::string got;
        fa->append(*s, a, b, got);
        check(got == seq.substr(a - 1, b + 1 - a), "bases equal the naive read");
      }
    }
    std::string twice = seq;
    reverse_complement(twice.data(), twice.data() + twice.size());
    reverse_complement(twice.data(), twice.data() + twice.size());
    std::string dna = seq;  // U complements to A, whose complement is T
    for (char& c : dna) c = c == 'U' ? 'T' : c == 'u' ? 't' : c;
    check(twice == dna, "reverse_complement twice gives the bases back");
  }
  return 0;
}
