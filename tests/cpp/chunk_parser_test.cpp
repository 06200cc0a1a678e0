// Tests for the chunk parser (gffbase/parse/chunk_parser.hpp): each problem
// code with its fields and formatted message, strict vs lenient, line
// handling.  The text helpers (split_at_lines, find_fasta_start,
// find_invalid_utf8) are in chunk_text_helpers_test.cpp.
#include "gffbase/parse/chunk_parser.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using gffbase::ChunkParseOptions;
using gffbase::Format;
using gffbase::ParsedChunk;
using gffbase::Problem;
using gffbase::Severity;

struct Chunk {
  std::string text;  // kept alive: records view into it
  ParsedChunk out;
};

void run(Chunk& r, const std::string& text, bool strict = false, Format format = Format::kGff3) {
  r.text = text;
  ChunkParseOptions o;
  o.path = "t.gff";
  o.format = format;
  o.strict = strict;
  o.keys_of_interest = {"ID", "Parent"};
  gffbase::parse_chunk(r.text.data(), r.text.size(), o, r.out);
}

std::string line(const std::string& start, const std::string& end, const std::string& score = ".",
                 const std::string& strand = "+", const std::string& phase = ".", const std::string& type = "gene",
                 const std::string& attrs = "ID=a") {
  return "chr1\tsrc\t" + type + "\t" + start + "\t" + end + "\t" + score + "\t" + strand + "\t" + phase + "\t" +
         attrs;
}

const Problem& only_problem(const Chunk& r) {
  EXPECT_EQ(r.out.problems.items.size(), 1u);
  static const Problem kNone;
  return r.out.problems.items.empty() ? kNone : r.out.problems.items[0];
}

TEST(ChunkParser, ParsesAWellFormedLine) {
  Chunk r;
  run(r, line("10", "20", "3.5", "-", "2", "CDS", "ID=c1;Parent=t1,t2;Name=x") + "\n");
  ASSERT_EQ(r.out.records.size(), 1u);
  const auto& rec = r.out.records[0];
  EXPECT_EQ(rec.line, 1u);
  EXPECT_EQ(r.out.seqid_values[rec.seqid_code], "chr1");
  EXPECT_EQ(r.out.source_values[rec.source_code], "src");
  EXPECT_EQ(r.out.type_values[rec.type_code], "CDS");
  EXPECT_EQ(std::string_view(rec.text, 4), "chr1");  // the line's first byte
  EXPECT_EQ(rec.start, 10);
  EXPECT_EQ(rec.end, 20);
  EXPECT_DOUBLE_EQ(rec.score, 3.5);
  EXPECT_EQ(rec.strand, '-');
  EXPECT_EQ(rec.phase, 2);
  EXPECT_EQ(rec.attributes(), "ID=c1;Parent=t1,t2;Name=x");
  // Only keys of interest are kept; every valued item is hashed.
  ASSERT_EQ(rec.items_count, 3u);
  EXPECT_EQ(r.out.items[rec.items_begin].key, 0u);  // keys_of_interest[0] = "ID"
  EXPECT_EQ(r.out.items[rec.items_begin].value(), "c1");
  EXPECT_EQ(r.out.items[rec.items_begin + 1].key, 1u);  // "Parent"
  EXPECT_EQ(r.out.items[rec.items_begin + 2].value(), "t2");
  EXPECT_EQ(r.out.attr_entries.size(), 4u);
  EXPECT_TRUE(r.out.problems.items.empty());
  EXPECT_EQ(r.out.lines, 1u);
  EXPECT_FALSE(r.out.stopped);
}

