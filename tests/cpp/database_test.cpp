// Tests for Database queries (gffbase/query/database.hpp) on databases built
// from small fixtures, plus randomized cross-checks against naive scans on
// real annotation files from GFFBASE_SHARED_DATA.
#include "gffbase/query/database.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gffbase/arrow/batched.hpp"
#include "gffbase/build/feature_table.hpp"
#include "gffbase/version.hpp"
#include "test_util.hpp"

namespace {

using namespace gffbase;
using namespace gffbase::testing;

using Related = std::vector<std::pair<std::string, std::uint32_t>>;  // (id, depth) per row, in row order

Related ids(const Database& db, const std::vector<RelatedRow>& rows) {
  Related out;
  for (const auto& r : rows) out.emplace_back(std::string(db.row_id(r.row)), r.depth);
  return out;
}

std::vector<RowId> naive_region(const Database& db, const RegionQuery& q) {
  std::vector<RowId> out;
  const auto sc = db.seqid_code(q.seqid);
  if (!sc) return out;
  const Coord qs = q.start, qe = q.end < q.start ? INT64_MAX : q.end;
  const auto seq = db.seqid_codes(), types = db.type_codes_column();
  const auto st = db.starts(), en = db.ends();
  const auto strands = db.strands();
  const auto flags = db.flags();
  for (RowId r = 0; r < db.row_count(); ++r) {
    if (seq[r] != *sc || (flags[r] & kRowNoCoords)) continue;
    if (st[r] > qe || en[r] < qs) continue;
    if (q.completely_within && (st[r] < qs || en[r] > qe)) continue;
    if (q.strand && strands[r] != static_cast<std::uint8_t>(q.strand)) continue;
    if (q.type_filter && !std::binary_search(q.type_codes.begin(), q.type_codes.end(), types[r])) continue;
    out.push_back(r);
  }
  return out;
}

class BasicDb : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    auto rep = ingest_file(test_data("basic.gff3"), dir_->file("b.gffdb"), default_options());
    ASSERT_TRUE(rep.is_ok()) << rep.status().message();
    db_ = new std::shared_ptr<const Database>(open_db(dir_->file("b.gffdb")));
  }
  static void TearDownTestSuite() {
    delete db_;
    delete dir_;
  }
  const Database& db() { return **db_; }
  FeatureIndex f(std::string_view id) {
    auto x = db().find(id);
    EXPECT_TRUE(x) << id;
    return x.value_or(0);
  }
  HierarchyQuery types(const std::vector<std::string>& names) {
    HierarchyQuery q;
    q.type_filter = true;
    q.type_codes = db().type_codes(names);
    return q;
  }
  static TempDir* dir_;
  static std::shared_ptr<const Database>* db_;
};
TempDir* BasicDb::dir_ = nullptr;
std::shared_ptr<const Database>* BasicDb::db_ = nullptr;

TEST_F(BasicDb, SizesAndDictionaries) {
  EXPECT_EQ(db().row_count(), 13u);
  EXPECT_EQ(db().feature_count(), 11u);
  ASSERT_EQ(db().seqid_count(), 2u);
  EXPECT_EQ(db().seqid_name(0), "chr1");
  EXPECT_EQ(db().seqid_name(1), "chr2");
  ASSERT_EQ(db().type_count(), 5u);
  std::vector<std::string> names;
  for (std::uint32_t t = 0; t < db().type_count(); ++t) names.emplace_back(db().type_name(t));
  EXPECT_EQ(names, (std::vector<std::string>{"CDS", "exon", "gene", "mRNA", "region"}));  // sorted by bytes
  EXPECT_EQ(db().source_count(), 1u);
  EXPECT_EQ(db().source_name(0), "test");
  EXPECT_EQ(db().type_code("exon"), 1u);
  EXPECT_FALSE(db().type_code("nope").has_value());
  EXPECT_FALSE(db().seqid_code("chr3").has_value());
  EXPECT_EQ(db().type_codes({"mRNA", "nope", "CDS", "mRNA"}), (std::vector<std::uint32_t>{0, 3}));
  EXPECT_EQ(db().rows_of_type(*db().type_code("exon")).size(), 5u);
}

