// Tests for ingest_file on compressed inputs (gzip, multi-member gzip, BGZF,
// truncated data) and for the atomic database write (ingest.hpp, writer.hpp).
// (Split from ingest_test.cpp to keep each file short.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <libdeflate.h>

#include <cstring>

#include "gffbase/build/ingest.hpp"
#include "gffbase/io/input.hpp"
#include "gffbase/query/database.hpp"
#include "test_util.hpp"

namespace {

using namespace gffbase;
using namespace gffbase::testing;

// The rows of a database as text, in file order (compression must not matter).
std::vector<std::string> dump(const Database& db) {
  std::vector<std::string> out;
  for (RowId r : db.rows_in_file_order()) {
    const RowView v = db.row(r);
    out.push_back(std::string(v.seqid) + " " + std::string(v.type) + " " + std::to_string(v.start) + " " +
                  std::to_string(v.end) + " " + std::string(v.id) + " " + std::string(v.attributes));
  }
  return out;
}

class CompressedInput : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = read_file(test_data("basic.gff3"));
    ASSERT_FALSE(text_.empty());
    auto rep = ingest_file(test_data("basic.gff3"), dir_.file("plain.gffdb"), default_options());
    ASSERT_TRUE(rep.is_ok()) << rep.status().message();
    plain_ = open_db(dir_.file("plain.gffdb"));
    EXPECT_EQ(plain_->meta_value("source_compression"), "none");
  }
  // Ingests `bytes` (written to a file) and checks the result equals the plain one.
  void expect_same_as_plain(const std::string& bytes, const std::string& compression) {
    const std::string in = dir_.file("in-" + compression);
    write_file(in, bytes);
    auto rep = ingest_file(in, dir_.file(compression + ".gffdb"), default_options());
    ASSERT_TRUE(rep.is_ok()) << rep.status().message();
    auto db = open_db(dir_.file(compression + ".gffdb"));
    EXPECT_EQ(db->meta_value("source_compression"), compression);
    EXPECT_EQ(db->meta_value("source_bytes"), std::to_string(bytes.size()));
    EXPECT_EQ(db->meta_value("source_crc32"), std::to_string(crc32(bytes.data(), bytes.size())));
    EXPECT_EQ(db->meta_value("text_bytes"), std::to_string(text_.size()));
    EXPECT_EQ(dump(*db), dump(*plain_));
  }
  TempDir dir_;
  std::string text_;
  std::shared_ptr<const Database> plain_;
};

TEST_F(CompressedInput, GzipFromTheGzipTool) {
  const std::string src = dir_.file("basic.gff3");
  write_file(src, text_);
  const std::string cmd = "gzip -c -n '" + src + "' > '" + src + ".gz' 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "the gzip tool is not available";
  expect_same_as_plain(read_file(src + ".gz"), "gzip");
}

TEST_F(CompressedInput, HandMadeGzipMember) { expect_same_as_plain(gzip_member(text_), "gzip"); }

TEST_F(CompressedInput, MultiMemberGzipSplitMidLine) {
  const std::size_t cut = text_.size() / 2 + 3;  // inside a line: members are byte streams
  expect_same_as_plain(gzip_member(text_.substr(0, cut)) + gzip_member(text_.substr(cut)), "gzip");
}

TEST_F(CompressedInput, GzipWithTrailingZeroPadding) {
  expect_same_as_plain(gzip_member(text_) + std::string(512, '\0'), "gzip");
}

TEST_F(CompressedInput, BgzfBuiltByHand) {
  // BGZF = gzip members with the 'BC' extra subfield giving the block size;
  // small blocks so the input spans many of them (and the EOF block).
  expect_same_as_plain(make_bgzf(text_, 97), "bgzf");
}

TEST_F(CompressedInput, BgzfFromTheBgzipTool) {
  const std::string src = dir_.file("basic.gff3");
  write_file(src, text_);
  const std::string cmd = "bgzip -c '" + src + "' > '" + src + ".bgz' 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "bgzip is not installed (BgzfBuiltByHand covers BGZF)";
  expect_same_as_plain(read_file(src + ".bgz"), "bgzf");
}

