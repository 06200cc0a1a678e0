// Tests that Database::open and the queries refuse damaged or foreign files
// with ErrorKind::kCorrupt and a message naming the file, and never crash
// (this suite is meant to run under ASan/UBSan).
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gffbase/query/database.hpp"
#include "gffbase/store/format.hpp"
#include "gffdb_checksums.hpp"
#include "test_util.hpp"

namespace {

using namespace gffbase;
using namespace gffbase::testing;

const std::string kHint = " (hint: rebuild it with `gffbase ingest`; a .gffdb is made only by gffbase)";

store::FileHeader header_of(const std::string& bytes) {
  store::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  return h;
}

std::vector<store::SectionEntry> sections_of(const std::string& bytes) {
  const store::FileHeader h = header_of(bytes);
  std::vector<store::SectionEntry> out(h.section_count);
  std::memcpy(out.data(), bytes.data() + sizeof h, out.size() * sizeof(store::SectionEntry));
  return out;
}

std::string name_of(const store::SectionEntry& e) { return std::string(e.name, strnlen(e.name, sizeof e.name)); }

// Recomputes the section-table CRC and the header CRC after a deliberate edit.
void fix_crcs(std::string& bytes) {
  store::FileHeader h = header_of(bytes);
  const std::size_t table = std::size_t(h.section_count) * sizeof(store::SectionEntry);
  if (sizeof h + table <= bytes.size()) h.section_table_crc = crc32(bytes.data() + sizeof h, table);
  h.header_crc = crc32(&h, offsetof(store::FileHeader, header_crc));
  std::memcpy(bytes.data(), &h, sizeof h);
}

void patch_section(std::string& bytes, std::size_t i, const store::SectionEntry& e) {
  std::memcpy(bytes.data() + sizeof(store::FileHeader) + i * sizeof e, &e, sizeof e);
  fix_crcs(bytes);
}

// Calls every query so that every section is read at least once.
void touch_all(const Database& db) {
  for (std::uint32_t s = 0; s < db.seqid_count(); ++s) {
    (void)db.seqid_name(s);
    (void)db.seqid_rows(s);
    RegionQuery q;
    q.seqid = db.seqid_name(s);
    (void)db.region(q);
  }
  for (std::uint32_t t = 0; t < db.type_count(); ++t) (void)db.rows_of_type(t), (void)db.type_name(t);
  for (std::uint32_t t = 0; t < db.source_count(); ++t) (void)db.source_name(t);
  for (RowId r = 0; r < db.row_count(); ++r) (void)db.row(r);
  (void)db.rows_in_file_order();
  for (FeatureIndex f = 0; f < db.feature_count(); ++f) {
    (void)db.find(db.feature_id(f));
    (void)db.feature_rows(f);
    (void)db.children(f, {});
    (void)db.parents(f, {});
  }
  (void)db.rows_with_attribute("ID", "gene1");
  (void)db.rows_with_key("Parent");
  (void)db.meta();
  (void)db.directives();
  (void)db.problems();
  (void)db.fasta();
}

class CorruptDb : public ::testing::Test {
 protected:
  void SetUp() override {
    // Every section non-empty: directives, a problem, relations, FASTA.
    const std::string text = read_file(test_data("basic.gff3")) + "chr1\ttest\texon\t10\t20\t.\tx\t.\tID=bad\n" +
                             "##FASTA\n>chr1\nACGT\n";
    ASSERT_TRUE(build_db(text, dir_.file("good.gffdb")));
    good_ = read_file(dir_.file("good.gffdb"));
    ASSERT_GT(good_.size(), 4096u);
    // A GTF with inferred genes/transcripts fills the sections a GFF3 leaves
    // empty (the text of synthetic rows).
    ASSERT_TRUE(build_db(read_file(test_data("basic.gtf")), dir_.file("gtf.gffdb")));
    good_gtf_ = read_file(dir_.file("gtf.gffdb"));
  }
  std::size_t index_of(const std::string& name) const {
    const auto entries = sections_of(good_);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (name_of(entries[i]) == name) return i;
    }
    ADD_FAILURE() << "no section " << name;
    return 0;
  }
  // Writes `bytes` and opens them; returns the failure (or ok).
  Status open_bytes(const std::string& bytes, std::shared_ptr<const Database>* out = nullptr) {
    write_file(path_, bytes);
    auto db = Database::open(path_);
    if (!db.is_ok()) return db.status();
    if (out) *out = *db;
    return Status::ok();
  }
  // Forges every checksum over an edited image (a faulty writer's file) and
  // opens it; false when open() already refuses it, which must be as corrupt.
  bool open_forged(std::string& bytes, std::shared_ptr<const Database>* out) {
    recompute_gffdb_checksums(bytes);
    Status s = open_bytes(bytes, out);
    if (!s.is_ok()) {
      EXPECT_EQ(s.kind(), ErrorKind::kCorrupt);
    }
    return s.is_ok();
  }
  void expect_open_fails(const std::string& bytes, const std::string& what) {
    Status s = open_bytes(bytes);
    ASSERT_FALSE(s.is_ok()) << what;
    EXPECT_EQ(s.kind(), ErrorKind::kCorrupt);
    EXPECT_EQ(s.message(), path_ + ": not a valid .gffdb: " + what + kHint);
  }
  TempDir dir_;
  std::string good_, good_gtf_;
  std::string path_ = dir_.file("bad.gffdb");
};

