// Tests that parallel parsing of large inputs (> 1 MiB: many chunks) gives
// exactly the result of a single thread: same rows, features, relations,
// problems, and correct (rebased) line numbers across chunk boundaries.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>
#include <string>
#include <vector>

#include "gffbase/build/ingest.hpp"
#include "gffbase/query/database.hpp"
#include "test_util.hpp"

namespace {

using namespace gffbase;
using namespace gffbase::testing;

struct Generated {
  std::string text;
  std::map<std::string, std::uint64_t> line_of;  // ID -> first line
  std::uint64_t lines = 0;
};

// About 2.5 MiB of GFF3: genes with an mRNA, two exons and a two-line CDS.
// Parents are sometimes defined *after* their children (forward references).
// `bad_lines` get an invalid strand.
Generated generate(const std::vector<std::uint64_t>& bad_lines = {}, bool crlf = false) {
  Generated g;
  const std::string eol = crlf ? "\r\n" : "\n";
  auto add = [&](const std::string& seqid, const char* type, long s, long e, const char* phase,
                 const std::string& attrs, const std::string& id) {
    ++g.lines;
    const bool bad = std::find(bad_lines.begin(), bad_lines.end(), g.lines) != bad_lines.end();
    g.text += seqid + "\tgen\t" + type + "\t" + std::to_string(s) + "\t" + std::to_string(e) + "\t.\t" +
              (bad ? "x" : "+") + "\t" + phase + "\t" + attrs + ";Note=padding%20text%20for%20size" + eol;
    if (!id.empty() && !g.line_of.count(id)) g.line_of[id] = g.lines;
  };
  g.text = "##gff-version 3" + eol;
  g.lines = 1;
  for (int i = 0; i < 6000; ++i) {
    const std::string n = std::to_string(i), seqid = "chr" + std::to_string(i % 3 + 1);
    const long base = 1000L * i + 1;
    const std::string gene = "gene" + n, tx = "tx" + n, cds = "cds" + n;
    if (i % 7 == 0) add(seqid, "mRNA", base, base + 900, ".", "ID=" + tx + ";Parent=" + gene, tx);
    add(seqid, "gene", base, base + 900, ".", "ID=" + gene, gene);
    if (i % 7 != 0) add(seqid, "mRNA", base, base + 900, ".", "ID=" + tx + ";Parent=" + gene, tx);
    add(seqid, "exon", base, base + 300, ".", "ID=ex" + n + "a;Parent=" + tx, "ex" + n + "a");
    add(seqid, "exon", base + 600, base + 900, ".", "ID=ex" + n + "b;Parent=" + tx, "ex" + n + "b");
    add(seqid, "CDS", base + 100, base + 300, "0", "ID=" + cds + ";Parent=" + tx, cds);
    add(seqid, "CDS", base + 600, base + 800, "2", "ID=" + cds + ";Parent=" + tx, "");
  }
  return g;
}

std::vector<std::string> dump(const Database& db) {
  std::vector<std::string> out;
  for (RowId r : db.rows_in_file_order()) {
    const RowView v = db.row(r);
    std::string s = std::string(v.seqid) + "|" + std::string(v.type) + "|" + std::to_string(v.start) + "|" +
                    std::to_string(v.end) + "|" + std::string(v.id) + "|" + std::to_string(v.line) + "|" + v.strand +
                    "|" + std::string(v.attributes) + "|parents:";
    for (FeatureIndex p : db.parents_of(db.row_feature(r))) s += std::string(db.feature_id(p)) + ",";
    s += "|children:" + std::to_string(db.children_of(db.row_feature(r)).size());
    out.push_back(std::move(s));
  }
  for (const auto& p : db.problems()) out.push_back(std::to_string(p.line) + ":" + std::string(p.message));
  for (const auto& [k, v] : db.meta()) {
    if (k != "created_unix") out.push_back(k + "=" + v);
  }
  return out;
}

std::shared_ptr<const Database> ingest(const std::string& text, const std::string& path, int threads,
                                       IngestReport* report = nullptr) {
  IngestOptions o = default_options();
  o.threads = threads;
  o.force = true;
  auto rep = ingest_text(text, path, o);
  if (!rep.is_ok()) {
    ADD_FAILURE() << rep.status().message();
    return nullptr;
  }
  if (report) *report = *rep;
  return open_db(path);
}

TEST(IngestParallel, ManyChunksGiveTheSingleThreadResult) {
  const Generated g = generate();
  ASSERT_GT(g.text.size(), 2u << 20) << "the input must exceed the 1 MiB single-chunk threshold";
  TempDir dir;
  IngestReport r1, r4;
  auto one = ingest(g.text, dir.file("1.gffdb"), 1, &r1);
  auto four = ingest(g.text, dir.file("4.gffdb"), 4, &r4);
  ASSERT_TRUE(one && four);
  EXPECT_EQ(r1.lines, g.lines);
  EXPECT_EQ(r4.lines, g.lines);
  EXPECT_EQ(r4.rows, 6u * 6000u);
  EXPECT_EQ(r4.features, 5u * 6000u);
  EXPECT_EQ(r4.relations, r1.relations);
  EXPECT_EQ(r4.problems.warnings + r4.problems.errors, 0u);
  EXPECT_EQ(dump(*four), dump(*one));
}

TEST(IngestParallel, LineNumbersAreRebasedAcrossChunks) {
  const Generated g = generate();
  TempDir dir;
  auto db = ingest(g.text, dir.file("l.gffdb"), 4);
  ASSERT_TRUE(db);
  for (const char* id : {"gene0", "tx0", "gene1", "cds2999", "ex3500b", "tx5998", "gene5999", "cds5999"}) {
    const auto rows = rows_of(*db, id);
    ASSERT_FALSE(rows.empty()) << id;
    EXPECT_EQ(db->row(rows[0]).line, g.line_of.at(id)) << id;
  }
  // Forward references (mRNA before its gene) still link.
  auto tx0 = db->find("tx0");
  ASSERT_TRUE(tx0);
  ASSERT_EQ(db->parents_of(*tx0).size(), 1u);
  EXPECT_EQ(db->feature_id(db->parents_of(*tx0)[0]), "gene0");
  EXPECT_EQ(db->feature_rows(*db->find("cds5999")).size(), 2u);
}

TEST(IngestParallel, ProblemsInLateChunksKeepTheirLines) {
  const std::vector<std::uint64_t> bad = {10, 17000, 35990};
  const Generated g = generate(bad);
  TempDir dir;
  IngestReport rep;
  auto db = ingest(g.text, dir.file("p.gffdb"), 4, &rep);
  ASSERT_TRUE(db);
  std::vector<std::uint64_t> lines;
  for (const Problem& p : rep.problems.items) {
    EXPECT_EQ(p.code, "bad-strand");
    lines.push_back(p.line);
  }
  EXPECT_EQ(lines, bad);
  std::vector<std::uint64_t> stored;
  for (const auto& p : db->problems()) stored.push_back(p.line);
  EXPECT_EQ(stored, bad);
  EXPECT_TRUE(contains(db->problems()[1].message, ":17000: error: column 7 (strand)")) << db->problems()[1].message;
}

TEST(IngestParallel, StrictReportsTheSmallestLineAmongChunks) {
  const Generated g = generate({34000, 20001, 30000});
  TempDir dir;
  IngestOptions o = default_options();
  o.threads = 4;
  o.strict = true;
  o.source_name = "big.gff3";
  auto rep = ingest_text(g.text, dir.file("s.gffdb"), o);
  ASSERT_FALSE(rep.is_ok());
  EXPECT_EQ(rep.status().message().rfind("big.gff3:20001: error: column 7 (strand)", 0), 0u)
      << rep.status().message();
  EXPECT_TRUE(dir.entries().empty());
}

TEST(IngestParallel, CrlfInputAcrossChunks) {
  const Generated lf = generate(), crlf = generate({}, true);
  TempDir dir;
  auto a = ingest(lf.text, dir.file("lf.gffdb"), 4);
  auto b = ingest(crlf.text, dir.file("crlf.gffdb"), 4);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->row_count(), b->row_count());
  for (RowId r = 0; r < a->row_count(); r += 97) {
    EXPECT_EQ(a->row(r).attributes, b->row(r).attributes);
    EXPECT_EQ(a->row(r).line, b->row(r).line);
  }
  EXPECT_EQ(rows_of(*b, "cds4000").size(), 2u);
}

