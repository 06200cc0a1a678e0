// Fuzz target: the FASTA index (io/fasta.hpp) on arbitrary text.
//
// Properties besides "no crash":
//   * when indexing succeeds, every sequence equals a naive read of the same
//     text (a name runs to the header's first byte <= 0x20; bytes <= 0x20
//     are dropped from sequence lines), length and bases, for a spread of
//     ranges;
//   * reverse_complement applied twice gives the bases back (U as T).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "../tests/cpp/naive_fasta.hpp"
#include "fuzz_common.hpp"
#include "gffbase/io/fasta.hpp"

using namespace gffbase;
using fuzz::check;
using gffbase::testing::naive;

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
