// Tests for the gffbase command-line tool, run as a child process.  The binary
// is found beside this test binary (same build directory).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "gffbase/version.hpp"
#include "test_util.hpp"

namespace {

using namespace gffbase::testing;

std::string cli_path() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string self(buf, static_cast<std::size_t>(n));
  return self.substr(0, self.rfind('/')) + "/gffbase";
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct CliRun {
  int code = -1;
  std::string out, err;
};

// Splits a file into its lines (each without the newline).
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    exe_ = cli_path();
    if (exe_.empty() || ::access(exe_.c_str(), X_OK) != 0) {
      GTEST_SKIP() << "the gffbase CLI was not found at '" << exe_ << "' (built with GFFBASE_BUILD_CLI=OFF?)";
    }
    fixture_ = lines_of(read_file(test_data("basic.gff3")));
  }
  // Runs `gffbase ARGS` (args are already shell-quoted where needed).
  CliRun run(const std::string& args, const std::string& stdin_file = "") {
    const std::string err = dir_.file("stderr.txt");
    std::string cmd = quote(exe_) + " " + args + " 2>" + quote(err);
    if (!stdin_file.empty()) cmd += " <" + quote(stdin_file);
    CliRun r;
    std::FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = read_file(err);
    return r;
  }
  // The fixture's line N (1-based) plus a newline.
  std::string line(std::size_t n) const { return fixture_.at(n - 1) + "\n"; }
  std::string ingest_basic() {
    const std::string db = dir_.file("b.gffdb");
    CliRun r = run("ingest " + quote(test_data("basic.gff3")) + " -o " + quote(db) + " --force --quiet");
    EXPECT_EQ(r.code, 0) << r.err;
    return quote(db);
  }
  TempDir dir_;
  std::string exe_;
  std::vector<std::string> fixture_;
};

const std::vector<std::string> kCommands = {"ingest", "validate", "info",   "get",
                                            "children", "parents", "region", "export"};

TEST_F(Cli, HelpListsEverySubcommand) {
  CliRun r = run("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("usage: gffbase <command> [options]", 0), 0u) << r.out;
  for (const auto& c : kCommands) EXPECT_TRUE(contains(r.out, "\n  " + c + " ")) << c << " missing from:\n" << r.out;
  CliRun none = run("");
  EXPECT_EQ(none.code, 2);  // no command is a usage error
  EXPECT_TRUE(contains(none.out, "commands:"));
}

TEST_F(Cli, EverySubcommandHasHelp) {
  for (const auto& c : kCommands) {
    SCOPED_TRACE(c);
    CliRun r = run(c + " --help");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("usage: gffbase " + c, 0), 0u) << r.out;
    EXPECT_TRUE(contains(r.out, "-h, --help")) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
  }
}

TEST_F(Cli, Version) {
  CliRun r = run("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, std::string("gffbase ") + gffbase::kVersion + "\n");
}

TEST_F(Cli, UnknownOptionOrCommandIsAUsageError) {
  CliRun r = run("info --bogus x.gffdb");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("gffbase info: error: unknown option '--bogus' (see `gffbase info --help`)\n", 0), 0u)
      << r.err;
  CliRun c = run("frobnicate");
  EXPECT_EQ(c.code, 2);
  EXPECT_EQ(c.err, "gffbase: unknown command 'frobnicate' (see `gffbase --help`)\n");
  CliRun m = run("ingest");  // missing INPUT
  EXPECT_EQ(m.code, 2);
  EXPECT_TRUE(contains(m.err, "expected exactly one INPUT")) << m.err;
  CliRun f = run("ingest x.gff --merge-strategy sometimes");
  EXPECT_EQ(f.code, 2);
  EXPECT_TRUE(contains(f.err, "--merge-strategy: expected error, warning, merge, create_unique or replace, "
                              "found 'sometimes'"))
      << f.err;
}

TEST_F(Cli, IngestAndInfo) {
  const std::string db = dir_.file("b.gffdb");
  CliRun r = run("ingest " + quote(test_data("basic.gff3")) + " -o " + quote(db));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(db + ": 11 features (13 rows, 0 synthetic), 2 seqids, 5 types, 10 relations, 0 errors, "
                             "0 warnings, ",
                        0),
            0u)
      << r.out;
  CliRun again = run("ingest " + quote(test_data("basic.gff3")) + " -o " + quote(db));
  EXPECT_EQ(again.code, 1);
  EXPECT_TRUE(contains(again.err, db + ": already exists")) << again.err;

  CliRun info = run("info " + quote(db) + " --verify");
  ASSERT_EQ(info.code, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "verify: ok (all section checksums and index bounds)\n"));
  EXPECT_TRUE(contains(info.out, "features: 11  rows: 13  seqids: 2  types: 5\n")) << info.out;
  EXPECT_TRUE(contains(info.out, "\n  exon" + std::string(24, ' ') + " 5\n")) << info.out;
  EXPECT_TRUE(contains(info.out, "\n  chr2" + std::string(24, ' ') + " 4\n")) << info.out;
  EXPECT_TRUE(contains(info.out, "problems recorded: 0 errors, 0 warnings\n")) << info.out;
}