TEST_F(BasicDb, RowsAreSortedAndFileOrderIsAPermutation) {
  const auto st = db().starts(), en = db().ends();
  for (RowId r = 1; r < db().row_count(); ++r) {
    const RowView a = db().row(r - 1), b = db().row(r);
    EXPECT_TRUE(std::tuple(a.seqid, st[r - 1], en[r - 1], a.file_order) <
                std::tuple(b.seqid, st[r], en[r], b.file_order))
        << "rows " << r - 1 << " and " << r;
  }
  std::uint64_t last_line = 0;
  std::uint32_t i = 0;
  for (RowId r : db().rows_in_file_order()) {
    EXPECT_GT(db().row(r).line, last_line);
    EXPECT_EQ(db().row(r).file_order, i++);
    last_line = db().row(r).line;
  }
  const auto [b, e] = db().seqid_rows(*db().seqid_code("chr2"));
  EXPECT_EQ(e - b, 4u);
  EXPECT_EQ(e, db().row_count());
}

TEST_F(BasicDb, FindAndRowView) {
  const auto rows = db().feature_rows(f("gene2"));
  ASSERT_EQ(rows.size(), 1u);
  const RowView v = db().row(rows[0]);
  EXPECT_EQ(v.seqid, "chr2");
  EXPECT_EQ(v.source, "test");
  EXPECT_EQ(v.type, "gene");
  EXPECT_EQ(v.id, "gene2");
  EXPECT_EQ(v.start, 50);
  EXPECT_EQ(v.end, 400);
  EXPECT_DOUBLE_EQ(v.score, 12.5);
  EXPECT_EQ(v.strand, '-');
  EXPECT_EQ(v.phase, -1);
  EXPECT_EQ(v.flags, 0);
  EXPECT_EQ(v.line, 13u);
  EXPECT_EQ(v.attributes, "ID=gene2;Alias=x,y");
  EXPECT_EQ(db().primary_row(f("gene2")), rows[0]);
  EXPECT_FALSE(db().find("").has_value());
  EXPECT_FALSE(db().find("GENE2").has_value());
  const RowView region = db().row(db().primary_row(f("region_1")));
  EXPECT_EQ(region.start, kNoCoordinate);
  EXPECT_EQ(region.flags & kRowNoCoords, kRowNoCoords);
  for (FeatureIndex i = 0; i < db().feature_count(); ++i) EXPECT_EQ(db().find(db().feature_id(i)), i);
}

TEST_F(BasicDb, ChildrenOfAMultiParentDag) {
  // exon3 is a child of gene1 and of tx1: once, at depth 1; exon1 (two
  // parents) appears once; cds1 contributes its three rows.
  const Related all = ids(db(), db().children(f("gene1"), {}));
  std::multimap<std::string, std::uint32_t> got(all.begin(), all.end());
  const std::multimap<std::string, std::uint32_t> want = {{"tx1", 1},   {"tx2", 1},   {"exon3", 1}, {"exon1", 2},
                                                          {"exon2", 2}, {"cds1", 2},  {"cds1", 2},  {"cds1", 2}};
  EXPECT_EQ(got, want);
  auto rows = db().children(f("gene1"), {});
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.row < b.row; }));

  HierarchyQuery l1;
  l1.level = 1;
  Related d1 = ids(db(), db().children(f("gene1"), l1));
  EXPECT_EQ(d1, (Related{{"tx2", 1}, {"tx1", 1}, {"exon3", 1}}));  // row order: (1000,5000) < (1000,9000) < (8000,...)
  HierarchyQuery l2;
  l2.level = 2;
  EXPECT_EQ(db().children(f("gene1"), l2).size(), 5u);  // exon1, exon2, cds1 x3; not exon3 again
  HierarchyQuery l3;
  l3.level = 3;
  EXPECT_TRUE(db().children(f("gene1"), l3).empty());

  Related exons = ids(db(), db().children(f("gene1"), types({"exon"})));
  EXPECT_EQ(exons, (Related{{"exon1", 2}, {"exon2", 2}, {"exon3", 1}}));
  EXPECT_TRUE(db().children(f("gene1"), types({"no-such-type"})).empty());  // filter on, matches none
  EXPECT_TRUE(db().children(f("exon1"), {}).empty());
}