TEST_F(CompressedInput, TruncatedGzipNamesTheMemberOffset) {
  const std::string first = gzip_member(text_.substr(0, 200));
  const std::string second = gzip_member(text_.substr(200));
  const std::string whole = first + second;
  const std::string in = dir_.file("cut.gff3.gz");
  write_file(in, whole.substr(0, whole.size() - 12));
  auto rep = ingest_file(in, dir_.file("cut.gffdb"), default_options());
  ASSERT_FALSE(rep.is_ok());
  EXPECT_EQ(rep.status().kind(), ErrorKind::kInvalidInput);
  const std::string& m = rep.status().message();
  EXPECT_EQ(m, in + ": the file is cut short: it ends at byte " + std::to_string(whole.size() - 12) +
                   ", inside the gzip member starting at byte " + std::to_string(first.size()) + ", after " +
                   std::to_string(text_.size() - 200 - 4) +  // 12 bytes cut: the 8-byte trailer and 4 of text
                   " bytes of text (hint: the download or copy is incomplete; fetch the file again)");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("cut.gffdb")));

  write_file(in, first.substr(0, first.size() / 2));  // the first member cut: byte 0
  auto rep2 = ingest_file(in, dir_.file("cut.gffdb"), default_options());
  ASSERT_FALSE(rep2.is_ok());
  EXPECT_TRUE(contains(rep2.status().message(), ": the file is cut short: it ends at byte " +
                                                    std::to_string(first.size() / 2) +
                                                    ", inside the gzip member starting at byte 0, after "))
      << rep2.status().message();

  std::string bad_crc = whole;  // the first member's CRC-32 (its trailer's first 4 bytes)
  bad_crc[first.size() - 8] ^= 0x01;
  write_file(in, bad_crc);
  auto rep3 = ingest_file(in, dir_.file("cut.gffdb"), default_options());
  ASSERT_FALSE(rep3.is_ok());
  EXPECT_EQ(rep3.status().message(), in + ": the gzip member starting at byte 0 fails its CRC-32 check: the text "
                                          "inflates, but not to what was compressed (hint: the file is corrupt; "
                                          "fetch it again)");
  std::string bad_size = whole;  // the second member's ISIZE
  bad_size[whole.size() - 1] ^= 0x01;
  write_file(in, bad_size);
  auto rep4 = ingest_file(in, dir_.file("cut.gffdb"), default_options());
  ASSERT_FALSE(rep4.is_ok());
  EXPECT_TRUE(contains(rep4.status().message(), "the gzip member starting at byte " + std::to_string(first.size()) +
                                                    " fails its length check"))
      << rep4.status().message();
}