TEST(IngestParallel, DuplicateAcrossChunksNamesBothLines) {
  Generated g = generate();
  g.text += "chr9\tgen\tmRNA\t1\t10\t.\t+\t.\tID=gene3\n";  // gene3 is a gene near the top
  TempDir dir;
  IngestOptions o = default_options();
  o.threads = 4;
  o.merge_strategy = MergeStrategy::kError;
  o.source_name = "big.gff3";
  auto rep = ingest_text(g.text, dir.file("d.gffdb"), o);
  ASSERT_FALSE(rep.is_ok());
  EXPECT_EQ(rep.status().message().rfind("big.gff3:" + std::to_string(g.lines + 1) +
                                             ": error: attribute ID: expected a unique ID, found duplicate ID "
                                             "\"gene3\" (first defined at line " +
                                             std::to_string(g.line_of.at("gene3")) + ")",
                                         0),
            0u)
      << rep.status().message();
}

// --- Inputs of >= 65,536 feature lines: while assemble runs, another thread
// sorts the records and indexes their attributes (the early index).  Its
// result must equal the single-thread build whether the rows are the records
// (used as is) or assemble synthesised, skipped or detached rows (its
// entries then map back to records).

// ~80,000 lines.  gtf: exons and CDS only (genes and transcripts are
// synthesised); else GFF3 in which every 1000th gene repeats an ID.
std::string large_input(bool gtf) {
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    const std::string n = std::to_string(i), seqid = "chr" + std::to_string(i % 5 + 1);
    // Genes out of coordinate order, so the row sort has work to do.
    const long base = 1000L * ((i * 7919) % 20000) + 1;
    auto line = [&](const char* type, long s, long e, const std::string& attrs) {
      text += seqid + "\tsrc\t" + type + "\t" + std::to_string(s) + "\t" + std::to_string(e) + "\t.\t+\t" +
              (std::string(type) == "CDS" ? "0" : ".") + "\t" + attrs + "\n";
    };
    if (gtf) {
      const std::string ids = "gene_id \"g" + n + "\"; transcript_id \"t" + n + "\"; tag \"k" +
                              std::to_string(i % 13) + "\";";
      for (int e = 0; e < 4; ++e) line(e == 3 ? "CDS" : "exon", base + 200 * e, base + 200 * e + 100, ids);
    } else {
      const std::string gene = i % 1000 == 999 ? "g" + std::to_string(i - 1) : "g" + n;
      line("gene", base, base + 900, "ID=" + gene + ";tag=k" + std::to_string(i % 13));
      line("mRNA", base, base + 900, "ID=t" + n + ";Parent=" + gene + ";tag=k" + std::to_string(i % 7));
      line("exon", base, base + 300, "Parent=t" + n + ";tag=k1");
      line("exon", base + 600, base + 900, "Parent=t" + n + ";tag=k2");
    }
  }
  return text;
}