TEST_F(BasicDb, ParentsTakeTheSmallestDepth) {
  // Row order: tx2 (1000-5000) < gene1 (1000-9000, earlier in the file) < tx1.
  EXPECT_EQ(ids(db(), db().parents(f("exon1"), {})), (Related{{"tx2", 1}, {"gene1", 2}, {"tx1", 1}}));
  EXPECT_EQ(ids(db(), db().parents(f("exon3"), {})), (Related{{"gene1", 1}, {"tx1", 1}}));
  HierarchyQuery l2;
  l2.level = 2;
  EXPECT_EQ(ids(db(), db().parents(f("exon1"), l2)), (Related{{"gene1", 2}}));
  EXPECT_TRUE(db().parents(f("exon3"), l2).empty());
  EXPECT_EQ(ids(db(), db().parents(f("cds1"), types({"gene"}))), (Related{{"gene1", 2}}));
  EXPECT_TRUE(db().parents(f("gene1"), {}).empty());
  EXPECT_EQ(db().parents_of(f("exon1")).size(), 2u);
  EXPECT_EQ(db().children_of(f("gene1")).size(), 3u);
}

TEST_F(BasicDb, RegionQueriesMatchANaiveScan) {
  std::mt19937 rng(5);
  const std::vector<std::vector<std::string>> type_sets = {{}, {"exon"}, {"CDS", "gene"}, {"nope"}};
  for (int i = 0; i < 2000; ++i) {
    RegionQuery q;
    q.seqid = (rng() % 5 == 0) ? "chr2" : (rng() % 20 == 0 ? "chrX" : "chr1");
    q.start = static_cast<Coord>(rng() % 10000);
    q.end = rng() % 10 == 0 ? 0 : q.start + static_cast<Coord>(rng() % 3000);
    q.strand = "\0+-"[rng() % 3];
    q.completely_within = rng() % 3 == 0;
    const auto& ts = type_sets[rng() % type_sets.size()];
    q.type_filter = !ts.empty();
    q.type_codes = db().type_codes(ts);
    auto got = db().region(q);
    ASSERT_TRUE(got.is_ok()) << got.status().message();
    ASSERT_EQ(*got, naive_region(db(), q)) << q.seqid << ":" << q.start << "-" << q.end;
  }
}

