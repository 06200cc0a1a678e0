// Tests for the implicit interval tree (gffbase/query/interval_index.hpp):
// every query must return exactly the naive O(n) answer, in increasing index
// order, for all sizes (including powers of two +/- 1 and empty).
#include "gffbase/query/interval_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

struct Intervals {
  std::vector<std::int64_t> start, end, max_end;
};

// Sorted by start (then end, like the database rows); mostly short intervals
// with a few very long ones that stress the max_end pruning.
Intervals make_intervals(std::size_t n, std::mt19937_64& rng, std::int64_t span) {
  std::vector<std::pair<std::int64_t, std::int64_t>> iv(n);
  std::uniform_int_distribution<std::int64_t> pos(1, span);
  for (auto& [s, e] : iv) {
    s = pos(rng);
    const unsigned kind = rng() % 100;
    std::int64_t len;
    if (kind < 3) len = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span));  // long
    else if (kind < 10) len = 0;                                                               // 1 bp
    else len = static_cast<std::int64_t>(rng() % 200);
    e = s + len;
  }
  std::sort(iv.begin(), iv.end());
  Intervals out;
  for (auto [s, e] : iv) {
    out.start.push_back(s);
    out.end.push_back(e);
  }
  out.max_end.assign(n, -1);
  gffbase::build_interval_max_end(out.end, out.max_end);
  return out;
}

std::vector<std::size_t> query(const Intervals& iv, std::int64_t qs, std::int64_t qe) {
  std::vector<std::size_t> hits;
  gffbase::query_interval_overlaps(std::span<const std::int64_t>(iv.start), std::span<const std::int64_t>(iv.end),
                                   std::span<const std::int64_t>(iv.max_end), qs, qe,
                                   [&](std::size_t i) { hits.push_back(i); });
  return hits;
}

std::vector<std::size_t> naive(const Intervals& iv, std::int64_t qs, std::int64_t qe) {
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < iv.start.size(); ++i) {
    if (iv.start[i] <= qe && iv.end[i] >= qs) hits.push_back(i);
  }
  return hits;
}

void check_queries(const Intervals& iv, std::mt19937_64& rng, std::int64_t span, int n_queries,
                   const std::string& label) {
  std::uniform_int_distribution<std::int64_t> pos(-5, span + 250);
  for (int k = 0; k < n_queries; ++k) {
    std::int64_t qs = pos(rng);
    std::int64_t qe;
    switch (k % 4) {
      case 0: qe = qs; break;                                            // point
      case 1: qe = qs + static_cast<std::int64_t>(rng() % 50); break;    // short
      case 2: qe = qs + static_cast<std::int64_t>(rng() % (span + 1)); break;  // long
      default: qe = pos(rng); if (qe < qs) std::swap(qs, qe); break;
    }
    const auto got = query(iv, qs, qe);
    const auto want = naive(iv, qs, qe);
    ASSERT_TRUE(std::is_sorted(got.begin(), got.end()) &&
                std::adjacent_find(got.begin(), got.end()) == got.end())
        << label << ": hits not in strictly increasing order for [" << qs << ", " << qe << "]";
    ASSERT_EQ(got, want) << label << ": query [" << qs << ", " << qe << "]";
  }
}

TEST(IntervalIndex, EmptyInputEmitsNothing) {
  Intervals iv;
  gffbase::build_interval_max_end(iv.end, iv.max_end);
  EXPECT_TRUE(query(iv, 1, 1000000).empty());
}

TEST(IntervalIndex, SingleInterval) {
  Intervals iv;
  iv.start = {10};
  iv.end = {20};
  iv.max_end = {0};
  gffbase::build_interval_max_end(iv.end, iv.max_end);
  EXPECT_EQ(iv.max_end[0], 20);
  EXPECT_EQ(query(iv, 20, 30), (std::vector<std::size_t>{0}));  // closed: touching end
  EXPECT_EQ(query(iv, 1, 10), (std::vector<std::size_t>{0}));   // touching start
  EXPECT_TRUE(query(iv, 21, 30).empty());
  EXPECT_TRUE(query(iv, 1, 9).empty());
}

TEST(IntervalIndex, MaxEndOfRootCoversEverything) {
  // The root of a perfect tree over 2^k - 1 rows holds the global maximum.
  std::mt19937_64 rng(11);
  for (std::size_t n : {7u, 15u, 31u, 63u, 127u, 1023u}) {
    Intervals iv = make_intervals(n, rng, 10000);
    const std::size_t root = (n + 1) / 2 - 1;
    EXPECT_EQ(iv.max_end[root], *std::max_element(iv.end.begin(), iv.end.end())) << "n=" << n;
    for (std::size_t i = 0; i < n; ++i) EXPECT_GE(iv.max_end[i], iv.end[i]);
  }
}

