// Tests for GffdbWriter's text path: the input text is copied file to file
// (copy_file_range) when it lies unchanged in a file, written from memory
// otherwise, and a source that changes during the copy fails the write
// without leaving a file behind.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "gffbase/io/text_buffer.hpp"
#include "gffbase/store/format.hpp"
#include "gffbase/store/sections.hpp"
#include "gffbase/store/writer.hpp"
#include "gffdb_checksums.hpp"
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

// The permissions ("rw-s", "r--s", ...) of the mapping holding `p`, from
// /proc/self/maps ("" when no mapping holds it).
std::string mapping_permissions(const void* p) {
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  std::istringstream maps(read_file("/proc/self/maps"));
  for (std::string line; std::getline(maps, line);) {
    std::uintptr_t lo = 0, hi = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR " %4s", &lo, &hi, perms) == 3 && lo <= a && a < hi) {
      return perms;
    }
  }
  return {};
}

// text_buffer(): bytes written through it (and the growth of it) land in the
// temporary file where the text section goes; begin_text(in_place) then
// copies nothing, and the database holds them with their checksums.
TEST(GffdbWriterText, InflatedIntoTheFileAndKeptInPlace) {
  TempDir dir;
  auto w = GffdbWriter::create(dir.file("out.gffdb"), false);
  ASSERT_TRUE(w.is_ok());
  TextBuffer buf = (*w)->text_buffer(64);
  if (buf.region_fd() < 0) GTEST_SKIP() << "this file system cannot fallocate and map the temporary file";
  ASSERT_GE(buf.capacity(), 64u);
  std::string text;
  for (int i = 1; text.size() < 20000; ++i) {
    text += "chr1\tx\texon\t";
    text += std::to_string(i);
    text += '\t';
    text += std::to_string(i + 9);
    text += "\t.\t+\t.\tID=e";
    text += std::to_string(i);
    text += '\n';
  }
  std::memcpy(buf.data(), text.data(), 64);
  buf.set_size(64);
  buf.grow(text.size());  // moves the mapping; the first bytes stay
  ASSERT_GE(buf.region_fd(), 0) << "the region must grow in the file";
  std::memcpy(buf.data() + 64, text.data() + 64, text.size() - 64);
  buf.set_size(text.size());
  // The file holds what was written through the mapping, before any write.
  std::string direct(text.size(), '\0');
  ASSERT_EQ(::pread(buf.region_fd(), direct.data(), direct.size(), static_cast<off_t>(buf.region_offset())),
            static_cast<ssize_t>(direct.size()));
  EXPECT_EQ(direct, text);
  EXPECT_EQ(buf.heap_copy().view(), text);
  // Sealed (as ingest does before the write): the same addresses, now
  // read-only, still show the bytes.
  const char* before = buf.data();
  ASSERT_EQ(mapping_permissions(before), "rw-s");
  buf.seal();
  EXPECT_EQ(buf.data(), before);
  EXPECT_EQ(mapping_permissions(before), "r--s");
  EXPECT_EQ(buf.view(), text);
  FeatureTable t;
  t.text = buf.view();
  (*w)->begin_text(t.text, TextFileSource{buf.region_fd(), buf.region_offset(), {}, true});
  ASSERT_TRUE((*w)->commit(t).is_ok());
  const std::string file = read_file(dir.file("out.gffdb"));
  EXPECT_EQ(section_bytes(file, "text.main"), text);
  std::string recomputed = file;  // every checksum describes the bytes in place
  recompute_gffdb_checksums(recomputed);
  EXPECT_TRUE(recomputed == file);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.gffdb"});
}

