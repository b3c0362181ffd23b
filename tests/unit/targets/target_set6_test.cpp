// BasicTargetSet over both address types: the same properties checked on
// IPv4 (uint32_t) and IPv6 (u128) sets, then what only IPv6 has: sets of
// 2^64 addresses and more, and indexes that stop at 2^64.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <random>
#include <ranges>
#include <set>
#include <stdexcept>
#include <vector>

#include "targets/ipv6.hpp"
#include "targets/target_set.hpp"

namespace portsweep {
namespace {

static_assert(std::forward_iterator<TargetSet6::const_iterator>);
static_assert(std::ranges::forward_range<TargetSet6>);
static_assert(std::is_same_v<decltype(TargetSet().size()), uint64_t>);
static_assert(std::is_same_v<decltype(TargetSet6().size()), u128>);

u128 v6(const char* text) { return parse_ipv6(text).value(); }

constexpr u128 kTwo64 = u128{1} << 64;
constexpr uint64_t kMaxIndex = std::numeric_limits<uint64_t>::max();

// Where random sets are placed: at the bottom, in the middle and at the top
// of each family's space (and, for IPv6, across the 2^64 boundary).
template <class Address>
std::vector<Address> places();
template <>
std::vector<uint32_t> places<uint32_t>() {
  return {0, 0x7FFFFF00u, 0xFFFFFFFFu - 319};
}
template <>
std::vector<u128> places<u128>() {
  return {0, kTwo64 - 160, u128{0x20010db8} << 96, ~u128{0} - 319};
}

template <class Address>
class BothFamilies : public ::testing::Test {
 public:
  using Set = BasicTargetSet<Address>;
  using Range = AddressRange<Address>;
  using Ranges = std::vector<Range>;
  static constexpr Address kTop = std::numeric_limits<Address>::max();
};

using Families = ::testing::Types<uint32_t, u128>;
TYPED_TEST_SUITE(BothFamilies, Families);

TYPED_TEST(BothFamilies, EmptySet) {
  typename TestFixture::Set set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.full());
  EXPECT_FALSE(set.contains(0));
  EXPECT_FALSE(set.index_of(TestFixture::kTop).has_value());
  EXPECT_THROW(set.at(0), std::out_of_range);
  EXPECT_TRUE(set.begin() == set.end());
}

TYPED_TEST(BothFamilies, RejectsBackwardsRange) {
  using Ranges = typename TestFixture::Ranges;
  EXPECT_THROW(typename TestFixture::Set(Ranges{{5, 4}}), std::invalid_argument);
}

// 0 and all-ones: merging, subtracting and uniting must not wrap around.
TYPED_TEST(BothFamilies, EdgesAtZeroAndAllOnes) {
  using Set = typename TestFixture::Set;
  using Ranges = typename TestFixture::Ranges;
  using Address = TypeParam;
  const Address top = TestFixture::kTop;

  const Set ends(Ranges{{top, top}, {0, 0}});
  EXPECT_EQ(ends.ranges(), (Ranges{{0, 0}, {top, top}}));
  EXPECT_EQ(ends.size(), 2u);
  EXPECT_EQ(ends.at(1), top);
  EXPECT_EQ(ends.index_of(top), 1u);
  EXPECT_EQ(std::vector<Address>(ends.begin(), ends.end()), (std::vector<Address>{0, top}));

  // A range ending at the top swallows what follows it in sorted order.
  EXPECT_EQ(Set(Ranges{{top - 5, top}, {top - 2, top - 1}, {top, top}}).ranges(), (Ranges{{top - 5, top}}));
  EXPECT_EQ(Set(Ranges{{0, top}, {5, 6}}).ranges(), (Ranges{{0, top}}));
  EXPECT_EQ(Set(Ranges{{top - 1, top}}).size(), 2u);

  const Set all(Ranges{{0, top}});
  EXPECT_TRUE(all.full());
  EXPECT_TRUE(all.contains(0));
  EXPECT_TRUE(all.contains(top));
  EXPECT_TRUE(all.minus(all).empty());
  EXPECT_TRUE(ends.minus(all).empty());
  EXPECT_EQ(all.minus(Set(Ranges{{0, 0}})).ranges(), (Ranges{{1, top}}));
  EXPECT_EQ(all.minus(Set(Ranges{{top, top}})).ranges(), (Ranges{{0, top - 1}}));
  EXPECT_EQ(all.minus(Set(Ranges{{1, top - 1}})), ends);
  EXPECT_EQ(all.minus(ends).ranges(), (Ranges{{1, top - 1}}));
  EXPECT_EQ(all.minus(ends).size(), all.minus(Set(Ranges{{0, 0}})).size() - 1);
  EXPECT_FALSE(all.minus(ends).full());
  EXPECT_EQ(ends.minus(Set(Ranges{{1, top - 1}})), ends);

  EXPECT_EQ(Set(Ranges{{0, 5}}).united(Set(Ranges{{6, top}})), all);
  EXPECT_EQ(Set(Ranges{{top - 1, top}}).united(Set(Ranges{{top, top}})).ranges(), (Ranges{{top - 1, top}}));
  EXPECT_EQ(ends.united(Set(Ranges{{1, top - 1}})), all);
}

// Random sets of both families checked against a std::set built by brute
// force: the ranges, size, iteration, contains, at and index_of, for
// minus and united.
TYPED_TEST(BothFamilies, MatchesBruteForceOnRandomSets) {
  using Set = typename TestFixture::Set;
  using Ranges = typename TestFixture::Ranges;
  using Address = TypeParam;
  std::mt19937 rng(4242);
  auto random_ranges = [&rng](Address base, int count) {
    Ranges ranges;
    std::uniform_int_distribution<unsigned> start(0, 300), length(0, 12);
    for (int i = 0; i < count; ++i) {
      const Address first = base + start(rng);
      ranges.push_back({first, static_cast<Address>(first + length(rng))});
    }
    return ranges;
  };
  auto brute = [](const Ranges& ranges) {
    std::set<Address> out;
    for (const auto& r : ranges) {
      for (Address a = r.first;; ++a) {
        out.insert(a);
        if (a == r.last) break;
      }
    }
    return out;
  };
  for (const Address base : places<Address>()) {
    for (int round = 0; round < 150; ++round) {
      const Ranges in = random_ranges(base, 1 + round % 15);
      const Ranges out = random_ranges(base, round % 6);
      const Ranges more = random_ranges(base, round % 4);
      const Set set = Set(in).minus(Set(out));
      std::set<Address> expected = brute(in);
      for (Address a : brute(out)) expected.erase(a);
      ASSERT_EQ(set.size(), expected.size());
      ASSERT_EQ(std::vector<Address>(set.begin(), set.end()), std::vector<Address>(expected.begin(), expected.end()));
      uint64_t index = 0;
      for (Address a : expected) {
        ASSERT_EQ(set.index_of(a), index);
        ASSERT_EQ(set.at(index++), a);
      }
      EXPECT_THROW(set.at(index), std::out_of_range);
      for (unsigned offset = 0; offset < 320; ++offset) {
        const Address a = base + offset;
        ASSERT_EQ(set.contains(a), expected.count(a) == 1);
        if (expected.count(a) == 0) {
          ASSERT_FALSE(set.index_of(a).has_value());
        }
      }
      for (size_t i = 1; i < set.ranges().size(); ++i) {
        ASSERT_GT(set.ranges()[i].first, set.ranges()[i - 1].last + 1) << "ranges must be merged";
      }

      const Set both = set.united(Set(more));
      for (Address a : brute(more)) expected.insert(a);
      ASSERT_EQ(both.size(), expected.size());
      ASSERT_EQ(std::vector<Address>(both.begin(), both.end()), std::vector<Address>(expected.begin(), expected.end()));
    }
  }
}

// Thousands of ranges of very different sizes spread over the space, so the
// bucket index behind at() has buckets covering many ranges and ranges
// covering many buckets: at() and index_of() against prefix sums computed
// here, at each range's ends and at random addresses inside and between.
TYPED_TEST(BothFamilies, AtAndIndexOfRoundTripOnRandomUnevenSets) {
  using Set = typename TestFixture::Set;
  using Ranges = typename TestFixture::Ranges;
  using Address = TypeParam;
  constexpr unsigned kBits = AddressTraits<Address>::kBits;
  std::mt19937_64 rng(77);
  auto random_below = [&rng](unsigned bits) {  // uniform in [0, 2^bits)
    u128 v = (u128{rng()} << 64) | rng();
    return bits >= 128 ? v : v & ((u128{1} << bits) - 1);
  };
  // Gaps and lengths scaled to the family: IPv6 ranges of up to 2^40
  // addresses 2^100 apart, IPv4 ones of up to 2^12 a few thousand apart.
  const unsigned gap_bits = kBits == 128 ? 100 : 13, length_bits = kBits == 128 ? 40 : 12;
  Ranges ranges;
  std::vector<u128> starts;  // expected index of each range's first address
  u128 next = random_below(gap_bits), total = 0;
  for (int i = 0; i < 2000; ++i) {
    const u128 length = rng() % 8 == 0 ? random_below(length_bits) : rng() % 3;
    ranges.push_back({static_cast<Address>(next), static_cast<Address>(next + length)});
    starts.push_back(total);
    total += length + 1;
    next += length + 2 + random_below(rng() % 2 ? gap_bits : 4);
  }
  std::shuffle(ranges.begin(), ranges.end(), rng);
  const Set set(ranges);
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  ASSERT_EQ(set.ranges(), ranges);
  ASSERT_EQ(u128{set.size()}, total);
  for (size_t i = 0; i < ranges.size(); ++i) {
    const auto& r = ranges[i];
    const u128 inside = random_below(64) % (u128{r.last} - r.first + 1);
    for (const u128 offset : {u128{0}, inside, u128{r.last} - r.first}) {
      const Address a = static_cast<Address>(r.first + offset);
      const uint64_t index = static_cast<uint64_t>(starts[i] + offset);
      ASSERT_EQ(set.at(index), a) << i;
      ASSERT_EQ(set.index_of(a), index) << i;
      ASSERT_TRUE(set.contains(a));
    }
    if (i + 1 < ranges.size() && ranges[i + 1].first - r.last > 1) {
      const Address between = static_cast<Address>(r.last + 1 + random_below(64) % (ranges[i + 1].first - r.last - 1));
      ASSERT_FALSE(set.contains(between));
      ASSERT_FALSE(set.index_of(between).has_value());
    }
  }
  // And every index of a stretch of the set, walked against the iterator.
  uint64_t index = 0;
  for (Address a : set) {
    ASSERT_EQ(set.at(index), a);
    ASSERT_EQ(set.index_of(a), index);
    if (++index == 200000) break;
  }
}

TEST(TargetSet6, A64IsTwoToThe64Addresses) {
  const u128 first = v6("2001:db8::"), last = v6("2001:db8::ffff:ffff:ffff:ffff");
  const TargetSet6 set({Ipv6Range{first, last}});
  EXPECT_EQ(set.size(), kTwo64);
  EXPECT_EQ(set.ranges()[0].size(), kTwo64);
  EXPECT_EQ(set.at(0), first);
  EXPECT_EQ(set.at(kMaxIndex), last);
  EXPECT_EQ(set.index_of(last), kMaxIndex);
  EXPECT_EQ(set.index_of(first + 12345), 12345u);
  EXPECT_FALSE(set.contains(last + 1));
  EXPECT_FALSE(set.index_of(first - 1).has_value());
}

// Above 2^64 the set still counts and tests membership; indexes stop at
// 2^64 - 1: at() reaches the first 2^64 addresses and index_of() refuses
// the rest rather than wrapping.
TEST(TargetSet6, IndexesStopAt2To64InABiggerSet) {
  const u128 low = v6("2001:db8::"), high = v6("2001:db9::");
  // 2^63 addresses, then 2^64 + 1 more far above: the bucket index's shift
  // is 64 or more, which only the u128 arithmetic can take.
  const TargetSet6 set({Ipv6Range{high, high + kTwo64}, Ipv6Range{low, low + (kTwo64 >> 1) - 1}});
  ASSERT_EQ(set.ranges().size(), 2u);
  EXPECT_EQ(set.size(), (kTwo64 >> 1) + kTwo64 + 1);
  EXPECT_EQ(set.at(0), low);
  EXPECT_EQ(set.at((uint64_t{1} << 63) - 1), low + (kTwo64 >> 1) - 1);
  EXPECT_EQ(set.at(uint64_t{1} << 63), high);
  EXPECT_EQ(set.at(kMaxIndex), high + (kTwo64 >> 1) - 1);
  EXPECT_EQ(set.index_of(high), uint64_t{1} << 63);
  EXPECT_EQ(set.index_of(high + (kTwo64 >> 1) - 1), kMaxIndex);
  EXPECT_FALSE(set.index_of(high + (kTwo64 >> 1)).has_value());  // index 2^64
  EXPECT_TRUE(set.contains(high + (kTwo64 >> 1)));
  EXPECT_FALSE(set.index_of(high + kTwo64).has_value());
  EXPECT_TRUE(set.contains(high + kTwo64));
}

TEST(TargetSet6, TheWholeSpaceSaturatesItsSize) {
  const TargetSet6 all({Ipv6Range{0, ~u128{0}}});
  EXPECT_TRUE(all.full());
  EXPECT_EQ(all.size(), ~u128{0});  // 2^128 does not fit
  EXPECT_EQ(all.ranges()[0].size(), ~u128{0});
  EXPECT_EQ(all.at(kMaxIndex), u128{kMaxIndex});
  EXPECT_EQ(all.index_of(kTwo64 - 1), kMaxIndex);
  EXPECT_FALSE(all.index_of(kTwo64).has_value());
  // One address less is counted exactly.
  EXPECT_EQ(all.minus(TargetSet6({Ipv6Range{7, 7}})).size(), ~u128{0});
  EXPECT_EQ(all.minus(TargetSet6({Ipv6Range{7, 8}})).size(), ~u128{0} - 1);
}

TEST(TargetSet6, IteratesAcrossTheTopAndAcross2To64) {
  const u128 top = ~u128{0};
  const TargetSet6 set({Ipv6Range{top - 1, top}, Ipv6Range{kTwo64 - 2, kTwo64 + 1}});
  EXPECT_EQ(std::vector<u128>(set.begin(), set.end()),
            (std::vector<u128>{kTwo64 - 2, kTwo64 - 1, kTwo64, kTwo64 + 1, top - 1, top}));
}

TEST(TargetSet6, ExclusionSplitsA64) {
  const u128 net = v6("2001:db8::");
  const TargetSet6 set({Ipv6Range{net, net + kTwo64 - 1}});
  const TargetSet6 left = set.minus(TargetSet6({Ipv6Range{net + 5, net + 5}, Ipv6Range{net + (kTwo64 >> 1), net + kTwo64}}));
  EXPECT_EQ(left.ranges(), (std::vector<Ipv6Range>{{net, net + 4}, {net + 6, net + (kTwo64 >> 1) - 1}}));
  EXPECT_EQ(left.size(), (kTwo64 >> 1) - 1);
  EXPECT_EQ(left.at(5), net + 6);
  EXPECT_EQ(left.index_of(net + 6), 5u);
}

}  // namespace
}  // namespace portsweep
