// Tests for building a database (gffbase/build/ingest.hpp): IDs and id_spec,
// duplicate-ID strategies, multi-line features, GTF inference, relation
// problems, empty inputs, compressed inputs and the atomic write.
#include "gffbase/build/ingest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <unistd.h>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/query/database.hpp"
#include "gffbase/store/writer.hpp"
#include "test_util.hpp"

namespace {

using namespace gffbase;
using namespace gffbase::testing;

std::vector<std::uint64_t> lines_of(const Database& db, std::string_view id) {
  std::vector<std::uint64_t> out;
  for (RowId r : rows_of(db, id)) out.push_back(db.row(r).line);
  return out;
}

const Problem* find_problem(const IngestReport& rep, std::string_view code) {
  for (const Problem& p : rep.problems.items) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

// The formatted messages of every problem with `code`, in the order recorded.
std::vector<std::string> problem_messages(const IngestReport& rep, std::string_view code) {
  std::vector<std::string> out;
  for (const Problem& p : rep.problems.items) {
    if (p.code == code) out.push_back(p.format());
  }
  return out;
}

// ---------------------------------------------------------------------------
// IDs

TEST(Ingest, Gff3ReportCountsAndIds) {
  TempDir dir;
  auto rep = ingest_file(test_data("basic.gff3"), dir.file("b.gffdb"), default_options());
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(rep->dialect.format, Format::kGff3);
  EXPECT_EQ(rep->lines, 16u);
  EXPECT_EQ(rep->feature_lines, 13u);
  EXPECT_EQ(rep->rows, 13u);
  EXPECT_EQ(rep->features, 11u);
  EXPECT_EQ(rep->seqids, 2u);
  EXPECT_EQ(rep->types, 5u);
  EXPECT_EQ(rep->relations, 10u);
  EXPECT_EQ(rep->duplicates, 0u);
  EXPECT_EQ(rep->synthetic, 0u);
  EXPECT_EQ(rep->problems.errors, 0u);
  EXPECT_GT(rep->db_bytes, 0u);
  auto db = Database::open(dir.file("b.gffdb"));
  ASSERT_TRUE(db.is_ok());
  for (const char* id : {"gene1", "tx1", "tx2", "exon1", "exon2", "exon3", "cds1", "gene2"}) {
    EXPECT_TRUE((*db)->find(id).has_value()) << id;
  }
  // Autoincrement IDs, per type, in input order.
  EXPECT_EQ(lines_of(**db, "exon_1"), (std::vector<std::uint64_t>{14}));
  EXPECT_EQ(lines_of(**db, "exon_2"), (std::vector<std::uint64_t>{15}));
  EXPECT_EQ(lines_of(**db, "region_1"), (std::vector<std::uint64_t>{16}));
  EXPECT_FALSE((*db)->find("exon_3").has_value());
}

TEST(Ingest, SplitCdsIsOneFeatureWithSeveralRowsInInputOrder) {
  TempDir dir;
  auto db = build_db(read_file(test_data("basic.gff3")), dir.file("b.gffdb"));
  ASSERT_TRUE(db);
  EXPECT_EQ(lines_of(*db, "cds1"), (std::vector<std::uint64_t>{10, 11, 12}));
  std::vector<int> phases;
  for (RowId r : rows_of(*db, "cds1")) {
    phases.push_back(db->row(r).phase);
    EXPECT_EQ(db->row(r).id, "cds1");
    EXPECT_EQ(db->row_feature(r), *db->find("cds1"));
  }
  EXPECT_EQ(phases, (std::vector<int>{0, 2, 1}));
}

const std::string kIdSpecText = tsv({"chr1", "t", "gene", "1", "100", ".", "+", ".", "ID=g1;Name=Alpha"}) +
                                tsv({"chr1", "t", "mRNA", "1", "100", ".", "+", ".", "ID=t1;Name=Beta;Parent=g1"}) +
                                tsv({"chr1", "t", "exon", "1", "50", ".", "+", ".", "Name=Gamma;Parent=t1"}) +
                                tsv({"chr1", "t", "exon", "60", "100", ".", "+", ".", "Parent=t1"});

TEST(Ingest, IdSpecKeysAndFallbacks) {
  TempDir dir;
  IngestOptions o = default_options();
  o.id_spec.keys = {"Name", "ID"};
  auto db = build_db(kIdSpecText, dir.file("n.gffdb"), o);
  ASSERT_TRUE(db);
  EXPECT_EQ(lines_of(*db, "Alpha"), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(lines_of(*db, "Beta"), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(lines_of(*db, "Gamma"), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(lines_of(*db, "exon_1"), (std::vector<std::uint64_t>{4}));  // neither key present
  EXPECT_FALSE(db->find("g1").has_value());
}

TEST(Ingest, IdSpecByType) {
  TempDir dir;
  IngestOptions o = default_options();
  o.id_spec.keys = {"ID"};
  o.id_spec.by_type = {{"exon", {"Name"}}};
  auto db = build_db(kIdSpecText, dir.file("t.gffdb"), o);
  ASSERT_TRUE(db);
  EXPECT_TRUE(db->find("g1").has_value());
  EXPECT_TRUE(db->find("t1").has_value());
  EXPECT_EQ(lines_of(*db, "Gamma"), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(lines_of(*db, "exon_1"), (std::vector<std::uint64_t>{4}));
  // Relations still resolve through the ID attribute values.
  EXPECT_EQ(db->parents_of(*db->find("Gamma")).size(), 1u);
}

TEST(Ingest, AutoincrementSkipsNamesUsedByExplicitIds) {
  TempDir dir;
  const std::string text = tsv({"chr1", "t", "gene", "1", "100", ".", "+", ".", "ID=exon_1"}) +
                           tsv({"chr1", "t", "exon", "1", "50", ".", "+", ".", "Parent=exon_1"}) +
                           tsv({"chr1", "t", "exon", "60", "100", ".", "+", ".", "Parent=exon_1"});
  auto db = build_db(text, dir.file("a.gffdb"));
  ASSERT_TRUE(db);
  EXPECT_EQ(lines_of(*db, "exon_1"), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(lines_of(*db, "exon_2"), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(lines_of(*db, "exon_3"), (std::vector<std::uint64_t>{3}));
}

// ---------------------------------------------------------------------------
// Duplicate IDs

class MergeStrategyTest : public ::testing::Test {
 protected:
  Result<IngestReport> ingest(MergeStrategy m) {
    IngestOptions o = default_options();
    o.merge_strategy = m;
    return ingest_file(path_, dir_.file("d.gffdb"), o);
  }
  std::shared_ptr<const Database> open() { return open_db(dir_.file("d.gffdb")); }
  TempDir dir_;
  std::string path_ = test_data("dup_ids.gff3");
};

TEST_F(MergeStrategyTest, ErrorFailsNamingBothLines) {
  auto rep = ingest(MergeStrategy::kError);
  ASSERT_FALSE(rep.is_ok());
  EXPECT_EQ(rep.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(rep.status().message(),
            path_ + ":4: error: attribute ID: expected a unique ID, found duplicate ID \"X\" (first defined at line 2)\n"
                    "  | ID=X;Name=second\n"
                    "  hint: choose --merge-strategy create_unique, merge, warning or replace");
  EXPECT_TRUE(dir_.entries().empty()) << "a failed ingest must leave no file";
}

TEST_F(MergeStrategyTest, WarningKeepsFirstAndDropsDuplicate) {
  auto rep = ingest(MergeStrategy::kWarning);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(rep->duplicates, 1u);
  const Problem* p = find_problem(*rep, "duplicate-id");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->severity, Severity::kWarning);
  EXPECT_EQ(p->line, 4u);
  auto db = open();
  EXPECT_EQ(db->row_count(), 2u);
  EXPECT_EQ(lines_of(*db, "X"), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(db->row(rows_of(*db, "X")[0]).type, "gene");
}

TEST_F(MergeStrategyTest, MergeMakesSegments) {
  auto rep = ingest(MergeStrategy::kMerge);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  auto db = open();
  EXPECT_EQ(db->row_count(), 3u);
  EXPECT_EQ(db->feature_count(), 2u);
  EXPECT_EQ(lines_of(*db, "X"), (std::vector<std::uint64_t>{2, 4}));
}

TEST_F(MergeStrategyTest, CreateUniqueRenames) {
  auto rep = ingest(MergeStrategy::kCreateUnique);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  const Problem* p = find_problem(*rep, "duplicate-id");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->hint, "merge_strategy=create_unique: renamed to \"X_1\"");
  auto db = open();
  EXPECT_EQ(db->feature_count(), 3u);
  EXPECT_EQ(lines_of(*db, "X"), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(lines_of(*db, "X_1"), (std::vector<std::uint64_t>{4}));
  // Y's Parent=X still points at the first X.
  auto y = db->find("Y");
  ASSERT_TRUE(y);
  ASSERT_EQ(db->parents_of(*y).size(), 1u);
  EXPECT_EQ(db->feature_id(db->parents_of(*y)[0]), "X");
}

TEST_F(MergeStrategyTest, ReplaceLastWins) {
  auto rep = ingest(MergeStrategy::kReplace);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  auto db = open();
  EXPECT_EQ(db->row_count(), 2u);
  EXPECT_EQ(lines_of(*db, "X"), (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(db->row(rows_of(*db, "X")[0]).type, "mRNA");
  EXPECT_TRUE(contains(db->row(rows_of(*db, "X")[0]).attributes, "Name=second"));
  EXPECT_TRUE(db->rows_with_attribute("Name", "first").empty());
}

// ---------------------------------------------------------------------------
// GTF inference

TEST(IngestGtf, SynthesisesMissingGenesAndTranscripts) {
  TempDir dir;
  auto rep = ingest_file(test_data("basic.gtf"), dir.file("g.gffdb"), default_options());
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(rep->dialect.format, Format::kGtf);
  EXPECT_EQ(rep->synthetic, 5u);
  EXPECT_EQ(rep->rows, 10u);
  EXPECT_EQ(rep->relations, 8u);
  auto db = open_db(dir.file("g.gffdb"));
  struct Want { const char* id; const char* type; Coord start, end; char strand; };
  for (const Want& w : {Want{"g1", "gene", 50, 400, '+'}, Want{"t1", "transcript", 100, 400, '+'},
                        Want{"t2", "transcript", 50, 120, '+'}, Want{"g2", "gene", 1000, 1100, '-'},
                        Want{"t3", "transcript", 1000, 1100, '-'}}) {
    SCOPED_TRACE(w.id);
    const auto rows = rows_of(*db, w.id);
    ASSERT_EQ(rows.size(), 1u);
    const RowView v = db->row(rows[0]);
    EXPECT_EQ(v.type, w.type);
    EXPECT_EQ(v.start, w.start);
    EXPECT_EQ(v.end, w.end);
    EXPECT_EQ(v.strand, w.strand);
    EXPECT_EQ(v.flags & kRowSynthetic, kRowSynthetic);
    EXPECT_EQ(v.line, 0u);
  }
  EXPECT_EQ(db->row(rows_of(*db, "g1")[0]).attributes, "gene_id \"g1\";");
  EXPECT_EQ(db->row(rows_of(*db, "t1")[0]).attributes, "gene_id \"g1\"; transcript_id \"t1\";");
  // Real rows are not synthetic; exons hang under their transcript.
  for (RowId r : rows_of(*db, "exon_1")) EXPECT_EQ(db->row(r).flags & kRowSynthetic, 0);
  auto t1 = *db->find("t1");
  EXPECT_EQ(db->children_of(t1).size(), 3u);  // exon_1, exon_2, CDS_1
  ASSERT_EQ(db->parents_of(t1).size(), 1u);
  EXPECT_EQ(db->feature_id(db->parents_of(t1)[0]), "g1");
  // The synthetic rows are indexed by their attributes too.
  EXPECT_EQ(db->rows_with_attribute("gene_id", "g2").size(), 3u);  // exon, transcript, gene
}

TEST(IngestGtf, NoSynthesisWhenGenesAndTranscriptsArePresent) {
  TempDir dir;
  auto rep = ingest_file(test_data("with_genes.gtf"), dir.file("w.gffdb"), default_options());
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(rep->synthetic, 0u);
  EXPECT_EQ(rep->rows, 4u);
  EXPECT_EQ(rep->relations, 3u);
  auto db = open_db(dir.file("w.gffdb"));
  const RowView g = db->row(rows_of(*db, "g1")[0]);
  EXPECT_EQ(g.start, 50);  // the file's extents, not the children's
  EXPECT_EQ(g.end, 950);
  EXPECT_EQ(g.flags & kRowSynthetic, 0);
  EXPECT_EQ(g.line, 1u);
  auto t1 = *db->find("t1");
  EXPECT_EQ(db->children_of(t1).size(), 2u);
  EXPECT_EQ(db->feature_id(db->parents_of(t1)[0]), "g1");
}

TEST(IngestGtf, InferenceCanBeDisabled) {
  TempDir dir;
  IngestOptions o = default_options();
  o.infer_genes = false;
  o.infer_transcripts = false;
  auto rep = ingest_file(test_data("basic.gtf"), dir.file("n.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(rep->synthetic, 0u);
  EXPECT_EQ(rep->rows, 5u);
  EXPECT_EQ(rep->relations, 0u);

  o.infer_transcripts = true;  // transcripts only: no gene rows, no transcript parents
  o.force = true;
  auto rep2 = ingest_file(test_data("basic.gtf"), dir.file("n.gffdb"), o);
  ASSERT_TRUE(rep2.is_ok()) << rep2.status().message();
  EXPECT_EQ(rep2->synthetic, 3u);
  auto db = open_db(dir.file("n.gffdb"));
  EXPECT_FALSE(db->find("g1").has_value());
  ASSERT_TRUE(db->find("t1").has_value());
  EXPECT_TRUE(db->parents_of(*db->find("t1")).empty());
}

TEST(IngestGtf, TranscriptIdEqualToGeneIdStillGetsItsExons) {
  TempDir dir;
  IngestOptions o = default_options();
  o.merge_strategy = MergeStrategy::kCreateUnique;
  auto rep = ingest_file(test_data("same_ids.gtf"), dir.file("y.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(rep->synthetic, 0u);
  auto db = open_db(dir.file("y.gffdb"));
  const auto gene = db->find("YAL069W");
  ASSERT_TRUE(gene);
  EXPECT_EQ(db->row(db->primary_row(*gene)).type, "gene");
  ASSERT_EQ(db->children_of(*gene).size(), 1u);
  const FeatureIndex tx = db->children_of(*gene)[0];
  EXPECT_EQ(db->row(db->primary_row(tx)).type, "transcript");
  EXPECT_EQ(db->feature_id(tx), "YAL069W_1");
  std::vector<std::string> kids;
  for (FeatureIndex c : db->children_of(tx)) kids.emplace_back(db->row(db->primary_row(c)).type);
  std::sort(kids.begin(), kids.end());
  EXPECT_EQ(kids, (std::vector<std::string>{"CDS", "exon"}));
}

// ---------------------------------------------------------------------------
// Relation problems

const std::string kDangling = "##gff-version 3\n" + tsv({"chr1", "t", "gene", "1", "100", ".", "+", ".", "ID=a"}) +
                              tsv({"chr1", "t", "mRNA", "1", "100", ".", "+", ".", "ID=b;Parent=nope"});

TEST(IngestRelations, UnknownParentIsAWarningWhenLenient) {
  TempDir dir;
  IngestOptions o = default_options();
  auto rep = ingest_text(kDangling, dir.file("p.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  const Problem* p = find_problem(*rep, "unknown-parent");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->severity, Severity::kWarning);
  EXPECT_EQ(p->line, 3u);
  EXPECT_EQ(rep->relations, 0u);
}

TEST(IngestRelations, UnknownParentIsAnErrorWhenStrict) {
  TempDir dir;
  IngestOptions o = default_options();
  o.strict = true;
  o.source_name = "mem.gff3";
  auto rep = ingest_text(kDangling, dir.file("p.gffdb"), o);
  ASSERT_FALSE(rep.is_ok());
  EXPECT_EQ(rep.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(rep.status().message(),
            "mem.gff3:3: error: attribute Parent: expected the ID of a feature in the file, found \"nope\", which no "
            "feature has\n  | ID=b;Parent=nope\n"
            "  hint: the parent may be missing from this file (a subset?); lenient mode drops the edge and goes on");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(IngestIds, AnIdWithSeveralValuesIsReportedAndTheFirstKept) {
  TempDir dir;
  const std::string text = "##gff-version 3\n" + tsv({"c", ".", "gene", "1", "10", ".", "+", ".", "ID=a,b"}) +
                           tsv({"c", ".", "gene", "1", "10", ".", "+", ".", "ID=t4;ID=t5"}) +
                           tsv({"c", ".", "gene", "1", "10", ".", "+", ".", "ID=one;Name=x,y"});
  IngestOptions o = default_options();
  o.source_name = "mem.gff3";
  auto rep = ingest_text(text, dir.file("i.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(problem_messages(*rep, "multiple-ids"), (std::vector<std::string>{
                          "mem.gff3:2: warning: attribute ID: expected one value, found 2 values\n"
                          "  | ID=a,b\n  hint: the first, \"a\", is the feature's ID",
                          "mem.gff3:3: warning: attribute ID: expected one value, found 2 values\n"
                          "  | ID=t4;ID=t5\n  hint: the first, \"t4\", is the feature's ID"}));
  auto db = Database::open(dir.file("i.gffdb"));
  ASSERT_TRUE(db.is_ok());
  EXPECT_TRUE((*db)->find("a").has_value());
  EXPECT_TRUE((*db)->find("t4").has_value());

  o.strict = true;
  auto strict = ingest_text(text, dir.file("s.gffdb"), o);
  ASSERT_FALSE(strict.is_ok());
  EXPECT_TRUE(contains(strict.status().message(), "mem.gff3:2: error: attribute ID: expected one value"))
      << strict.status().message();
}

TEST(IngestIds, AnEmptyIdOrParentIsSaidAndReadAsAbsent) {
  TempDir dir;
  const std::string text = "##gff-version 3\n" + tsv({"c", ".", "gene", "1", "10", ".", "+", ".", "ID="}) +
                           tsv({"c", ".", "mRNA", "1", "10", ".", "+", ".", "ID=m1;Parent=,,"}) +
                           tsv({"c", ".", "exon", "1", "5", ".", "+", ".", "ID=e1;Parent=m1,"}) +
                           tsv({"c", ".", "exon", "6", "9", ".", "+", ".", "ID=e2;Parent="});
  IngestOptions o = default_options();
  o.source_name = "mem.gff3";
  for (bool strict : {false, true}) {
    o.strict = strict;  // warnings either way: nothing is lost
    auto rep = ingest_text(text, dir.file(strict ? "s.gffdb" : "l.gffdb"), o);
    ASSERT_TRUE(rep.is_ok()) << rep.status().message();
    EXPECT_EQ(problem_messages(*rep, "empty-id"), (std::vector<std::string>{
                            "mem.gff3:2: warning: attribute ID: expected a non-empty ID, found an empty value\n"
                            "  | ID=\n  hint: read as absent: the feature gets an automatic ID (gene_N)"}));
    EXPECT_EQ(problem_messages(*rep, "empty-parent"), (std::vector<std::string>{
                            "mem.gff3:3: warning: attribute Parent: expected the IDs of features in the file, found "
                            "an empty value\n  | ID=m1;Parent=,,\n  hint: the line has no parent",
                            "mem.gff3:5: warning: attribute Parent: expected the IDs of features in the file, found "
                            "an empty value\n  | ID=e2;Parent=\n  hint: the line has no parent"}));
  }
  auto db = Database::open(dir.file("l.gffdb"));
  ASSERT_TRUE(db.is_ok());
  EXPECT_TRUE((*db)->find("gene_1").has_value());
  EXPECT_TRUE((*db)->parents_of(*(*db)->find("m1")).empty());
  ASSERT_EQ((*db)->parents_of(*(*db)->find("e1")).size(), 1u);  // "m1," links to m1 without a word
}

// AUGUSTUS writes gene and transcript lines whose column 9 is the bare ID.
TEST(IngestIds, AugustusBareIdsInGtfAreTheGeneAndTranscript) {
  TempDir dir;
  const std::string text =
      tsv({"c", "AUGUSTUS", "gene", "100", "900", "0.5", "+", ".", "g1"}) +
      tsv({"c", "AUGUSTUS", "transcript", "100", "900", "0.5", "+", ".", "g1.t1"}) +
      tsv({"c", "AUGUSTUS", "CDS", "100", "300", ".", "+", "0", "transcript_id \"g1.t1\"; gene_id \"g1\";"}) +
      tsv({"c", "AUGUSTUS", "exon", "100", "300", ".", "+", ".", "transcript_id \"g1.t1\"; gene_id \"g1\";"});
  IngestOptions o = default_options();
  o.source_name = "aug.gtf";
  auto rep = ingest_text(text, dir.file("a.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_TRUE(rep->problems.items.empty());  // AUGUSTUS's own convention: nothing to say
  auto db = Database::open(dir.file("a.gffdb"));
  ASSERT_TRUE(db.is_ok());
  const Database& d = **db;
  EXPECT_EQ(d.feature_count(), 4u);  // no inferred second gene or transcript
  const auto gene = d.find("g1"), tx = d.find("g1.t1");
  ASSERT_TRUE(gene && tx);
  EXPECT_EQ(d.row(d.primary_row(*gene)).end, 900);  // the file's line, not an inferred span
  EXPECT_EQ(d.parents_of(*tx).size(), 1u);
  EXPECT_EQ(d.parents_of(*tx)[0], *gene);
  EXPECT_EQ(d.children_of(*tx).size(), 2u);

  // A caller's id_spec is taken as it is: no bare IDs, the gene is inferred.
  o.id_spec.by_type = {{"gene", {"gene_id"}}, {"transcript", {"transcript_id"}}};
  auto spec = build_db(text, dir.file("s.gffdb"), o);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->feature_count(), 6u);  // gene_1, transcript_1 + inferred g1, g1.t1
  ASSERT_TRUE(spec->find("g1.t1"));
  EXPECT_TRUE(spec->flags()[spec->primary_row(*spec->find("g1.t1"))] & kRowSynthetic);
}

TEST(IngestIds, BareIdsInGff3AreReadAndSaid) {
  TempDir dir;
  const std::string text = "##gff-version 3\n" + tsv({"c", "AUGUSTUS", "gene", "1", "90", ".", "+", ".", "g2"}) +
                           tsv({"c", "AUGUSTUS", "mRNA", "1", "90", ".", "+", ".", "g2.t1;Parent=g2"}) +
                           tsv({"c", "AUGUSTUS", "exon", "1", "90", ".", "+", ".", "Parent=g2.t1"}) +
                           tsv({"c", "x", "exon", "1", "9", ".", "+", ".", "Note=a b"}) +
                           // GFF1's group on other lines is shared by a gene's lines, not an ID.
                           tsv({"c", "JGI", "exon", "1", "9", ".", "+", ".", "geneA"}) +
                           tsv({"c", "JGI", "CDS", "1", "9", ".", "+", "0", "geneA"});
  IngestOptions o = default_options();
  o.source_name = "aug.gff3";
  auto rep = ingest_text(text, dir.file("b.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(problem_messages(*rep, "bare-id"), (std::vector<std::string>{
                          "aug.gff3:2: warning: column 9: expected key=value attributes, found \"g2\"\n"
                          "  | g2\n  hint: read as ID=g2, as AUGUSTUS means it",
                          "aug.gff3:3: warning: column 9: expected key=value attributes, found \"g2.t1\"\n"
                          "  | g2.t1;Parent=g2\n  hint: read as ID=g2.t1, as AUGUSTUS means it"}));
  auto db = Database::open(dir.file("b.gffdb"));
  ASSERT_TRUE(db.is_ok());
  const auto gene = (*db)->find("g2"), tx = (*db)->find("g2.t1");
  ASSERT_TRUE(gene && tx);
  EXPECT_EQ((*db)->children_of(*gene).size(), 1u);
  EXPECT_EQ((*db)->children_of(*tx).size(), 1u);
  EXPECT_FALSE((*db)->find("geneA").has_value());
  EXPECT_EQ((*db)->feature_count(), 6u);

  o.strict = true;
  auto strict = ingest_text(text, dir.file("s.gffdb"), o);
  ASSERT_FALSE(strict.is_ok());
  EXPECT_TRUE(contains(strict.status().message(), "aug.gff3:2: error: column 9: expected key=value attributes"))
      << strict.status().message();
}

TEST(IngestDirectives, SequenceRegionConflictsAndFeaturesOutsideAreSaid) {
  TempDir dir;
  const std::string text =
      "##gff-version 3\n##sequence-region c1 1 1000\n##sequence-region c2 1 500\n##sequence-region c1 1 2000\n" +
      tsv({"c1", "s", "gene", "1", "10", ".", "+", ".", "ID=a"}) +
      tsv({"c1", "s", "gene", "900", "1200", ".", "+", ".", "ID=b"}) +
      tsv({"c1", "s", "gene", "1500", "1600", ".", "+", ".", "ID=c"}) +
      // A circular molecule: NCBI writes origin-crossing features with end past its length.
      tsv({"c2", "s", "region", "1", "500", ".", "+", ".", "ID=r;Is_circular=true"}) +
      tsv({"c2", "s", "gene", "450", "600", ".", "+", ".", "ID=x"});
  IngestOptions o = default_options();
  o.source_name = "sr.gff3";
  auto rep = ingest_text(text, dir.file("s.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(problem_messages(*rep, "sequence-region-conflict"),
            (std::vector<std::string>{"sr.gff3:4: warning: ##sequence-region c1: expected one extent per seqid "
                                      "(line 2 gives 1-1000), found 1-2000\n  hint: features are checked against "
                                      "the first"}));
  EXPECT_EQ(problem_messages(*rep, "outside-sequence-region"),
            (std::vector<std::string>{"sr.gff3:6: warning: columns 4-5 (start, end): expected within c1's "
                                      "##sequence-region (line 2), 1-1000, found 900-1200 (2 features on c1 lie "
                                      "outside it)\n  | c1\\ts\\tgene\\t900\\t1200\\t.\\t+\\t.\\tID=b\n  hint: kept "
                                      "as it is; the ##sequence-region line or the coordinates are wrong"}));
  EXPECT_EQ(rep->features, 5u);  // nothing dropped
  o.strict = true;  // warnings: strict mode builds too
  EXPECT_TRUE(ingest_text(text, dir.file("t.gffdb"), o).is_ok());
}

TEST(IngestDirectives, AMalformedSequenceRegionIsSaidAndNotUsed) {
  TempDir dir;
  const std::string text = "##gff-version 3\n##sequence-region c1 50 10\n##sequence-region c2 abc 50\n"
                           "##sequence-region c3 1\n##sequence-region c4 -1 50\n##sequence-region c5 1 100\n"
                           "##sequence-regions are not this directive\n" +
                           tsv({"c1", "s", "gene", "1", "500", ".", "+", ".", "ID=a"}) +
                           tsv({"c5", "s", "gene", "90", "120", ".", "+", ".", "ID=b"});
  IngestOptions o = default_options();
  o.source_name = "sr.gff3";
  auto rep = ingest_text(text, dir.file("s.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  const std::vector<std::string> said = problem_messages(*rep, "bad-sequence-region");
  ASSERT_EQ(said.size(), 4u);
  EXPECT_EQ(said[0],
            "sr.gff3:2: warning: ##sequence-region: expected ##sequence-region seqid start end, with 1 <= start <= "
            "end, found ##sequence-region c1 50 10\n  hint: kept as a directive; features are not checked against it");
  EXPECT_TRUE(contains(said[3], "sr.gff3:5:") && contains(said[3], "c4 -1 50")) << said[3];
  // Not used: c1's feature is not said to lie outside 50-10; c5's well-formed line still is.
  EXPECT_EQ(problem_messages(*rep, "outside-sequence-region").size(), 1u);
  EXPECT_EQ(rep->features, 2u);
}

TEST(IngestDialect, AForcedFormatThatTheLinesContradictIsAWarning) {
  TempDir dir;
  const std::string gtf = tsv({"c", ".", "exon", "1", "10", ".", "+", ".", "gene_id \"G\"; transcript_id \"T\";"});
  IngestOptions o = default_options();
  o.source_name = "mem.gtf";
  o.format = Format::kGff3;
  auto rep = ingest_text(gtf, dir.file("a.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  const Problem* p = find_problem(*rep, "format-mismatch");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->format(),
            "mem.gtf: warning: --format gff3: expected GFF3 attributes (key=value), found 1 of the 1 lines checked "
            "written GTF/GFF2-style\n"
            "  hint: IDs and relations come from the attributes; leave --format auto to detect the dialect");
  o.format = Format::kGtf;  // agreeing: nothing to say
  auto ok = ingest_text(gtf, dir.file("b.gffdb"), o);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(find_problem(*ok, "format-mismatch"), nullptr);
}

TEST(IngestGtf, EachSeqidGetsItsOwnInferredGeneAndTranscript) {
  // UCSC's ncbiRefSeq reuses transcript IDs on _alt contigs; PAR genes sit on
  // X and Y.  Each line joins the gene/transcript of its own seqid; a line of
  // the file on another seqid (an explicit transcript) is matched by seqid too.
  TempDir dir;
  const std::string text = tsv({"c1", ".", "exon", "1", "10", ".", "+", ".", "gene_id \"G\"; transcript_id \"T\";"}) +
                           tsv({"c2", ".", "exon", "5", "20", ".", "+", ".", "gene_id \"G\"; transcript_id \"T\";"}) +
                           tsv({"c1", ".", "transcript", "100", "300", ".", "+", ".",
                                "gene_id \"H\"; transcript_id \"U\";"}) +
                           tsv({"c2", ".", "transcript", "400", "600", ".", "+", ".",
                                "gene_id \"H\"; transcript_id \"U\";"}) +
                           tsv({"c2", ".", "exon", "400", "450", ".", "+", ".", "gene_id \"H\"; transcript_id \"U\";"});
  IngestOptions o = default_options();
  o.merge_strategy = MergeStrategy::kCreateUnique;  // the second transcript line U becomes U_1
  auto rep = ingest_text(text, dir.file("m.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  std::vector<std::string> fields;
  for (const Problem& p : rep->problems.items) {
    if (p.code != "multi-seqid-parent") continue;
    fields.push_back(p.field + " | " + p.found + " | " + p.hint);
  }
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "attribute gene_id | lines on c1 and c2 | each seqid gets its own inferred gene; the one on c2 "
                        "is \"G_1\"",
                        "attribute gene_id | lines on c1 and c2 | each seqid gets its own inferred gene; the one on c2 "
                        "is \"H_1\"",
                        "attribute transcript_id | lines on c1 and c2 | each seqid gets its own inferred transcript; "
                        "the one on c2 is \"T_1\""}));
  auto db = Database::open(dir.file("m.gffdb")).value();
  auto seqids_of = [&](std::string_view id, bool down) {
    std::vector<std::string> out;
    for (const RelatedRow& r : down ? db->children(*db->find(id), {}) : db->parents(*db->find(id), {})) {
      out.push_back(std::string(db->row_id(r.row)) + "@" + std::string(db->row(r.row).seqid));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(seqids_of("T", true), (std::vector<std::string>{"exon_1@c1"}));
  EXPECT_EQ(seqids_of("T_1", true), (std::vector<std::string>{"exon_2@c2"}));
  EXPECT_EQ(seqids_of("G_1", true), (std::vector<std::string>{"T_1@c2", "exon_2@c2"}));
  // The explicit transcript U on c2 (renamed U_1) has the c2 exon, under the c2 gene.
  EXPECT_EQ(seqids_of("exon_3", false), (std::vector<std::string>{"H_1@c2", "U_1@c2"}));
  EXPECT_TRUE(seqids_of("U", true).empty());
}

TEST(IngestGff3, SegmentsOnOppositeStrandsAreKeptAndSaidOnce) {
  TempDir dir;
  const std::string text = "##gff-version 3\n" +
                           tsv({"chrM", "m", "tRNA", "1000", "1070", ".", "+", ".", "ID=trnL;Name=a"}) +
                           tsv({"chrM", "m", "tRNA", "51000", "51070", ".", "-", ".", "ID=trnL;Name=b"}) +
                           tsv({"chrM", "m", "tRNA", "61000", "61070", ".", "-", ".", "ID=trnL;Name=c"}) +
                           tsv({"chrM", "m", "tRNA", "71000", "71070", ".", ".", ".", "ID=trnL;Name=d"});
  IngestOptions o = default_options();
  o.source_name = "t.gff3";
  auto rep = ingest_text(text, dir.file("t.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  std::vector<std::string> got;
  for (const Problem& p : rep->problems.items) got.push_back(p.format());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0],
            "t.gff3:3: warning: column 7 (strand): expected the strand of the other lines of \"trnL\", + (line 2), "
            "found -\n  | ID=trnL;Name=b\n  hint: kept as one feature over both strands (trans-splicing); two "
            "features need two IDs");
  auto db = Database::open(dir.file("t.gffdb")).value();
  EXPECT_EQ(db->feature_rows(*db->find("trnL")).size(), 4u);  // no line lost
}

TEST(IngestGtf, EmptyIdsBothStrandsAndATranscriptInTwoGenesAreReported) {
  TempDir dir;
  const std::string text =
      tsv({"c", ".", "exon", "1", "10", ".", "+", ".", "gene_id \"G\"; transcript_id \"\";"}) +
      tsv({"c", ".", "exon", "20", "30", ".", "+", ".", "gene_id \"G\"; transcript_id \"T\";"}) +
      tsv({"c", ".", "exon", "40", "50", ".", "-", ".", "gene_id \"G\"; transcript_id \"T\";"}) +
      tsv({"c", ".", "exon", "60", "70", ".", "+", ".", "gene_id \"H\"; transcript_id \"T\";"});
  IngestOptions o = default_options();
  o.source_name = "mem.gtf";
  auto rep = ingest_text(text, dir.file("g.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  std::vector<std::string> got;
  for (const Problem& p : rep->problems.items) got.push_back(p.format());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "mem.gtf:1: warning: attribute transcript_id: expected a non-empty ID, found \"\"\n"
                     "  | gene_id \"G\"; transcript_id \"\";\n"
                     "  hint: the line is read as having no transcript_id",
                     "mem.gtf:3: warning: attribute gene_id: expected all children of an inferred feature on one "
                     "strand, found \"G\" has children on strands + and -\n"
                     "  hint: the inferred gene keeps the strand of its first child, +",
                     "mem.gtf:3: warning: attribute transcript_id: expected all children of an inferred feature on "
                     "one strand, found \"T\" has children on strands + and -\n"
                     "  hint: the inferred transcript keeps the strand of its first child, +",
                     "mem.gtf:4: warning: attribute gene_id: expected the gene of this transcript's other lines, "
                     "\"G\", found \"H\" for transcript \"T\"\n"
                     "  hint: an inferred transcript belongs to one gene: each gene naming \"T\" gets its own (NCBI "
                     "names every CDS without an mRNA \"unknown_transcript_1\"); this one is \"T_1\""}));
  // NCBI writes gene lines with transcript_id "": not a problem on a gene.
  const std::string ncbi = tsv({"c", ".", "gene", "1", "10", ".", "+", ".", "gene_id \"N\"; transcript_id \"\";"});
  auto n = ingest_text(ncbi, dir.file("n.gffdb"), o);
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(find_problem(*n, "empty-id"), nullptr);
  // GTF 2.2 writes features in no gene (`inter`, `inter_CNS`; gffbase's GTF
  // export of an NCBI `region`) with both IDs empty: meant, so not said, and
  // nothing is inferred for them.
  const std::string inter = tsv({"c", ".", "inter", "1", "10", ".", "+", ".", "gene_id \"\"; transcript_id \"\";"});
  auto i = ingest_text(inter, dir.file("i.gffdb"), o);
  ASSERT_TRUE(i.is_ok());
  EXPECT_TRUE(i->problems.items.empty()) << i->problems.items.front().format();
  EXPECT_EQ(Database::open(dir.file("i.gffdb")).value()->feature_count(), 1u);
  auto db = Database::open(dir.file("g.gffdb"));
  ASSERT_TRUE(db.is_ok());
  const auto parents = (*db)->parents_of(*(*db)->find("T"));
  ASSERT_EQ(parents.size(), 1u);
  EXPECT_EQ((*db)->feature_id(parents[0]), "G");
  ASSERT_TRUE((*db)->find("T_1"));  // H's own inferred transcript
  EXPECT_EQ((*db)->feature_id((*db)->parents_of(*(*db)->find("T_1"))[0]), "H");

  // A transcript line in the file keeps the gene its own line names.
  const std::string with_line =
      tsv({"c", ".", "transcript", "1", "90", ".", "+", ".", "gene_id \"G\"; transcript_id \"T\";"}) +
      tsv({"c", ".", "exon", "1", "10", ".", "+", ".", "gene_id \"G\"; transcript_id \"T\";"}) +
      tsv({"c", ".", "exon", "60", "70", ".", "+", ".", "gene_id \"H\"; transcript_id \"T\";"});
  auto w = ingest_text(with_line, dir.file("w.gffdb"), o);
  ASSERT_TRUE(w.is_ok());
  const Problem* two = find_problem(*w, "transcript-in-two-genes");
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->hint, "a transcript_id names one transcript, whose lines should agree on its gene; the hierarchy "
                       "follows the file's transcript line, or else the first line naming it");
  auto wdb = Database::open(dir.file("w.gffdb"));
  ASSERT_TRUE(wdb.is_ok());
  EXPECT_FALSE((*wdb)->find("T_1"));
  EXPECT_EQ((*wdb)->children_of(*(*wdb)->find("T")).size(), 2u);
}

// ---------------------------------------------------------------------------
// Feature lines the FASTA section swallowed

TEST(IngestFasta, FeatureLinesAfterAStrayGreaterThanLineAreReported) {
  TempDir dir;
  const std::string text = "##gff-version 3\n" + tsv({"c", ".", "gene", "1", "100", ".", "+", ".", "ID=a"}) +
                           ">weird\tseqid\n" + tsv({"c", ".", "gene", "1", "100", ".", "+", ".", "ID=b"});
  IngestOptions o = default_options();
  o.source_name = "mem.gff3";
  auto rep = ingest_text(text, dir.file("l.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  const Problem* p = find_problem(*rep, "feature-in-fasta");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->severity, Severity::kWarning);
  EXPECT_EQ(p->format(),
            "mem.gff3:4: warning: line: expected sequence after the line starting with '>' (line 3), which begins "
            "the FASTA section, found 9 tab-separated columns\n"
            "  | c\\t.\\tgene\\t1\\t100\\t.\\t+\\t.\\tID=b\n"
            "  hint: features after a line starting with '>' are not read; remove that line, or put the sequence "
            "last, after ##FASTA");
  EXPECT_EQ(rep->features, 1u);

  o.strict = true;
  auto strict = ingest_text(text, dir.file("s.gffdb"), o);
  ASSERT_FALSE(strict.is_ok());
  EXPECT_TRUE(contains(strict.status().message(), "mem.gff3:4: error: line: expected sequence after the line"))
      << strict.status().message();
  EXPECT_FALSE(fs::exists(dir.file("s.gffdb")));
}

TEST(IngestFasta, FeatureLinesAfterFastaAreCountedAndSequenceHeadersWithTabsAreNot) {
  TempDir dir;
  const std::string text = "##gff-version 3\n" + tsv({"c", ".", "gene", "1", "100", ".", "+", ".", "ID=a"}) +
                           "##FASTA\n>c\tdescription\nACGT\n" +
                           tsv({"c", ".", "gene", "1", "100", ".", "+", ".", "ID=b"}) +
                           tsv({"c", ".", "gene", "5", "100", ".", "+", ".", "ID=d"});
  IngestOptions o = default_options();
  o.source_name = "mem.gff3";
  auto rep = ingest_text(text, dir.file("f.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  const Problem* p = find_problem(*rep, "feature-in-fasta");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->line, 6u);
  EXPECT_EQ(p->expected, "sequence after ##FASTA (line 3)");
  EXPECT_EQ(p->found, "9 tab-separated columns (2 such lines)");
  EXPECT_EQ(p->hint, "features after ##FASTA are not read; move them before it");

  // A header with a tab but no nine columns is sequence, not a problem.
  const std::string clean = "##gff-version 3\n" + tsv({"c", ".", "gene", "1", "100", ".", "+", ".", "ID=a"}) +
                            "##FASTA\n>c\tdescription\nACGT\n";
  o.strict = true;
  auto ok = ingest_text(clean, dir.file("c.gffdb"), o);
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();
  EXPECT_EQ(find_problem(*ok, "feature-in-fasta"), nullptr);
}

TEST(IngestRelations, CyclesAndSelfParentsAreReported) {
  TempDir dir;
  auto rep = ingest_file(test_data("cycle.gff3"), dir.file("c.gffdb"), default_options());
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  std::vector<const Problem*> cycles;
  for (const Problem& p : rep->problems.items) {
    if (p.code == "parent-cycle") cycles.push_back(&p);
  }
  ASSERT_EQ(cycles.size(), 2u);
  bool self = false, loop = false;
  for (const Problem* p : cycles) {
    EXPECT_EQ(p->severity, Severity::kWarning);
    EXPECT_EQ(p->expected, "an acyclic hierarchy");
    if (p->found == "feature \"C\" is its own parent") {
      self = true;
      EXPECT_EQ(p->line, 4u);
    }
    if (contains(p->found, "a cycle: ") && contains(p->found, "\"A\"") && contains(p->found, "\"B\"")) loop = true;
  }
  EXPECT_TRUE(self);
  EXPECT_TRUE(loop);

  IngestOptions strict = default_options();
  strict.strict = true;
  auto srep = ingest_file(test_data("cycle.gff3"), dir.file("s.gffdb"), strict);
  ASSERT_FALSE(srep.is_ok());
  EXPECT_TRUE(contains(srep.status().message(), "expected an acyclic hierarchy")) << srep.status().message();
}

// ---------------------------------------------------------------------------
// Inputs with nothing to index

TEST(IngestEmpty, EmptyFileFails) {
  TempDir dir;
  const std::string path = test_data("empty.gff3");
  auto rep = ingest_file(path, dir.file("e.gffdb"), default_options());
  ASSERT_FALSE(rep.is_ok());
  EXPECT_EQ(rep.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(rep.status().message(), path + ": no feature lines found (the input is empty)\n"
                                           "  hint: is this a GFF3/GTF file? gffbase needs at least one feature line");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(IngestEmpty, HeaderOnlyFileFails) {
  TempDir dir;
  const std::string path = test_data("header_only.gff3");
  auto rep = ingest_file(path, dir.file("h.gffdb"), default_options());
  ASSERT_FALSE(rep.is_ok());
  EXPECT_EQ(rep.status().message(), path + ": no feature lines found (only headers, comments or sequence)\n"
                                           "  hint: is this a GFF3/GTF file? gffbase needs at least one feature line");
}

TEST(IngestEmpty, EveryLineRejectedNamesTheFirstProblem) {
  TempDir dir;
  IngestReport report;
  auto t = build_table("bad.gff", "chr1\tt\tgene\t1\n", default_options(), report);
  ASSERT_FALSE(t.is_ok());
  EXPECT_EQ(t.status().message().rfind("bad.gff: no feature lines found (every candidate line was rejected; "
                                       "first problem:\nbad.gff:1: error: line: expected 9 tab-separated columns, "
                                       "found 4 columns",
                                       0),
            0u)
      << t.status().message();
}

}  // namespace

namespace {

// The IDs of a walk's rows, in the order returned.
std::vector<std::string> related_ids(const Database& db, const std::vector<RelatedRow>& rows) {
  std::vector<std::string> out;
  for (const RelatedRow& r : rows) out.emplace_back(db.feature_id(db.row_feature(r.row)));
  return out;
}

// An in-memory build (gffutils' ":memory:") writes nothing to any file
// system: it lives in an anonymous memory file, mapped by the Database it
// returns, and freed with it.
TEST(IngestInMemory, BuildsTheSameDatabaseAsAFileWithoutTouchingTheFileSystem) {
  TempDir dir;
  const std::string text =
      "##gff-version 3\n"
      "chr1\tx\tgene\t100\t900\t.\t+\t.\tID=g1\n"
      "chr1\tx\tmRNA\t100\t900\t.\t+\t.\tID=t1;Parent=g1\n"
      "chr1\tx\texon\t100\t200\t.\t+\t.\tID=e1;Parent=t1\n"
      "chr1\tx\texon\t800\t900\t.\t+\t.\tID=e2;Parent=t1\n";
  write_file(dir.file("in.gff3"), text);
  IngestOptions o;
  auto on_disk = ingest_text(text, dir.file("disk.gffdb"), o);
  ASSERT_TRUE(on_disk.is_ok()) << on_disk.status().message();
  auto file_db = Database::open(dir.file("disk.gffdb"));
  ASSERT_TRUE(file_db.is_ok());
  const std::vector<std::string> before = dir.entries();

  auto from_text = ingest_text_in_memory(text, o);
  ASSERT_TRUE(from_text.is_ok()) << from_text.status().message();
  auto from_file = ingest_file_in_memory(dir.file("in.gff3"), o);
  ASSERT_TRUE(from_file.is_ok()) << from_file.status().message();
  EXPECT_EQ(dir.entries(), before);
  for (const InMemoryDatabase* m : {&*from_text, &*from_file}) {
    const Database& db = *m->db;
    EXPECT_EQ(db.path(), ":memory:");
    EXPECT_EQ(m->report.features, 4u);
    EXPECT_EQ(db.feature_count(), (*file_db)->feature_count());
    // Row order: (start, end).
    EXPECT_EQ(related_ids(db, db.children(*db.find("g1"), {})), (std::vector<std::string>{"e1", "t1", "e2"}));
    EXPECT_TRUE(db.verify().is_ok());
  }
  // A failed build reports as usual and leaves nothing.
  auto bad = ingest_text_in_memory("", o);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("no feature lines"), std::string::npos) << bad.status().message();
  EXPECT_EQ(dir.entries(), before);
}

TEST(IngestInMemory, WriterHandsOverItsFileOnlyOnceCommitted) {
  auto w = GffdbWriter::create_in_memory(":memory:");
  ASSERT_TRUE(w.is_ok()) << w.status().message();
  EXPECT_EQ((*w)->release_fd(), -1) << "before commit";
  IngestReport report;
  auto t = build_table("in.gff3", std::string("chr1\tx\tgene\t1\t10\t.\t+\t.\tID=g1\n"), IngestOptions{}, report);
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  ASSERT_TRUE((*w)->commit(*t).is_ok());
  const int fd = (*w)->release_fd();
  ASSERT_GE(fd, 0);
  EXPECT_EQ((*w)->release_fd(), -1) << "a second time";
  auto db = Database::open_fd(fd, "mem");
  ::close(fd);
  ASSERT_TRUE(db.is_ok()) << db.status().message();
  EXPECT_EQ((*db)->path(), "mem");
  EXPECT_EQ((*db)->row_count(), 1u);
  EXPECT_EQ((*db)->feature_id(0), "g1");
  EXPECT_TRUE((*db)->verify().is_ok());
  auto file_writer = GffdbWriter::create(TempDir().file("x.gffdb"), false);
  ASSERT_TRUE(file_writer.is_ok());
  EXPECT_EQ((*file_writer)->release_fd(), -1) << "a file writer names and renames its file instead";
}

}  // namespace

namespace {

// GTF requires gene_id on every line and transcript_id on all but gene lines:
// lines without them join no gene (transcript), said once per key with the
// first line and the count.  They passed silently.  AUGUSTUS's bare-ID gene
// and transcript lines name themselves, and GFF2 has no such keys.
TEST(IngestGtfKeys, LinesWithoutGeneOrTranscriptIdAreSaidOncePerKey) {
  TempDir dir;
  const std::string gtf =
      "chr1\tsrc\tgene\t1\t100\t.\t+\t.\tgene_id \"g1\";\n"
      "chr1\tsrc\texon\t1\t10\t.\t+\t.\tgene_id \"g1\"; transcript_id \"t1\";\n"
      "chr1\tsrc\texon\t20\t30\t.\t+\t.\tgene_id \"g1\";\n"
      "chr1\tsrc\texon\t40\t50\t.\t+\t.\ttranscript_id \"t2\";\n"
      "chr1\tsrc\texon\t60\t70\t.\t+\t.\tgene_id \"g1\";\n";
  IngestOptions o = default_options();
  o.force = true;
  o.format = Format::kGtf;  // detection calls a file with so few complete lines GFF2
  auto rep = ingest_text(gtf, dir.file("k.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_EQ(problem_messages(*rep, "missing-gtf-id"),
            (std::vector<std::string>{
                "<string>:3: warning: attribute transcript_id: expected a transcript_id on every line but gene lines, "
                "found none\n  | gene_id \"g1\";\n  hint: such a line joins no transcript (2 lines lack transcript_id)",
                "<string>:4: warning: attribute gene_id: expected a gene_id on every line, found none\n"
                "  | transcript_id \"t2\";\n  hint: such a line joins no gene"}));
  const std::string augustus = "chr1\tAUGUSTUS\tgene\t1\t90\t.\t+\t.\tg1\n"
                               "chr1\tAUGUSTUS\ttranscript\t1\t90\t.\t+\t.\tg1.t1\n"
                               "chr1\tAUGUSTUS\texon\t1\t90\t.\t+\t.\ttranscript_id \"g1.t1\"; gene_id \"g1\";\n";
  auto aug = ingest_text(augustus, dir.file("a.gffdb"), o);  // as GTF too
  ASSERT_TRUE(aug.is_ok()) << aug.status().message();
  EXPECT_TRUE(problem_messages(*aug, "missing-gtf-id").empty());
  const std::string gff2 = "chr1\tsrc\texon\t1\t10\t.\t+\t.\tSequence \"abc\"; Note \"x\"\n"
                           "chr1\tsrc\texon\t20\t30\t.\t+\t.\tSequence \"abd\"; Note \"y\"\n";
  o.format = Format::kAuto;
  auto g2 = ingest_text(gff2, dir.file("g2.gffdb"), o);
  ASSERT_TRUE(g2.is_ok()) << g2.status().message();
  EXPECT_TRUE(problem_messages(*g2, "missing-gtf-id").empty());
}

}  // namespace