// Unnamed (O_TMPFILE) until complete: while it is written, the directory
// shows nothing, so a writer killed by anything leaves nothing behind.
TEST(GffdbWriterFile, HasNoNameUntilCommitted) {
  TempDir dir;
  write_file(dir.file("out.gffdb"), "the old database");
  {
    const int probe = ::open(dir.path().c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    if (probe < 0) GTEST_SKIP() << "this file system cannot create unnamed files";
    ::close(probe);
  }
  auto w = GffdbWriter::create(dir.file("out.gffdb"), true);
  ASSERT_TRUE(w.is_ok());
  FeatureTable t;
  t.text = "chr1\tx\tgene\t1\t10\t.\t+\t.\tID=g1\n";
  (*w)->begin_text(t.text);
  (*w)->wait_text();
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.gffdb"}) << "a named file while writing";
  EXPECT_EQ(read_file(dir.file("out.gffdb")), "the old database");
  ASSERT_TRUE((*w)->commit(t).is_ok());
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.gffdb"});
  EXPECT_EQ(section_bytes(read_file(dir.file("out.gffdb")), "text.main"), t.text);
  // Abandoned before commit (an exception, a failed build): nothing to remove.
  auto abandoned = GffdbWriter::create(dir.file("other.gffdb"), false);
  ASSERT_TRUE(abandoned.is_ok());
  (*abandoned)->begin_text(t.text);
  abandoned->reset();
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.gffdb"});
}

TEST(GffdbWriterText, InPlaceTextFromAnotherFileFailsAndLeavesNothing) {
  TempDir dir;
  write_file(dir.file("other"), std::string(8192, 'x'));
  const int fd = ::open(dir.file("other").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  TextBuffer foreign = TextBuffer::map_file_region(fd, 4096, 100);
  ::close(fd);
  if (foreign.region_fd() < 0) GTEST_SKIP() << "this file system cannot fallocate and map a file";
  auto w = GffdbWriter::create(dir.file("out.gffdb"), false);
  ASSERT_TRUE(w.is_ok());
  FeatureTable t;
  t.text = foreign.view();
  (*w)->begin_text(t.text, TextFileSource{foreign.region_fd(), foreign.region_offset(), {}, true});
  auto r = (*w)->commit(t);
  ASSERT_FALSE(r.is_ok());
  EXPECT_TRUE(contains(r.status().message(), "not in this database's file")) << r.status().message();
  w->reset();
  EXPECT_FALSE(fs::exists(dir.file("out.gffdb")));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"other"}) << "a temp file was left";
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

// --- begin_sections: finished sections written early, after the text --------
namespace {

// The (offset, length) of section `name` in a .gffdb image.
std::pair<std::uint64_t, std::uint64_t> section_place(const std::string& file, std::string_view name) {
  store::FileHeader h;
  std::memcpy(&h, file.data(), sizeof h);
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    store::SectionEntry e;
    std::memcpy(&e, file.data() + sizeof h + i * sizeof e, sizeof e);
    if (std::string_view(e.name, strnlen(e.name, sizeof e.name)) == name) return {e.offset, e.length};
  }
  return {0, 0};
}

FeatureTable table_with_columns() {
  FeatureTable t;
  t.text = "chr1\tx\tgene\t1\t10\t.\t+\t.\tID=g1\n";
  for (std::int64_t i = 0; i < 5000; ++i) {  // several checksum blocks each
    t.row_start.push_back(i * 3);
    t.row_end.push_back(i * 3 + 2);
    t.attr_entries.push_back(static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL);
  }
  return t;
}

TEST(GffdbWriterSections, EarlySectionsGetTheBytesAndChecksumsOfAPlainCommit) {
  TempDir dir;
  const FeatureTable t = table_with_columns();
  const std::vector<std::string_view> early = {store::section::kRowEnd, store::section::kAttrEntries};
  {
    auto w = GffdbWriter::create(dir.file("early.gffdb"), false);
    ASSERT_TRUE(w.is_ok());
    (*w)->begin_text(t.text);
    (*w)->begin_sections(t, early);
    ASSERT_TRUE((*w)->commit(t).is_ok());
  }
  ASSERT_TRUE(write_gffdb(t, dir.file("plain.gffdb"), false).is_ok());
  const std::string a = read_file(dir.file("early.gffdb")), b = read_file(dir.file("plain.gffdb"));
  for (std::string_view name : {store::section::kTextMain, store::section::kRowStart, store::section::kRowEnd,
                                store::section::kAttrEntries, store::section::kBlockChecksums}) {
    EXPECT_EQ(section_bytes(a, name), section_bytes(b, name)) << name;
  }
  // Every checksum (sections, blocks in table order, table, header) is the
  // one a recomputation gives.
  std::string recomputed = a;
  recompute_gffdb_checksums(recomputed);
  EXPECT_TRUE(recomputed == a);
  // The early sections lie right after the text, the others after them.
  const auto text = section_place(a, store::section::kTextMain);
  const auto end = section_place(a, store::section::kRowEnd);
  const auto attr = section_place(a, store::section::kAttrEntries);
  const auto start = section_place(a, store::section::kRowStart);
  EXPECT_EQ(end.first, (text.first + text.second + store::kAlignment - 1) / store::kAlignment * store::kAlignment);
  EXPECT_GT(attr.first, end.first);
  EXPECT_GT(start.first, attr.first);
}

TEST(GffdbWriterSections, ASectionChangedAfterItsEarlyWriteFailsAndLeavesNothing) {
  TempDir dir;
  FeatureTable t = table_with_columns();
  const std::vector<std::string_view> early = {store::section::kRowEnd};
  auto w = GffdbWriter::create(dir.file("out.gffdb"), false);
  ASSERT_TRUE(w.is_ok());
  (*w)->begin_text(t.text);
  (*w)->begin_sections(t, early);
  (*w)->wait_sections();
  t.row_end.push_back(1);  // breaks the contract: the section was final
  auto r = (*w)->commit(t);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("section 'row.end' changed after it was written"), std::string::npos)
      << r.status().message();
  (*w).reset();
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
