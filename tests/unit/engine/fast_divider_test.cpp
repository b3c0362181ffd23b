#include "engine/fast_divider.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "engine/probe_space.hpp"
#include "common/error.hpp"

namespace portsweep {
namespace {

TEST(FastDivider, MatchesHardwareDivide) {
  uint64_t s = 0x9e3779b97f4a7c15ull;
  const auto rnd = [&s] {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  };
  const uint64_t divisors[] = {1, 2, 3, 5, 6, 7, 255, 256, 257, 65535, 65536, 1000003, 4294967295ull,
                               4294967296ull, 4294967297ull, (uint64_t{1} << 48) + 7, uint64_t{1} << 62,
                               (uint64_t{1} << 63) - 1, uint64_t{1} << 63};
  for (uint64_t d : divisors) {
    const FastDivider div(d);
    for (uint64_t n : {uint64_t{0}, uint64_t{1}, d - 1, d, d + 1, 2 * d - 1, ~uint64_t{0}, ~uint64_t{0} - d}) {
      ASSERT_EQ(div.quotient(n), n / d) << n << " / " << d;
    }
    for (int i = 0; i < 20000; ++i) {
      const uint64_t n = rnd() >> (i % 64);
      ASSERT_EQ(div.quotient(n), n / d) << n << " / " << d;
    }
  }
  for (int i = 0; i < 200000; ++i) {
    const uint64_t d = (rnd() >> (i % 63 + 1)) | 1;
    const uint64_t n = rnd() >> (i % 17);
    ASSERT_EQ(FastDivider(d).quotient(n), n / d) << n << " / " << d;
  }
}

TEST(ProbeSpace, CellsRoundTrip) {
  const ProbeSpace space(1000, 7);
  EXPECT_EQ(space.size(), 7000u);
  for (uint64_t i = 0; i < space.size(); ++i) {
    const ProbeCell c = space.cell(i);
    ASSERT_EQ(c.address, i % 1000);
    ASSERT_EQ(c.port, i / 1000);
    ASSERT_EQ(space.index_of(c), i);
  }
}

TEST(ProbeSpace, RejectsEmptyAndHuge) {
  EXPECT_THROW(ProbeSpace(0, 5), UsageError);
  EXPECT_THROW(ProbeSpace(5, 0), UsageError);
  EXPECT_THROW(ProbeSpace(uint64_t{1} << 47, 65536), UsageError);
  EXPECT_NO_THROW(ProbeSpace(uint64_t{1} << 32, 65536));
}

}  // namespace
}  // namespace portsweep