TEST_F(BasicDb, RegionBatchesTakeTheStrandEachRegionNames) {
  // Per query: a strand named by the region (0: any); the filters' strand,
  // when set, wins.  Each query's rows equal db.region() of the same query.
  std::mt19937 rng(11);
  RegionBatchQuery qs;
  std::vector<RegionQuery> singles;
  for (int i = 0; i < 300; ++i) {
    RegionQuery q;
    q.seqid = rng() % 4 == 0 ? "chr2" : "chr1";
    q.start = static_cast<Coord>(rng() % 8000);
    q.end = q.start + static_cast<Coord>(rng() % 3000);
    q.strand = "\0+-."[rng() % 4];
    qs.seqids.emplace_back(q.seqid);
    qs.starts.push_back(q.start);
    qs.ends.push_back(q.end);
    qs.strands.push_back(q.strand);
    singles.push_back(q);
  }
  for (Strand filter : {Strand{0}, Strand{'-'}}) {
    RegionQuery filters;
    filters.strand = filter;
    auto batch = region_batched(db(), qs, filters, 2);
    ASSERT_TRUE(batch.is_ok()) << batch.status().message();
    std::vector<std::vector<RowId>> got(singles.size());
    for (std::size_t k = 0; k < batch->rows.size(); ++k) got[batch->query_index[k]].push_back(batch->rows[k]);
    std::size_t filtered = 0;
    for (std::size_t i = 0; i < singles.size(); ++i) {
      RegionQuery q = singles[i];
      if (filter) q.strand = filter;
      std::sort(got[i].begin(), got[i].end());
      auto want = db().region(q);
      ASSERT_TRUE(want.is_ok());
      ASSERT_EQ(got[i], *want) << i;
      RegionQuery any = q;
      any.strand = 0;
      filtered += db().region(any)->size() - want->size();
    }
    EXPECT_GT(filtered, 0u);  // the strands did select
  }
  qs.strands[3] = 'x';
  auto bad = region_batched(db(), qs, RegionQuery{}, 1);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().message(), "region_batched: query 3: expected a strand of +, -, . or ?, found 'x'");
}

TEST_F(BasicDb, RegionSpecialCases) {
  RegionQuery whole;
  ASSERT_TRUE(parse_region("chr2", whole).is_ok());
  auto rows = db().region(whole);
  ASSERT_TRUE(rows.is_ok());
  EXPECT_EQ(rows->size(), 3u);  // the '.'-coordinate region row never matches
  for (RowId r : *rows) EXPECT_NE(db().row(r).type, "region");

  RegionQuery bad;
  bad.seqid = "chr1";
  bad.start = 10;
  bad.end = 5;
  auto err = db().region(bad);
  ASSERT_FALSE(err.is_ok());
  EXPECT_EQ(err.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(err.status().message(), "region chr1:10-5: start is after end");

  RegionQuery unknown;
  unknown.seqid = "nope";
  EXPECT_TRUE(db().region(unknown)->empty());

  // region_into appends (batch use).
  std::vector<RowId> out;
  RegionQuery filters;
  db().region_into(*db().seqid_code("chr1"), 1000, 1000, filters, out);
  const std::size_t first = out.size();
  EXPECT_EQ(first, 4u);  // gene1, tx1, tx2, exon1
  db().region_into(*db().seqid_code("chr1"), 1000, 1000, filters, out);
  EXPECT_EQ(out.size(), 2 * first);
}

TEST(ParseRegion, Variants) {
  RegionQuery q;
  ASSERT_TRUE(parse_region("chr1:1,000-2,000", q).is_ok());
  EXPECT_EQ(q.seqid, "chr1");
  EXPECT_EQ(q.start, 1000);
  EXPECT_EQ(q.end, 2000);
  EXPECT_EQ(q.strand, 0);
  ASSERT_TRUE(parse_region("chr1:5-10:-", q).is_ok());
  EXPECT_EQ(q.strand, '-');
  EXPECT_EQ(q.end, 10);
  ASSERT_TRUE(parse_region("chr1:5-10:.", q).is_ok());
  EXPECT_EQ(q.strand, '.');  // unstranded features only, as gffutils reads "chr:s-e:."
  EXPECT_EQ(q.end, 10);
  ASSERT_TRUE(parse_region("scaffold_7", q).is_ok());
  EXPECT_EQ(q.seqid, "scaffold_7");
  EXPECT_EQ(q.start, 1);
  EXPECT_EQ(q.end, 0);
  ASSERT_TRUE(parse_region("chr1:500", q).is_ok());
  EXPECT_EQ(q.start, 500);
  EXPECT_EQ(q.end, 0);
  ASSERT_TRUE(parse_region("HLA:A:10-20", q).is_ok());  // the last ':' separates the range
  EXPECT_EQ(q.seqid, "HLA:A");
  EXPECT_EQ(q.start, 10);
}

TEST(ParseRegion, LimitsAndABadStrand) {
  RegionQuery q;
  ASSERT_TRUE(parse_region("c:1-9223372036854775807", q).is_ok());  // 2^63 - 1: the largest coordinate
  EXPECT_EQ(q.end, INT64_MAX);
  Status s = parse_region("c:1-9223372036854775808", q);
  EXPECT_FALSE(s.is_ok());
  s = parse_region("c:1-10:x", q);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.message(),
            "region \"c:1-10:x\": strand \"x\" is not one of + - . ? (expected seqid:start-end[:strand], e.g. "
            "chr1:1000-2000:+)");
}

