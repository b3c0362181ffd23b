#include "engine/probe_permutation.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <unordered_set>
#include <vector>

#include "common/error.hpp"
#include "engine/prime_math.hpp"
#include "engine/probe_space.hpp"

namespace portsweep {
namespace {

std::vector<uint64_t> walk(PermutationWalker w) {
  std::vector<uint64_t> out;
  uint64_t i;
  while (w.next(i)) out.push_back(i);
  return out;
}

std::vector<uint64_t> full_order(const ProbePermutation& perm) { return walk(perm.walker(perm.full())); }

// Every index in [0, n) exactly once.
void expect_bijection(const std::vector<uint64_t>& order, uint64_t n) {
  ASSERT_EQ(order.size(), n);
  std::vector<bool> seen(n, false);
  for (uint64_t i : order) {
    ASSERT_LT(i, n);
    ASSERT_FALSE(seen[i]) << "index " << i << " visited twice";
    seen[i] = true;
  }
}

TEST(ProbePermutation, BijectionForSmallSizes) {
  for (uint64_t n = 1; n <= 600; ++n) {
    const ProbePermutation perm(n, n * 7919);
    EXPECT_GT(perm.prime(), n);
    EXPECT_TRUE(is_prime_u64(perm.prime()));
    expect_bijection(full_order(perm), n);
  }
}

TEST(ProbePermutation, BijectionForEdgeSizes) {
  // Primes themselves (p = next prime, several skips), p-1 (no skip at all:
  // the cycle is exactly the space), powers of two and their neighbours.
  for (uint64_t n : {2ull, 3ull, 101ull, 256ull, 257ull, 1536ull, 65536ull, 65537ull, 65520ull, 100ull, 65536ull * 3}) {
    for (uint64_t seed : {0ull, 1ull, 0xdeadbeefull}) {
      const ProbePermutation perm(n, seed);
      expect_bijection(full_order(perm), n);
    }
  }
  const ProbePermutation edge(100, 5);  // 101 is prime: p - 1 == N
  EXPECT_EQ(edge.prime(), 101u);
  EXPECT_EQ(edge.cycle_length(), 100u);
}

TEST(ProbePermutation, OneMillionProbes) {
  const uint64_t n = (uint64_t{1} << 20) + 12345;
  expect_bijection(full_order(ProbePermutation(n, 42)), n);
}

TEST(ProbePermutation, ShardsAndThreadsPartitionTheSpace) {
  struct Case {
    uint64_t n;
    uint32_t shards, threads;
  };
  for (const Case& c : {Case{1536, 3, 2}, Case{1000, 7, 3}, Case{5, 3, 4}, Case{1, 2, 2}, Case{65537, 5, 7}}) {
    const ProbePermutation perm(c.n, 99);
    std::vector<uint64_t> all;
    uint64_t next_begin = 0;
    for (uint32_t s = 0; s < c.shards; ++s) {
      for (uint32_t t = 0; t < c.threads; ++t) {
        const CycleRange r = perm.segment(s, c.shards, t, c.threads);
        EXPECT_EQ(r.begin, next_begin);  // contiguous, in order, no gap or overlap
        next_begin = r.end;
        const auto part = walk(perm.walker(r));
        all.insert(all.end(), part.begin(), part.end());
      }
    }
    EXPECT_EQ(next_begin, perm.cycle_length());
    expect_bijection(all, c.n);
    // The concatenation of the segments is the unsharded order.
    EXPECT_EQ(all, full_order(perm));
  }
}

TEST(ProbePermutation, ShardsStayBalanced) {
  const uint64_t n = 600000;
  const ProbePermutation perm(n, 3);
  for (uint32_t s = 0; s < 6; ++s) {
    const auto part = walk(perm.walker(perm.segment(s, 6, 0, 1)));
    EXPECT_NEAR(static_cast<double>(part.size()), n / 6.0, n / 6.0 * 0.01);
  }
}

TEST(ProbePermutation, MachinesMayRunDifferentThreadCounts) {
  // Machine 0 with 1 thread, machine 1 with 3: still an exact partition.
  const ProbePermutation perm(777, 11);
  std::vector<uint64_t> all = walk(perm.walker(perm.segment(0, 2, 0, 1)));
  for (uint32_t t = 0; t < 3; ++t) {
    const auto part = walk(perm.walker(perm.segment(1, 2, t, 3)));
    all.insert(all.end(), part.begin(), part.end());
  }
  expect_bijection(all, 777);
}

TEST(ProbePermutation, SegmentRejectsBadIndices) {
  const ProbePermutation perm(100, 1);
  EXPECT_THROW((void)perm.segment(3, 3, 0, 1), UsageError);
  EXPECT_THROW((void)perm.segment(0, 0, 0, 1), UsageError);
  EXPECT_THROW((void)perm.segment(0, 1, 2, 2), UsageError);
  EXPECT_THROW((void)perm.walker(perm.full(), perm.cycle_length() + 1), UsageError);
  EXPECT_THROW(ProbePermutation(0, 1), UsageError);
}

TEST(ProbePermutation, SameSeedSameOrderOtherSeedOtherOrder) {
  const uint64_t n = 10000;
  const auto a = full_order(ProbePermutation(n, 1234));
  EXPECT_EQ(a, full_order(ProbePermutation(n, 1234)));
  const auto b = full_order(ProbePermutation(n, 1235));
  EXPECT_NE(a, b);
  EXPECT_NE(a.front(), b.front());
  // Different orders, not merely rotations of the same cycle.
  size_t same_successor = 0;
  std::vector<uint64_t> next_in_a(n);
  for (size_t i = 0; i + 1 < n; ++i) next_in_a[a[i]] = a[i + 1];
  for (size_t i = 0; i + 1 < n; ++i) same_successor += next_in_a[b[i]] == b[i + 1];
  EXPECT_LT(same_successor, n / 100);
}

TEST(ProbePermutation, SeedPicksTheStart) {
  std::unordered_set<uint64_t> firsts;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const ProbePermutation perm(1000000, seed);
    PermutationWalker w = perm.walker(perm.full());
    uint64_t first;
    ASSERT_TRUE(w.next(first));
    firsts.insert(first);
  }
  EXPECT_GT(firsts.size(), 45u);
}

TEST(ProbePermutation, ResumeYieldsTheRemainingSuffix) {
  const ProbePermutation perm(5000, 77);
  const CycleRange r = perm.segment(1, 3, 1, 2);
  const auto whole = walk(perm.walker(r));
  for (size_t stop : {size_t{0}, size_t{1}, size_t{17}, whole.size() / 2, whole.size() - 1, whole.size()}) {
    PermutationWalker w = perm.walker(r);
    uint64_t idx;
    for (size_t k = 0; k < stop; ++k) ASSERT_TRUE(w.next(idx));
    const uint64_t saved = w.position();
    const auto rest = walk(perm.walker(r, saved));
    ASSERT_EQ(rest.size(), whole.size() - stop);
    EXPECT_TRUE(std::equal(rest.begin(), rest.end(), whole.begin() + static_cast<ptrdiff_t>(stop)));
    EXPECT_EQ(perm.walker(r, saved).position(), saved);
  }
  PermutationWalker done = perm.walker(r, r.length());
  uint64_t idx;
  EXPECT_TRUE(done.done());
  EXPECT_FALSE(done.next(idx));
}

TEST(ProbePermutation, ConsecutiveProbesHitDifferentHosts) {
  const ProbeSpace space(256, 6);
  const ProbePermutation perm(space.size(), 2024);
  const auto order = full_order(perm);
  size_t repeats = 0;
  for (size_t i = 1; i < order.size(); ++i) repeats += space.cell(order[i]).address == space.cell(order[i - 1]).address;
  // A uniform random order repeats the host 1 time in 256 (~6 of 1535).
  EXPECT_LT(repeats, 20u);
  // And a host's 6 ports are spread over the scan, not bunched.
  std::vector<std::vector<size_t>> when(256);
  for (size_t i = 0; i < order.size(); ++i) when[space.cell(order[i]).address].push_back(i);
  size_t close = 0;
  for (const auto& w : when) {
    for (size_t k = 1; k < w.size(); ++k) close += (w[k] - w[k - 1]) < 8;
  }
  EXPECT_LT(close, 100u);  // uniform expectation ~ 1280 * 8/256 = 40
}

TEST(ProbePermutation, HugeSpaceSetsUpAndStaysInRange) {
  const uint64_t n = (uint64_t{1} << 32) * 65536;  // 2^48: every IPv4 address x every port
  const ProbePermutation perm(n, 8);
  EXPECT_GT(perm.prime(), n);
  EXPECT_LT(perm.prime() - n, 2000u);
  const CycleRange r = perm.segment(5, 16, 3, 4);
  PermutationWalker w = perm.walker(r, 123456789);
  std::unordered_set<uint64_t> seen;
  uint64_t idx;
  for (int k = 0; k < 200000; ++k) {
    ASSERT_TRUE(w.next(idx));
    ASSERT_LT(idx, n);
    ASSERT_TRUE(seen.insert(idx).second);
  }
  const ProbePermutation max(ProbeSpace::kMaxSize, 1);
  EXPECT_LT(max.prime(), uint64_t{1} << 63);
}

}  // namespace
}  // namespace portsweep
