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

// The CDS of `id` as fetch_sequence gives it (its protein when
// `translate`), or "error: " and the message.
std::string fetched_cds(const Database& db, const FastaReader& fa, std::string_view id, bool translate,
                        int genetic_code = 0, bool use_strand = true) {
  SequenceQuery q;
  q.part_types = {"CDS"};
  q.translate = translate;
  q.genetic_code = genetic_code;
  q.use_strand = use_strand;
  const SplicedParts p = spliced_parts(db, *db.find(id), db.type_codes(q.part_types));
  auto seq = fasta_sequence_for(db, fa, p, q.part_types);
  if (!seq.is_ok()) return "error: " + seq.status().message();
  std::string out;
  if (Status s = fetch_sequence(db, fa, **seq, p, q, out); !s) return "error: " + s.message();
  return out;
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
    return fetched_cds(*db, *fa, id, translate, genetic_code);
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

// chrM's minus strand, 5' to 3': 37-30 reads GTGAAACG, 12-6 reads AAATAA
// after its phase-1 base.  chrP: 6-13 ATGAAATG, 31-37 (phase 1) AAAATAA;
// chrN's minus strand: 37-30 ATGAAATG, 12-6 (phase 1) AAAATAA.
constexpr const char* kExceptionsGff = R"(##gff-version 3
chrM	t	CDS	6	12	.	-	1	ID=m3;transl_table=11;end_range=12,.;partial=true
chrM	t	CDS	30	37	.	-	0	ID=m3;transl_table=11;end_range=37,.;partial=true
chrM	t	CDS	6	12	.	-	1	ID=m4;transl_table=11;start_range=.,6;partial=true
chrM	t	CDS	30	37	.	-	0	ID=m4;transl_table=11;start_range=.,6;partial=true
chrM	t	mRNA	6	37	.	-	.	ID=m5;transl_table=11;end_range=37,.
chrM	t	CDS	6	12	.	-	1	ID=m5c;transl_table=11;Parent=m5
chrM	t	CDS	30	37	.	-	0	ID=m5c;transl_table=11;Parent=m5
chrM	t	CDS	30	37	.	-	0	ID=m6;transl_table=11;transl_except=(pos:complement(32..34)%2Caa:Trp),(pos:complement(29..31)%2Caa:Sec)
chrM	t	CDS	30	37	.	-	0	ID=m7;transl_table=11;transl_except=(pos:complement(NC_000913.3:32..34)%2Caa:Trp)
chrP	t	mRNA	6	37	.	+	.	ID=tp
chrP	t	CDS	6	13	.	+	0	ID=cp;Parent=tp;transl_except=(pos:join(12..13%2C31)%2Caa:Sec)
chrP	t	CDS	31	37	.	+	1	ID=cp;Parent=tp;transl_except=(pos:join(12..13%2C31)%2Caa:Sec)
chrN	t	mRNA	6	37	.	-	.	ID=tm
chrN	t	CDS	6	12	.	-	1	ID=cm;Parent=tm;transl_except=(pos:complement(join(12%2C30..31))%2Caa:Sec)
chrN	t	CDS	30	37	.	-	0	ID=cm;Parent=tm;transl_except=(pos:complement(join(12%2C30..31))%2Caa:Sec)
chrP	t	CDS	6	13	.	+	0	ID=raw;transl_except=(pos:9..11,aa:Sec)
##FASTA
>chrM
GGGGGTTATTTTCTGAAAAAAAAACTTACCGTTTCACGGGG
>chrP
CCCCCATGAAATGGTAAGTTTTTTTTTCAGAAAATAACCCCC
>chrN
GGGGGTTATTTTCTGAAAAAAAAACTTACCATTTCATGGGGG
)";

TEST(Sequences, PartialEndsAndTranslationExceptionsOnBothStrands) {
  TempDir dir;
  auto db = testing::build_db(kExceptionsGff, dir.file("x.gffdb"));
  ASSERT_TRUE(db);
  auto fa = FastaReader::index_text(db->fasta(), "own", 1, nullptr);
  ASSERT_TRUE(fa.is_ok()) << fa.status().message();
  auto protein = [&](std::string_view id, bool use_strand = true) {
    return fetched_cds(*db, *fa, id, true, 0, use_strand);
  };
  EXPECT_EQ(protein("m3"), "VKRK");  // end_range is the 5' end of a minus-strand CDS: partial, GTG is valine
  EXPECT_EQ(protein("m4"), "MKRK");  // start_range is its 3' end: the 5' end is complete
  EXPECT_EQ(protein("m5"), "MKRK");  // the mRNA's end_range lies in its UTR: the CDS is complete
  EXPECT_EQ(protein("m6"), "MW");    // an exception on the minus strand; one past the last codon is ignored
  EXPECT_EQ(protein("m7"), "MW");    // an accession before the range is no position
  EXPECT_EQ(protein("tp"), "MKUK");  // the codon TG|A spans the intron (plus strand)
  EXPECT_EQ(protein("tm"), "MKUK");  // ... and on the minus strand
  EXPECT_EQ(protein("raw"), "MU");   // a comma left unescaped splits the value in two: read whole again
  EXPECT_EQ(protein("tm", false), "error: translate reads each coding sequence 5' to 3': it cannot be asked "
                                  "without the strand (use_strand)");
}

}  // namespace
}  // namespace gffbase