TEST_F(CorruptDb, GoodFileOpensVerifiesAndAnswers) {
  std::shared_ptr<const Database> db;
  ASSERT_TRUE(open_bytes(good_, &db).is_ok());
  EXPECT_TRUE(db->verify().is_ok());
  EXPECT_NO_THROW(touch_all(*db));
  EXPECT_FALSE(db->fasta().empty());
  EXPECT_FALSE(db->problems().empty());
  // Between them the two fixtures fill every section.
  const auto gtf = sections_of(good_gtf_);
  for (const auto& e : sections_of(good_)) {
    bool filled = e.length > 0;
    for (const auto& g : gtf) filled = filled || (name_of(g) == name_of(e) && g.length > 0);
    EXPECT_TRUE(filled) << name_of(e) << " is empty in both fixtures";
  }
}

TEST_F(CorruptDb, EmptyShortTextAndSqliteFiles) {
  expect_open_fails("", "the file is empty");
  expect_open_fails(std::string(10, 'x'), "the file is too short (10 bytes)");
  expect_open_fails(good_.substr(0, 63), "the file is too short (63 bytes)");
  expect_open_fails(read_file(test_data("basic.gff3")), "wrong magic bytes at the start of the file");
  expect_open_fails(std::string("SQLite format 3\0", 16) + std::string(4080, '\0'),
                    "this is an SQLite file (a gffutils database?), not a gffbase database");
}

TEST_F(CorruptDb, MissingFileAndDirectoryAreIoErrors) {
  auto missing = Database::open(dir_.file("nope.gffdb"));
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kIo);
  EXPECT_EQ(missing.status().message().rfind(dir_.file("nope.gffdb") + ": cannot open database", 0), 0u);
  auto dir = Database::open(dir_.path());
  ASSERT_FALSE(dir.is_ok());
  EXPECT_EQ(dir.status().kind(), ErrorKind::kIo);
}

TEST_F(CorruptDb, WrongVersion) {
  std::string b = good_;
  store::FileHeader h = header_of(b);
  h.version_major = 2;
  h.version_minor = 3;
  std::memcpy(b.data(), &h, sizeof h);
  fix_crcs(b);
  expect_open_fails(b, "format version 2.3 is not supported (this gffbase reads version 1.x)");

  // A newer minor version of the same major opens.
  h = header_of(good_);
  b = good_;
  h.version_minor = 9;
  std::memcpy(b.data(), &h, sizeof h);
  fix_crcs(b);
  EXPECT_TRUE(open_bytes(b).is_ok());
}

TEST_F(CorruptDb, HeaderAndTableChecksums) {
  std::string b = good_;
  b[20] ^= 0x01;  // file_size, CRC not fixed
  expect_open_fails(b, "the header fails its checksum");
  b = good_;
  b[sizeof(store::FileHeader) + 40] ^= 0x10;  // inside the first section entry
  expect_open_fails(b, "the section table fails its checksum");
}

