#include "targets/target_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <ranges>
#include <set>
#include <stdexcept>

namespace portsweep {
namespace {

using Ranges = std::vector<Ipv4Range>;

std::vector<uint32_t> expand(const TargetSet& set) { return {set.begin(), set.end()}; }

static_assert(std::forward_iterator<TargetSet::const_iterator>);
static_assert(std::ranges::forward_range<TargetSet>);

TEST(TargetSet, EmptySet) {
  TargetSet set;
  EXPECT_EQ(set.size(), 0u);
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.begin() == set.end());
  EXPECT_FALSE(set.contains(0));
  EXPECT_THROW(set.at(0), std::out_of_range);
  EXPECT_TRUE(TargetSet(Ranges{}).empty());
}

TEST(TargetSet, SortsAndMergesOverlappingAdjacentAndNestedRanges) {
  TargetSet set(Ranges{{50, 60}, {10, 20}, {21, 25}, {15, 18}, {55, 70}, {100, 100}, {99, 99}});
  EXPECT_EQ(set.ranges(), (Ranges{{10, 25}, {50, 70}, {99, 100}}));
  EXPECT_EQ(set.size(), 16u + 21u + 2u);
}

TEST(TargetSet, KeepsRangesWithAGapApart) {
  TargetSet set(Ranges{{10, 20}, {22, 30}});
  EXPECT_EQ(set.ranges().size(), 2u);
  EXPECT_FALSE(set.contains(21));
}

TEST(TargetSet, RejectsBackwardsRange) {
  EXPECT_THROW(TargetSet(Ranges{{5, 4}}), std::invalid_argument);
}

TEST(TargetSet, TopOfTheAddressSpaceDoesNotWrap) {
  TargetSet set(Ranges{{0xFFFFFFF0u, 0xFFFFFFFFu}, {0, 3}});
  EXPECT_EQ(set.ranges(), (Ranges{{0, 3}, {0xFFFFFFF0u, 0xFFFFFFFFu}}));
  EXPECT_EQ(set.size(), 20u);
  std::vector<uint32_t> all = expand(set);
  ASSERT_EQ(all.size(), 20u);
  EXPECT_EQ(all.back(), 0xFFFFFFFFu);
  EXPECT_EQ(set.at(19), 0xFFFFFFFFu);
}

TEST(TargetSet, WholeAddressSpace) {
  TargetSet set(Ranges{{0, 0xFFFFFFFFu}});
  EXPECT_EQ(set.size(), uint64_t{1} << 32);
  EXPECT_EQ(set.at(0), 0u);
  EXPECT_EQ(set.at((uint64_t{1} << 32) - 1), 0xFFFFFFFFu);
  EXPECT_THROW(set.at(uint64_t{1} << 32), std::out_of_range);
  EXPECT_TRUE(set.contains(0x7F000001u));
}

TEST(TargetSet, AtWalksRangesInOrder) {
  TargetSet set(Ranges{{100, 102}, {10, 11}, {200, 200}});
  EXPECT_EQ(set.at(0), 10u);
  EXPECT_EQ(set.at(1), 11u);
  EXPECT_EQ(set.at(2), 100u);
  EXPECT_EQ(set.at(4), 102u);
  EXPECT_EQ(set.at(5), 200u);
  EXPECT_THROW(set.at(6), std::out_of_range);
}

TEST(TargetSet, IndexOfIsTheInverseOfAt) {
  TargetSet set(Ranges{{100, 102}, {10, 11}, {200, 200}});
  for (uint64_t i = 0; i < set.size(); ++i) EXPECT_EQ(set.index_of(set.at(i)), i);
  EXPECT_FALSE(set.index_of(9).has_value());
  EXPECT_FALSE(set.index_of(12).has_value());
  EXPECT_FALSE(set.index_of(201).has_value());
  EXPECT_FALSE(TargetSet().index_of(0).has_value());
  TargetSet all(Ranges{{0, 0xFFFFFFFFu}});
  EXPECT_EQ(all.index_of(0xFFFFFFFFu), 0xFFFFFFFFu);
}

TEST(TargetSet, IteratesEveryAddressAscending) {
  TargetSet set(Ranges{{7, 9}, {1, 2}});
  EXPECT_EQ(expand(set), (std::vector<uint32_t>{1, 2, 7, 8, 9}));
  auto it = set.begin();
  EXPECT_EQ(*it++, 1u);
  EXPECT_EQ(*it, 2u);
}

TEST(TargetSet, ExcludingEverythingLeavesNothing) {
  TargetSet set(Ranges{{10, 20}, {30, 40}});
  EXPECT_TRUE(set.minus(TargetSet(Ranges{{0, 100}})).empty());
  EXPECT_TRUE(set.minus(set).empty());
}

TEST(TargetSet, ExclusionSplitsARange) {
  TargetSet set(Ranges{{0x0A000000u, 0x0A0000FFu}});  // 10.0.0.0/24
  TargetSet left = set.minus(TargetSet(Ranges{{0x0A000080u, 0x0A000080u}}));
  EXPECT_EQ(left.ranges(), (Ranges{{0x0A000000u, 0x0A00007Fu}, {0x0A000081u, 0x0A0000FFu}}));
  EXPECT_EQ(left.size(), 255u);
  EXPECT_FALSE(left.contains(0x0A000080u));
}

TEST(TargetSet, ExclusionTrimsEdgesAndSpansSeveralRanges) {
  TargetSet set(Ranges{{10, 20}, {30, 40}, {50, 60}});
  TargetSet left = set.minus(TargetSet(Ranges{{5, 10}, {18, 32}, {35, 35}, {60, 70}}));
  EXPECT_EQ(left.ranges(), (Ranges{{11, 17}, {33, 34}, {36, 40}, {50, 59}}));
  EXPECT_EQ(set.minus(TargetSet(Ranges{{0, 5}, {21, 29}, {90, 95}})), set);
  EXPECT_EQ(set.minus(TargetSet()), set);
}

TEST(TargetSet, UnitedMergesBothSets) {
  TargetSet a(Ranges{{10, 20}, {40, 50}});
  TargetSet b(Ranges{{21, 30}, {45, 60}, {1, 1}});
  EXPECT_EQ(a.united(b).ranges(), (Ranges{{1, 1}, {10, 30}, {40, 60}}));
}

// Many ranges of very different sizes, so the bucket index behind at() has
// buckets covering many ranges and ranges covering many buckets.
TEST(TargetSet, AtAgreesWithIterationOverManyUnevenRanges) {
  std::mt19937 rng(99);
  Ranges ranges;
  uint32_t next = 0;
  for (int i = 0; i < 3000; ++i) {
    uint32_t length = (rng() % 10 == 0) ? rng() % 5000 : rng() % 3;
    ranges.push_back({next, next + length});
    next += length + 2 + rng() % 50;
  }
  TargetSet set(ranges);
  ASSERT_EQ(set.ranges().size(), 3000u);
  uint64_t index = 0;
  for (uint32_t address : set) {
    ASSERT_EQ(set.at(index), address) << index;
    ASSERT_EQ(set.index_of(address), index);
    ++index;
  }
  EXPECT_EQ(index, set.size());
}

// Random small sets checked against a std::set built by brute force.
TEST(TargetSet, MatchesBruteForceOnRandomSets) {
  std::mt19937 rng(12345);
  auto random_ranges = [&rng](int count) {
    Ranges ranges;
    std::uniform_int_distribution<uint32_t> start(0, 300), length(0, 12);
    for (int i = 0; i < count; ++i) {
      uint32_t first = start(rng);
      ranges.push_back({first, first + length(rng)});
    }
    return ranges;
  };
  auto brute = [](const Ranges& ranges) {
    std::set<uint32_t> out;
    for (const Ipv4Range& r : ranges) {
      for (uint32_t a = r.first; a <= r.last; ++a) out.insert(a);
    }
    return out;
  };
  for (int round = 0; round < 300; ++round) {
    Ranges in = random_ranges(1 + round % 15);
    Ranges out = random_ranges(round % 6);
    TargetSet set = TargetSet(in).minus(TargetSet(out));
    std::set<uint32_t> expected = brute(in);
    for (uint32_t a : brute(out)) expected.erase(a);

    ASSERT_EQ(set.size(), expected.size());
    EXPECT_EQ(expand(set), std::vector<uint32_t>(expected.begin(), expected.end()));
    uint64_t index = 0;
    for (uint32_t a : expected) {
      EXPECT_EQ(set.index_of(a), index);
      EXPECT_EQ(set.at(index++), a);
    }
    for (uint32_t a = 0; a < 330; ++a) {
      EXPECT_EQ(set.contains(a), expected.count(a) == 1) << a;
      if (expected.count(a) == 0) {
        EXPECT_FALSE(set.index_of(a).has_value()) << a;
      }
    }
    for (size_t i = 1; i < set.ranges().size(); ++i) {
      EXPECT_GT(set.ranges()[i].first, set.ranges()[i - 1].last + 1) << "ranges must be merged";
    }
  }
}

}  // namespace
}  // namespace portsweep
