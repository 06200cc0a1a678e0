// Spliced sequences (query/sequences.hpp) against hand-computed bases.
#include "gffbase/query/sequences.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.hpp"

namespace gffbase {
namespace {

using testing::TempDir;

constexpr const char* kGff = R"(##gff-version 3
chrA	t	gene	3	20	.	-	.	ID=g1
chrA	t	mRNA	3	20	.	-	.	ID=t1;Parent=g1
chrA	t	exon	15	20	.	-	.	ID=e2;Parent=t1
chrA	t	exon	3	6	.	-	.	ID=e1;Parent=t1
chrA	t	CDS	4	6	.	-	0	ID=c1;Parent=t1
chrA	t	CDS	15	17	.	-	0	ID=c1;Parent=t1
chrA	t	ncRNA	1	4	.	+	.	ID=nc1
##FASTA
>chrA
ACGTACGTAC
GGGGTTTTTC
)";

TEST(Sequences, PartsAreJoinedInCoordinateOrderAndStrandApplied) {
  TempDir dir;
  auto db = testing::build_db(kGff, dir.file("s.gffdb"));
  ASSERT_TRUE(db);
  auto fa = FastaReader::index_text(db->fasta(), "own", 1, nullptr);
  ASSERT_TRUE(fa.is_ok()) << fa.status().message();
  const std::string chr = "ACGTACGTACGGGGTTTTTC";
  auto spliced = [&](std::string_view id, std::vector<std::string> types, bool strand) {
    std::vector<std::uint32_t> codes = db->type_codes(types);
    const SplicedParts p = spliced_parts(*db, *db->find(id), codes);
    auto seq = fasta_sequence_for(*db, *fa, p, types);
    if (!seq.is_ok()) return "error: " + seq.status().message();
    std::string out(p.length, '?');
    if (Status s = write_spliced(*db, *fa, **seq, p, strand, out.data()); !s) return "error: " + s.message();
    return out;
  };
  auto rc = [](std::string s) {
    reverse_complement(s.data(), s.data() + s.size());
    return s;
  };
  EXPECT_EQ(spliced("t1", {"exon"}, false), chr.substr(2, 4) + chr.substr(14, 6));
  EXPECT_EQ(spliced("t1", {"exon"}, true), rc(chr.substr(2, 4) + chr.substr(14, 6)));
  EXPECT_EQ(spliced("t1", {"CDS"}, true), rc(chr.substr(3, 3) + chr.substr(14, 3)));
  EXPECT_EQ(spliced("c1", {"CDS"}, true), rc(chr.substr(3, 3) + chr.substr(14, 3)));  // its own two lines
  EXPECT_EQ(spliced("nc1", {"ncRNA"}, true), chr.substr(0, 4));
  EXPECT_EQ(spliced("g1", {"exon"}, true),
            "error: feature 'g1' (gene) has no exon children and is no exon itself: nothing to join");
  EXPECT_EQ(spliced("g1", {"gene"}, false), chr.substr(2, 18));  // a gene's genomic span, asked as such
}

// chrB, by position: 1-6 GTGAAA, 7-9 CCC, 10-15 TTTTAA, 16 C, 17-21 TCAGG,
// 22-23 AA, 24-28 GCATG, 29-30 CC.  On the minus strand, m1 reads
// rc(24-28) + rc(17-21) = CATGC + CCTGA: phase 1 skips the C, then ATG CCC TGA.
constexpr const char* kCodingGff = R"(##gff-version 3
chrB	t	CDS	1	6	.	+	0	ID=p1;transl_table=11
chrB	t	CDS	10	15	.	+	0	ID=p1;transl_table=11
chrB	t	CDS	1	6	.	+	0	ID=p2;transl_table=11;partial=true;start_range=.,1
chrB	t	CDS	10	15	.	+	0	ID=p2;transl_table=11;partial=true;start_range=.,1
chrB	t	CDS	1	6	.	+	0	ID=p3;tag=basic,cds_start_NF
chrB	t	CDS	10	15	.	+	0	ID=p3;tag=basic,cds_start_NF
chrB	t	mRNA	17	28	.	-	.	ID=m1
chrB	t	CDS	17	21	.	-	2	Parent=m1
chrB	t	CDS	24	28	.	-	1	Parent=m1
chrB	t	CDS	1	6	.	+	0	ID=x1;transl_table=99
chrB	t	mRNA	17	28	.	-	.	ID=m2
chrB	t	CDS	17	21	.	-	2	Parent=m2;transl_except=(pos:complement(17..19)%2Caa:Sec)
chrB	t	CDS	24	28	.	-	1	Parent=m2;transl_except=(pos:complement(17..19)%2Caa:Sec)
##FASTA
>chrB
GTGAAACCCTTTTAACTCAGGAAGCATGCC
)";

TEST(Sequences, TranslatedFromThePhaseOfThe5PrimePartWithTheTableTheFeatureNames) {
  TempDir dir;
  auto db = testing::build_db(kCodingGff, dir.file("c.gffdb"));
  ASSERT_TRUE(db);
  auto fa = FastaReader::index_text(db->fasta(), "own", 1, nullptr);
  ASSERT_TRUE(fa.is_ok()) << fa.status().message();
  auto protein = [&](std::string_view id, int genetic_code = 0, bool translate = true) {
    SequenceQuery q;
    q.part_types = {"CDS"};
    q.translate = translate;
    q.genetic_code = genetic_code;
    const SplicedParts p = spliced_parts(*db, *db->find(id), db->type_codes(q.part_types));
    auto seq = fasta_sequence_for(*db, *fa, p, q.part_types);
    if (!seq.is_ok()) return "error: " + seq.status().message();
    std::string out;
    if (Status s = fetch_sequence(*db, *fa, **seq, p, q, out); !s) return "error: " + s.message();
    return out;
  };
  EXPECT_EQ(protein("p1", 0, false), "GTGAAATTTTAA");
  EXPECT_EQ(protein("p1"), "MKF");      // table 11 from transl_table: GTG starts with M; the stop is left out
  EXPECT_EQ(protein("p2"), "VKF");      // 5' partial (start_range on the plus strand): GTG is valine
  EXPECT_EQ(protein("p3"), "VKF");      // 5' partial (GENCODE tag cds_start_NF), table 1
  EXPECT_EQ(protein("p3", 11), "VKF");  // an explicit table does not make a partial end complete
  EXPECT_EQ(protein("m1", 0, false), "CATGCCCTGA");
  EXPECT_EQ(protein("m1"), "MP");  // the 5' part is the last one on the minus strand: its phase 1 is skipped
  EXPECT_EQ(protein("x1", 11), "MK");  // an explicit table wins over the attribute
  EXPECT_EQ(protein("x1"), "error: feature 'x1': transl_table=99 (line 11) names no NCBI genetic code "
                           "(1-6, 9-16, 21-33)");
  EXPECT_EQ(protein("m2"), "MPU");  // NCBI transl_except: the TGA at complement(17..19) is selenocysteine
}

}  // namespace
}  // namespace gffbase