TEST(ChunkParser, MoreThan65535LinkingValuesOnALineAreReportedNotCutSilently) {
  // A record names at most 65,535 kept values: an ID after 70,000 Parent
  // values was dropped without a word.
  std::string parents = "Parent=";
  for (int i = 0; i < 70000; ++i) parents += (i ? ",p" : "p") + std::to_string(i);
  const std::string text = line("1", "100", ".", "+", ".", "mRNA", parents + ";ID=t1") + "\n" +
                           line("1", "50", ".", "+", ".", "exon", "Parent=t1") + "\n";
  Chunk lenient;
  run(lenient, text);
  const Problem& p = only_problem(lenient);
  EXPECT_EQ(p.code, "too-many-values");
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(p.field, "column 9 (attributes)");
  EXPECT_EQ(p.found, "70001 values");
  ASSERT_EQ(lenient.out.records.size(), 2u);
  EXPECT_EQ(lenient.out.records[0].items_count, 65535u);
  EXPECT_EQ(lenient.out.items.size(), 65535u + 1u);  // the second record's Parent follows the cut
  Chunk strict;
  run(strict, text, true);
  EXPECT_TRUE(strict.out.stopped);
  EXPECT_EQ(only_problem(strict).code, "too-many-values");
}

TEST(ChunkParser, AByteOrderMarkInsideTheFileIsSaidAndSkipped) {
  // `cat a.gff3 b.gff3` of two files saved with a BOM: the second one's
  // lines began with EF BB BF, which became part of a seqid ("\xEF\xBB\xBFchr1").
  const std::string bom = "\xEF\xBB\xBF";
  Chunk r;
  run(r, line("1", "10") + "\n" + bom + "##gff-version 3\n" + bom + line("20", "30", ".", "+", ".", "gene", "ID=b") +
             "\n",
      true);
  ASSERT_EQ(r.out.records.size(), 2u);
  EXPECT_EQ(r.out.seqid_values.size(), 1u);  // one seqid, "chr1"
  EXPECT_EQ(r.out.seqid_values[r.out.records[1].seqid_code], "chr1");
  ASSERT_EQ(r.out.directives.size(), 1u);
  EXPECT_EQ(r.out.directives[0].text, "##gff-version 3");
  ASSERT_EQ(r.out.problems.items.size(), 2u);
  EXPECT_EQ(r.out.problems.items[0].code, "byte-order-mark");
  EXPECT_EQ(r.out.problems.items[0].severity, Severity::kWarning);
  EXPECT_EQ(r.out.problems.items[0].line, 2u);
  EXPECT_EQ(r.out.problems.items[1].line, 3u);
  EXPECT_FALSE(r.out.stopped);  // a warning: strict mode goes on
}

TEST(ChunkParser, SpaceSeparatedColumnsLenientReadsWithAWarning) {
  Chunk r;
  run(r, "chr1 src gene  1 10 . + . ID=a;Note=two words\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "space-separated");
  EXPECT_EQ(p.severity, Severity::kWarning);
  EXPECT_EQ(p.format(),
            "t.gff:1: warning: line: expected 9 tab-separated columns, found columns separated by spaces\n"
            "  | chr1 src gene  1 10 . + . ID=a;Note=two words\n"
            "  hint: lenient mode split the line on runs of spaces; use tabs");
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.type_values[r.out.records[0].type_code], "gene");
  EXPECT_EQ(r.out.records[0].start, 1);
  EXPECT_EQ(r.out.records[0].end, 10);
  EXPECT_EQ(r.out.records[0].attributes(), "ID=a;Note=two words");  // column 9 keeps its spaces
  EXPECT_EQ(r.out.skipped_lines, 0u);
}

TEST(ChunkParser, ColumnCountWithSpacesHint) {
  // Strict mode does not guess: the line has one column, and the hint says why.
  Chunk r;
  run(r, "chr1 src gene 1 10 . + . ID=a\n", /*strict=*/true);
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "column-count");
  EXPECT_EQ(p.severity, Severity::kError);
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(p.field, "line");
  EXPECT_EQ(p.expected, "9 tab-separated columns");
  EXPECT_EQ(p.found, "1 column");
  EXPECT_EQ(p.format(),
            "t.gff:1: error: line: expected 9 tab-separated columns, found 1 column\n"
            "  | chr1 src gene 1 10 . + . ID=a\n"
            "  hint: columns must be separated by tabs; this line seems to use spaces");
  EXPECT_TRUE(r.out.records.empty());
  EXPECT_TRUE(r.out.stopped);

  Chunk few;  // lenient, but too few space-separated fields to be a feature line
  run(few, "chr1 src gene 1 10\n");
  EXPECT_EQ(only_problem(few).code, "column-count");
  EXPECT_EQ(only_problem(few).hint, "columns must be separated by tabs; this line seems to use spaces");
  EXPECT_TRUE(few.out.records.empty());
  EXPECT_EQ(few.out.skipped_lines, 1u);
}

