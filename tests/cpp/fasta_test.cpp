// FastaReader against a naive read (headers split, line ends dropped) over
// many layouts, its errors and the .fai path.
#include "gffbase/io/fasta.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "naive_fasta.hpp"
#include "test_util.hpp"

namespace gffbase {
namespace {

using testing::TempDir;
using testing::naive;

void expect_every_slice(const FastaReader& fa, const std::map<std::string, std::string>& want) {
  ASSERT_EQ(fa.sequences().size(), want.size());
  for (const auto& [name, seq] : want) {
    const FastaSequence* s = fa.find(name);
    ASSERT_NE(s, nullptr) << name;
    ASSERT_EQ(s->length, seq.size()) << name;
    for (std::size_t a = 1; a <= seq.size(); a += 3) {
      for (std::size_t b = a - 1; b <= seq.size(); b += 7) {
        std::string got;
        fa.append(*s, a, b, got);
        ASSERT_EQ(got, seq.substr(a - 1, b + 1 - a)) << name << ":" << a << "-" << b;
      }
    }
  }
}

TEST(Fasta, LayoutsReadAsANaiveReadDoes) {
  const char* layouts[] = {
      ">a desc\nACGTA\nCGTAC\nGT\n>b\nTTTT\n",              // regular
      ">a\r\nACGTA\r\nCG\r\n>b\r\nT\r\n",                    // CRLF
      ">a\nACGTACGTAC\n>b\nGG",                              // one line each, no final newline
      ">a\nACG\nACGTT\nA\n>b\nTT\n\nGG\n",                   // wider line; bases after a blank line
      ">a\nACGTA\nCG\nAAAAA\n>empty\n>b\n\nACGT\n",         // bases after a short line; empty; blank first
      "\n\n>a\nACGTA\nACGTA\n\n\n>b\nCCCCC\n\n",             // blank lines around (regular still)
      ">a\nACGTA\r\nACGTA\nAC\n",                            // mixed line ends
      ">a\nACGT \nACGT \nAC\n",                              // trailing blanks (regular still)
      ">a\nAC GT\nAC\tGT\n  \nA\x01C\n",                     // blanks and a control byte between bases
      ">a\nACGT\r\r\nAC\n>b\x0b desc\nGG\n",                 // two CRs; a name ending at a vertical tab
      "\xEF\xBB\xBF>a\nACGT\n",                              // a UTF-8 byte-order mark
  };
  TempDir dir;
  for (const char* text : layouts) {
    auto fa = FastaReader::index_text(text, "t.fa", 1, nullptr);
    ASSERT_TRUE(fa.is_ok()) << fa.status().message();
    expect_every_slice(*fa, naive(text));
    // The same text as a file (mapped), and gzip-compressed (inflated).
    testing::write_file(dir.file("x.fa"), text);
    auto file = FastaReader::open(dir.file("x.fa"));
    ASSERT_TRUE(file.is_ok()) << file.status().message();
    expect_every_slice(*file, naive(text));
    testing::write_file(dir.file("x.fa.gz"), testing::gzip_member(text));
    auto gz = FastaReader::open(dir.file("x.fa.gz"));
    ASSERT_TRUE(gz.is_ok()) << gz.status().message();
    expect_every_slice(*gz, naive(text));
  }
}

TEST(Fasta, RandomLayoutsOfALongSequence) {
  std::mt19937 rng(11);
  std::string seq(5000, 'A');
  for (char& c : seq) c = "ACGTNacgt"[rng() % 9];
  for (int trial = 0; trial < 20; ++trial) {
    std::string text = ">s\n";
    const bool regular = trial % 2 == 0;
    const std::size_t width = 1 + rng() % 120;
    for (std::size_t at = 0; at < seq.size();) {
      const std::size_t w = regular ? width : 1 + rng() % 120;
      text += seq.substr(at, w) + (trial % 3 == 0 ? "\r\n" : "\n");
      at += w;
    }
    auto fa = FastaReader::index_text(text, "t.fa", 1, nullptr);
    ASSERT_TRUE(fa.is_ok());
    const FastaSequence* s = fa->find("s");
    ASSERT_NE(s, nullptr);
    if (regular) {
      EXPECT_EQ(s->line_bases, width) << "a regular layout is fetched by arithmetic";
    }
    for (int q = 0; q < 200; ++q) {
      const std::size_t a = 1 + rng() % seq.size();
      const std::size_t b = std::min(seq.size(), a + rng() % 300);
      auto got = fa->fetch("s", static_cast<std::int64_t>(a), static_cast<std::int64_t>(b));
      ASSERT_TRUE(got.is_ok());
      ASSERT_EQ(*got, seq.substr(a - 1, b + 1 - a));
    }
  }
}

TEST(Fasta, ErrorsNameFileLineAndWhat) {
  auto dup = FastaReader::index_text(">a\nAC\n>b\nGG\n>a x\nTT\n", "g.fa", 1, nullptr);
  ASSERT_FALSE(dup.is_ok());
  EXPECT_EQ(dup.status().message(), "g.fa:5: sequence name 'a' is used twice (a name must pick one sequence)");
  auto noname = FastaReader::index_text(">a\nAC\n> x\n", "g.fa", 10, nullptr);
  ASSERT_FALSE(noname.is_ok());
  EXPECT_EQ(noname.status().message(), "g.fa:12: expected a sequence name right after '>', found '> x'");
  auto text = FastaReader::index_text("chr1\t.\tgene\t1\t2\n>a\nAC\n", "g.fa", 1, nullptr);
  ASSERT_FALSE(text.is_ok());
  EXPECT_NE(text.status().message().find("g.fa:1: expected a '>' header line (FASTA), found 'chr1?.?gene?1?2'"),
            std::string::npos)
      << text.status().message();
  auto fa = FastaReader::index_text(">a\nACGT\n", "g.fa", 1, nullptr);
  ASSERT_TRUE(fa.is_ok());
  auto unknown = fa->fetch("b", 1, 2);
  EXPECT_EQ(unknown.status().kind(), ErrorKind::kNotFound);
  auto past = fa->fetch("a", 2, 5);
  EXPECT_EQ(past.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(past.status().message(), "g.fa: a:2-5 is outside the sequence (1-4)");
  EXPECT_EQ(fa->fetch("a", 3, 2).value(), "");  // an empty range is fine
  auto missing = FastaReader::open("/nonexistent/g.fa");
  EXPECT_EQ(missing.status().kind(), ErrorKind::kIo);
}

TEST(Fasta, TrailingBlanksKeepALayoutRegular) {
  auto fa = FastaReader::index_text(">a\nACGT \nACGT \nAC\n", "t.fa", 1, nullptr);
  ASSERT_TRUE(fa.is_ok());
  const FastaSequence* s = fa->find("a");
  EXPECT_EQ(s->length, 10u);
  EXPECT_EQ(s->line_bases, 4u);  // fetched by arithmetic: 4 bases in 6 bytes a line
  EXPECT_EQ(s->line_bytes, 6u);
  EXPECT_TRUE(s->compact.empty());
}

TEST(Fasta, BytesThatAreNoBasesAndCrOnlyLineEndsAreErrors) {
  auto high = FastaReader::index_text(">a\nACGT\nAC\xFFT\n", "g.fa", 1, nullptr);
  ASSERT_FALSE(high.is_ok());
  EXPECT_EQ(high.status().message(),
            "g.fa:3: expected bases (ASCII letters), found byte 0xFF at column 3 of sequence 'a'; hint: is this "
            "file FASTA?");
  auto name = FastaReader::index_text(">chr\xC3\n", "g.fa", 1, nullptr);
  ASSERT_FALSE(name.is_ok());
  EXPECT_NE(name.status().message().find("g.fa:1: sequence name 'chr\\xC3'"), std::string::npos)
      << name.status().message();  // escaped: the message itself stays UTF-8
  EXPECT_NE(name.status().message().find("is not UTF-8"), std::string::npos);
  EXPECT_TRUE(FastaReader::index_text(">chr\xC3\x9C\nAC\n", "g.fa", 1, nullptr).is_ok());  // UTF-8 names are fine
  auto mac = FastaReader::index_text(">a\rACGT\rAC\r", "g.fa", 1, nullptr);
  ASSERT_FALSE(mac.is_ok());
  EXPECT_NE(mac.status().message().find("g.fa:1: a carriage return inside a line"), std::string::npos);
}

TEST(Fasta, AFaiThatDoesNotFitTheFileIsNeverTrusted) {
  TempDir dir;
  const std::string text = ">a\nACGT\nACGT\nAC\n>b\nTTT\n";
  testing::write_file(dir.file("g.fa"), text);
  const char* bad[] = {
      "a\t10\t18446744073709551615\t4\t5\n",  // offset wraps the arithmetic
      "a\t10\t3\t4\t4611686018427387904\n",   // line width wraps it
      "a\t10\t2\t4\t5\n",                     // one byte off: not the start of a line
      "a\t10\t3\t3\t4\n",                     // the first line does not end after 3 bases
      "a\t10\t3\t4\t9\n",                     // a line end of 5 bytes
      "",                                         // empty (an index cut short)
      "a\t10\t3\t4\t5\n",                     // b missing: bases follow a's last base
  };
  for (const char* fai : bad) {
    testing::write_file(dir.file("g.fa.fai"), fai);
    auto fa = FastaReader::open(dir.file("g.fa"));
    ASSERT_TRUE(fa.is_ok()) << fai;
    EXPECT_EQ(fa->fetch("a", 1, 10).value(), "ACGTACGTAC") << fai;
    EXPECT_NE(fa->find("b"), nullptr) << "scanned: " << fai;
  }
  // A .fai of another file whose numbers fit: fetched bytes that are not bases are refused.
  testing::write_file(dir.file("h.fa"), std::string(">a\nAC\xFF") + "T\n");
  testing::write_file(dir.file("h.fa.fai"), "a\t4\t3\t4\t5\n");
  auto other = FastaReader::open(dir.file("h.fa"));
  ASSERT_TRUE(other.is_ok());
  EXPECT_EQ(other->fetch("a", 1, 4).status().kind(), ErrorKind::kInvalidInput);
}

TEST(Fasta, AnUpToDateFaiIsTrustedAndABadOneIgnored) {
  TempDir dir;
  testing::write_file(dir.file("g.fa"), ">a desc\nACGTA\nCG\n>b\nTTT\n");
  testing::write_file(dir.file("g.fa.fai"), "a_fai\t7\t8\t5\t6\nb_fai\t3\t20\t3\t4\n");
  auto fa = FastaReader::open(dir.file("g.fa"));
  ASSERT_TRUE(fa.is_ok());
  ASSERT_NE(fa->find("a_fai"), nullptr);  // the names show the .fai was read
  EXPECT_EQ(fa->fetch("a_fai", 1, 7).value(), "ACGTACG");
  testing::write_file(dir.file("g.fa.fai"), "a\t7\t8\t5\t6\nb\t3\t9999\t3\t4\n");  // past the end
  fa = FastaReader::open(dir.file("g.fa"));
  ASSERT_TRUE(fa.is_ok());
  EXPECT_EQ(fa->fetch("b", 1, 3).value(), "TTT");  // scanned instead
}

TEST(Fasta, ReverseComplementKeepsCaseAndIupac) {
  std::string s = "ACGTNacgtnRYKMBVDHSWu-*";
  reverse_complement(s.data(), s.data() + s.size());
  EXPECT_EQ(s, "*-aWSDHBVKMRYnacgtNACGT");
}

}  // namespace
}  // namespace gffbase
