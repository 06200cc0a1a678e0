// Edge cases of building a database (gffbase/build/ingest.hpp): invariants
// that must hold however IDs are generated (explicit, autoincrement,
// create_unique renames, GTF synthesis), and line accounting.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/build/ingest.hpp"
#include "gffbase/query/database.hpp"
#include "test_util.hpp"

namespace {

using namespace gffbase;
using namespace gffbase::testing;

// Every feature ID is distinct and find() returns the feature itself.
void expect_unique_ids(const Database& db) {
  std::set<std::string> seen;
  for (FeatureIndex f = 0; f < db.feature_count(); ++f) {
    const std::string id(db.feature_id(f));
    EXPECT_TRUE(seen.insert(id).second) << "two features share the ID \"" << id << "\"";
    EXPECT_EQ(db.find(id), f) << "find(\"" << id << "\") does not return feature " << f;
  }
}

IngestOptions unique_options() {
  IngestOptions o = default_options();
  o.merge_strategy = MergeStrategy::kCreateUnique;
  return o;
}

TEST(IngestIds, CreateUniqueRenamesAvoidLaterExplicitIds) {
  TempDir dir;
  const std::string text = "chr1\tt\tgene\t1\t100\t.\t+\t.\tID=X\n"
                           "chr2\tt\tgene\t1\t100\t.\t+\t.\tID=X\n"
                           "chr3\tt\tgene\t1\t100\t.\t+\t.\tID=X\n"
                           "chr4\tt\tgene\t1\t100\t.\t+\t.\tID=X_1\n";
  auto db = build_db(text, dir.file("u.gffdb"), unique_options());
  ASSERT_TRUE(db);
  expect_unique_ids(*db);
  EXPECT_EQ(db->row(db->primary_row(*db->find("X_1"))).seqid, "chr4");  // the explicit one keeps its name
  EXPECT_EQ(db->row(db->primary_row(*db->find("X_2"))).seqid, "chr2");
  EXPECT_EQ(db->row(db->primary_row(*db->find("X_3"))).seqid, "chr3");
}

TEST(IngestIds, CreateUniqueRenameDoesNotCollideWithAutoincrementIds) {
  // The duplicate "exon" is renamed; the ID-less exon gets an autoincrement
  // name.  Both schemes produce "exon_1" unless one avoids the other.
  TempDir dir;
  const std::string text = "chr1\tt\tgene\t1\t100\t.\t+\t.\tID=exon\n"
                           "chr1\tt\tmRNA\t1\t100\t.\t+\t.\tID=exon\n"
                           "chr1\tt\texon\t1\t50\t.\t+\t.\tParent=exon\n";
  auto db = build_db(text, dir.file("a.gffdb"), unique_options());
  ASSERT_TRUE(db);
  EXPECT_EQ(db->feature_count(), 3u);
  expect_unique_ids(*db);
}

TEST(IngestIds, SynthesisedGtfGeneDoesNotCollideWithAutoincrementIds) {
  // gene_id "exon_1" names the synthesised gene; the first exon (no ID key
  // in GTF) is autoincremented to "exon_1" too unless one avoids the other.
  TempDir dir;
  const std::string text = "chr1\tt\texon\t1\t50\t.\t+\t.\tgene_id \"exon_1\"; transcript_id \"t1\";\n"
                           "chr1\tt\texon\t60\t80\t.\t+\t.\tgene_id \"exon_1\"; transcript_id \"t1\";\n";
  auto db = build_db(text, dir.file("g.gffdb"), unique_options());
  ASSERT_TRUE(db);
  EXPECT_EQ(db->feature_count(), 4u);
  expect_unique_ids(*db);
}

TEST(IngestIds, RealisticInputsHaveUniqueIds) {
  TempDir dir;
  for (const char* name : {"basic.gff3", "basic.gtf", "with_genes.gtf", "same_ids.gtf", "dup_ids.gff3", "cycle.gff3"}) {
    SCOPED_TRACE(name);
    auto db = build_db(read_file(test_data(name)), dir.file("r.gffdb"), unique_options());
    ASSERT_TRUE(db);
    expect_unique_ids(*db);
  }
}

TEST(IngestGtfExtents, SyntheticExtentsIgnoreChildrenWithoutCoordinates) {
  // The first exon has '.' coordinates (kRowNoCoords); the inferred gene and
  // transcript must span the children that have coordinates: 100-200.
  TempDir dir;
  const std::string text = "chr1\tt\texon\t.\t.\t.\t+\t.\tgene_id \"g\"; transcript_id \"t\";\n"
                           "chr1\tt\texon\t100\t200\t.\t+\t.\tgene_id \"g\"; transcript_id \"t\";\n"
                           "chr1\tt\texon\t300\t350\t.\t+\t.\tgene_id \"g\"; transcript_id \"t\";\n";
  auto db = build_db(text, dir.file("x.gffdb"));
  ASSERT_TRUE(db);
  for (const char* id : {"g", "t"}) {
    SCOPED_TRACE(id);
    const RowView v = db->row(db->primary_row(*db->find(id)));
    EXPECT_EQ(v.flags & kRowSynthetic, kRowSynthetic);
    EXPECT_EQ(v.start, 100);
    EXPECT_EQ(v.end, 350);
  }
}

TEST(IngestCoordinates, ZeroZeroIsACoordinateNotAMissingOne) {
  // "0 0" gets the start-0 warning and is kept as written; only ". ." means no
  // coordinates.  Both were stored as "no coordinates" (the value 0 was the
  // marker): the feature left region queries, exports said '.', and a 0-based
  // start skipped the ##sequence-region check.
  TempDir dir;
  const std::string text = "##gff-version 3\n##sequence-region chr1 1 100\n"
                           "chr1\t.\tgene\t0\t0\t.\t+\t.\tID=zero\n"
                           "chr1\t.\tgene\t.\t.\t.\t+\t.\tID=dot\n"
                           "chr1\t.\tgene\t0\t500\t.\t+\t.\tID=wide\n";
  IngestOptions o = default_options();
  o.force = true;
  auto rep = ingest_text(text, dir.file("z.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  // Reported once per seqid, at its first line, with the count.
  std::vector<std::string> outside;
  for (const Problem& p : rep->problems.items) {
    if (p.field == "columns 4-5 (start, end)" && contains(p.expected, "sequence-region")) {
      outside.push_back(std::to_string(p.line) + " " + p.found);
    }
  }
  EXPECT_EQ(outside, std::vector<std::string>{"3 0-0 (2 features on chr1 lie outside it)"});
  auto db = open_db(dir.file("z.gffdb"));
  ASSERT_TRUE(db);
  const RowView zero = db->row(db->primary_row(*db->find("zero")));
  EXPECT_EQ(zero.flags & kRowNoCoords, 0);
  EXPECT_EQ(zero.start, 0);
  EXPECT_EQ(zero.end, 0);
  EXPECT_EQ(db->row(db->primary_row(*db->find("dot"))).flags & kRowNoCoords, kRowNoCoords);
  RegionQuery q;
  ASSERT_TRUE(parse_region("chr1:0-0", q).is_ok());
  auto hits = db->region(q);
  ASSERT_TRUE(hits.is_ok());
  std::vector<std::string> ids;
  for (RowId r : *hits) ids.emplace_back(db->feature_id(db->row_feature(r)));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"wide", "zero"}));
}