TEST(ChunkParser, ColumnCountWithoutSpaces) {
  Chunk r;
  run(r, "chr1\tsrc\tgene\t1\t10\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.found, "5 columns");
  EXPECT_EQ(p.hint, "a GFF/GTF feature line has 9 columns: seqid source type start end score strand phase attributes");
  EXPECT_EQ(p.text, "chr1\\tsrc\\tgene\\t1\\t10");  // tabs shown escaped
}

TEST(ChunkParser, BadCoordinate) {
  Chunk r;
  run(r, line("abc", "10") + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "bad-coordinate");
  EXPECT_EQ(p.field, "column 4 (start)");
  EXPECT_EQ(p.expected, "a positive integer");
  EXPECT_EQ(p.found, "\"abc\"");
  EXPECT_EQ(p.format(),
            "t.gff:1: error: column 4 (start): expected a positive integer, found \"abc\"\n"
            "  | chr1\\tsrc\\tgene\\tabc\\t10\\t.\\t+\\t.\\tID=a\n"
            "  hint: coordinates are 1-based integers; '.' is allowed only when both start and end are '.'");
  EXPECT_TRUE(r.out.records.empty());
  EXPECT_EQ(r.out.skipped_lines, 1u);

  Chunk neg;
  run(neg, line("1", "-5") + "\n");
  EXPECT_EQ(only_problem(neg).field, "column 5 (end)");
  EXPECT_EQ(only_problem(neg).hint, "coordinates cannot be negative");

  Chunk big;
  run(big, line("1", "99999999999999999999") + "\n");
  EXPECT_EQ(only_problem(big).expected, "an integer below 2^63");

  Chunk one_dot;  // '.' only in one of the two columns
  run(one_dot, line(".", "10") + "\n");
  EXPECT_EQ(only_problem(one_dot).code, "bad-coordinate");
}

TEST(ChunkParser, StartAfterEndLenientSwaps) {
  Chunk r;
  run(r, line("20", "10") + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "start-after-end");
  EXPECT_EQ(p.severity, Severity::kError);
  EXPECT_EQ(p.field, "columns 4-5 (start, end)");
  EXPECT_EQ(p.found, "start 20 > end 10");
  EXPECT_EQ(p.hint, "lenient mode swaps start and end; fix the coordinates to silence this");
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].start, 10);
  EXPECT_EQ(r.out.records[0].end, 20);

  Chunk s;
  run(s, line("20", "10") + "\n", /*strict=*/true);
  EXPECT_TRUE(s.out.records.empty());
  EXPECT_TRUE(s.out.stopped);
}

TEST(ChunkParser, BadStrand) {
  Chunk r;
  run(r, line("1", "10", ".", "x") + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "bad-strand");
  EXPECT_EQ(p.format(),
            "t.gff:1: error: column 7 (strand): expected one of + - . ?, found \"x\"\n"
            "  | chr1\\tsrc\\tgene\\t1\\t10\\t.\\tx\\t.\\tID=a\n"
            "  hint: lenient mode stores the strand as '.'");
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].strand, '.');
  Chunk q;
  run(q, line("1", "10", ".", "?") + "\n");
  EXPECT_TRUE(q.out.problems.items.empty());
  EXPECT_EQ(q.out.records[0].strand, '?');
}

TEST(ChunkParser, BadPhase) {
  Chunk r;
  run(r, line("1", "10", ".", "+", "3", "CDS") + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "bad-phase");
  EXPECT_EQ(p.field, "column 8 (phase)");
  EXPECT_EQ(p.expected, "one of 0 1 2 .");
  EXPECT_EQ(p.found, "\"3\"");
  EXPECT_EQ(p.hint, "lenient mode stores the phase as '.'");
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].phase, -1);
}