TEST_F(CorruptDb, TruncatedOrExtendedFile) {
  const std::string n = std::to_string(good_.size());
  expect_open_fails(good_.substr(0, good_.size() - 64),
                    "the file is " + std::to_string(good_.size() - 64) + " bytes but its header says " + n +
                        " (truncated or extended)");
  expect_open_fails(good_.substr(0, good_.size() / 2),
                    "the file is " + std::to_string(good_.size() / 2) + " bytes but its header says " + n +
                        " (truncated or extended)");
  expect_open_fails(good_ + "x", "the file is " + std::to_string(good_.size() + 1) + " bytes but its header says " +
                                     n + " (truncated or extended)");
}

TEST_F(CorruptDb, BadSectionTableEntries) {
  const auto entries = sections_of(good_);
  ASSERT_GT(entries.size(), 10u);
  std::string b = good_;
  store::FileHeader h = header_of(b);
  h.section_count = 100000;
  std::memcpy(b.data(), &h, sizeof h);
  fix_crcs(b);
  expect_open_fails(b, "the section table lies outside the file");

  const std::size_t src = index_of("dict.source.data"), start = index_of("row.start");
  store::SectionEntry e = entries[src];
  e.offset += 8;  // misaligned
  b = good_;
  patch_section(b, src, e);
  expect_open_fails(b, "section '" + name_of(e) + "' lies outside the file or is misaligned");

  e = entries[src];
  e.length = good_.size();  // runs past the end
  b = good_;
  patch_section(b, src, e);
  expect_open_fails(b, "section '" + name_of(e) + "' lies outside the file or is misaligned");

  e = entries[start];  // 8-byte elements
  e.element_size = 4;
  b = good_;
  patch_section(b, start, e);
  expect_open_fails(b, "section 'row.start' has the wrong element size");

  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (name_of(entries[i]) != "fasta") continue;
    e = entries[i];
    e.name[0] = 'F';
    b = good_;
    patch_section(b, i, e);
    expect_open_fails(b, "section 'fasta' is missing");
  }

  e = entries[start];  // one value too few for row.start
  e.length -= 8;
  b = good_;
  patch_section(b, start, e);
  Status s = open_bytes(b);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(s.message().rfind(path_ + ": not a valid .gffdb: ", 0), 0u) << s.message();
}

TEST_F(CorruptDb, FlippedByteInEachSectionIsDetected) {
  std::set<std::string> covered;
  for (const std::string* good : {&good_, &good_gtf_})
  for (const auto& e : sections_of(*good)) {
    const std::string name = name_of(e);
    SCOPED_TRACE("section " + name + (good == &good_ ? " (gff3)" : " (gtf)"));
    if (e.length == 0) continue;
    covered.insert(name);
    std::string b = *good;
    b[e.offset + e.length / 2] ^= 0x5A;
    std::shared_ptr<const Database> db;
    Status s = open_bytes(b, &db);
    if (!s.is_ok()) {  // structural checks may catch it already
      EXPECT_EQ(s.kind(), ErrorKind::kCorrupt);
      EXPECT_EQ(s.message().rfind(path_ + ": not a valid .gffdb: ", 0), 0u) << s.message();
      continue;
    }
    // The damage is found in the block holding it (block checksums, format
    // >= 1.1); verify() reports the same block.
    const std::string want = path_ + ": corrupt database: block " +
                             std::to_string((e.length / 2) / store::kBlockBytes) + " of section '" + name +
                             "' fails its checksum (hint: rebuild it with `gffbase ingest --force`)";
    bool threw = false;
    try {
      touch_all(*db);
    } catch (const Error& err) {
      threw = true;
      EXPECT_EQ(err.kind(), ErrorKind::kCorrupt);
      EXPECT_EQ(std::string(err.what()), want);
    }
    // directive.lines is not exposed by any query; verify() still checks it.
    if (name != "directive.lines") {
      EXPECT_TRUE(threw) << "no query noticed the damage";
    }
    Status v = db->verify();
    ASSERT_FALSE(v.is_ok());
    EXPECT_EQ(v.kind(), ErrorKind::kCorrupt);
    EXPECT_EQ(v.message(), want);
    // Still refused on a second attempt (the verdict is remembered).
    if (threw) {
      EXPECT_THROW(touch_all(*db), Error);
    }
  }
  for (const auto& e : sections_of(good_)) EXPECT_TRUE(covered.count(name_of(e))) << name_of(e) << " never damaged";
}

