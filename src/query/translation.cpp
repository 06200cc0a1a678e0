#include "gffbase/query/translation.hpp"

#include <array>
#include <iterator>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace gffbase {
namespace {

struct TableText {
  int id;
  std::string_view name;
  std::string_view amino_acids;  // 64 letters, codons in TCAG order (TTT, TTC, TTA, TTG, TCT, ...)
  std::string_view starts;       // 'M' under each start codon
};

// NCBI's genetic codes (https://www.ncbi.nlm.nih.gov/Taxonomy/Utils/wprintgc.cgi), as its gc.prt gives them.
constexpr TableText kTables[] = {
    {1, "Standard",
     "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "---M---------------M---------------M----------------------------"},
    {2, "Vertebrate Mitochondrial",
     "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNKKSS**VVVVAAAADDEEGGGG",
     "--------------------------------MMMM---------------M------------"},
    {3, "Yeast Mitochondrial",
     "FFLLSSSSYY**CCWWTTTTPPPPHHQQRRRRIIMMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "----------------------------------MM---------------M------------"},
    {4, "Mold Mitochondrial",
     "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "--MM---------------M------------MMMM---------------M------------"},
    {5, "Invertebrate Mitochondrial",
     "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNKKSSSSVVVVAAAADDEEGGGG",
     "---M----------------------------MMMM---------------M------------"},
    {6, "Ciliate Nuclear",
     "FFLLSSSSYYQQCC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {9, "Echinoderm Mitochondrial",
     "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNNKSSSSVVVVAAAADDEEGGGG",
     "-----------------------------------M---------------M------------"},
    {10, "Euplotid Nuclear",
     "FFLLSSSSYY**CCCWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {11, "Bacterial",
     "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "---M---------------M------------MMMM---------------M------------"},
    {12, "Alternative Yeast Nuclear",
     "FFLLSSSSYY**CC*WLLLSPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-------------------M---------------M----------------------------"},
    {13, "Ascidian Mitochondrial",
     "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNKKSSGGVVVVAAAADDEEGGGG",
     "---M------------------------------MM---------------M------------"},
    {14, "Alternative Flatworm Mitochondrial",
     "FFLLSSSSYYY*CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNNKSSSSVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {15, "Blepharisma Macronuclear",
     "FFLLSSSSYY*QCC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {16, "Chlorophycean Mitochondrial",
     "FFLLSSSSYY*LCC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {21, "Trematode Mitochondrial",
     "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNNKSSSSVVVVAAAADDEEGGGG",
     "-----------------------------------M---------------M------------"},
    {22, "Scenedesmus obliquus Mitochondrial",
     "FFLLSS*SYY*LCC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {23, "Thraustochytrium Mitochondrial",
     "FF*LSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "--------------------------------M--M---------------M------------"},
    {24, "Pterobranchia Mitochondrial",
     "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSSKVVVVAAAADDEEGGGG",
     "---M---------------M---------------M---------------M------------"},
    {25, "Candidate Division SR1",
     "FFLLSSSSYY**CCGWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "---M-------------------------------M---------------M------------"},
    {26, "Pachysolen tannophilus Nuclear",
     "FFLLSSSSYY**CC*WLLLAPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-------------------M---------------M----------------------------"},
    {27, "Karyorelict Nuclear",
     "FFLLSSSSYYQQCCWWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {28, "Condylostoma Nuclear",
     "FFLLSSSSYYQQCCWWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {29, "Mesodinium Nuclear",
     "FFLLSSSSYYYYCC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {30, "Peritrich Nuclear",
     "FFLLSSSSYYEECC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {31, "Blastocrithidia Nuclear",
     "FFLLSSSSYYEECCWWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "-----------------------------------M----------------------------"},
    {32, "Balanophoraceae Plastid",
     "FFLLSSSSYY*WCC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "---M---------------M------------MMMM---------------M------------"},
    {33, "Cephalodiscidae Mitochondrial",
     "FFLLSSSSYYY*CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSSKVVVVAAAADDEEGGGG",
     "---M---------------M---------------M---------------M------------"},
};

constexpr std::string_view kBases = "TCAG";

}  // namespace

const std::array<std::uint8_t, 256> GeneticCode::kMask = [] {
  std::array<std::uint8_t, 256> m{};
  constexpr std::pair<char, std::uint8_t> codes[] = {
      {'A', 1}, {'C', 2}, {'G', 4}, {'T', 8}, {'U', 8},                          // bases
      {'R', 5}, {'Y', 10}, {'S', 6}, {'W', 9}, {'K', 12}, {'M', 3},              // two of them
      {'B', 14}, {'D', 13}, {'H', 11}, {'V', 7}, {'N', 15}};                     // three, any
  for (const auto& [base, mask] : codes) {
    m[static_cast<unsigned char>(base)] = mask;
    m[static_cast<unsigned char>(base) | 0x20u] = mask;  // lowercase: soft-masked bases
  }
  return m;
}();

GeneticCode::GeneticCode(int id, std::string_view name, std::string_view amino_acids, std::string_view starts)
    : id_(id), name_(name) {
  // Every mask triple is resolved once: the readings of an ambiguous codon
  // are the 1-64 exact codons its masks allow.
  static constexpr std::size_t bit_of[4] = {kBases.find('A'), kBases.find('C'), kBases.find('G'),
                                            kBases.find('T')};  // ACGT mask bit -> TCAG index
  for (unsigned k = 0; k < 4096; ++k) {
    const unsigned m[3] = {k >> 8, (k >> 4) & 15u, k & 15u};
    char aa = 0;
    bool all_start = m[0] && m[1] && m[2];
    bool same = all_start;
    for (unsigned a = 0; a < 4; ++a) {
      if (!(m[0] >> a & 1u)) continue;
      for (unsigned b = 0; b < 4; ++b) {
        if (!(m[1] >> b & 1u)) continue;
        for (unsigned c = 0; c < 4; ++c) {
          if (!(m[2] >> c & 1u)) continue;
          const std::size_t codon = bit_of[a] * 16 + bit_of[b] * 4 + bit_of[c];
          if (aa == 0) aa = amino_acids[codon];
          if (amino_acids[codon] != aa) same = false;
          if (starts[codon] != 'M') all_start = false;
        }
      }
    }
    amino_[k] = same && aa != 0 ? aa : 'X';
    start_[k] = (m[0] && m[1] && m[2] && all_start) ? 1 : 0;
  }
}

const GeneticCode* GeneticCode::ncbi(int id) {
  // Each table is built on its first use, then shared read-only: building
  // all of them up front took ~10 ms of every translating process, most of
  // a one-protein query.
  constexpr std::size_t n = std::size(kTables);
  static std::array<std::once_flag, n> built;
  static std::array<std::unique_ptr<GeneticCode>, n> codes;
  for (std::size_t i = 0; i < n; ++i) {
    if (kTables[i].id != id) continue;
    std::call_once(built[i], [i] {
      const TableText& t = kTables[i];
      codes[i].reset(new GeneticCode(t.id, t.name, t.amino_acids, t.starts));
    });
    return codes[i].get();
  }
  return nullptr;
}

char amino_acid_letter(std::string_view name) {
  static constexpr std::pair<std::string_view, char> kNames[] = {
      {"Ala", 'A'}, {"Arg", 'R'}, {"Asn", 'N'}, {"Asp", 'D'}, {"Cys", 'C'}, {"Gln", 'Q'}, {"Glu", 'E'},
      {"Gly", 'G'}, {"His", 'H'}, {"Ile", 'I'}, {"Leu", 'L'}, {"Lys", 'K'}, {"Met", 'M'}, {"Phe", 'F'},
      {"Pro", 'P'}, {"Ser", 'S'}, {"Thr", 'T'}, {"Trp", 'W'}, {"Tyr", 'Y'}, {"Val", 'V'}, {"Sec", 'U'},
      {"Pyl", 'O'}, {"Asx", 'B'}, {"Glx", 'Z'}, {"Xle", 'J'}, {"TERM", '*'}, {"OTHER", 'X'}};
  for (const auto& [n, letter] : kNames) {
    if (n == name) return letter;
  }
  return 0;
}

std::string_view GeneticCode::known_ids() { return "1-6, 9-16, 21-33"; }

std::string translate(std::string_view cds, const GeneticCode& code, const TranslateOptions& options) {
  std::string protein;
  const std::size_t skip = options.phase > 0 ? static_cast<std::size_t>(options.phase) : 0;
  if (cds.size() < skip + 3) return protein;
  protein.resize((cds.size() - skip) / 3);
  const char* p = cds.data() + skip;
  for (char& aa : protein) {
    aa = code.amino_acid(p);
    p += 3;
  }
  if (options.complete_start && code.is_start(cds.data() + skip)) protein[0] = 'M';
  for (const auto& [codon, aa] : options.exceptions) {
    if (codon < protein.size()) protein[codon] = aa;
  }
  if (options.drop_final_stop) {
    // Codes 27, 28 and 31 read TAA/TAG (28: TGA too) as amino acids, but
    // NCBI ends a CDS on them: the standard code says which codon is a stop.
    const int id = code.id();
    const char* last = cds.data() + skip + 3 * (protein.size() - 1);
    if (protein.back() == '*' || ((id == 27 || id == 28 || id == 31) && GeneticCode::ncbi(1)->amino_acid(last) == '*')) {
      protein.pop_back();
    }
  }
  return protein;
}

}  // namespace gffbase
