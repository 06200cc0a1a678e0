// Tests for dialect detection (gffbase/parse/dialect.hpp): per-field
// classification, majority voting, GTF vs GFF2, ties, forced formats, style.
#include "gffbase/parse/dialect.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using gffbase::Dialect;
using gffbase::DialectDetector;
using gffbase::Format;

Dialect detect(const std::vector<std::string>& fields, Format forced = Format::kAuto) {
  DialectDetector d;
  for (const auto& f : fields) d.observe(f);
  return d.finish(forced);
}

const std::string kGff3 = "ID=g1;Name=Alpha";
const std::string kGtf = "gene_id \"g1\"; transcript_id \"t1\";";
const std::string kGff2 = "Gene \"abc\"; Note \"hello\"";

TEST(ClassifyAttributeField, Gff3KeyEqualsValue) {
  EXPECT_EQ(gffbase::classify_attribute_field("ID=g1"), 3);
  EXPECT_EQ(gffbase::classify_attribute_field("ID=g1;Parent=x"), 3);
  EXPECT_EQ(gffbase::classify_attribute_field("   Name=x y z"), 3);  // leading spaces ignored
  EXPECT_EQ(gffbase::classify_attribute_field("Note=value with \"quotes\""), 3);
}

TEST(ClassifyAttributeField, GtfStyleKeySpaceValue) {
  EXPECT_EQ(gffbase::classify_attribute_field(kGtf), 2);
  EXPECT_EQ(gffbase::classify_attribute_field("gene_id g1; transcript_id t1"), 2);
  EXPECT_EQ(gffbase::classify_attribute_field("gene_id\"g1\";"), 2);
  EXPECT_EQ(gffbase::classify_attribute_field("gene_id\tg1"), 2);
  // The first token decides, even if an '=' appears later.
  EXPECT_EQ(gffbase::classify_attribute_field("note \"a=b\""), 2);
}

TEST(ClassifyAttributeField, NoVote) {
  EXPECT_EQ(gffbase::classify_attribute_field(""), 0);
  EXPECT_EQ(gffbase::classify_attribute_field("."), 0);
  EXPECT_EQ(gffbase::classify_attribute_field("   "), 0);
  EXPECT_EQ(gffbase::classify_attribute_field("Complete;ID=x"), 0);  // bare first key
  EXPECT_EQ(gffbase::classify_attribute_field("lonely"), 0);
}

TEST(DialectDetector, NoLinesDefaultsToGff3) {
  const Dialect d = detect({});
  EXPECT_EQ(d.format, Format::kGff3);
  EXPECT_EQ(d.lines_checked, 0u);
  EXPECT_EQ(d.votes_gff3, 0u);
  EXPECT_EQ(d.votes_gtf, 0u);
  EXPECT_FALSE(d.quoted_values);
}

TEST(DialectDetector, Gff3Majority) {
  const Dialect d = detect({kGff3, kGff3, kGtf});
  EXPECT_EQ(d.format, Format::kGff3);
  EXPECT_EQ(d.lines_checked, 3u);
  EXPECT_EQ(d.votes_gff3, 2u);
  EXPECT_EQ(d.votes_gtf, 1u);
  EXPECT_FALSE(d.quoted_values);  // never quoted in GFF3
}

TEST(DialectDetector, GtfNeedsGeneIdAndTranscriptId) {
  const Dialect gtf = detect({kGtf, kGtf, kGff3});
  EXPECT_EQ(gtf.format, Format::kGtf);
  EXPECT_EQ(gtf.votes_gtf, 2u);

  // gene_id alone is not enough: that is GFF2.
  const Dialect gene_only = detect({"gene_id \"g1\";", "gene_id \"g2\";"});
  EXPECT_EQ(gene_only.format, Format::kGff2);

  const Dialect gff2 = detect({kGff2, kGff2, kGff2});
  EXPECT_EQ(gff2.format, Format::kGff2);
  EXPECT_TRUE(gff2.quoted_values);
}

TEST(DialectDetector, GtfWhenAtLeastHalfOfGtfStyleLinesCarryBothKeys) {
  // 2 of 4 GTF-style lines carry both keys: GTF.
  EXPECT_EQ(detect({kGtf, kGtf, kGff2, kGff2}).format, Format::kGtf);
  // 1 of 3: GFF2.
  EXPECT_EQ(detect({kGtf, kGff2, kGff2}).format, Format::kGff2);
}

TEST(DialectDetector, NonVotingLinesDoNotCount) {
  const Dialect d = detect({".", "", "Complete", kGtf});
  EXPECT_EQ(d.format, Format::kGtf);
  EXPECT_EQ(d.lines_checked, 4u);
  EXPECT_EQ(d.votes_gff3, 0u);
  EXPECT_EQ(d.votes_gtf, 1u);
}