TEST_F(CorruptDb, QueriesCheckOnlyTheBlocksTheyRead) {
  // ~1 MB of text: damage near its end must not fail a query that reads only
  // the first rows (the first query after opening costs what it touches),
  // but must fail a query that reads the damaged line, and verify().
  std::string text = "##gff-version 3\n";
  for (int i = 0; i < 12000; ++i) {
    const std::string id = "g" + std::to_string(i);
    text += "chr1\tsrc\tgene\t" + std::to_string(1000 + 100 * i) + "\t" + std::to_string(1050 + 100 * i) +
            "\t.\t+\t.\tID=" + id + ";note=padding-padding-padding-padding\n";
  }
  ASSERT_TRUE(build_db(text, dir_.file("big.gffdb")));
  std::string b = read_file(dir_.file("big.gffdb"));
  const store::SectionEntry main = sections_of(b)[index_of("text.main")];
  ASSERT_GT(main.length, 8 * store::kBlockBytes);
  b[main.offset + main.length - 100] ^= 0x20;  // in the last line (g11999)
  std::shared_ptr<const Database> db;
  ASSERT_TRUE(open_bytes(b, &db).is_ok());
  auto first = db->find("g0");
  ASSERT_TRUE(first);
  EXPECT_EQ(db->row_attributes(db->primary_row(*first)), "ID=g0;note=padding-padding-padding-padding");
  RegionQuery q;
  q.seqid = "chr1";
  q.start = 1000;
  q.end = 1300;
  auto hits = db->region(q);
  ASSERT_TRUE(hits.is_ok());
  EXPECT_EQ(hits->size(), 4u);  // g0..g3 (g3 starts at 1300)
  for (RowId r : *hits) EXPECT_FALSE(db->row_line(r).empty());
  auto last = db->find("g11999");
  ASSERT_TRUE(last);
  const std::string want_block = "block " + std::to_string((main.length - 100) / store::kBlockBytes) +
                                 " of section 'text.main' fails its checksum";
  try {
    (void)db->row_line(db->primary_row(*last));
    ADD_FAILURE() << "reading the damaged line did not fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(e.what()).find(want_block), std::string::npos) << e.what();
  }
  Status v = db->verify();
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.message().find(want_block), std::string::npos) << v.message();
}

TEST_F(CorruptDb, RowCodesCheckTheBlocksOfTheRowsTheyRead) {
  // row_codes() reads columns without per-value checks after checking each
  // block once: damage in the end column's last block must fail it for the
  // last rows and leave the first rows readable.
  std::string text = "##gff-version 3\n";
  for (int i = 0; i < 3000; ++i) {
    text += "chr1\tsrc\tgene\t" + std::to_string(1000 + 10 * i) + "\t" + std::to_string(1005 + 10 * i) +
            "\t.\t+\t.\tID=g" + std::to_string(i) + "\n";
  }
  ASSERT_TRUE(build_db(text, dir_.file("rows.gffdb")));
  std::string b = read_file(dir_.file("rows.gffdb"));
  {
    std::shared_ptr<const Database> db;
    ASSERT_TRUE(open_bytes(b, &db).is_ok());
    const std::vector<RowId> rows = {0, 1, 2, 1500, 2999};
    std::vector<RowCodes> codes;
    db->row_codes(rows, codes);
    ASSERT_EQ(codes.size(), rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const RowView v = db->row_columns(rows[k]);
      EXPECT_EQ(db->seqid_name(codes[k].seqid), v.seqid);
      EXPECT_EQ(db->source_name(codes[k].source), v.source);
      EXPECT_EQ(db->type_name(codes[k].type), v.type);
      EXPECT_EQ(db->feature_id(codes[k].feature), v.id);
      EXPECT_EQ(codes[k].start, v.start);
      EXPECT_EQ(codes[k].end, v.end);
      EXPECT_EQ(codes[k].strand, v.strand);
      EXPECT_EQ(codes[k].phase, v.phase);
      EXPECT_EQ(codes[k].flags, v.flags);
      EXPECT_EQ(codes[k].file_order, v.file_order);
    }
    const std::vector<RowId> beyond = {0, 3000};
    EXPECT_THROW(db->row_codes(beyond, codes), Error);
  }
  const store::SectionEntry end = sections_of(b)[index_of("row.end")];
  ASSERT_GT(end.length, 8 * store::kBlockBytes);
  b[end.offset + end.length - 3] ^= 0x01;  // row 2999's end
  std::shared_ptr<const Database> db;
  ASSERT_TRUE(open_bytes(b, &db).is_ok());
  std::vector<RowCodes> codes;
  const std::vector<RowId> first = {0, 1, 2};
  EXPECT_NO_THROW(db->row_codes(first, codes));
  const std::vector<RowId> last = {0, 2999};
  try {
    db->row_codes(last, codes);
    ADD_FAILURE() << "reading the damaged block did not fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("of section 'row.end' fails its checksum"), std::string::npos) << e.what();
  }
}

