// The RTT estimate behind the sweep's cooldown and retry gap: nmap's
// timeout, srtt + 4 x rttvar (engine/rtt_sampler.hpp).
#include <gtest/gtest.h>

#include "engine/rtt_sampler.hpp"

namespace portsweep {
namespace {

constexpr int64_t kMs = 1'000'000;

TEST(RttSampler, NoTimeoutBeforeTheFirstSample) {
  RttSampler rtt;
  EXPECT_EQ(rtt.timeout_ns(), 0);
  rtt.note_sent(7, 0);
  EXPECT_EQ(rtt.note_reply(8, 10 * kMs), 0u);  // not a noted probe
  EXPECT_EQ(rtt.timeout_ns(), 0);
}

TEST(RttSampler, FirstSampleSetsSrttAndAVariationOfAtLeast5ms) {
  RttSampler rtt;
  rtt.note_sent(1, 0);
  EXPECT_EQ(rtt.note_reply(1, 1 * kMs), 1000u);
  // srtt 1 ms, rttvar raised to 5 ms: 1 + 4 x 5 = 21 ms.
  EXPECT_EQ(rtt.timeout_ns(), 21 * kMs);
  RttSampler slow;
  slow.note_sent(1, 0);
  slow.note_reply(1, 100 * kMs);
  EXPECT_EQ(slow.timeout_ns(), 500 * kMs);  // 100 + 4 x 100
}

TEST(RttSampler, LaterSamplesSmoothAsRfc6298) {
  RttSampler rtt;
  rtt.note_sent(1, 0);
  rtt.note_reply(1, 100 * kMs);  // srtt 100, rttvar 100
  rtt.note_sent(2, 0);
  rtt.note_reply(2, 20 * kMs);   // delta -80: srtt 90, rttvar 100 + (80 - 100) / 4 = 95
  EXPECT_NEAR(rtt.srtt_ns(), 90.0 * kMs, 1);
  EXPECT_NEAR(static_cast<double>(rtt.timeout_ns()), (90.0 + 4 * 95) * kMs, 2);
  // Steady 20 ms replies: the timeout falls towards 20 ms.
  for (uint64_t i = 3; i < 200; ++i) {
    rtt.note_sent(i, 0);
    rtt.note_reply(i, 20 * kMs);
  }
  EXPECT_LT(rtt.timeout_ns(), 21 * kMs);
  EXPECT_GE(rtt.timeout_ns(), 20 * kMs);
  EXPECT_EQ(rtt.max_rtt_ns(), 100 * kMs);
}

}  // namespace
}  // namespace portsweep
