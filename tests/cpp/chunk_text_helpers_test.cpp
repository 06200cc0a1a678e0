// Tests for the text helpers of gffbase/parse/chunk_parser.hpp:
// split_at_lines, find_fasta_start and find_invalid_utf8.
// (Split from chunk_parser_test.cpp to keep each file short.)
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/parse/chunk_parser.hpp"

namespace {

TEST(SplitAtLines, CutsOnlyAfterNewlinesAndCoversTheText) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::string text;
    const int lines = static_cast<int>(rng() % 40);
    for (int i = 0; i < lines; ++i) text += std::string(rng() % 30, 'x') + "\n";
    if (rng() % 2) text += "tail-without-newline";
    for (int n : {1, 2, 3, 4, 7, 16, 100}) {
      const auto cuts = gffbase::split_at_lines(text, n);
      ASSERT_GE(cuts.size(), 2u);
      EXPECT_EQ(cuts.front(), 0u);
      EXPECT_EQ(cuts.back(), text.size());
      EXPECT_LE(cuts.size(), static_cast<std::size_t>(n) + 1);
      for (std::size_t i = 1; i + 1 < cuts.size(); ++i) {
        EXPECT_LT(cuts[i - 1], cuts[i]);
        EXPECT_EQ(text[cuts[i] - 1], '\n') << "cut " << cuts[i] << " not after a newline";
      }
      if (cuts.size() > 2) {
        EXPECT_LT(cuts[cuts.size() - 2], cuts.back());
      }
    }
  }
}

TEST(SplitAtLines, EdgeCases) {
  EXPECT_EQ(gffbase::split_at_lines("", 4), (std::vector<std::size_t>{0, 0}));
  EXPECT_EQ(gffbase::split_at_lines("abc\n", 0), (std::vector<std::size_t>{0, 4}));
  EXPECT_EQ(gffbase::split_at_lines("no newline at all", 8), (std::vector<std::size_t>{0, 17}));
  const auto cuts = gffbase::split_at_lines("a\nb\nc\nd\n", 4);
  EXPECT_GT(cuts.size(), 2u);
}

TEST(FindFastaStart, FindsDirectiveOrSequenceLine) {
  const std::string a = "##gff-version 3\nchr1\ts\tgene\t1\t2\t.\t+\t.\tID=a\n##FASTA\n>chr1\nACGT\n";
  EXPECT_EQ(gffbase::find_fasta_start(a), a.find("##FASTA"));
  const std::string b = "chr1\ts\tgene\t1\t2\t.\t+\t.\tID=a\n>chr1 desc\nACGT\n";
  EXPECT_EQ(gffbase::find_fasta_start(b), b.find(">chr1"));
  EXPECT_EQ(gffbase::find_fasta_start(">first\nAC\n"), 0u);
  const std::string crlf = "x\n##FASTA\r\n>c\n";
  EXPECT_EQ(gffbase::find_fasta_start(crlf), 2u);
  const std::string at_end = "x\n##FASTA";
  EXPECT_EQ(gffbase::find_fasta_start(at_end), 2u);
}

TEST(FindFastaStart, NoFasta) {
  const std::string a = "##gff-version 3\nchr1\ts\tgene\t1\t2\t.\t+\t.\tNote=a>b\n##FASTAX\n#>not\n";
  EXPECT_EQ(gffbase::find_fasta_start(a), a.size());
  EXPECT_EQ(gffbase::find_fasta_start(""), 0u);
  EXPECT_EQ(gffbase::find_fasta_start("plain\nlines\n"), 12u);
}

TEST(FindInvalidUtf8, ValidMultibyte) {
  constexpr auto npos = std::string_view::npos;
  EXPECT_EQ(gffbase::find_invalid_utf8("plain ascii\t"), npos);
  EXPECT_EQ(gffbase::find_invalid_utf8("h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e"), npos);  // é € 𝄞
  EXPECT_EQ(gffbase::find_invalid_utf8("\xf4\x8f\xbf\xbf"), npos);  // U+10FFFF
  EXPECT_EQ(gffbase::find_invalid_utf8("\xed\x9f\xbf"), npos);      // U+D7FF
  EXPECT_EQ(gffbase::find_invalid_utf8(""), npos);
}

TEST(FindInvalidUtf8, Invalid) {
  EXPECT_EQ(gffbase::find_invalid_utf8("ab\xc0\xaf"), 2u);          // overlong '/'
  EXPECT_EQ(gffbase::find_invalid_utf8("\xe0\x80\xaf"), 0u);        // overlong 3-byte
  EXPECT_EQ(gffbase::find_invalid_utf8("\xf0\x80\x80\xaf"), 0u);    // overlong 4-byte
  EXPECT_EQ(gffbase::find_invalid_utf8("x\xed\xa0\x80y"), 1u);      // surrogate U+D800
  EXPECT_EQ(gffbase::find_invalid_utf8("\xed\xbf\xbf"), 0u);        // surrogate U+DFFF
  EXPECT_EQ(gffbase::find_invalid_utf8("ok\xe2\x82"), 2u);          // truncated at end
  EXPECT_EQ(gffbase::find_invalid_utf8("\xe2\x82x"), 0u);           // truncated mid-text
  EXPECT_EQ(gffbase::find_invalid_utf8("\x80"), 0u);                // lone continuation
  EXPECT_EQ(gffbase::find_invalid_utf8("\xf4\x90\x80\x80"), 0u);    // past U+10FFFF
  EXPECT_EQ(gffbase::find_invalid_utf8("\xff"), 0u);
  EXPECT_EQ(gffbase::find_invalid_utf8(std::string_view("ab\0c", 4)), 2u);  // NUL
}

}  // namespace
