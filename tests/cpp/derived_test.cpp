// Derived features (introns, splice sites, inter-features, merge, children_bp)
// against hand-computed answers on a two-isoform gene.
#include "gffbase/query/derived.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace gffbase {
namespace {

using testing::TempDir;

// tx1 has exons 1000-1500, 3000-3400, 8000-9000; tx2 skips the middle exon;
// tx3 (minus strand) has two exons, listed out of order.
constexpr const char* kGff = R"(##gff-version 3
chrX	t	gene	1000	9000	.	+	.	ID=gene1
chrX	t	mRNA	1000	9000	.	+	.	ID=tx1;Parent=gene1
chrX	t	exon	1000	1500	.	+	.	ID=tx1.e1;Parent=tx1
chrX	t	exon	3000	3400	.	+	.	ID=tx1.e2;Parent=tx1
chrX	t	exon	8000	9000	.	+	.	ID=tx1.e3;Parent=tx1
chrX	t	mRNA	1000	9000	.	+	.	ID=tx2;Parent=gene1
chrX	t	exon	1000	1500	.	+	.	ID=tx2.e1;Parent=tx2
chrX	t	exon	8000	9000	.	+	.	ID=tx2.e2;Parent=tx2
chrX	t	gene	20000	26000	.	-	.	ID=gene2
chrX	t	ncRNA	20000	26000	.	-	.	ID=tx3;Parent=gene2
chrX	t	exon	25000	26000	.	-	.	ID=tx3.e2;Parent=tx3
chrX	t	exon	20000	21000	.	-	.	ID=tx3.e1;Parent=tx3
chrX	t	gene	30000	31000	.	-	.	ID=gene3
)";

struct Got {
  Coord start, end;
  std::string type, parent;
  bool operator==(const Got&) const = default;
};

std::vector<Got> got(const Database& db, const std::vector<DerivedFeature>& v) {
  std::vector<Got> out;
  for (const auto& d : v) {
    out.push_back({d.start, d.end, d.type, d.parent == kNone ? "" : std::string(db.feature_id(d.parent))});
  }
  return out;
}

TEST(Derived, IntronsArePerTranscriptNeverPooled) {
  TempDir dir;
  auto db = testing::build_db(kGff, dir.file("d.gffdb"));
  ASSERT_TRUE(db);
  const std::vector<Got> want = {{1501, 2999, "intron", "tx1"},
                                 {1501, 7999, "intron", "tx2"},
                                 {3401, 7999, "intron", "tx1"},
                                 {21001, 24999, "intron", "tx3"}};
  EXPECT_EQ(got(*db, introns(*db, {})), want);
  IntronOptions only_mrna;
  only_mrna.parent_types = {"mRNA"};
  EXPECT_EQ(introns(*db, only_mrna).size(), 3u);
}

TEST(Derived, SpliceSitesAreTwoBasesNamedByStrand) {
  TempDir dir;
  auto db = testing::build_db(kGff, dir.file("d.gffdb"));
  ASSERT_TRUE(db);
  const auto sites = got(*db, splice_sites(*db, {}));
  ASSERT_EQ(sites.size(), 8u);
  EXPECT_EQ(sites[0], (Got{1501, 1502, "five_prime_cis_splice_site", "tx1"}));
  // Minus strand: the left end of the intron is the acceptor (3').
  const Got left_minus{21001, 21002, "three_prime_cis_splice_site", "tx3"};
  const Got right_minus{24998, 24999, "five_prime_cis_splice_site", "tx3"};
  EXPECT_NE(std::find(sites.begin(), sites.end(), left_minus), sites.end());
  EXPECT_NE(std::find(sites.begin(), sites.end(), right_minus), sites.end());
}

TEST(Derived, MergeInterfeaturesAndChildrenBp) {
  TempDir dir;
  auto db = testing::build_db(kGff, dir.file("d.gffdb"));
  ASSERT_TRUE(db);
  const auto exon = *db->type_code("exon");
  auto rows = db->rows_of_type(exon);
  const std::vector<RowId> exons(rows.begin(), rows.end());
  const auto merged = merge_rows(*db, exons, false);
  ASSERT_EQ(merged.size(), 5u);
  EXPECT_EQ(merged[0].start, 1000);
  EXPECT_EQ(merged[0].end, 1500);
  EXPECT_EQ(merged[0].members, 2u);  // tx1.e1 and tx2.e1

  const auto gene = *db->type_code("gene");
  auto grows = db->rows_of_type(gene);
  const std::vector<RowId> genes(grows.begin(), grows.end());
  EXPECT_TRUE(interfeatures(*db, genes, "inter_gene", false).size() == 1);  // gene2 -> gene3 on '-'
  const auto any_strand = got(*db, interfeatures(*db, genes, "inter_gene", true));
  EXPECT_EQ(any_strand, (std::vector<Got>{{9001, 19999, "inter_gene", ""}, {26001, 29999, "inter_gene", ""}}));

  const FeatureIndex gene1 = *db->find("gene1");
  EXPECT_EQ(children_bp(*db, gene1, {"exon"}, false, false), 501 + 401 + 1001 + 501 + 1001);
  EXPECT_EQ(children_bp(*db, gene1, {"exon"}, true, false), 501 + 401 + 1001);
}