TEST_F(CorruptDb, EachBatchedQueryChecksTheSectionsItReads) {
  // check_query_sections(threads, reads) names per query kind what it reads;
  // damage in any of those sections must fail it, and damage elsewhere
  // (here: another kind's section) must not.
  std::string text = "##gff-version 3\n";
  for (int i = 0; i < 3000; ++i) {
    const std::string g = "g" + std::to_string(i), m = "m" + std::to_string(i);
    text += "chr1\tsrc\tgene\t" + std::to_string(1000 + 10 * i) + "\t" + std::to_string(1005 + 10 * i) +
            "\t.\t+\t.\tID=" + g + "\n";
    text += "chr1\tsrc\tmRNA\t" + std::to_string(1000 + 10 * i) + "\t" + std::to_string(1005 + 10 * i) +
            "\t.\t+\t.\tID=" + m + ";Parent=" + g + "\n";
  }
  ASSERT_TRUE(build_db(text, dir_.file("reads.gffdb")));
  const std::string good = read_file(dir_.file("reads.gffdb"));
  using R = Database::Reads;
  const std::vector<std::pair<R, std::vector<std::string>>> reads = {
      {R::kIdLookup, {"index.id_slots", "feature.id.offsets", "feature.id.data"}},
      {R::kChildren, {"row.type", "row.end", "feature.children", "feature.children.offsets", "feature.rows"}},
      {R::kParents, {"row.seqid", "feature.parents", "feature.parents.offsets", "feature.id.data"}},
      {R::kRegions, {"row.max_end", "row.start", "row.strand", "row.feature"}},
  };
  for (const auto& [kind, sections] : reads) {
    for (const std::string& name : sections) {
      SCOPED_TRACE(name);
      std::string b = good;
      const store::SectionEntry e = sections_of(b)[index_of(name)];
      b[e.offset + e.length / 2] ^= 0x10;
      std::shared_ptr<const Database> db;
      ASSERT_TRUE(open_bytes(b, &db).is_ok());
      try {
        db->check_query_sections(2, kind);
        ADD_FAILURE() << "damage in a section the query reads was not caught";
      } catch (const Error& err) {
        EXPECT_EQ(err.kind(), ErrorKind::kCorrupt);
        EXPECT_NE(std::string(err.what()).find("section '" + name + "'"), std::string::npos) << err.what();
      }
    }
  }
  // Region queries do not read the hierarchy: its damage is left to the
  // queries that do (and to verify()).
  std::string b = good;
  const store::SectionEntry ch = sections_of(b)[index_of("feature.children")];
  b[ch.offset + ch.length / 2] ^= 0x10;
  std::shared_ptr<const Database> db;
  ASSERT_TRUE(open_bytes(b, &db).is_ok());
  EXPECT_NO_THROW(db->check_query_sections(2, R::kRegions));
  EXPECT_THROW(db->check_query_sections(2, R::kChildren), Error);
}

// Rewrites a current file as format 1.1 wrote it: 64 KiB blocks, a block
// size recorded nowhere (the `param` field was still reserved, zero).
std::string as_format_1_1(std::string b) {
  store::FileHeader h;
  std::memcpy(&h, b.data(), sizeof h);
  h.version_minor = 1;
  std::memcpy(b.data(), &h, sizeof h);
  std::uint64_t blocks = 0;
  std::size_t at = 0;
  auto entries = sections_of(b);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (name_of(entries[i]) == "checksums.blocks") {
      at = i;
      continue;
    }
    blocks += store::block_count(entries[i].length, store::kBlockBytesV1_1);
  }
  entries[at].length = blocks * 4;  // fewer blocks: the rest becomes padding
  entries[at].param = 0;
  std::memcpy(b.data() + sizeof h, entries.data(), entries.size() * sizeof entries[0]);
  recompute_gffdb_checksums(b);
  return b;
}

