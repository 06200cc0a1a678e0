// Randomized cross-checks of Database queries on real annotation files from
// GFFBASE_SHARED_DATA (skipped when that directory is absent): region queries
// against a naive scan over all rows, and hierarchy walks against a plain
// recursive walk over parents_of / children_of.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/parse/attributes.hpp"
#include "gffbase/query/database.hpp"
#include "test_util.hpp"

namespace {

using namespace gffbase;
using namespace gffbase::testing;

std::vector<RowId> naive_region(const Database& db, std::uint32_t seqid, const RegionQuery& q) {
  std::vector<RowId> out;
  const Coord qs = q.start, qe = q.end < q.start ? INT64_MAX : q.end;
  const auto seq = db.seqid_codes(), types = db.type_codes_column();
  const auto st = db.starts(), en = db.ends();
  const auto strands = db.strands();
  const auto flags = db.flags();
  for (RowId r = 0; r < db.row_count(); ++r) {
    if (seq[r] != seqid || (flags[r] & kRowNoCoords)) continue;
    if (st[r] > qe || en[r] < qs) continue;
    if (q.completely_within && (st[r] < qs || en[r] > qe)) continue;
    if (q.strand && strands[r] != static_cast<std::uint8_t>(q.strand)) continue;
    if (q.type_filter && !std::binary_search(q.type_codes.begin(), q.type_codes.end(), types[r])) continue;
    out.push_back(r);
  }
  return out;
}

// Smallest depth of every feature reachable from `start` (excluding start).
void walk(const Database& db, FeatureIndex start, FeatureIndex f, std::uint32_t depth, bool down,
          std::map<FeatureIndex, std::uint32_t>& best) {
  for (FeatureIndex g : down ? db.children_of(f) : db.parents_of(f)) {
    if (g == start) continue;
    auto it = best.find(g);
    if (it != best.end() && it->second <= depth) continue;
    best[g] = depth;
    walk(db, start, g, depth + 1, down, best);
  }
}

std::vector<std::pair<RowId, std::uint32_t>> reference(const Database& db, FeatureIndex f, bool down,
                                                       const HierarchyQuery& q) {
  std::map<FeatureIndex, std::uint32_t> best;
  walk(db, f, f, 1, down, best);
  std::vector<std::pair<RowId, std::uint32_t>> out;
  for (auto [g, d] : best) {
    if (q.level && *q.level != d) continue;
    for (RowId r : db.feature_rows(g)) {
      if (q.type_filter && !std::binary_search(q.type_codes.begin(), q.type_codes.end(), db.row_type_code(r))) {
        continue;
      }
      out.emplace_back(r, d);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<RowId, std::uint32_t>> as_pairs(const std::vector<RelatedRow>& rows) {
  std::vector<std::pair<RowId, std::uint32_t>> out;
  for (auto& r : rows) out.emplace_back(r.row, r.depth);
  return out;
}

class RealFile : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!shared_data_available()) GTEST_SKIP() << "shared data directory " << GFFBASE_SHARED_DATA << " not found";
    const std::string path = shared_data(GetParam());
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";
    IngestOptions o = default_options();
    o.merge_strategy = MergeStrategy::kCreateUnique;
    o.threads = 4;
    auto rep = ingest_file(path, dir_.file("real.gffdb"), o);
    ASSERT_TRUE(rep.is_ok()) << rep.status().message();
    db_ = open_db(dir_.file("real.gffdb"));
    ASSERT_GT(db_->row_count(), 100u);
    ASSERT_TRUE(db_->verify().is_ok());
  }
  TempDir dir_;
  std::shared_ptr<const Database> db_;
};

TEST_P(RealFile, RegionQueriesMatchANaiveScanOverAllRows) {
  const Database& db = *db_;
  std::mt19937_64 rng(1234);
  std::vector<Coord> max_end(db.seqid_count(), 1);
  for (RowId r = 0; r < db.row_count(); ++r) {
    max_end[db.row_seqid_code(r)] = std::max(max_end[db.row_seqid_code(r)], db.ends()[r]);
  }
  for (int i = 0; i < 400; ++i) {
    RegionQuery q;
    const std::uint32_t s = static_cast<std::uint32_t>(rng() % db.seqid_count());
    q.seqid = db.seqid_name(s);
    q.start = 1 + static_cast<Coord>(rng() % static_cast<std::uint64_t>(max_end[s] + 100));
    const int len_class = static_cast<int>(rng() % 4);
    Coord len = max_end[s];
    if (len_class == 0) len = 0;
    else if (len_class == 1) len = static_cast<Coord>(rng() % 1000);
    else if (len_class == 2) len = static_cast<Coord>(rng() % 100000);
    q.end = (rng() % 25 == 0) ? 0 : q.start + len;
    q.strand = "\0\0+-"[rng() % 4];
    q.completely_within = rng() % 4 == 0;
    if (rng() % 3 == 0) {
      q.type_filter = true;
      std::vector<std::string> names{std::string(db.type_name(rng() % db.type_count()))};
      if (rng() % 2) names.emplace_back(db.type_name(rng() % db.type_count()));
      q.type_codes = db.type_codes(names);
    }
    auto got = db.region(q);
    ASSERT_TRUE(got.is_ok()) << got.status().message();
    ASSERT_EQ(*got, naive_region(db, s, q)) << q.seqid << ":" << q.start << "-" << q.end << " strand "
                                           << int(q.strand) << " within " << q.completely_within;
  }
}

TEST_P(RealFile, HierarchyMatchesARecursiveWalk) {
  const Database& db = *db_;
  std::mt19937_64 rng(77);
  const std::size_t m = db.feature_count();
  std::size_t nonempty = 0;
  for (int i = 0; i < 3000; ++i) {
    const FeatureIndex f = static_cast<FeatureIndex>(rng() % m);
    for (bool down : {true, false}) {
      HierarchyQuery q;
      switch (i % 4) {
        case 1: q.level = 1; break;
        case 2: q.level = 2; break;
        case 3:
          q.type_filter = true;
          q.type_codes = db.type_codes({std::string(db.type_name(rng() % db.type_count()))});
          break;
        default: break;
      }
      const auto got = as_pairs(down ? db.children(f, q) : db.parents(f, q));
      nonempty += !got.empty();
      ASSERT_EQ(got, reference(db, f, down, q))
          << (down ? "children" : "parents") << " of " << db.feature_id(f) << " case " << i % 4;
    }
  }
  EXPECT_GT(nonempty, 100u) << "the sample should exercise real hierarchies";
}

TEST_P(RealFile, EveryFeatureIsFoundByItsId) {
  const Database& db = *db_;
  for (FeatureIndex f = 0; f < db.feature_count(); ++f) {
    ASSERT_EQ(db.find(db.feature_id(f)), f) << db.feature_id(f);
    for (RowId r : db.feature_rows(f)) ASSERT_EQ(db.row_feature(r), f);
  }
}

TEST_P(RealFile, AttributeIndexMatchesANaiveScan) {
  const Database& db = *db_;
  const bool gff3 = db.meta_value("format") == "gff3";
  // Every (key, value) of every row, by parsing column 9 directly.
  std::map<std::pair<std::string, std::string>, std::vector<RowId>> naive;
  std::map<std::string, std::vector<RowId>> by_key;
  for (RowId r = 0; r < db.row_count(); ++r) {
    std::vector<AttributeItem> items;
    std::deque<std::string> scratch;
    parse_attributes(db.row_attributes(r), gff3, items, scratch);
    for (const auto& it : items) {
      auto& k = by_key[std::string(it.key)];
      if (k.empty() || k.back() != r) k.push_back(r);
      if (!it.has_value) continue;
      auto& v = naive[{std::string(it.key), std::string(it.value)}];
      if (v.empty() || v.back() != r) v.push_back(r);
    }
  }
  ASSERT_FALSE(naive.empty());
  std::mt19937_64 rng(5150);
  std::vector<const std::pair<const std::pair<std::string, std::string>, std::vector<RowId>>*> all;
  for (const auto& e : naive) all.push_back(&e);
  for (int i = 0; i < 1500; ++i) {
    const auto& [kv, rows] = *all[rng() % all.size()];
    ASSERT_EQ(db.rows_with_attribute(kv.first, kv.second), rows) << kv.first << "=" << kv.second;
  }
  EXPECT_TRUE(db.rows_with_attribute("no_such_key", "no_such_value").empty());
  int keys_checked = 0;
  for (const auto& [key, rows] : by_key) {
    if (keys_checked++ > 12) break;
    ASSERT_EQ(db.rows_with_key(key), rows) << key;
  }
}

INSTANTIATE_TEST_SUITE_P(
    SharedData, RealFile,
    ::testing::Values("01_whole_genome/yeast_ensembl_R64-1-1.96/Saccharomyces_cerevisiae.R64-1-1.96.gtf.gz",
                      "02_chromosome_subsets/flybase_dmel_chr4_GAL/dmel-4-r5.46.genes.gff"),
    [](const ::testing::TestParamInfo<const char*>& info) {
      return info.index == 0 ? std::string("YeastEnsemblGtf") : std::string("FlybaseChr4Gff3");
    });

}  // namespace