TEST(Derived, CoordinatesAtTheLimitDoNotOverflow) {
  // Exons reaching 2^63 - 1, the largest coordinate: reach + 1 and summed
  // lengths used to wrap (introns starting at -2^63, children_bp < 0).
  constexpr Coord kMax = INT64_MAX;
  const std::string m = std::to_string(kMax);
  const std::string text = "##gff-version 3\n"
                           "c\tt\tmRNA\t1\t" + m + "\t.\t+\t.\tID=t\n"
                           "c\tt\texon\t1\t" + std::to_string(kMax - 1) + "\t.\t+\t.\tID=e1;Parent=t\n"
                           "c\tt\texon\t5\t" + m + "\t.\t+\t.\tID=e2;Parent=t\n"
                           "c\tt\texon\t" + m + "\t" + m + "\t.\t+\t.\tID=e3;Parent=t\n";
  TempDir dir;
  auto db = testing::build_db(text, dir.file("h.gffdb"));
  ASSERT_TRUE(db);
  EXPECT_TRUE(introns(*db, {}).empty());  // the exons overlap or touch: no gap
  const auto exon = *db->type_code("exon");
  auto rows = db->rows_of_type(exon);
  const auto merged = merge_rows(*db, std::vector<RowId>(rows.begin(), rows.end()), false);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].start, 1);
  EXPECT_EQ(merged[0].end, kMax);
  const FeatureIndex t = *db->find("t");
  EXPECT_EQ(children_bp(*db, t, {"exon"}, false, false), kMax);  // saturated
  EXPECT_EQ(children_bp(*db, t, {"exon"}, true, false), kMax);

  // A start of 0 (accepted with a warning) over the whole range: 2^63 bases.
  const std::string zero = "##gff-version 3\nc\tt\tgene\t0\t" + m + "\t.\t+\t.\tID=g\n" +
                           "c\tt\texon\t0\t" + m + "\t.\t+\t.\tID=z;Parent=g\n";
  auto zdb = testing::build_db(zero, dir.file("z.gffdb"));
  ASSERT_TRUE(zdb);
  EXPECT_EQ(children_bp(*zdb, *zdb->find("g"), {"exon"}, false, false), kMax);
}

TEST(Derived, IntronsStayOnOneSeqidOneBpIntronsHaveSitesAndParentsAreEncoded) {
  // A GFF3 transcript with an exon on another seqid: no intron runs between
  // chromosomes.  A 1 bp intron has its two sites (as gffutils makes them).
  // A Parent holding ',' is written percent-encoded (one ID, not a list).
  TempDir dir;
  const std::string text = "##gff-version 3\n"
                           "chr1\t.\tmRNA\t100\t500\t.\t+\t.\tID=t%2C1\n"
                           "chr1\t.\texon\t100\t200\t.\t+\t.\tParent=t%2C1\n"
                           "chr2\t.\texon\t300\t400\t.\t+\t.\tParent=t%2C1\n"
                           "chr1\t.\texon\t450\t500\t.\t+\t.\tParent=t%2C1\n"
                           "chr1\t.\tmRNA\t1000\t1100\t.\t-\t.\tID=u\n"
                           "chr1\t.\texon\t1000\t1049\t.\t-\t.\tParent=u\n"
                           "chr1\t.\texon\t1051\t1100\t.\t-\t.\tParent=u\n";
  auto db = testing::build_db(text, dir.file("x.gffdb"));
  ASSERT_TRUE(db);
  std::string gff;
  for (const DerivedFeature& d : introns(*db, {})) write_derived_line(*db, d, "gff3", gff);
  EXPECT_EQ(gff,
            "chr1\tgffbase\tintron\t201\t449\t.\t+\t.\tParent=t%2C1\n"
            "chr1\tgffbase\tintron\t1050\t1050\t.\t-\t.\tParent=u\n");
  std::vector<std::pair<Coord, Coord>> sites;
  for (const DerivedFeature& d : splice_sites(*db, {})) {
    if (db->feature_id(d.parent) == "u") sites.emplace_back(d.start, d.end);
  }
  EXPECT_EQ(sites, (std::vector<std::pair<Coord, Coord>>{{1049, 1050}, {1050, 1051}}));
}

TEST(Derived, WritesGff3GtfBedAndTsv) {
  TempDir dir;
  auto db = testing::build_db(kGff, dir.file("d.gffdb"));
  ASSERT_TRUE(db);
  const DerivedFeature d = introns(*db, {})[0];
  std::string gff, gtf, bed, tsv;
  write_derived_line(*db, d, "gff3", gff);
  write_derived_line(*db, d, "gtf", gtf);
  write_derived_line(*db, d, "bed", bed);
  write_derived_line(*db, d, "tsv", tsv);
  EXPECT_EQ(gff, "chrX\tgffbase\tintron\t1501\t2999\t.\t+\t.\tParent=tx1\n");
  EXPECT_EQ(gtf, "chrX\tgffbase\tintron\t1501\t2999\t.\t+\t.\tgene_id \"gene1\"; transcript_id \"tx1\";\n");
  EXPECT_EQ(bed, "chrX\t1500\t2999\ttx1\t0\t+\n");
  EXPECT_EQ(tsv, "chrX\tintron\t1501\t2999\t+\ttx1\n");
}

}  // namespace
}  // namespace gffbase