TEST(ChunkParser, CdsWithoutPhase) {
  Chunk r;
  run(r, line("1", "10", ".", "+", ".", "CDS") + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "cds-without-phase");
  EXPECT_EQ(p.severity, Severity::kWarning);
  EXPECT_EQ(p.format(),
            "t.gff:1: warning: column 8 (phase): expected 0, 1 or 2 for a CDS, found '.'\n"
            "  | chr1\\tsrc\\tCDS\\t1\\t10\\t.\\t+\\t.\\tID=a\n"
            "  hint: GFF3 and GTF require a phase on CDS features");
  EXPECT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.problems.warnings, 1u);
  EXPECT_EQ(r.out.problems.errors, 0u);

  Chunk s;  // strict: an error
  run(s, line("1", "10", ".", "+", ".", "CDS") + "\n", true);
  EXPECT_EQ(only_problem(s).severity, Severity::kError);
  EXPECT_TRUE(s.out.stopped);

  Chunk g2;  // GFF2 does not require a phase
  run(g2, line("1", "10", ".", "+", ".", "CDS", "ID \"a\"") + "\n", false, Format::kGff2);
  EXPECT_TRUE(g2.out.problems.items.empty());
}

TEST(ChunkParser, BadScore) {
  Chunk r;
  run(r, line("1", "10", "high") + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "bad-score");
  EXPECT_EQ(p.field, "column 6 (score)");
  EXPECT_EQ(p.expected, "a number or '.'");
  EXPECT_EQ(p.found, "\"high\"");
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_TRUE(std::isnan(r.out.records[0].score));

  Chunk ok;
  run(ok, line("1", "10", "1e-5") + "\n" + line("1", "10", ".") + "\n");
  ASSERT_EQ(ok.out.records.size(), 2u);
  EXPECT_DOUBLE_EQ(ok.out.records[0].score, 1e-5);
  EXPECT_TRUE(std::isnan(ok.out.records[1].score));

  // RepeatMasker pads its score column; a '+' sign is a number too.  A sign
  // that is not one, or blanks inside, are not.
  Chunk padded;
  run(padded, line("1", "10", "  6.4") + "\n" + line("1", "10", "22.5 ") + "\n" + line("1", "10", "+5") + "\n" +
                  line("1", "10", " . ") + "\n");
  EXPECT_TRUE(padded.out.problems.items.empty());
  ASSERT_EQ(padded.out.records.size(), 4u);
  EXPECT_DOUBLE_EQ(padded.out.records[0].score, 6.4);
  EXPECT_DOUBLE_EQ(padded.out.records[1].score, 22.5);
  EXPECT_DOUBLE_EQ(padded.out.records[2].score, 5);
  EXPECT_TRUE(std::isnan(padded.out.records[3].score));
  for (const char* bad : {"+-5", "++5", "2 2", "+"}) {
    Chunk b;
    run(b, line("1", "10", bad) + "\n");
    EXPECT_EQ(only_problem(b).code, "bad-score") << bad;
  }
}

TEST(ChunkParser, InvalidUtf8RepairedInPlace) {
  Chunk r;
  run(r, line("1", "10", ".", "+", ".", "gene", "ID=a\xff" "b") + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "invalid-utf8");
  EXPECT_EQ(p.field, "byte 30 of the line");
  EXPECT_EQ(p.expected, "UTF-8 text");
  EXPECT_EQ(p.found, "byte 0xff");
  EXPECT_EQ(p.hint, "lenient mode replaces each invalid byte with '?'; convert the file to UTF-8 (iconv)");
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].attributes(), "ID=a?b");
  EXPECT_EQ(r.out.items[0].value(), "a?b");

  Chunk trunc;  // a truncated 3-byte sequence: every byte replaced
  run(trunc, line("1", "10", ".", "+", ".", "gene", "ID=\xe2\x82") + "\n");
  ASSERT_EQ(trunc.out.records.size(), 1u);
  EXPECT_EQ(trunc.out.records[0].attributes(), "ID=??");

  Chunk s;
  run(s, line("1", "10", ".", "+", ".", "gene", "ID=\xc0\xaf") + "\n", true);
  EXPECT_TRUE(s.out.stopped);
  EXPECT_TRUE(s.out.records.empty());
}