TEST(ParseRegion, SeqidsWithColonsAreTakenWholeWhenTheDatabaseHasThem) {
  TempDir dir;
  const std::string text = tsv({"HLA-A*01:01", ".", "gene", "1", "100", ".", "+", ".", "ID=h1"}) +
                           tsv({"HLA-A*01", ".", "gene", "1", "100", ".", "+", ".", "ID=h2"}) +
                           tsv({"chrUn:KI270", ".", "gene", "5", "50", ".", "-", ".", "ID=u1"});
  auto db = build_db(text, dir.file("c.gffdb"));
  ASSERT_TRUE(db);
  RegionQuery q;
  ASSERT_TRUE(parse_region("HLA-A*01:01", *db, q).is_ok());  // not HLA-A*01 from position 1
  EXPECT_EQ(q.seqid, "HLA-A*01:01");
  EXPECT_EQ(q.start, 1);
  EXPECT_EQ(q.end, 0);
  ASSERT_TRUE(parse_region("chrUn:KI270:-", *db, q).is_ok());
  EXPECT_EQ(q.seqid, "chrUn:KI270");
  EXPECT_EQ(q.strand, '-');
  EXPECT_EQ(q.end, 0);
  ASSERT_TRUE(parse_region("chrUn:KI270:1-10", *db, q).is_ok());  // a range on it still parses
  EXPECT_EQ(q.seqid, "chrUn:KI270");
  EXPECT_EQ(q.end, 10);
  ASSERT_TRUE(parse_region("HLA-A*01:1-10", *db, q).is_ok());
  EXPECT_EQ(q.seqid, "HLA-A*01");
  auto rows = db->region(q);
  ASSERT_TRUE(rows.is_ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(db->row_id((*rows)[0]), "h2");
}

TEST(ParseRegion, Errors) {
  const std::string tail = " (expected seqid:start-end[:strand], e.g. chr1:1000-2000:+)";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty seqid"},           {":1-10", "empty seqid"},         {"chr1:a-10", "start is not a number"},
      {"chr1:", "start is not a number"}, {"chr1:5-x", "end is not a number"}, {"chr1:5-", "end is not a number"},
      {"chr1:10-5", "start is after end"}, {"chr1:99999999999999999999-1", "start is not a number"}};
  for (const auto& [text, why] : cases) {
    RegionQuery q;
    Status s = parse_region(text, q);
    ASSERT_FALSE(s.is_ok()) << text;
    EXPECT_EQ(s.kind(), ErrorKind::kInvalidArgument);
    EXPECT_EQ(s.message(), "region \"" + text + "\": " + why + tail);
  }
}

