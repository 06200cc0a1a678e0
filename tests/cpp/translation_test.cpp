// Genetic codes and translation (query/translation.hpp) against a naive
// reading of NCBI's tables.
#include "gffbase/query/translation.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace gffbase {
namespace {

// NCBI's own text of three tables (codons in TCAG order), kept here apart
// from the implementation's copy.
struct Reference {
  int id;
  const char* amino_acids;
  const char* starts;
};
constexpr Reference kReference[] = {
    {1, "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "---M---------------M---------------M----------------------------"},
    {2, "FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNKKSS**VVVVAAAADDEEGGGG",
     "--------------------------------MMMM---------------M------------"},
    {11, "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
     "---M---------------M------------MMMM---------------M------------"},
};

std::string codon_at(int i) {
  const char* b = "TCAG";
  return {b[i / 16], b[i / 4 % 4], b[i % 4]};
}

TEST(GeneticCode, EveryExactCodonAsNcbiWritesIt) {
  for (const Reference& r : kReference) {
    const GeneticCode* code = GeneticCode::ncbi(r.id);
    ASSERT_NE(code, nullptr) << r.id;
    for (int i = 0; i < 64; ++i) {
      std::string c = codon_at(i);
      EXPECT_EQ(code->amino_acid(c.data()), r.amino_acids[i]) << r.id << " " << c;
      EXPECT_EQ(code->is_start(c.data()), r.starts[i] == 'M') << r.id << " " << c;
      for (char& x : c) x = static_cast<char>(x == 'T' ? 'u' : x | 0x20);  // soft-masked RNA reads the same
      EXPECT_EQ(code->amino_acid(c.data()), r.amino_acids[i]) << r.id << " " << c;
    }
  }
}

TEST(GeneticCode, KnowsTheNcbiTablesAndNoOthers) {
  std::set<int> known;
  for (int id = -1; id < 40; ++id) {
    if (GeneticCode::ncbi(id)) known.insert(id);
  }
  const std::set<int> expected = {1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16,
                                  21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33};
  EXPECT_EQ(known, expected);
  EXPECT_EQ(GeneticCode::ncbi(1)->name(), "Standard");
  EXPECT_EQ(GeneticCode::ncbi(11)->name(), "Bacterial");
  EXPECT_EQ(GeneticCode::known_ids(), "1-6, 9-16, 21-33");
}

TEST(GeneticCode, AmbiguousCodonsGiveWhatEveryReadingAgreesOn) {
  // Naive: expand each IUPAC code into its bases and translate each reading.
  const std::string iupac = "ACGTRYSWKMBDHVN";
  const char* allowed[] = {"A", "C", "G", "T", "AG", "CT", "CG", "AT", "GT", "AC", "CGT", "AGT", "ACT", "ACG", "ACGT"};
  auto index_of = [](char b) { return static_cast<int>(std::string_view("TCAG").find(b)); };
  std::mt19937 rng(7);
  for (const Reference& r : kReference) {
    const GeneticCode& code = *GeneticCode::ncbi(r.id);
    for (int n = 0; n < 3000; ++n) {
      int k[3];
      for (int& x : k) x = static_cast<int>(rng() % iupac.size());
      std::set<char> readings;
      bool all_start = true;
      for (const char* a = allowed[k[0]]; *a; ++a) {
        for (const char* b = allowed[k[1]]; *b; ++b) {
          for (const char* c = allowed[k[2]]; *c; ++c) {
            const int i = index_of(*a) * 16 + index_of(*b) * 4 + index_of(*c);
            readings.insert(r.amino_acids[i]);
            all_start = all_start && r.starts[i] == 'M';
          }
        }
      }
      const std::string codon = {iupac[k[0]], iupac[k[1]], iupac[k[2]]};
      EXPECT_EQ(code.amino_acid(codon.data()), readings.size() == 1 ? *readings.begin() : 'X') << codon;
      EXPECT_EQ(code.is_start(codon.data()), all_start) << codon;
    }
  }
  const GeneticCode& standard = *GeneticCode::ncbi(1);
  EXPECT_EQ(standard.amino_acid("GCN"), 'A');
  EXPECT_EQ(standard.amino_acid("TAR"), '*');  // TAA and TAG both stop
  EXPECT_EQ(standard.amino_acid("TRA"), '*');  // TAA, TGA
  EXPECT_EQ(standard.amino_acid("NNN"), 'X');
  EXPECT_EQ(standard.amino_acid("A-G"), 'X');  // no base
  EXPECT_EQ(standard.amino_acid("AT."), 'X');
}

TranslateOptions options(int phase, bool complete_start, bool drop_final_stop,
                         std::vector<std::pair<std::size_t, char>> exceptions = {}) {
  TranslateOptions o;
  o.phase = phase;
  o.complete_start = complete_start;
  o.drop_final_stop = drop_final_stop;
  o.exceptions = std::move(exceptions);
  return o;
}

TEST(Translate, PhaseLeftoverBasesStartAndStop) {
  const GeneticCode& standard = *GeneticCode::ncbi(1);
  const GeneticCode& bacterial = *GeneticCode::ncbi(11);
  EXPECT_EQ(translate("ATGGCCTAA", standard), "MA");
  EXPECT_EQ(translate("ATGGCCTAA", standard, options(0, true, false)), "MA*");
  EXPECT_EQ(translate("ATGTAAGCCTGA", standard), "M*A");        // only the final stop is left out
  EXPECT_EQ(translate("ATGGCCTA", standard), "MA");             // a partial last codon is not read
  EXPECT_EQ(translate("CCATGGCC", standard, options(2, true, true)), "MA");  // phase 2 skips two bases
  EXPECT_EQ(translate("GTGAAA", bacterial), "MK");
  EXPECT_EQ(translate("GTGAAA", bacterial, options(0, false, true)), "VK");  // a 5'-partial CDS
  EXPECT_EQ(translate("TTGAAA", standard), "MK");  // an alternative start of table 1 (NCBI's convention)
  EXPECT_EQ(translate("CCCGTGAAA", bacterial), "PVK");  // only the first codon starts
  EXPECT_EQ(translate("TAA", standard), "");
  EXPECT_EQ(translate("AT", standard), "");
  EXPECT_EQ(translate("", standard), "");
  EXPECT_EQ(translate("AATG", standard, options(2, true, true)), "");  // fewer than 3 bases after the phase
  EXPECT_EQ(translate("AATG", standard, options(1, true, true)), "M");
  EXPECT_EQ(translate("TGA", *GeneticCode::ncbi(2)), "W");      // vertebrate mitochondria read TGA as W
  // Codes 27, 28 and 31 read stops as amino acids inside a CDS; NCBI ends one on them.
  EXPECT_EQ(translate("ATGTAAAAATAA", *GeneticCode::ncbi(27)), "MQK");
  EXPECT_EQ(translate("ATGTAAAAATAA", *GeneticCode::ncbi(27), options(0, true, false)), "MQKQ");
  EXPECT_EQ(translate("ATGTGAAAATGA", *GeneticCode::ncbi(28)), "MWK");
  EXPECT_EQ(translate("ATGTAGAAATAG", *GeneticCode::ncbi(31)), "MEK");
  EXPECT_EQ(translate("ATGAAACAA", *GeneticCode::ncbi(27)), "MKQ");  // a CAA at the end stays Q
}

TEST(Translate, ExceptionsReplaceTheCodonsTheyName) {
  const GeneticCode& standard = *GeneticCode::ncbi(1);
  EXPECT_EQ(translate("ATGTGAGCCTAA", standard, options(0, true, true, {{1, 'U'}})), "MUA");  // selenocysteine
  EXPECT_EQ(translate("CTGGCC", standard, options(0, false, true, {{0, 'M'}})), "MA");  // a non-AUG start
  EXPECT_EQ(translate("ATGGCCTA", standard, options(0, true, true, {{2, '*'}})), "MA");  // past the end: ignored
  EXPECT_EQ(amino_acid_letter("Sec"), 'U');
  EXPECT_EQ(amino_acid_letter("Pyl"), 'O');
  EXPECT_EQ(amino_acid_letter("TERM"), '*');
  EXPECT_EQ(amino_acid_letter("OTHER"), 'X');
  EXPECT_EQ(amino_acid_letter("sec"), 0);
}

}  // namespace
}  // namespace gffbase