TEST(ChunkParser, NulByteRepaired) {
  Chunk r;
  std::string l = line("1", "10", ".", "+", ".", "gene", "ID=a");
  l += std::string(1, '\0') + "z";
  run(r, l + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "nul-byte");
  EXPECT_EQ(p.found, "byte 0x00");
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].attributes(), "ID=a?z");
}

TEST(ChunkParser, ZeroStartIsAWarning) {
  Chunk r;
  run(r, line("0", "10") + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "zero-start");
  EXPECT_EQ(p.severity, Severity::kWarning);
  EXPECT_EQ(p.field, "column 4 (start)");
  EXPECT_EQ(p.found, "0");
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].start, 0);
  Chunk s;  // a warning never stops strict mode
  run(s, line("0", "10") + "\n", true);
  EXPECT_FALSE(s.out.stopped);
  EXPECT_EQ(s.out.records.size(), 1u);
}

TEST(ChunkParser, EmptySeqidOrType) {
  Chunk r;
  run(r, "\tsrc\tgene\t1\t2\t.\t+\t.\tID=a\nchr1\tsrc\t\t1\t2\t.\t+\t.\tID=b\n");
  ASSERT_EQ(r.out.problems.items.size(), 2u);
  EXPECT_EQ(r.out.problems.items[0].code, "empty-column");
  EXPECT_EQ(r.out.problems.items[0].field, "column 1 (seqid)");
  EXPECT_EQ(r.out.problems.items[1].field, "column 3 (type)");
  EXPECT_TRUE(r.out.records.empty());
  EXPECT_EQ(r.out.skipped_lines, 2u);
}

TEST(ChunkParser, EmptySourceScoreOrPhaseIsAWarning) {
  // Read as missing (source kept empty), and said: they passed silently.
  for (bool strict : {false, true}) {
    Chunk r;
    run(r, "chr1\t\tgene\t1\t10\t\t+\t\tID=c\n", strict);
    ASSERT_EQ(r.out.problems.items.size(), 3u);
    std::vector<std::string> fields;
    for (const Problem& p : r.out.problems.items) {
      EXPECT_EQ(p.code, "empty-value");
      EXPECT_EQ(p.severity, Severity::kWarning);
      EXPECT_EQ(p.found, "an empty column");
      fields.push_back(p.field);
    }
    EXPECT_EQ(fields, (std::vector<std::string>{"column 2 (source)", "column 6 (score)", "column 8 (phase)"}));
    ASSERT_EQ(r.out.records.size(), 1u);
    EXPECT_TRUE(r.out.records[0].score_dot);
    EXPECT_EQ(r.out.records[0].phase, -1);
    EXPECT_FALSE(r.out.stopped);
  }
}

TEST(ChunkParser, StrictStopsAtFirstErrorButCountsAllLines) {
  Chunk r;
  const std::string text = line("1", "10") + "\n" + line("1", "10", ".", "x") + "\n" + line("abc", "1") + "\n" +
                           line("5", "6") + "\n" + line("7", "8");
  run(r, text, true);
  EXPECT_TRUE(r.out.stopped);
  ASSERT_EQ(r.out.problems.items.size(), 1u);
  EXPECT_EQ(r.out.problems.items[0].code, "bad-strand");
  EXPECT_EQ(r.out.problems.items[0].line, 2u);
  EXPECT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.lines, 5u);  // needed to rebase later chunks

  Chunk l;
  run(l, text, false);
  EXPECT_FALSE(l.out.stopped);
  EXPECT_EQ(l.out.problems.items.size(), 2u);
  EXPECT_EQ(l.out.records.size(), 4u);
  EXPECT_EQ(l.out.skipped_lines, 1u);
  EXPECT_EQ(l.out.lines, 5u);
}