TEST_F(BasicDb, AttributeIndex) {
  const RowId gene1 = db().primary_row(f("gene1")), gene2 = db().primary_row(f("gene2"));
  EXPECT_EQ(db().rows_with_attribute("Note", "a;b"), (std::vector<RowId>{gene1}));  // percent-decoded
  EXPECT_EQ(db().rows_with_attribute("Note", "c,d"), (std::vector<RowId>{gene1}));
  EXPECT_TRUE(db().rows_with_attribute("Note", "a%3Bb").empty());
  EXPECT_EQ(db().rows_with_attribute("Alias", "y"), (std::vector<RowId>{gene2}));
  EXPECT_TRUE(db().rows_with_attribute("Alias", "x,y").empty());
  EXPECT_TRUE(db().rows_with_attribute("ID", "nope").empty());
  const auto tx1_kids = db().rows_with_attribute("Parent", "tx1");
  EXPECT_EQ(tx1_kids.size(), 6u);  // exon1, exon2, exon3, cds1 x3
  EXPECT_TRUE(std::is_sorted(tx1_kids.begin(), tx1_kids.end()));
  EXPECT_EQ(db().rows_with_key("Alias"), (std::vector<RowId>{gene2}));
  EXPECT_EQ(db().rows_with_key("Parent").size(), 10u);
  EXPECT_EQ(db().rows_with_key("Name").size(), 2u);
  EXPECT_TRUE(db().rows_with_key("Nam").empty());  // whole keys only
}

TEST_F(BasicDb, MetaDirectivesProblemsFasta) {
  EXPECT_EQ(db().meta_value("tool"), "gffbase");
  EXPECT_EQ(db().meta_value("tool_version"), kVersion);
  EXPECT_EQ(db().meta_value("format"), "gff3");
  EXPECT_EQ(db().meta_value("source_name"), test_data("basic.gff3"));
  EXPECT_EQ(db().meta_value("source_compression"), "none");
  EXPECT_EQ(db().meta_value("lines"), "16");
  EXPECT_EQ(db().meta_value("errors"), "0");
  EXPECT_EQ(db().meta_value("dialect_quoted"), "0");
  EXPECT_TRUE(contains(db().meta_value("options"), "merge_strategy=error"));
  EXPECT_TRUE(contains(db().meta_value("dialect"), "gff3"));
  EXPECT_EQ(db().meta_value("no-such-key"), "");
  std::vector<std::string> keys;
  for (auto& [k, v] : db().meta()) keys.push_back(k);
  for (const char* k : {"source_bytes", "source_crc32", "text_bytes", "created_unix", "warnings"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
  EXPECT_EQ(db().directives(), (std::vector<std::string_view>{"##gff-version 3", "##sequence-region chr1 1 10000"}));
  EXPECT_TRUE(db().problems().empty());
  EXPECT_TRUE(db().fasta().empty());
  EXPECT_TRUE(db().verify().is_ok());
}

TEST(DatabaseSideTables, ProblemsAndFastaAreStored) {
  TempDir dir;
  const std::string text = read_file(test_data("broken.gff3"));
  IngestReport rep;
  ASSERT_TRUE(build_table("broken.gff3", text, default_options(), rep).is_ok());
  auto db = build_db(text, dir.file("p.gffdb"));
  ASSERT_TRUE(db);
  const auto stored = db->problems();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].line, 3u);
  EXPECT_TRUE(stored[0].error);
  EXPECT_TRUE(contains(stored[0].message, ":3: error: column 7 (strand): expected one of + - . ?, found \"x\""))
      << stored[0].message;
  EXPECT_EQ(stored[1].line, 4u);
  EXPECT_TRUE(contains(stored[1].message, "column 4 (start)"));
  EXPECT_EQ(db->meta_value("errors"), "2");

  auto fasta = build_db(read_file(test_data("with_fasta.gff3")), dir.file("f.gffdb"));
  ASSERT_TRUE(fasta);
  EXPECT_EQ(fasta->fasta(), ">chr1\nACGTACGT\n");
  EXPECT_EQ(fasta->row_count(), 1u);
  EXPECT_EQ(fasta->directives(), (std::vector<std::string_view>{"##gff-version 3"}));  // not ##FASTA
}