TEST(IngestDialect, SpaceSeparatedGtfIsStillAGtf) {
  // Lenient mode reads space-separated columns; the dialect is detected from
  // the same column 9, so the file is a GTF and its genes are inferred.
  TempDir dir;
  const std::string text = "chr1 t exon 1 100 . + . gene_id \"g1\"; transcript_id \"t1\";\n"
                           "chr1 t exon 200 300 . + . gene_id \"g1\"; transcript_id \"t1\";\n";
  auto db = build_db(text, dir.file("s.gffdb"));
  ASSERT_TRUE(db);
  EXPECT_EQ(db->meta_value("format"), "gtf");
  ASSERT_TRUE(db->find("g1").has_value());
  const RowView gene = db->row(db->primary_row(*db->find("g1")));
  EXPECT_EQ(gene.start, 1);
  EXPECT_EQ(gene.end, 300);
  EXPECT_EQ(db->children_of(*db->find("t1")).size(), 2u);
}

TEST(IngestGtfExtents, ExtentsAreMinAndMaxOfExonsInAnyOrder) {
  TempDir dir;
  // The CDS reaches past its transcript's exon: gffutils (gtf_subfeature =
  // "exon") spans exons only; gtf_subfeature = "" spans every child.
  const std::string text = "chr1\tt\texon\t500\t600\t.\t-\t.\tgene_id \"g\"; transcript_id \"t1\";\n"
                           "chr1\tt\texon\t100\t200\t.\t-\t.\tgene_id \"g\"; transcript_id \"t2\";\n"
                           "chr1\tt\tCDS\t550\t900\t.\t-\t0\tgene_id \"g\"; transcript_id \"t1\";\n";
  auto db = build_db(text, dir.file("x.gffdb"));
  ASSERT_TRUE(db);
  const RowView g = db->row(db->primary_row(*db->find("g")));
  EXPECT_EQ(g.start, 100);
  EXPECT_EQ(g.end, 600);
  EXPECT_EQ(g.strand, '-');
  const RowView t1 = db->row(db->primary_row(*db->find("t1")));
  EXPECT_EQ(t1.start, 500);
  EXPECT_EQ(t1.end, 600);
  // Synthetic rows sort among the real ones by coordinates.
  const auto st = db->starts();
  EXPECT_TRUE(std::is_sorted(st.begin(), st.end()));

  IngestOptions every_child = default_options();
  every_child.gtf_subfeature = "";
  auto all = build_db(text, dir.file("all.gffdb"), every_child);
  ASSERT_TRUE(all);
  const RowView t1_all = all->row(all->primary_row(*all->find("t1")));
  EXPECT_EQ(t1_all.start, 500);
  EXPECT_EQ(t1_all.end, 900);
}