// Rows, features, relations and the attribute index, as a comparable list.
std::vector<std::string> dump_with_attributes(const Database& db) {
  std::vector<std::string> out = dump(db);
  for (const char* key : {"tag", "gene_id", "transcript_id", "ID", "Parent"}) {
    out.push_back(std::string(key) + ": " + std::to_string(db.rows_with_key(key).size()) + " rows");
  }
  for (int k = 0; k < 13; ++k) {
    std::string s = "tag=k" + std::to_string(k) + ":";
    for (RowId r : db.rows_with_attribute("tag", "k" + std::to_string(k))) {
      s += ' ';
      s += std::to_string(r);
    }
    out.push_back(std::move(s));
  }
  for (const char* v : {"g5", "t5", "g998", "g19998"}) {
    for (const char* key : {"gene_id", "transcript_id", "ID", "Parent"}) {
      std::string s = std::string(key) + "=" + v + ":";
      for (RowId r : db.rows_with_attribute(key, v)) {
        s += ' ';
        s += std::to_string(r);
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

// Ingests `text` on one and on two threads; returns the two-thread report.
IngestReport expect_threads_agree(const std::string& text, const std::string& name, MergeStrategy merge) {
  TempDir dir;
  std::vector<std::vector<std::string>> dumps;
  IngestReport last;
  for (int threads : {1, 2}) {
    IngestOptions o = default_options();
    o.threads = threads;
    o.force = true;
    o.merge_strategy = merge;
    o.source_name = name;
    const std::string path = dir.file(std::to_string(threads) + ".gffdb");
    auto rep = ingest_text(text, path, o);
    if (!rep.is_ok()) {
      ADD_FAILURE() << rep.status().message();
      return last;
    }
    EXPECT_GE(rep->feature_lines, 1u << 16);
    last = *rep;
    auto db = open_db(path);
    if (!db) return last;
    EXPECT_GT(db->rows_with_key("tag").size(), 60000u);  // the index has entries to compare
    dumps.push_back(dump_with_attributes(*db));
  }
  EXPECT_EQ(dumps.size(), 2u);
  if (dumps.size() == 2) {
    EXPECT_EQ(dumps[1], dumps[0]);
  }
  return last;
}

TEST(IngestParallel, EarlyIndexUsedAsIsMatchesOneThread) {
  const IngestReport r = expect_threads_agree(large_input(false), "big.gff3", MergeStrategy::kCreateUnique);
  EXPECT_EQ(r.synthetic + r.skipped_lines, 0u);
  EXPECT_EQ(r.duplicates, 20u);  // renamed: the rows are still the records
}

TEST(IngestParallel, EarlyIndexRemappedForSynthesisedRowsMatchesOneThread) {
  const IngestReport r = expect_threads_agree(large_input(true), "big.gtf", MergeStrategy::kCreateUnique);
  EXPECT_EQ(r.synthetic, 40000u);  // a gene and a transcript per exon group
}

TEST(IngestParallel, EarlyIndexRemappedForSkippedAndReplacedRowsMatchesOneThread) {
  EXPECT_EQ(expect_threads_agree(large_input(false), "big.gff3", MergeStrategy::kWarning).skipped_lines, 20u);
  EXPECT_EQ(expect_threads_agree(large_input(false), "big.gff3", MergeStrategy::kReplace).skipped_lines, 20u);
}

// Rows are sorted by (seqid name, start, end, file order).  Buckets of
// 16,384 rows or more are radix-sorted (by end, then by start, each stable),
// smaller ones by std::sort: both must give the naive order, ties and
// coordinate-less ('.') rows included, on one thread and on two (early index).
TEST(IngestRowOrder, RowsAreInNaiveSeqidStartEndFileOrder) {
  std::mt19937_64 rng(20261122);
  struct Line {
    std::string seqid;
    std::int64_t start, end;
    std::uint32_t file_order;
  };
  std::vector<Line> lines;
  std::string text = "##gff-version 3\n";
  const std::vector<std::pair<std::string, int>> seqids = {{"chrB", 30000}, {"chrA", 20000}, {"chrC", 500}};
  std::vector<std::string> order_of_lines;
  for (const auto& [seqid, n] : seqids) {
    for (int i = 0; i < n; ++i) order_of_lines.push_back(seqid);
  }
  std::shuffle(order_of_lines.begin(), order_of_lines.end(), rng);
  for (std::uint32_t k = 0; k < order_of_lines.size(); ++k) {
    // Few distinct starts and lengths: many ties on start and on (start, end).
    // Some starts are large (a 4th 16-bit digit), a few lines have no coordinates.
    const bool no_coords = rng() % 97 == 0;
    const std::int64_t start = no_coords ? 0 : (rng() % 3 == 0 ? (std::int64_t{1} << 40) : 0) + 1 + rng() % 5000;
    const std::int64_t end = no_coords ? 0 : start + static_cast<std::int64_t>(rng() % 40);
    lines.push_back({order_of_lines[k], start, end, k});
    text += order_of_lines[k] + "\tsrc\texon\t" + (no_coords ? "." : std::to_string(start)) + "\t" +
            (no_coords ? "." : std::to_string(end)) + "\t.\t+\t.\tID=e" + std::to_string(k) + "\n";
  }
  std::vector<Line> naive = lines;
  std::sort(naive.begin(), naive.end(), [](const Line& a, const Line& b) {
    return std::tie(a.seqid, a.start, a.end, a.file_order) < std::tie(b.seqid, b.start, b.end, b.file_order);
  });
  TempDir dir;
  for (int threads : {1, 2}) {
    auto db = ingest(text, dir.file(std::to_string(threads) + ".gffdb"), threads);
    ASSERT_TRUE(db);
    ASSERT_EQ(db->row_count(), naive.size());
    std::size_t mismatches = 0;
    for (RowId r = 0; r < db->row_count(); ++r) {
      const RowView v = db->row(r);
      const Line& want = naive[r];
      if (v.seqid != want.seqid || v.file_order != want.file_order ||
          (want.start != 0 && (v.start != want.start || v.end != want.end))) {
        if (++mismatches <= 5) {
          ADD_FAILURE() << threads << " thread(s), row " << r << ": " << v.seqid << ":" << v.start << "-" << v.end
                        << " #" << v.file_order << ", expected " << want.seqid << ":" << want.start << "-"
                        << want.end << " #" << want.file_order;
        }
      }
    }
    EXPECT_EQ(mismatches, 0u) << threads << " thread(s)";
  }
}

}  // namespace