TEST_F(CorruptDb, Format11FilesUse64KiBBlocks) {
  // ~1 MB of text: several 64 KiB blocks.
  std::string text = "##gff-version 3\n";
  for (int i = 0; i < 12000; ++i) {
    text += "chr1\tsrc\tgene\t" + std::to_string(1000 + 100 * i) + "\t" + std::to_string(1050 + 100 * i) +
            "\t.\t+\t.\tID=g" + std::to_string(i) + ";note=padding-padding-padding-padding\n";
  }
  ASSERT_TRUE(build_db(text, dir_.file("big.gffdb")));
  std::string b = as_format_1_1(read_file(dir_.file("big.gffdb")));
  std::shared_ptr<const Database> db;
  ASSERT_TRUE(open_bytes(b, &db).is_ok());
  EXPECT_NO_THROW(touch_all(*db));
  EXPECT_TRUE(db->verify().is_ok());
  // Damage is reported in 64 KiB blocks, not the writer's 1 KiB ones.
  const store::SectionEntry main = sections_of(b)[index_of("text.main")];
  ASSERT_GT(main.length, 8 * store::kBlockBytesV1_1);
  b[main.offset + main.length - 100] ^= 0x20;
  ASSERT_TRUE(open_bytes(b, &db).is_ok());
  const std::string want = path_ + ": corrupt database: block " +
                           std::to_string((main.length - 100) / store::kBlockBytesV1_1) +
                           " of section 'text.main' fails its checksum (hint: rebuild it with `gffbase ingest --force`)";
  Status v = db->verify();
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.message(), want);
}