TEST(DatabaseHierarchy, AParentOfSeveralLinesIsReturnedOnceAChildWithAllItsLines) {
  // TransDecoder repeats a gene's line for each ORF; a gene over a circular
  // genome's origin is two lines.  Parents give the feature once (its first
  // line, the one a Parent names in gffutils); children give every line.
  TempDir dir;
  const std::string text =
      "##gff-version 3\n"
      "c\t.\tgene\t5800\t6000\t.\t+\t.\tID=g\nc\t.\tgene\t1\t150\t.\t+\t.\tID=g\n"
      "c\t.\tCDS\t5800\t6000\t.\t+\t0\tID=cds;Parent=g\nc\t.\tCDS\t1\t150\t.\t+\t0\tID=cds;Parent=g\n";
  auto db = build_db(text, dir.file("o.gffdb"));
  ASSERT_TRUE(db);
  const auto up = db->parents(*db->find("cds"), {});
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].row, db->primary_row(*db->find("g")));
  EXPECT_EQ(db->row(up[0].row).start, 5800);
  EXPECT_EQ(ids(*db, db->children(*db->find("g"), {})), (Related{{"cds", 1}, {"cds", 1}}));

  // An exon shared by two isoforms, written once per isoform with one ID: one child of each.
  const std::string shared =
      "##gff-version 3\n"
      "c\t.\tmRNA\t100\t400\t.\t+\t.\tID=t1\nc\t.\tmRNA\t100\t600\t.\t+\t.\tID=t2\n"
      "c\t.\texon\t100\t200\t.\t+\t.\tID=e1;Parent=t1\nc\t.\texon\t300\t400\t.\t+\t.\tID=e2;Parent=t1\n"
      "c\t.\texon\t100\t200\t.\t+\t.\tID=e1;Parent=t2\nc\t.\texon\t500\t600\t.\t+\t.\tID=e3;Parent=t2\n";
  auto s = build_db(shared, dir.file("s.gffdb"));
  ASSERT_TRUE(s);
  EXPECT_EQ(ids(*s, s->children(*s->find("t1"), {})), (Related{{"e1", 1}, {"e2", 1}}));
  EXPECT_EQ(ids(*s, s->children(*s->find("t2"), {})), (Related{{"e1", 1}, {"e3", 1}}));
  EXPECT_EQ(s->feature_rows(*s->find("e1")).size(), 2u);  // both lines kept

  // Many lines of one ID (a file naming every exon "exon"), each position
  // twice: every position once, in input order (the sorted path, > 16 lines).
  std::string many = "##gff-version 3\nc\t.\tmRNA\t1\t100000\t.\t+\t.\tID=m\n";
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 19; i >= 0; --i) {
      many += "c\t.\texon\t" + std::to_string(1000 * i + 1) + "\t" + std::to_string(1000 * i + 100) +
              "\t.\t+\t.\tID=exon;Parent=m\n";
    }
  }
  auto m = build_db(many, dir.file("m.gffdb"));
  ASSERT_TRUE(m);
  const auto kids = m->children(*m->find("m"), {});
  ASSERT_EQ(kids.size(), 20u);
  for (std::size_t i = 0; i + 1 < kids.size(); ++i) EXPECT_LT(m->row(kids[i].row).start, m->row(kids[i + 1].row).start);
}

TEST(DatabaseHierarchy, CyclesTerminate) {
  TempDir dir;
  auto db = build_db(read_file(test_data("cycle.gff3")), dir.file("c.gffdb"));
  ASSERT_TRUE(db);
  auto id = [&](const char* s) { return *db->find(s); };
  std::multimap<std::string, std::uint32_t> got;
  for (auto& [k, d] : ids(*db, db->children(id("A"), {}))) got.emplace(k, d);
  EXPECT_EQ(got, (std::multimap<std::string, std::uint32_t>{{"B", 1}, {"D", 2}}));
  EXPECT_EQ(ids(*db, db->parents(id("A"), {})), (Related{{"B", 1}}));
  EXPECT_TRUE(db->children(id("C"), {}).empty());  // its own parent: never itself
  EXPECT_TRUE(db->parents(id("C"), {}).empty());
  EXPECT_EQ(ids(*db, db->parents(id("D"), {})).size(), 2u);  // B then A
}

}  // namespace

