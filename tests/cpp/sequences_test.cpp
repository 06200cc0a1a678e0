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

}  // namespace
}  // namespace gffbase