TEST_F(CorruptDb, ImplausibleBlockSizeIsRefusedAtOpen) {
  const std::size_t i = index_of("checksums.blocks");
  for (std::uint64_t bad : {std::uint64_t{0}, std::uint64_t{3000}, std::uint64_t{256}, std::uint64_t{2} << 20}) {
    SCOPED_TRACE(bad);
    std::string b = good_;
    store::SectionEntry e = sections_of(b)[i];
    EXPECT_EQ(e.param, store::kBlockBytes);
    e.param = bad;
    patch_section(b, i, e);
    std::shared_ptr<const Database> db;
    Status s = open_bytes(b, &db);
    ASSERT_FALSE(s.is_ok());
    EXPECT_EQ(s.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(s.message().find("section 'checksums.blocks' records a block size of " + std::to_string(bad) +
                               " bytes (expected a power of two from 512 to 1048576)"),
              std::string::npos)
        << s.message();
  }
}

TEST_F(CorruptDb, FilesWithoutBlockChecksumsAreCheckedSectionBySection) {
  // A format 1.0 file has no checksums.blocks; the reader falls back to one
  // CRC per section on first use.  (Renaming the section stands for its
  // absence: readers ignore sections they do not know.)
  std::string b = good_;
  const std::size_t i = index_of("checksums.blocks");
  store::SectionEntry e = sections_of(b)[i];
  std::memset(e.name, 0, sizeof e.name);
  std::memcpy(e.name, "future.section", 14);
  patch_section(b, i, e);
  std::shared_ptr<const Database> db;
  ASSERT_TRUE(open_bytes(b, &db).is_ok());
  EXPECT_NO_THROW(touch_all(*db));
  EXPECT_TRUE(db->verify().is_ok());
  const store::SectionEntry start = sections_of(b)[index_of("row.start")];
  b[start.offset] ^= 0x01;
  ASSERT_TRUE(open_bytes(b, &db).is_ok());
  try {
    touch_all(*db);
    ADD_FAILURE() << "damage in row.start went unnoticed";
  } catch (const Error& err) {
    EXPECT_EQ(std::string(err.what()), path_ + ": corrupt database: section 'row.start' fails its checksum (hint: "
                                               "rebuild it with `gffbase ingest --force`)");
  }
}

TEST_F(CorruptDb, VerifyCatchesIndexesPointingOutsideTheirTables) {
  // CRC-valid but inconsistent (as a faulty writer would produce): open()
  // cannot see it cheaply; verify() must.
  for (const char* name : {"row.feature", "feature.parents", "index.type_rows", "index.file_order_rows"}) {
    SCOPED_TRACE(name);
    std::string b = good_;
    const std::size_t i = index_of(name);
    store::SectionEntry e = sections_of(b)[i];
    ASSERT_GE(e.length, 4u);
    const std::uint32_t huge = 0x7FFFFFF0u;
    std::memcpy(b.data() + e.offset, &huge, 4);
    std::shared_ptr<const Database> db;
    if (!open_forged(b, &db)) continue;
    Status v = db->verify();
    ASSERT_FALSE(v.is_ok());
    EXPECT_EQ(v.kind(), ErrorKind::kCorrupt);
    EXPECT_EQ(v.message(), path_ + ": corrupt database: an index points outside its table");
  }
}

TEST_F(CorruptDb, CraftedStringOffsetsAreClampedAtOpen) {
  // open() reads one metadata value (parent_cycles); with checksums forged
  // over offsets pointing far outside their data it must neither read out of
  // bounds nor overflow a pointer (found by fuzz_gffdb_open under UBSan).
  for (const char* name : {"meta.key.offsets", "meta.value.offsets"}) {
    SCOPED_TRACE(name);
    std::string b = good_;
    const store::SectionEntry e = sections_of(b)[index_of(name)];
    ASSERT_GE(e.length, 16u);
    const std::int64_t wild[] = {std::int64_t(1) << 62, -(std::int64_t(1) << 62)};
    std::memcpy(b.data() + e.offset + 8, &wild[0], 8);
    if (e.length >= 24) std::memcpy(b.data() + e.offset + 16, &wild[1], 8);
    std::shared_ptr<const Database> db;
    if (!open_forged(b, &db)) continue;
    (void)db->meta();
    EXPECT_FALSE(db->verify().is_ok());
  }
}

TEST_F(CorruptDb, VerifyRejectsACycleTheMetadataDenies) {
  // Walks skip visited-checks for single-parent features when the writer
  // recorded parent_cycles=0; a crafted file with a cycle and that record
  // would loop forever, so verify() must refuse it (found by fuzz_gffdb_open).
  auto db0 = Database::open(dir_.file("good.gffdb"));
  ASSERT_TRUE(db0.is_ok());
  ASSERT_EQ((*db0)->meta_value("parent_cycles"), "0");
  const FeatureIndex tx1 = *(*db0)->find("tx1"), exon2 = *(*db0)->find("exon2");
  ASSERT_EQ((*db0)->parents_of(tx1).size(), 1u);
  std::string b = good_;
  const store::SectionEntry off = sections_of(b)[index_of("feature.parents.offsets")];
  const store::SectionEntry par = sections_of(b)[index_of("feature.parents")];
  std::uint32_t first = 0;
  std::memcpy(&first, b.data() + off.offset + 4 * tx1, 4);
  std::memcpy(b.data() + par.offset + 4 * first, &exon2, 4);  // tx1 -> exon2 -> tx1
  recompute_gffdb_checksums(b);
  std::shared_ptr<const Database> db;
  ASSERT_TRUE(open_bytes(b, &db).is_ok());
  const Status v = db->verify();
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.message(), path_ + ": corrupt database: the hierarchy has a Parent cycle its metadata says it lacks");
}

TEST_F(CorruptDb, AWalkStopsAtACycleTheMetadataDenies) {
  // r -> a -> b, with a's child rewritten to a itself: a has one parent (r),
  // so a walk trusting parent_cycles=0 would revisit it forever (found by
  // fuzz_gffdb_open).  It must fail as corrupt instead.
  const std::string text = "##gff-version 3\nchr1\t.\tgene\t1\t9\t.\t+\t.\tID=r\n"
                           "chr1\t.\tmRNA\t1\t9\t.\t+\t.\tID=a;Parent=r\n"
                           "chr1\t.\texon\t1\t9\t.\t+\t.\tID=b;Parent=a\n";
  ASSERT_TRUE(build_db(text, dir_.file("chain.gffdb")));
  auto good = open_db(dir_.file("chain.gffdb"));
  ASSERT_EQ(good->meta_value("parent_cycles"), "0");
  const FeatureIndex r = *good->find("r"), a = *good->find("a");
  std::string b = read_file(dir_.file("chain.gffdb"));
  const auto entries = sections_of(b);
  auto entry = [&](const char* name) {
    return *std::find_if(entries.begin(), entries.end(), [&](auto& e) { return name_of(e) == name; });
  };
  std::uint32_t first = 0;
  std::memcpy(&first, b.data() + entry("feature.children.offsets").offset + 4 * a, 4);
  std::memcpy(b.data() + entry("feature.children").offset + 4 * first, &a, 4);  // a -> a
  std::shared_ptr<const Database> db;
  ASSERT_TRUE(open_forged(b, &db));
  const Status v = db->verify();  // the children section alone has the cycle
  EXPECT_EQ(v.message(), path_ + ": corrupt database: the hierarchy has a Parent cycle its metadata says it lacks");
  try {
    (void)db->children(r, {});
    ADD_FAILURE() << "the walk returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_EQ(std::string(e.what()), path_ + ": corrupt database: the hierarchy has a Parent cycle its metadata says it lacks");
  }
}