TEST_F(CompressedInput, TruncatedBgzfNamesTheBlockOffset) {
  std::string bgzf;
  std::vector<std::size_t> offsets;
  for (std::size_t pos = 0; pos < text_.size(); pos += 128) {
    offsets.push_back(bgzf.size());
    bgzf += bgzf_block(std::string_view(text_).substr(pos, 128));
  }
  ASSERT_GE(offsets.size(), 3u);
  const std::string in = dir_.file("cut.bgz");
  write_file(in, bgzf.substr(0, bgzf.size() - 5));  // the last block is cut
  auto rep = ingest_file(in, dir_.file("cut.gffdb"), default_options());
  ASSERT_FALSE(rep.is_ok());
  EXPECT_EQ(rep.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_TRUE(contains(rep.status().message(), ": the file is cut short: it ends at byte " +
                                                   std::to_string(bgzf.size() - 5) +
                                                   ", inside the BGZF block starting at byte " +
                                                   std::to_string(offsets.back())))
      << rep.status().message();

  std::string corrupt = bgzf;  // a damaged payload byte in block 1
  corrupt[offsets[1] + 30] ^= 0x55;
  write_file(in, corrupt);
  auto rep2 = ingest_file(in, dir_.file("cut.gffdb"), default_options());
  ASSERT_FALSE(rep2.is_ok());
  EXPECT_TRUE(contains(rep2.status().message(), "at byte " + std::to_string(offsets[1]))) << rep2.status().message();
}

TEST_F(CompressedInput, GarbageAfterGzipMember) {
  const std::string in = dir_.file("junk.gz");
  const std::string member = gzip_member(text_);
  write_file(in, member + "junk");
  auto rep = ingest_file(in, dir_.file("junk.gffdb"), default_options());
  ASSERT_FALSE(rep.is_ok());
  EXPECT_TRUE(contains(rep.status().message(), "at byte " + std::to_string(member.size())))
      << rep.status().message();
}

TEST_F(CompressedInput, OtherCompressionsAreNamed) {
  const std::vector<std::pair<std::string, std::string>> magics = {
      {std::string("\x28\xb5\x2f\xfd", 4), "zstd"},
      {"BZh91AY&SY", "bzip2"},
      {std::string("\xfd" "7zXZ\x00", 6), "xz"},
      {std::string("PK\x03\x04", 4), "zip"}};
  for (const auto& [magic, name] : magics) {
    const std::string in = dir_.file("input." + name);
    write_file(in, magic + std::string(64, '\x01'));
    auto rep = ingest_file(in, dir_.file("o.gffdb"), default_options());
    ASSERT_FALSE(rep.is_ok()) << name;
    EXPECT_EQ(rep.status().kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(rep.status().message(), in + ": the input is " + name +
                                          "-compressed, which gffbase does not read (hint: decompress it first, or "
                                          "recompress with gzip or bgzip)");
  }
}

// ---------------------------------------------------------------------------
// Inflating into the database file (GffdbWriter::text_buffer)

// A gzip stream, compressed for real (so that the inflated text outgrows the
// buffer sized from a short last member and the buffer grows in the file).
std::string deflated_gzip(std::string_view data) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(6);
  std::string out(libdeflate_gzip_compress_bound(c, data.size()), '\0');
  out.resize(libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size()));
  libdeflate_free_compressor(c);
  return out;
}

// Ingests `text` plain and as the gzip `gz`; both databases must hold the
// same rows, FASTA and text size, and verify.
void expect_gzip_same_as_plain(const std::string& text, const std::string& gz) {
  TempDir dir;
  write_file(dir.file("in.gff3"), text);
  write_file(dir.file("in.gff3.gz"), gz);
  auto a = ingest_file(dir.file("in.gff3"), dir.file("plain.gffdb"), default_options());
  auto b = ingest_file(dir.file("in.gff3.gz"), dir.file("gz.gffdb"), default_options());
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  auto plain = open_db(dir.file("plain.gffdb"));
  auto zipped = open_db(dir.file("gz.gffdb"));
  EXPECT_EQ(zipped->meta_value("source_compression"), "gzip");
  EXPECT_EQ(zipped->meta_value("text_bytes"), std::to_string(text.size()));
  EXPECT_EQ(dump(*zipped), dump(*plain));
  EXPECT_EQ(zipped->fasta(), plain->fasta());
  EXPECT_EQ(zipped->row_count(), plain->row_count());
  EXPECT_TRUE(zipped->verify().is_ok());
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"gz.gffdb", "in.gff3", "in.gff3.gz", "plain.gffdb"}));
}

std::string many_genes(std::size_t bytes) {
  std::string text = "##gff-version 3\n";
  for (std::size_t g = 0; text.size() < bytes; ++g) {
    const std::string gs = std::to_string(1000 * g + 1), ge = std::to_string(1000 * g + 900);
    const std::string id = std::to_string(g);
    text += "chr1\tsrc\tgene\t" + gs + "\t" + ge + "\t.\t+\t.\tID=g" + id + "\n";
    text += "chr1\tsrc\tmRNA\t" + gs + "\t" + ge + "\t.\t+\t.\tID=t" + id + ";Parent=g" + id + "\n";
    text += "chr1\tsrc\texon\t" + gs + "\t" + ge + "\t.\t+\t.\tParent=t" + id + "\n";
  }
  return text;
}