TEST_F(Cli, Get) {
  const std::string db = ingest_basic();
  CliRun r = run("get " + db + " tx1");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, line(5));
  CliRun cds = run("get " + db + " cds1 gene2");
  EXPECT_EQ(cds.out, line(10) + line(11) + line(12) + line(13));
  CliRun missing = run("get " + db + " nope tx2");
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.out, line(6));
  EXPECT_EQ(missing.err, "gffbase get: no feature with ID 'nope'\n");
  CliRun bed = run("get " + db + " gene2 --format bed");
  EXPECT_EQ(bed.out, "chr2\t49\t400\tgene2\t12.5\t-\n");
}

TEST_F(Cli, ChildrenAndParents) {
  const std::string db = ingest_basic();
  CliRun l1 = run("children " + db + " gene1 --level 1");
  EXPECT_EQ(l1.code, 0) << l1.err;
  EXPECT_EQ(l1.out, line(6) + line(5) + line(9));  // tx2, tx1, exon3 in row order
  CliRun exons = run("children " + db + " gene1 -t exon");
  EXPECT_EQ(exons.out, line(7) + line(8) + line(9));
  CliRun all = run("children " + db + " gene1");
  EXPECT_EQ(lines_of(all.out).size(), 8u);
  CliRun up = run("parents " + db + " exon1");
  EXPECT_EQ(up.code, 0) << up.err;
  EXPECT_EQ(up.out, line(6) + line(4) + line(5));  // tx2, gene1, tx1 in row order
  CliRun bad = run("parents " + db + " exon1 --level zero");
  EXPECT_EQ(bad.code, 2);
}

TEST_F(Cli, Region) {
  const std::string db = ingest_basic();
  CliRun r = run("region " + db + " chr1:1000-1000");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, line(7) + line(6) + line(4) + line(5));
  CliRun typed = run("region " + db + " chr1:1,000-3,200 --type CDS --type exon");
  EXPECT_EQ(typed.out, line(7) + line(10) + line(8) + line(11));
  CliRun strand = run("region " + db + " chr2:1-100:- --within");
  EXPECT_EQ(strand.out, "");
  CliRun within = run("region " + db + " chr2:40-450 --within");
  EXPECT_EQ(within.out, line(13) + line(14) + line(15));
  const std::string bed = dir_.file("q.bed");
  write_file(bed, "chr2\t99\t100\n# comment\nchr1\t8999\t9000\n");
  CliRun fromfile = run("region " + db + " --regions " + quote(bed));
  EXPECT_EQ(fromfile.out, line(13) + line(14) + line(15) + line(4) + line(5) + line(9));
  CliRun bad = run("region " + db + " chr1:10-5");
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(contains(bad.err, "region \"chr1:10-5\": start is after end")) << bad.err;
}

TEST_F(Cli, ExportReproducesTheInputAndRoundTrips) {
  const std::string db = ingest_basic();
  CliRun e1 = run("export " + db);
  ASSERT_EQ(e1.code, 0) << e1.err;
  std::string want;
  for (std::size_t i = 1; i <= fixture_.size(); ++i) {
    if (i != 3) want += line(i);  // the comment line is not kept
  }
  EXPECT_EQ(e1.out, want);
  const std::string out1 = dir_.file("e1.gff3");
  write_file(out1, e1.out);
  CliRun ing = run("ingest " + quote(out1) + " -o " + quote(dir_.file("e1.gffdb")) + " --quiet");
  ASSERT_EQ(ing.code, 0) << ing.err;
  CliRun e2 = run("export " + quote(dir_.file("e1.gffdb")));
  EXPECT_EQ(e2.out, e1.out) << "export -> ingest -> export must be byte-identical";
}

TEST_F(Cli, ExportKeepsDirectivesWhereTheyStood) {
  // "###" and a mid-file ##sequence-region separate the features around them.
  const std::string text = "##gff-version 3\n##sequence-region c1 1 1000\n" +
                           tsv({"c1", "s", "gene", "1", "10", ".", "+", ".", "ID=a"}) +
                           "###\n##sequence-region c2 1 1000\n" +
                           tsv({"c2", "s", "gene", "1", "10", ".", "+", ".", "ID=b"}) + "###\n";
  const std::string in = dir_.file("d.gff3"), db = dir_.file("d.gffdb");
  write_file(in, text);
  ASSERT_EQ(run("ingest " + quote(in) + " -o " + quote(db) + " -q").code, 0);
  EXPECT_EQ(run("export " + quote(db)).out, text);
  // Sorted output has no such places: directives first, "###" left out.
  EXPECT_EQ(run("export --sorted " + quote(db)).out,
            "##gff-version 3\n##sequence-region c1 1 1000\n##sequence-region c2 1 1000\n" +
                tsv({"c1", "s", "gene", "1", "10", ".", "+", ".", "ID=a"}) +
                tsv({"c2", "s", "gene", "1", "10", ".", "+", ".", "ID=b"}));
}