TEST(IngestGtfExtents, ATranscriptWithoutExonsSpansAllItsLines) {
  TempDir dir;
  const std::string text = "chr1\tt\tCDS\t300\t400\t.\t+\t0\tgene_id \"g\"; transcript_id \"t\";\n"
                           "chr1\tt\tstop_codon\t401\t403\t.\t+\t0\tgene_id \"g\"; transcript_id \"t\";\n";
  auto db = build_db(text, dir.file("x.gffdb"));
  ASSERT_TRUE(db);
  const RowView t = db->row(db->primary_row(*db->find("t")));
  EXPECT_EQ(t.start, 300);
  EXPECT_EQ(t.end, 403);
}

TEST(IngestGtfExtents, NcbiUnknownTranscriptIsOnePerGene) {
  // NCBI GTFs name every CDS without an mRNA "unknown_transcript_1", under
  // each gene's own gene_id: one inferred transcript must not span them all.
  TempDir dir;
  std::string text;
  for (int g = 1; g <= 3; ++g) {
    const std::string gid = "\"RS" + std::to_string(g) + "\"";
    const std::string b = std::to_string(g * 1000), e = std::to_string(g * 1000 + 600);
    text += tsv({"c", "RefSeq", "gene", b, e, ".", "+", ".", "gene_id " + gid + "; transcript_id \"\";"});
    text += tsv({"c", "Protein Homology", "CDS", b, e, ".", "+", "0",
                 "gene_id " + gid + "; transcript_id \"unknown_transcript_1\";"});
  }
  IngestOptions o = default_options();
  o.source_name = "ncbi.gtf";
  auto rep = ingest_text(text, dir.file("n.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  ASSERT_EQ(rep->problems.items.size(), 1u);  // said once per transcript_id
  EXPECT_EQ(rep->problems.items[0].format(),
            "ncbi.gtf:4: warning: attribute gene_id: expected the gene of this transcript's other lines, \"RS1\", "
            "found \"RS2\" for transcript \"unknown_transcript_1\"\n  hint: an inferred transcript belongs to one "
            "gene: each gene naming \"unknown_transcript_1\" gets its own (NCBI names every CDS without an mRNA "
            "\"unknown_transcript_1\"); this one is \"unknown_transcript_1_1\"");
  auto db = Database::open(dir.file("n.gffdb"));
  ASSERT_TRUE(db.is_ok());
  const Database& d = **db;
  for (int g = 1; g <= 3; ++g) {
    const auto gene = d.find("RS" + std::to_string(g));
    ASSERT_TRUE(gene);
    const auto tx = d.children_of(*gene);
    ASSERT_EQ(tx.size(), 1u) << g;
    const RowView t = d.row(d.primary_row(tx[0]));
    EXPECT_EQ(t.start, g * 1000);  // spans its own gene's CDS, not the genome
    EXPECT_EQ(t.end, g * 1000 + 600);
    ASSERT_EQ(d.children_of(tx[0]).size(), 1u);
    EXPECT_EQ(d.row(d.primary_row(d.children_of(tx[0])[0])).start, g * 1000);
  }
  expect_unique_ids(d);
}

TEST(IngestLines, LinesCountIncludesAFinalLineWithoutNewline) {
  IngestReport rep;
  auto t = build_table("x.gff3", "chr1\tt\tgene\t1\t8\t.\t+\t.\tID=g", default_options(), rep);
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  EXPECT_EQ(rep.lines, 1u);

  IngestReport rep2;  // the same inside a FASTA section: 4 lines in all
  auto t2 = build_table("x.gff3", "chr1\tt\tgene\t1\t8\t.\t+\t.\tID=g\n##FASTA\n>chr1\nACGT", default_options(), rep2);
  ASSERT_TRUE(t2.is_ok()) << t2.status().message();
  EXPECT_EQ(rep2.lines, 4u);
  EXPECT_EQ(rep2.feature_lines, 1u);
}

TEST(IngestLines, CommentsBlankLinesAndDirectivesCount) {
  IngestReport rep;
  const std::string text = "##gff-version 3\n\n# c\n   \nchr1\tt\tgene\t1\t8\t.\t+\t.\tID=g\n###\n";
  auto t = build_table("x.gff3", text, default_options(), rep);
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  EXPECT_EQ(rep.lines, 6u);
  EXPECT_EQ(rep.feature_lines, 1u);
  EXPECT_EQ(rep.skipped_lines, 0u);
  ASSERT_EQ(t->row_count(), 1u);
  EXPECT_EQ(t->row_line[0], 5u);
  EXPECT_EQ(t->directives.size(), 2u);
}

}  // namespace