TEST(ChunkParser, CrlfLineEndings) {
  Chunk r;
  run(r, "##gff-version 3\r\n" + line("1", "10") + "\r\n" + line("2", "20", ".", "-", ".", "gene", "ID=b") + "\r\n");
  ASSERT_EQ(r.out.records.size(), 2u);
  EXPECT_EQ(r.out.records[0].attributes(), "ID=a");
  EXPECT_EQ(r.out.records[1].attributes(), "ID=b");
  EXPECT_EQ(r.out.items.back().value(), "b");
  ASSERT_EQ(r.out.directives.size(), 1u);
  EXPECT_EQ(r.out.directives[0].text, "##gff-version 3");
  EXPECT_TRUE(r.out.problems.items.empty());
  EXPECT_EQ(r.out.lines, 3u);
}

TEST(ChunkParser, MissingFinalNewline) {
  Chunk r;
  run(r, line("1", "10") + "\n" + line("2", "20", ".", "+", ".", "gene", "ID=last"));
  ASSERT_EQ(r.out.records.size(), 2u);
  EXPECT_EQ(r.out.records[1].line, 2u);
  EXPECT_EQ(r.out.records[1].attributes(), "ID=last");
  EXPECT_EQ(r.out.lines, 2u);
}

TEST(ChunkParser, BlankAndWhitespaceLinesAreIgnored) {
  Chunk r;
  run(r, "\n   \n\t\t\n" + line("1", "10") + "\n \t \n\n");
  EXPECT_TRUE(r.out.problems.items.empty());
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].line, 4u);
  EXPECT_EQ(r.out.lines, 6u);
  EXPECT_EQ(r.out.skipped_lines, 0u);
}

TEST(ChunkParser, DirectivesCollectedCommentsCounted) {
  Chunk r;
  run(r, "##gff-version 3\n# a comment\n#another\n##sequence-region chr1 1 100\n" + line("1", "10") + "\n###\n");
  ASSERT_EQ(r.out.directives.size(), 3u);
  EXPECT_EQ(r.out.directives[0].line, 1u);
  EXPECT_EQ(r.out.directives[0].text, "##gff-version 3");
  EXPECT_EQ(r.out.directives[1].line, 4u);
  EXPECT_EQ(r.out.directives[1].text, "##sequence-region chr1 1 100");
  EXPECT_EQ(r.out.directives[2].text, "###");
  EXPECT_EQ(r.out.comment_lines, 2u);
  EXPECT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].line, 5u);
}

TEST(ChunkParser, PragmasAreKeptLikeDirectives) {
  // Ensembl's and NCBI's "#!" lines carry the genome build: kept verbatim,
  // in place; a "# !" or "#x" line stays a comment.
  Chunk r;
  run(r, "##gff-version 3\n#!genome-build GRCh38.p14\n#!processor NCBI annotwriter\n# !not one\n" + line("1", "10") +
             "\n#!late-pragma x\n");
  ASSERT_EQ(r.out.directives.size(), 4u);
  EXPECT_EQ(r.out.directives[1].line, 2u);
  EXPECT_EQ(r.out.directives[1].text, "#!genome-build GRCh38.p14");
  EXPECT_EQ(r.out.directives[2].text, "#!processor NCBI annotwriter");
  EXPECT_EQ(r.out.directives[3].line, 6u);
  EXPECT_EQ(r.out.directives[3].text, "#!late-pragma x");
  EXPECT_EQ(r.out.comment_lines, 1u);
  EXPECT_TRUE(r.out.problems.items.empty());
}

