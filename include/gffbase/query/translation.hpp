// gffbase — translating coding sequences into proteins with the NCBI genetic
// codes (what `gffread -y` gives, with the conventions of NCBI's protein
// records).
//
// Contract
// --------
// * A GeneticCode is one of NCBI's translation tables (1 = standard,
//   11 = bacterial, 2 = vertebrate mitochondrial, ...; see known_ids()).
// * amino_acid() reads one codon: case is ignored and U reads as T.  IUPAC
//   ambiguity codes stand for every base they allow: a codon whose every
//   reading gives one amino acid gives it ("GCN" is A), else 'X'.  A byte
//   that is no base ('-', '.', a digit) makes the codon 'X'.  Stops are '*'.
// * translate() skips `phase` bases (the phase of the 5' part of a CDS:
//   bases that finish a codon begun upstream), reads whole codons, and
//   ignores 1 or 2 bases left over at the end.  When `complete_start`, a
//   first codon that is one of the table's start codons (every reading of
//   it, when ambiguous) is M, as an initiator tRNA reads it: GTG and TTG
//   begin bacterial proteins with M.  `exceptions` then replace the amino
//   acid of the codons they name (NCBI's transl_except: selenocysteine 'U'
//   read from a TGA stop, a stop completed by the poly(A) tail).  A final
//   stop is left out (protein records carry none); stops before it stay '*'.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gffbase {

class GeneticCode {
 public:
  /// NCBI table `id`, or nullptr when there is no such table.
  static const GeneticCode* ncbi(int id);
  /// The table ids ncbi() knows, for messages: "1-6, 9-16, 21-33".
  static std::string_view known_ids();

  int id() const { return id_; }
  std::string_view name() const { return name_; }
  /// The amino acid (one letter), '*' for a stop, 'X' when it cannot tell.
  char amino_acid(const char* codon) const { return amino_[key(codon)]; }
  /// True when every reading of the codon is a start codon of the table.
  bool is_start(const char* codon) const { return start_[key(codon)] != 0; }

 private:
  // Ambiguity masks (A=1 C=2 G=4 T=8) of three bases index a 16x16x16
  // table; mask 0 (no base) gives 'X'.
  static unsigned key(const char* codon) {
    return (static_cast<unsigned>(kMask[static_cast<unsigned char>(codon[0])]) << 8) |
           (static_cast<unsigned>(kMask[static_cast<unsigned char>(codon[1])]) << 4) |
           kMask[static_cast<unsigned char>(codon[2])];
  }
  static const std::array<std::uint8_t, 256> kMask;

  GeneticCode(int id, std::string_view name, std::string_view amino_acids, std::string_view starts);

  int id_;
  std::string_view name_;
  std::array<char, 4096> amino_{};
  std::array<std::uint8_t, 4096> start_{};
};

struct TranslateOptions {
  int phase = 0;                ///< bases to skip first (0, 1 or 2)
  bool complete_start = true;   ///< a start codon first reads as M
  /// Leave out a '*' at the very end; and, in codes 27, 28 and 31, whose
  /// TAA/TAG (28: TGA too) read as amino acids inside a CDS but end one, the
  /// last amino acid when its codon is such a stop.
  bool drop_final_stop = true;
  /// (codon index from the first whole codon, amino acid): read instead.
  std::vector<std::pair<std::size_t, char>> exceptions;
};

/// The one-letter code of an amino acid as NCBI's transl_except writes it
/// ("Sec" -> 'U', "Pyl" -> 'O', "TERM" -> '*', "OTHER" -> 'X', "Met" -> 'M',
/// ...), or 0 when `name` is none of them.
char amino_acid_letter(std::string_view name);

/// The protein of coding sequence `cds` (5' to 3'; see the contract).
std::string translate(std::string_view cds, const GeneticCode& code, const TranslateOptions& options = {});

}  // namespace gffbase