TEST(InflateIntoDatabase, AGrowingBufferKeepsEveryByte) {
  const std::string text = many_genes(3u << 20);
  // The last member's ISIZE (a few lines) sizes the first buffer: the text
  // outgrows it more than once.
  const std::size_t cut = text.rfind('\n', text.size() - 200) + 1;
  expect_gzip_same_as_plain(text, deflated_gzip(std::string_view(text).substr(0, cut)) +
                                      deflated_gzip(std::string_view(text).substr(cut)));
}

TEST(InflateIntoDatabase, AByteOrderMarkIsNotPartOfTheTextSection) {
  const std::string text = "\xEF\xBB\xBF" + many_genes(200000);
  expect_gzip_same_as_plain(text, deflated_gzip(text));
}

TEST(InflateIntoDatabase, AFastaTailSurvivesTheSectionsWrittenAfterTheText) {
  std::string fasta = "##FASTA\n>chr1\n";
  for (int i = 0; i < 4000; ++i) fasta += "ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGT\n";
  const std::string text = many_genes(200000) + fasta;
  expect_gzip_same_as_plain(text, deflated_gzip(text));
}

TEST(InflateIntoDatabase, ACorruptStreamLeavesTheOldDatabaseAndNoTemporaryFile) {
  TempDir dir;
  const std::string text = many_genes(1u << 20);
  const std::string gz = deflated_gzip(text);
  write_file(dir.file("cut.gff3.gz"), gz.substr(0, gz.size() - 100));
  const std::string db = dir.file("x.gffdb");
  ASSERT_TRUE(build_db(read_file(test_data("basic.gff3")), db));
  const std::string before = read_file(db);
  IngestOptions o = default_options();
  o.force = true;
  auto rep = ingest_file(dir.file("cut.gff3.gz"), db, o);
  ASSERT_FALSE(rep.is_ok());
  EXPECT_TRUE(contains(rep.status().message(), "the file is cut short")) << rep.status().message();
  EXPECT_EQ(read_file(db), before);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"cut.gff3.gz", "x.gffdb"}));
}

// ---------------------------------------------------------------------------
// Atomic write

TEST(AtomicWrite, FailingIngestLeavesNoFile) {
  TempDir dir;
  auto rep = ingest_text("not a gff file\n", dir.file("x.gffdb"), default_options());
  ASSERT_FALSE(rep.is_ok());
  EXPECT_TRUE(dir.entries().empty()) << "left behind: " << (dir.entries().empty() ? "" : dir.entries()[0]);
}

TEST(AtomicWrite, MissingInputIsAnIoErrorAndLeavesNoFile) {
  TempDir dir;
  auto rep = ingest_file(dir.file("does-not-exist.gff3"), dir.file("x.gffdb"), default_options());
  ASSERT_FALSE(rep.is_ok());
  EXPECT_EQ(rep.status().kind(), ErrorKind::kIo);
  EXPECT_TRUE(contains(rep.status().message(), dir.file("does-not-exist.gff3"))) << rep.status().message();
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicWrite, FailingIngestLeavesAnExistingDatabaseUntouched) {
  TempDir dir;
  const std::string db = dir.file("x.gffdb");
  ASSERT_TRUE(build_db(read_file(test_data("basic.gff3")), db));
  const std::string before = read_file(db);
  IngestOptions o = default_options();
  o.force = true;
  auto rep = ingest_text("", db, o);  // fails: no feature lines
  ASSERT_FALSE(rep.is_ok());
  o.merge_strategy = MergeStrategy::kError;  // fails late, after parsing
  auto rep2 = ingest_file(test_data("dup_ids.gff3"), db, o);
  ASSERT_FALSE(rep2.is_ok());
  EXPECT_EQ(read_file(db), before);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"x.gffdb"}));
  EXPECT_TRUE(Database::open(db).is_ok());
}

