// Fuzz target: the whole build (detect, parse, assemble, finish) on
// arbitrary text, then store -> open -> verify -> query.
//
// Bytes 0-1 choose the options (strict/lenient, format, merge strategy,
// GTF inference, id_spec); the rest is the annotation text.
// Properties besides "no crash":
//   * a failure is kInvalidInput (text problems) with a message naming the
//     input, and strict mode fails exactly when the problem log has an error;
//   * a success writes a .gffdb that opens and passes verify();
//   * the database agrees with the report (rows, features);
//   * every feature is found by its ID (IDs are unique after the merge
//     strategy), owns its rows, and parent/child adjacency is symmetric;
//   * every row with coordinates is returned by a region query over its own
//     span and over its start point (the interval index misses nothing).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "gffbase/build/ingest.hpp"
#include "gffbase/query/database.hpp"
#include "gffbase/store/writer.hpp"

using namespace gffbase;
using fuzz::check;

namespace {

const std::string& temp_path() {
  return fuzz::temp_file("gffbase-fuzz-ingest");
}

IngestOptions options_for(std::uint8_t a, std::uint8_t b) {
  IngestOptions o;
  o.threads = 1;
  o.strict = a & 1;
  static constexpr Format kFormats[4] = {Format::kAuto, Format::kGff3, Format::kGtf, Format::kGff2};
  o.format = kFormats[(a >> 1) & 3];
  static constexpr MergeStrategy kMerge[8] = {MergeStrategy::kError,        MergeStrategy::kWarning,
                                              MergeStrategy::kMerge,        MergeStrategy::kCreateUnique,
                                              MergeStrategy::kReplace,      MergeStrategy::kCreateUnique,
                                              MergeStrategy::kMerge,        MergeStrategy::kReplace};
  o.merge_strategy = kMerge[(a >> 3) & 7];
  o.infer_genes = !(a & 0x40);
  o.infer_transcripts = !(a & 0x80);
  switch (b & 3) {
    case 0: break;
    case 1: o.id_spec.keys = {"ID", "Name"}; break;
    case 2: o.id_spec.by_type = {{"gene", {"Name"}}, {"mRNA", {"ID"}}}; break;
    case 3: o.id_spec.keys = {"Name"}; break;
  }
  o.check_lines = (b & 4) ? 3 : 1000;
  return o;
}

void check_database(const Database& db, const IngestReport& report) {
  check(db.verify().is_ok(), "a freshly written database verifies");
  const std::size_t n = db.row_count(), m = db.feature_count();
  check(n == report.rows && m == report.features, "the database matches the report");
  for (FeatureIndex f = 0; f < m && f < 256; ++f) {
    const std::string_view id = db.feature_id(f);
    const auto found = db.find(id);
    check(found.has_value() && *found == f, "every feature is found by its own ID");
    for (RowId r : db.feature_rows(f)) check(r < n && db.row_feature(r) == f, "a feature owns its rows");
    for (FeatureIndex c : db.children_of(f)) {
      const auto ps = db.parents_of(c);
      check(std::find(ps.begin(), ps.end(), f) != ps.end(), "child -> parent adjacency is symmetric");
    }
    HierarchyQuery q;
    (void)db.children(f, q);
    (void)db.parents(f, q);
  }
  for (RowId r = 0; r < n && r < 256; ++r) {
    const RowView v = db.row(r);
    const auto mine = db.feature_rows(db.row_feature(r));
    check(std::find(mine.begin(), mine.end(), r) != mine.end(), "a row belongs to its feature");
    if (v.flags & 2) continue;  // no coordinates: never in a region
    for (auto [qs, qe] : {std::pair{v.start, v.end}, std::pair{v.start, v.start}}) {
      RegionQuery rq;
      rq.seqid = v.seqid;
      rq.start = qs;
      rq.end = qe;
      if (qe < qs || qe == 0) continue;
      auto hits = db.region(rq);
      check(hits.is_ok(), "a region over a row's own span is valid");
      check(std::binary_search(hits->begin(), hits->end(), r), "region() finds every overlapping row");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const IngestOptions o = options_for(data[0], data[1]);
  std::string text(reinterpret_cast<const char*>(data + 2), size - 2);
  IngestReport report;
  Result<FeatureTable> table = build_table("fuzz.gff", std::move(text), o, report);
  if (!table.is_ok()) {
    check(table.status().kind() == ErrorKind::kInvalidInput, "build failures are kInvalidInput");
    check(table.status().message().find("fuzz.gff") != std::string::npos, "build failures name the input");
    return 0;
  }
  if (o.strict) check(report.problems.errors == 0, "a strict build succeeds only without errors");
  check(table->row_count() == report.rows && table->feature_count() == report.features, "table matches the report");
  Result<std::uint64_t> written = write_gffdb(*table, temp_path(), true);
  check(written.is_ok(), "write_gffdb succeeds on a built table");
  auto db = Database::open(temp_path());
  if (!db.is_ok()) std::fprintf(stderr, "%s\n", db.status().message().c_str());
  check(db.is_ok(), "a freshly written database opens");
  try {
    check_database(**db, report);
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    check(false, "queries on a fresh database never throw");
  }
  return 0;
}