TEST(ChunkParser, UcscTrackAndBrowserLinesAreSkippedWithAWarning) {
  // A long track line has nine or more space-separated words: it must not be
  // read as a space-separated feature.  Strict mode warns too.
  const std::string track =
      "track name=genes description=\"genes from a long list of words\" visibility=2 color=0,0,255 useScore=1";
  for (bool strict : {false, true}) {
    Chunk r;
    run(r, "browser position chr1:1-1000\n" + track + "\n" + line("1", "10") + "\n", strict);
    ASSERT_EQ(r.out.records.size(), 1u) << strict;
    EXPECT_EQ(r.out.records[0].line, 3u);
    EXPECT_EQ(r.out.skipped_lines, 0u);
    ASSERT_EQ(r.out.problems.items.size(), 2u);
    for (const Problem& p : r.out.problems.items) {
      EXPECT_EQ(p.severity, Severity::kWarning);
      EXPECT_EQ(p.code, "ucsc-track-line");
    }
    EXPECT_EQ(r.out.problems.items[0].line, 1u);
    EXPECT_NE(r.out.problems.items[0].found.find("'browser'"), std::string::npos);
    EXPECT_NE(r.out.problems.items[1].found.find("'track'"), std::string::npos);
    EXPECT_TRUE(r.out.directives.empty());
  }
  // Only the whole word at the start: a seqid "track" with nine columns is a
  // feature, and "tracks ..." is a short line like any other.
  Chunk r;
  run(r, "track\tsrc\tgene\t1\t10\t.\t+\t.\tID=a\ntracks x\n");
  ASSERT_EQ(r.out.records.size(), 1u);
  ASSERT_EQ(r.out.problems.items.size(), 1u);
  EXPECT_EQ(r.out.problems.items[0].code, "column-count");
  EXPECT_TRUE(gffbase::ucsc_browser_line("track"));
  EXPECT_TRUE(gffbase::ucsc_browser_line("browser\thide all"));
  EXPECT_FALSE(gffbase::ucsc_browser_line("trackname=x"));
  EXPECT_FALSE(gffbase::ucsc_browser_line("Track name=x"));
}

TEST(ChunkParser, DotCoordinatesMeanNoCoordinate) {
  Chunk r;
  run(r, line(".", ".", ".", ".", ".", "region", "ID=NC_1;Name=chr") + "\n");
  EXPECT_TRUE(r.out.problems.items.empty());
  ASSERT_EQ(r.out.records.size(), 1u);
  EXPECT_EQ(r.out.records[0].start, gffbase::kNoCoordinate);
  EXPECT_EQ(r.out.records[0].end, gffbase::kNoCoordinate);
}

TEST(ChunkParser, ATrailingTabIsAWarningAndColumnNineEndsBeforeIt) {
  for (bool strict : {false, true}) {
    Chunk r;
    run(r, line("1", "10") + "\t \t\n", strict);
    const Problem& p = only_problem(r);
    EXPECT_EQ(p.code, "trailing-tab");
    EXPECT_EQ(p.severity, Severity::kWarning);
    EXPECT_EQ(p.found, "empty columns after column 9 (a trailing tab)");
    ASSERT_EQ(r.out.records.size(), 1u);
    EXPECT_EQ(r.out.records[0].attributes(), "ID=a");
    EXPECT_FALSE(r.out.stopped);
  }
}

TEST(ChunkParser, MoreThanNineColumns) {
  Chunk r;
  run(r, line("1", "10") + "\textra\tmore\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "column-count");
  EXPECT_EQ(p.severity, Severity::kError);
  EXPECT_EQ(p.found, "more than 9 (extra tab in column 9)");
  ASSERT_EQ(r.out.records.size(), 1u);  // lenient keeps the text in column 9
  EXPECT_EQ(r.out.records[0].attributes(), "ID=a\textra\tmore");
  EXPECT_EQ(r.out.skipped_lines, 0u);

  Chunk s;
  run(s, line("1", "10") + "\textra\n", true);
  EXPECT_TRUE(s.out.stopped);
  EXPECT_TRUE(s.out.records.empty());
}

TEST(ChunkParser, AttributeIssuesBecomeProblems) {
  Chunk r;
  run(r, line("1", "10", ".", "+", ".", "gene", "ID=a;Note=5%ZZ") + "\n");
  const Problem& p = only_problem(r);
  EXPECT_EQ(p.code, "bad-percent-escape");
  EXPECT_EQ(p.field, "column 9 (attributes), key 'Note'");
  EXPECT_EQ(r.out.records.size(), 1u);
}

}  // namespace
