// Fuzz target: Database::open on arbitrary bytes, then verify() and queries.
//
// Byte 0 picks a mode; the rest is the file.
//   raw      the bytes as they are.  open() must fail with kCorrupt/kIo or
//            succeed; every query afterwards must work or throw
//            gffbase::Error(kCorrupt) (lazy section checksums) — never crash.
//   fixed    the checksums are first recomputed (header, section table,
//            every section whose bounds are sane and its block checksums:
//            tests/cpp/gffdb_checksums.hpp), so mutations get past the
//            CRCs and reach the structural checks: this stands for a file
//            written by a faulty writer, the case verify()'s index checks
//            exist for.  When open() and verify() both succeed, every query
//            must work.
// The bytes are written to a private temporary file (Database::open takes a
// path); seeds are small real .gffdb files (fuzz/make_seeds.sh).
#include <libdeflate.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "gffbase/query/database.hpp"
#include "gffbase/store/format.hpp"
#include "../tests/cpp/gffdb_checksums.hpp"

using namespace gffbase;
using fuzz::check;

namespace {

const std::string& temp_path() {
  return fuzz::temp_file("gffbase-fuzz-open");
}

void write_file(const std::string& path, std::string_view bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  check(f != nullptr, "can create the temporary file");
  if (!bytes.empty()) check(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size(), "temporary file written");
  std::fclose(f);
}

// A few of every kind of query; bounded so one input stays fast.
void exercise(const Database& db) {
  const std::size_t n = db.row_count(), m = db.feature_count();
  for (std::uint32_t s = 0; s < db.seqid_count() && s < 16; ++s) {
    fuzz::touch(db.seqid_name(s));
    (void)db.seqid_code(db.seqid_name(s));  // binary search over a possibly unsorted dictionary
    RegionQuery q;
    q.seqid = db.seqid_name(s);
    auto r = db.region(q);
    check(r.is_ok(), "a whole-seqid region query succeeds");
    for (RowId row : *r) check(row < n, "region rows are rows");
  }
  for (std::uint32_t t = 0; t < db.type_count() && t < 16; ++t) {
    fuzz::touch(db.type_name(t));
    for (RowId row : db.rows_of_type(t)) check(row < n, "rows_of_type rows are rows");
  }
  for (std::uint32_t s = 0; s < db.source_count() && s < 16; ++s) fuzz::touch(db.source_name(s));
  for (RowId r = 0; r < n && r < 64; ++r) {
    const RowView v = db.row(r);
    fuzz::touch(v.seqid);
    fuzz::touch(v.source);
    fuzz::touch(v.type);
    fuzz::touch(v.id);
    fuzz::touch(v.attributes);
    fuzz::touch(db.row_line(r));
  }
  for (FeatureIndex f = 0; f < m && f < 32; ++f) {
    const std::string_view id = db.feature_id(f);
    fuzz::touch(id);
    (void)db.find(id);
    for (RowId r : db.feature_rows(f)) check(r < n, "feature rows are rows");
    HierarchyQuery q;
    for (const RelatedRow& x : db.children(f, q)) check(x.row < n, "children rows are rows");
    for (const RelatedRow& x : db.parents(f, q)) check(x.row < n, "parent rows are rows");
    (void)db.rows_with_attribute("ID", id);
  }
  (void)db.find("no-such-feature");
  (void)db.rows_with_key("Parent");
  for (RowId r : db.rows_in_file_order()) check(r < n, "file-order rows are rows");
  for (const auto& [k, v] : db.meta()) {
    fuzz::touch(k);
    fuzz::touch(v);
  }
  for (std::string_view d : db.directives()) fuzz::touch(d);
  for (const auto& p : db.problems()) fuzz::touch(p.message);
  fuzz::touch(db.fasta());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool fixed = data[0] & 1;
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if (fixed) gffbase::testing::recompute_gffdb_checksums(bytes);
  write_file(temp_path(), bytes);
  Result<std::shared_ptr<const Database>> db = Database::open(temp_path());
  if (!db.is_ok()) {
    const ErrorKind k = db.status().kind();
    check(k == ErrorKind::kCorrupt || k == ErrorKind::kIo, "open fails with kCorrupt or kIo");
    check(db.status().message().find(temp_path()) != std::string::npos, "open errors name the file");
    return 0;
  }
  const Status verified = (*db)->verify();
  if (!verified.is_ok()) {
    check(verified.kind() == ErrorKind::kCorrupt, "verify fails with kCorrupt");
    check(verified.message().find(temp_path()) != std::string::npos, "verify errors name the file");
  }
  if (fixed && !verified.is_ok()) return 0;  // a crafted file is only promised safe once verify() passes
  try {
    exercise(**db);
  } catch (const Error& e) {
    check(!fixed, "a verified database never throws");
    check(e.kind() == ErrorKind::kCorrupt, "queries throw only kCorrupt");
    check(std::string_view(e.what()).find(temp_path()) != std::string_view::npos, "query errors name the file");
  }
  return 0;
}