TEST_F(Cli, PragmasRoundTripAndInfoListsThem) {
  // Ensembl's "#!" pragmas come back where they stood, in the GTF and
  // converted to GFF3; info lists them.  A UCSC track line is skipped.
  const std::string gtf = "#!genome-build R64-1-1\n#!genome-version R64-1-1\n" +
                          tsv({"I", "sgd", "exon", "1", "10", ".", "+", ".", "gene_id \"g\"; transcript_id \"t\";"}) +
                          "#!genebuild-last-updated 2018-10\n";
  const std::string in = dir_.file("p.gtf"), db = dir_.file("p.gffdb");
  write_file(in, "track name=x description=\"a b c d e f g h i j\"\n" + gtf);
  CliRun ing = run("ingest " + quote(in) + " -o " + quote(db));
  ASSERT_EQ(ing.code, 0) << ing.err;
  EXPECT_TRUE(contains(ing.out, " 0 errors, 1 warnings, ")) << ing.out;
  EXPECT_TRUE(contains(ing.err, "p.gtf:1: warning: line: expected a feature line, or a '#' comment, found a UCSC "
                                "genome browser 'track' line")) << ing.err;
  EXPECT_EQ(run("export " + quote(db)).out, gtf);
  const std::string gff3 = run("export --format gff3 " + quote(db)).out;
  EXPECT_EQ(gff3.rfind("##gff-version 3\n#!genome-build R64-1-1\n#!genome-version R64-1-1\n", 0), 0u) << gff3;
  EXPECT_TRUE(gff3.ends_with("\n#!genebuild-last-updated 2018-10\n")) << gff3;
  CliRun info = run("info " + quote(db));
  EXPECT_TRUE(contains(info.out, "\npragmas:\n  #!genome-build R64-1-1\n  #!genome-version R64-1-1\n"
                                 "  #!genebuild-last-updated 2018-10\nfeatures: ")) << info.out;
  EXPECT_FALSE(contains(run("info " + quote(ingest_basic())).out, "pragmas:"));
}

TEST_F(Cli, GtfExportRoundTripsAndLeavesOutSyntheticRows) {
  const std::string db = dir_.file("g.gffdb");
  ASSERT_EQ(run("ingest " + quote(test_data("basic.gtf")) + " -o " + quote(db) + " -q").code, 0);
  CliRun e1 = run("export " + quote(db));
  EXPECT_EQ(e1.out, read_file(test_data("basic.gtf")));
  CliRun with = run("export " + quote(db) + " --include-synthetic");
  EXPECT_EQ(lines_of(with.out).size(), 10u);
  const std::string out1 = dir_.file("e1.gtf");
  write_file(out1, e1.out);
  ASSERT_EQ(run("ingest " + quote(out1) + " -o " + quote(dir_.file("e1.gffdb")) + " -q").code, 0);
  EXPECT_EQ(run("export " + quote(dir_.file("e1.gffdb"))).out, e1.out);
}

TEST_F(Cli, ValidateJsonOnABrokenFile) {
  CliRun r = run("validate --json " + quote(test_data("broken.gff3")));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.out, "\"ok\":false")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"code\":\"bad-strand\",\"line\":3,")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"code\":\"bad-coordinate\",\"line\":4,")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"errors\":2,")) << r.out;
  EXPECT_EQ(r.out.back(), '\n');

  CliRun ok = run("validate " + quote(test_data("basic.gff3")));
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_TRUE(contains(ok.out, ": 16 lines, 11 features, 0 errors, 0 warnings; dialect gff3")) << ok.out;

  CliRun strict = run("validate --strict " + quote(test_data("broken.gff3")));
  EXPECT_EQ(strict.code, 1);
  const std::string first_error = test_data("broken.gff3") + ":3: error: column 7 (strand)";
  EXPECT_TRUE(contains(strict.out, first_error)) << strict.out;
  // The error strict mode stops on is listed once, not again as the fatal status.
  EXPECT_EQ(strict.out.find(first_error), strict.out.rfind(first_error)) << strict.out;
}

TEST_F(Cli, IngestFromStdinAndMissingInput) {
  const std::string db = dir_.file("s.gffdb");
  CliRun r = run("ingest - -o " + quote(db) + " -q", test_data("basic.gtf"));
  EXPECT_EQ(r.code, 0) << r.err;
  CliRun info = run("info " + quote(db));
  EXPECT_TRUE(contains(info.out, "rows: 10")) << info.out;
  CliRun missing = run("ingest " + quote(dir_.file("nope.gff3")) + " -o " + quote(dir_.file("n.gffdb")));
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(contains(missing.err, "nope.gff3: cannot open")) << missing.err;
  CliRun corrupt = run("info " + quote(test_data("basic.gff3")));
  EXPECT_EQ(corrupt.code, 1);
  EXPECT_TRUE(contains(corrupt.err, "not a valid .gffdb")) << corrupt.err;
}

}  // namespace