TEST(IntervalIndex, OneLongIntervalAtTheStartIsFoundEverywhere) {
  // A single interval spanning everything, followed by short ones: a query far
  // right must still find row 0 (classic pruning bug).
  for (std::size_t n : {2u, 17u, 33u, 100u, 1000u, 1025u}) {
    Intervals iv;
    iv.start.push_back(1);
    iv.end.push_back(1000000);
    for (std::size_t i = 1; i < n; ++i) {
      iv.start.push_back(static_cast<std::int64_t>(i) * 10);
      iv.end.push_back(static_cast<std::int64_t>(i) * 10 + 5);
    }
    iv.max_end.assign(n, 0);
    gffbase::build_interval_max_end(iv.end, iv.max_end);
    const auto hits = query(iv, 999999, 999999);
    EXPECT_EQ(hits, (std::vector<std::size_t>{0})) << "n=" << n;
    EXPECT_EQ(query(iv, 1, 2000000), naive(iv, 1, 2000000)) << "n=" << n;
  }
}

TEST(IntervalIndex, LongIntervalAtTheEndIsFound) {
  for (std::size_t n : {3u, 16u, 31u, 32u, 33u, 500u}) {
    Intervals iv;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      iv.start.push_back(static_cast<std::int64_t>(i) * 10 + 1);
      iv.end.push_back(static_cast<std::int64_t>(i) * 10 + 3);
    }
    iv.start.push_back(static_cast<std::int64_t>(n) * 10);
    iv.end.push_back(static_cast<std::int64_t>(n) * 1000);
    iv.max_end.assign(n, 0);
    gffbase::build_interval_max_end(iv.end, iv.max_end);
    EXPECT_EQ(query(iv, static_cast<std::int64_t>(n) * 500, static_cast<std::int64_t>(n) * 500),
              (std::vector<std::size_t>{n - 1}))
        << "n=" << n;
  }
}

TEST(IntervalIndex, IdenticalIntervals) {
  Intervals iv;
  iv.start.assign(100, 50);
  iv.end.assign(100, 60);
  iv.max_end.assign(100, 0);
  gffbase::build_interval_max_end(iv.end, iv.max_end);
  EXPECT_EQ(query(iv, 55, 55).size(), 100u);
  EXPECT_TRUE(query(iv, 61, 70).empty());
  EXPECT_TRUE(query(iv, 1, 49).empty());
}

TEST(IntervalIndex, RandomizedSmallSizesAgainstNaiveScan) {
  std::mt19937_64 rng(20240501);
  for (std::size_t n = 0; n <= 300; ++n) {
    const std::int64_t span = 50 + static_cast<std::int64_t>(n) * 20;
    const Intervals iv = make_intervals(n, rng, span);
    check_queries(iv, rng, span, 60, "n=" + std::to_string(n));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(IntervalIndex, RandomizedLargerSizesAgainstNaiveScan) {
  std::mt19937_64 rng(99);
  for (std::size_t n = 301; n <= 2000; n += 37) {
    const std::int64_t span = static_cast<std::int64_t>(n) * 30;
    const Intervals iv = make_intervals(n, rng, span);
    check_queries(iv, rng, span, 100, "n=" + std::to_string(n));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(IntervalIndex, PowersOfTwoPlusMinusOne) {
  std::mt19937_64 rng(4242);
  for (int k = 1; k <= 12; ++k) {
    for (int d : {-1, 0, 1}) {
      const std::size_t n = (std::size_t{1} << k) + d;
      for (std::int64_t span : {std::int64_t{100}, static_cast<std::int64_t>(n) * 50}) {
        const Intervals iv = make_intervals(n, rng, span);
        check_queries(iv, rng, span, 150, "n=" + std::to_string(n) + " span=" + std::to_string(span));
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(IntervalIndex, NestedIntervals) {
  // Each interval contains the next: max_end must be monotone-safe.
  for (std::size_t n : {9u, 64u, 65u, 257u}) {
    Intervals iv;
    for (std::size_t i = 0; i < n; ++i) {
      iv.start.push_back(static_cast<std::int64_t>(i) + 1);
      iv.end.push_back(static_cast<std::int64_t>(2 * n - i));
    }
    iv.max_end.assign(n, 0);
    gffbase::build_interval_max_end(iv.end, iv.max_end);
    for (std::int64_t q = 0; q <= static_cast<std::int64_t>(2 * n) + 2; ++q) {
      ASSERT_EQ(query(iv, q, q), naive(iv, q, q)) << "n=" << n << " q=" << q;
    }
  }
}

}  // namespace