namespace {

TEST(FindMany, EqualsFindForEveryIdAndForMissingOnes) {
  // Large enough for the prefetching batch path (>= 1024 IDs), with IDs of
  // every length class the batch path copies and compares differently.
  TempDir dir;
  std::string text = "##gff-version 3\n";
  std::vector<std::string> ids;
  for (int i = 0; i < 3000; ++i) {
    std::string id = "g" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 41), 'x');
    text += "chr1\t.\tgene\t" + std::to_string(1 + i) + "\t" + std::to_string(10 + i) + "\t.\t+\t.\tID=" + id + "\n";
    ids.push_back(id);
  }
  ASSERT_TRUE(build_db(text, dir.file("m.gffdb")));
  auto db = open_db(dir.file("m.gffdb"));
  std::vector<std::string> queries;
  for (std::size_t i = 0; i < ids.size(); i += 2) queries.push_back(ids[i]);
  for (int i = 0; i < 1500; ++i) queries.push_back("absent" + std::to_string(i));
  queries.push_back("");
  queries.push_back(ids[7] + "y");  // a prefix of nothing, one byte longer than an ID
  queries.push_back(ids[7].substr(0, ids[7].size() - 1));
  std::vector<std::string_view> views(queries.begin(), queries.end());
  for (int threads : {1, 2}) {
    std::vector<FeatureIndex> got(views.size(), 12345);
    db->find_many(views, got, threads);
    for (std::size_t i = 0; i < views.size(); ++i) {
      ASSERT_EQ(got[i], db->find(views[i]).value_or(kNone)) << views[i];
    }
    EXPECT_EQ(db->feature_id(got[0]), ids[0]);
    EXPECT_EQ(got[ids.size() / 2], kNone);
  }
  std::vector<FeatureIndex> wrong(views.size() - 1);
  EXPECT_THROW(db->find_many(views, wrong), Error);
}

TEST(ScoreText, DotScoresAreKnownFromTheFlagsOthersComeFromTheLine) {
  TempDir dir;
  const std::string text =
      "##gff-version 3\n"
      "chr1\t.\tgene\t1\t10\t.\t+\t.\tID=a\n"
      "chr1\t.\tgene\t2\t10\t\t+\t.\tID=b\n"
      "chr1\t.\tgene\t3\t10\t1.50\t+\t.\tID=c\n"
      "chr1\t.\tgene\t4\t10\t7\t+\t.\tID=d\n"
      "chr1\t.\tgene\t5\t10\tabc\t+\t.\tID=e\n";  // lenient: stored as missing, text kept
  ASSERT_TRUE(build_db(text, dir.file("s.gffdb")));
  auto db = open_db(dir.file("s.gffdb"));
  const std::map<std::string, std::pair<std::string, bool>> want = {
      {"a", {".", true}}, {"b", {".", true}}, {"c", {"1.50", false}}, {"d", {"7", false}}, {"e", {"abc", false}}};
  for (const auto& [id, w] : want) {
    SCOPED_TRACE(id);
    const RowId r = db->primary_row(*db->find(id));
    EXPECT_EQ(db->row_score_text(r), w.first);
    EXPECT_EQ((db->flags()[r] & kRowScoreDot) != 0, w.second);
    // The same answer from the line, as for files written before the flag.
    if (!w.second) {
      EXPECT_EQ(db->row_column_text(r, 6), w.first);
    }
    // row_columns() is row() without column 9.
    const RowView full = db->row(r), cols = db->row_columns(r);
    EXPECT_EQ(cols.id, full.id);
    EXPECT_EQ(cols.start, full.start);
    EXPECT_TRUE(cols.attributes.empty());
    EXPECT_EQ(full.attributes, "ID=" + id);
  }
}

}  // namespace