TEST_F(CorruptDb, RandomByteFlipsNeverCrash) {
  std::mt19937_64 rng(31337);
  int refused = 0, detected = 0;
  for (int i = 0; i < 300; ++i) {
    std::string b = good_;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) b[rng() % b.size()] ^= static_cast<char>(1 + rng() % 255);
    std::shared_ptr<const Database> db;
    Status s = open_bytes(b, &db);
    if (!s.is_ok()) {
      EXPECT_EQ(s.kind(), ErrorKind::kCorrupt) << s.message();
      EXPECT_EQ(s.message().rfind(path_ + ": ", 0), 0u) << s.message();
      ++refused;
      continue;
    }
    try {
      touch_all(*db);
    } catch (const Error& err) {
      EXPECT_EQ(err.kind(), ErrorKind::kCorrupt);
      EXPECT_EQ(std::string(err.what()).rfind(path_ + ": ", 0), 0u) << err.what();
      ++detected;
    }
    (void)db->verify();
  }
  EXPECT_GT(refused + detected, 100) << "most random damage lands in checked bytes";
}

}  // namespace

TEST_F(CorruptDb, AWalkStoppedByDamageLeavesNoMarksForTheNextWalk) {
  // Walks on one thread share a scratch mark array.  A walk that throws
  // half-way (a damaged block) must not leave features marked as visited:
  // the next walk, on an intact copy, would skip them.  R -> g1, g2 -> c0..
  // c2999, each c with both g1 and g2 as parents (so depth-2 visits are
  // checked against the marks).
  std::string text = "##gff-version 3\nchr1\t.\tgene\t1\t40000\t.\t+\t.\tID=R\n"
                     "chr1\t.\tgene\t1\t40000\t.\t+\t.\tID=g1;Parent=R\nchr1\t.\tgene\t1\t40000\t.\t+\t.\tID=g2;Parent=R\n";
  for (int i = 0; i < 3000; ++i) {
    text += "chr1\t.\texon\t" + std::to_string(10 + 10 * i) + "\t" + std::to_string(15 + 10 * i) +
            "\t.\t+\t.\tID=c" + std::to_string(i) + ";Parent=g1,g2\n";
  }
  ASSERT_TRUE(build_db(text, dir_.file("dag.gffdb")));
  std::shared_ptr<const Database> intact;
  {
    auto r = Database::open(dir_.file("dag.gffdb"));
    ASSERT_TRUE(r.is_ok());
    intact = *r;
  }
  std::string b = read_file(dir_.file("dag.gffdb"));
  const auto entries = sections_of(b);
  const auto rows = std::find_if(entries.begin(), entries.end(), [](auto& e) { return name_of(e) == "feature.rows"; });
  ASSERT_NE(rows, entries.end());
  ASSERT_GT(rows->length, 2 * store::kBlockBytes);
  b[rows->offset + rows->length - 8] ^= 0x01;  // the rows of the last children
  std::shared_ptr<const Database> damaged;
  ASSERT_TRUE(open_bytes(b, &damaged).is_ok());
  const FeatureIndex g1 = *damaged->find("g1");
  EXPECT_THROW((void)damaged->children(g1, {}), Error);
  const auto all = intact->children(*intact->find("R"), {});
  EXPECT_EQ(all.size(), 3002u) << "children of R: g1, g2 and every c once";
}
