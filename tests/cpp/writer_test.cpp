// Tests for GffdbWriter's text path: the input text is copied file to file
// (copy_file_range) when it lies unchanged in a file, written from memory
// otherwise, and a source that changes during the copy fails the write
// without leaving a file behind.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "gffbase/store/format.hpp"
#include "gffbase/store/writer.hpp"
#include "test_util.hpp"

namespace {

using namespace gffbase;
using namespace gffbase::testing;

// The bytes of section `name` in a .gffdb image ("" when absent).
std::string section_bytes(const std::string& file, std::string_view name) {
  store::FileHeader h;
  std::memcpy(&h, file.data(), sizeof h);
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    store::SectionEntry e;
    std::memcpy(&e, file.data() + sizeof h + i * sizeof e, sizeof e);
    if (std::string_view(e.name, strnlen(e.name, sizeof e.name)) == name) return file.substr(e.offset, e.length);
  }
  return {};
}

TEST(GffdbWriterText, CopiedFromTheSourceFile) {
  TempDir dir;
  const std::string text = "chr1\tx\tgene\t1\t10\t.\t+\t.\tID=g1\n";
  write_file(dir.file("in.gff3"), "##gff-version 3\n" + text);
  const int fd = ::open(dir.file("in.gff3").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto w = GffdbWriter::create(dir.file("out.gffdb"), false);
  ASSERT_TRUE(w.is_ok());
  FeatureTable t;
  t.text = text;  // stands for the mapped bytes of the file, after its header line
  bool asked = false;
  (*w)->begin_text(t.text, TextFileSource{fd, 16, [&] { return asked = true; }});
  ASSERT_TRUE((*w)->commit(t).is_ok());
  ::close(fd);
  EXPECT_TRUE(asked) << "the writer must check the source after copying";
  EXPECT_EQ(section_bytes(read_file(dir.file("out.gffdb")), "text.main"), text);
}

TEST(GffdbWriterText, AChangedSourceFailsAndLeavesNothing) {
  TempDir dir;
  const std::string text = "chr1\tx\tgene\t1\t10\t.\t+\t.\tID=g1\n";
  write_file(dir.file("in.gff3"), text);
  write_file(dir.file("out.gffdb"), "the old database");
  const int fd = ::open(dir.file("in.gff3").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto w = GffdbWriter::create(dir.file("out.gffdb"), true);
  ASSERT_TRUE(w.is_ok());
  FeatureTable t;
  t.text = text;
  (*w)->begin_text(t.text, TextFileSource{fd, 0, [] { return false; }});
  auto r = (*w)->commit(t);
  ::close(fd);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("the input file changed while it was being ingested"), std::string::npos)
      << r.status().message();
  (*w).reset();  // an uncommitted writer removes its temporary file
  EXPECT_EQ(read_file(dir.file("out.gffdb")), "the old database");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"in.gff3", "out.gffdb"}));
}

TEST(GffdbWriterText, AnUncopyableSourceIsWrittenFromMemory) {
  TempDir dir;
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);  // copy_file_range refuses pipes
  auto w = GffdbWriter::create(dir.file("out.gffdb"), false);
  ASSERT_TRUE(w.is_ok());
  FeatureTable t;
  t.text = "chr1\tx\tgene\t1\t10\t.\t+\t.\tID=g1\n";
  (*w)->begin_text(t.text, TextFileSource{pipe_fds[0], 0, [] { return true; }});
  ASSERT_TRUE((*w)->commit(t).is_ok());
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  EXPECT_EQ(section_bytes(read_file(dir.file("out.gffdb")), "text.main"), t.text);
}

TEST(GffdbWriterText, RepairedBytesAreWrittenNotCopied) {
  // Lenient ingest repairs a non-UTF-8 byte in its private mapping of the
  // file; the database must hold the repaired text, not the file's bytes.
  TempDir dir;
  write_file(dir.file("in.gff3"), "chr1\tx\tgene\t1\t10\t.\t+\t.\tID=g1;Note=caf\xE9\n");
  IngestOptions o = default_options();
  auto rep = ingest_file(dir.file("in.gff3"), dir.file("out.gffdb"), o);
  ASSERT_TRUE(rep.is_ok()) << rep.status().message();
  auto db = Database::open(dir.file("out.gffdb"));
  ASSERT_TRUE(db.is_ok());
  EXPECT_EQ((*db)->row_line(0), "chr1\tx\tgene\t1\t10\t.\t+\t.\tID=g1;Note=caf?");
  EXPECT_TRUE((*db)->verify().is_ok());
}

}  // namespace

namespace {
TEST(WriterBlockSize, SmallBlocksUntilTheBlockTableWouldPassTwoMegabytes) {
  using store::writer_block_bytes;
  EXPECT_EQ(writer_block_bytes(0), store::kBlockBytes);
  EXPECT_EQ(writer_block_bytes(231'000'000), 1024u);    // mouse GTF: 1 KiB
  EXPECT_EQ(writer_block_bytes(512ull << 20), 1024u);   // exactly kMaxTextBlocks blocks
  EXPECT_EQ(writer_block_bytes((512ull << 20) + 1024), 2048u);
  EXPECT_EQ(writer_block_bytes(1'154'000'000), 4096u);  // GENCODE-scale: 4 KiB
  EXPECT_EQ(writer_block_bytes(1ull << 50), store::kMaxBlockBytes);  // capped where readers stop
  for (std::uint64_t t : {0ull, 1ull << 20, 3ull << 30, 1ull << 40}) {
    const std::uint64_t b = writer_block_bytes(t);
    EXPECT_EQ(b & (b - 1), 0u);
    EXPECT_GE(b, store::kMinBlockBytes);
    EXPECT_LE(b, store::kMaxBlockBytes);
  }
}
}  // namespace