TEST(AtomicWrite, NoForceRefusesToOverwrite) {
  TempDir dir;
  const std::string db = dir.file("x.gffdb");
  ASSERT_TRUE(build_db(read_file(test_data("basic.gff3")), db));
  const std::string before = read_file(db);
  IngestOptions o = default_options();
  o.force = false;
  for (bool from_file : {false, true}) {
    auto rep = from_file ? ingest_file(test_data("basic.gtf"), db, o)
                         : ingest_text(read_file(test_data("basic.gtf")), db, o);
    ASSERT_FALSE(rep.is_ok());
    EXPECT_EQ(rep.status().kind(), ErrorKind::kIo);
    EXPECT_EQ(rep.status().message(), db + ": already exists (hint: use --force / force=True to replace it)");
  }
  EXPECT_EQ(read_file(db), before);

  o.force = true;  // and force replaces it
  auto rep = ingest_file(test_data("basic.gtf"), db, o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  EXPECT_NE(read_file(db), before);
  EXPECT_EQ((open_db(db))->meta_value("format"), "gtf");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"x.gffdb"}));
}

TEST(AtomicWrite, OpenDatabaseKeepsItsMappingWhenReplaced) {
  TempDir dir;
  const std::string db = dir.file("x.gffdb");
  auto old_db = build_db(read_file(test_data("basic.gff3")), db);
  ASSERT_TRUE(old_db);
  const std::size_t rows = old_db->row_count();
  auto new_db = build_db(read_file(test_data("basic.gtf")), db);  // force=true
  ASSERT_TRUE(new_db);
  EXPECT_EQ(old_db->row_count(), rows);
  EXPECT_TRUE(old_db->find("gene1").has_value());
  EXPECT_TRUE(old_db->verify().is_ok());
  EXPECT_FALSE(new_db->find("gene1").has_value());
}

}  // namespace

namespace {
// A large plain-gzip stream: inflate_gzip then maps its output pages ahead of
// the decompressor on another thread (PrefaultAhead, >= 64 MB).  The text must
// come out whole, also when the ISIZE footer understates it (the buffer then
// grows, after the prefault thread is stopped: a two-member file) and when
// the stream is cut.
TEST(LargeGzip, PrefaultedOutputIsExactAcrossGrowthAndTruncation) {
  std::string text;
  text.reserve(100u << 20);
  for (std::size_t i = 0; text.size() < (100u << 20); ++i) {
    text += "chr1\tsrc\texon\t" + std::to_string(1 + i) + "\t" + std::to_string(50 + i) +
            "\t.\t+\t.\tID=e" + std::to_string(i) + ";Parent=t" + std::to_string(i / 7) + "\n";
  }
  libdeflate_compressor* c = libdeflate_alloc_compressor(1);
  ASSERT_NE(c, nullptr);
  auto gzip = [c](std::string_view data) {
    std::string out(libdeflate_gzip_compress_bound(c, data.size()), '\0');
    out.resize(libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size()));
    return out;
  };
  const std::string gz = gzip(text);
  // Two members, the last (whose ISIZE sizes the buffer) 70 of the 100 MB:
  // the second member does not fit and the buffer grows.
  const std::size_t cut = text.rfind('\n', 30u << 20) + 1;
  const std::string two = gzip(std::string_view(text).substr(0, cut)) + gzip(std::string_view(text).substr(cut));
  libdeflate_free_compressor(c);
  ASSERT_GT(gz.size(), 0u);
  auto decode = [](std::string bytes) { return decode_input("big.gff3.gz", TextBuffer::adopt(std::move(bytes)), 2); };
  for (const std::string* bytes : {&gz, &two}) {
    auto r = decode(*bytes);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    ASSERT_EQ(r->text.size(), text.size());
    EXPECT_EQ(std::memcmp(r->text.data(), text.data(), text.size()), 0);
  }
  {
    auto r = decode(gz.substr(0, gz.size() / 2));
    ASSERT_FALSE(r.is_ok());
    EXPECT_TRUE(contains(r.status().message(), "the file is cut short")) << r.status().message();
  }
}
}  // namespace