TEST(DialectDetector, TiesGoToGff3) {
  EXPECT_EQ(detect({kGff3, kGtf}).format, Format::kGff3);
  EXPECT_EQ(detect({kGtf, kGff3, kGff2, kGff3}).format, Format::kGff3);
  EXPECT_EQ(detect({".", "."}).format, Format::kGff3);
}

TEST(DialectDetector, ForcedFormatOverridesTheVote) {
  const Dialect gtf = detect({kGff3, kGff3}, Format::kGtf);
  EXPECT_EQ(gtf.format, Format::kGtf);
  EXPECT_EQ(gtf.votes_gff3, 2u);  // the votes are still recorded
  EXPECT_EQ(detect({kGtf, kGtf}, Format::kGff3).format, Format::kGff3);
  EXPECT_EQ(detect({kGtf, kGtf}, Format::kGff2).format, Format::kGff2);
  EXPECT_EQ(detect({kGff2}, Format::kAuto).format, Format::kGff2);
}

TEST(DialectDetector, StyleOfGtf) {
  const Dialect d = detect({kGtf, kGtf, kGtf});
  EXPECT_TRUE(d.quoted_values);
  EXPECT_TRUE(d.trailing_semicolon);
  EXPECT_TRUE(d.space_after_separator);
  EXPECT_FALSE(d.comma_lists);
}

TEST(DialectDetector, StyleOfUnquotedGtfWithoutTrailingSemicolon) {
  const Dialect d = detect({"gene_id g1;transcript_id t1", "gene_id g2;transcript_id t2"});
  EXPECT_EQ(d.format, Format::kGtf);
  EXPECT_FALSE(d.quoted_values);
  EXPECT_FALSE(d.trailing_semicolon);
  EXPECT_FALSE(d.space_after_separator);
}

TEST(DialectDetector, StyleOfGff3) {
  const Dialect d = detect({"ID=a;Parent=b,c;", "ID=d;", "ID=e"});
  EXPECT_EQ(d.format, Format::kGff3);
  EXPECT_TRUE(d.comma_lists);
  EXPECT_TRUE(d.trailing_semicolon);  // 2 of 3
  EXPECT_FALSE(d.space_after_separator);
  EXPECT_FALSE(d.quoted_values);

  const Dialect spaced = detect({"ID=a; Name=b", "ID=c; Name=d"});
  EXPECT_TRUE(spaced.space_after_separator);
  EXPECT_FALSE(spaced.comma_lists);
  EXPECT_FALSE(spaced.trailing_semicolon);
}

TEST(DialectDetector, TrailingSemicolonIgnoresTrailingSpaceAndCr) {
  EXPECT_TRUE(detect({"gene_id \"g\"; transcript_id \"t\"; \r"}).trailing_semicolon);
}

TEST(DialectDetector, RepeatedKeysAreDetected) {
  // The header documents Dialect::repeated_keys as "a key appears twice in
  // one line"; Ensembl/GENCODE GTF repeat `tag`.
  const Dialect d = detect({"gene_id \"g\"; transcript_id \"t\"; tag \"basic\"; tag \"CCDS\";",
                            "gene_id \"g\"; transcript_id \"t2\"; tag \"basic\"; tag \"MANE\";"});
  EXPECT_EQ(d.format, Format::kGtf);
  EXPECT_TRUE(d.repeated_keys);
  EXPECT_FALSE(detect({kGtf, kGtf}).repeated_keys);
}

TEST(DialectDescribe, NamesFormatAndStyle) {
  const std::string gtf = detect({kGtf, kGtf}).describe();
  // Documented shape: "gtf (quoted values, '; ' separator, trailing ';')".
  EXPECT_EQ(gtf.rfind("gtf (quoted values, '; ' separator, trailing ';'", 0), 0u) << gtf;
  EXPECT_NE(gtf.find("2 lines checked: 0 gff3-style, 2 gtf/gff2-style"), std::string::npos) << gtf;
  EXPECT_EQ(gtf.back(), ')');

  const std::string gff3 = detect({kGff3}).describe();
  EXPECT_EQ(gff3.rfind("gff3 (unquoted values, ';' separator", 0), 0u) << gff3;
  EXPECT_EQ(gff3.find("trailing"), std::string::npos) << gff3;

  const std::string gff2 = detect({kGff2}).describe();
  EXPECT_EQ(gff2.rfind("gff2 (quoted values", 0), 0u) << gff2;
}

TEST(DialectDescribe, ExactTextForAKnownInput) {
  EXPECT_EQ(detect({kGtf, kGtf, kGff3}).describe(),
            "gtf (quoted values, '; ' separator, trailing ';', 3 lines checked: 1 gff3-style, 2 gtf/gff2-style)");
}

}  // namespace
