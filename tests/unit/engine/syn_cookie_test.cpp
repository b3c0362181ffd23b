#include "engine/syn_cookie.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

namespace portsweep {
namespace {

constexpr uint32_t kUs = 0x0a000001;      // 10.0.0.1
constexpr uint32_t kTarget = 0xc0a80105;  // 192.168.1.5

TEST(SynCookie, GenuineRepliesAccepted) {
  const SynCookie c(CookieKey{0x0123456789abcdefull, 0xfedcba9876543210ull});
  for (uint16_t port : {1, 22, 80, 443, 65535}) {
    const uint32_t seq = c.seq(kUs, kTarget, 40000, port);
    // SYN-ACK / RST-ACK from the target back to us acknowledges seq + 1.
    EXPECT_TRUE(c.ack_matches(kTarget, kUs, port, 40000, seq + 1));
  }
}

TEST(SynCookie, ForgeriesRejected) {
  const SynCookie c(CookieKey{11, 22});
  const uint32_t seq = c.seq(kUs, kTarget, 40000, 80);
  EXPECT_FALSE(c.ack_matches(kTarget, kUs, 80, 40000, seq));      // ack = seq, not seq + 1
  EXPECT_FALSE(c.ack_matches(kTarget, kUs, 80, 40000, seq + 2));
  EXPECT_FALSE(c.ack_matches(kTarget + 1, kUs, 80, 40000, seq + 1));  // other host
  EXPECT_FALSE(c.ack_matches(kTarget, kUs + 1, 80, 40000, seq + 1));  // other local address
  EXPECT_FALSE(c.ack_matches(kTarget, kUs, 81, 40000, seq + 1));      // other port
  EXPECT_FALSE(c.ack_matches(kTarget, kUs, 80, 40001, seq + 1));
  EXPECT_FALSE(c.ack_matches(kUs, kTarget, 40000, 80, seq + 1));      // not reversed
  const SynCookie other(CookieKey{11, 23});                            // other scan's key
  EXPECT_FALSE(other.ack_matches(kTarget, kUs, 80, 40000, seq + 1));
}

TEST(SynCookie, CookiesLookRandom) {
  const SynCookie c(random_cookie_key());
  std::set<uint32_t> seqs;
  std::set<uint16_t> ids;
  for (uint32_t i = 0; i < 5000; ++i) {
    const uint64_t h = c.hash(kUs, kTarget + i, 40000, 80);
    seqs.insert(SynCookie::seq_of(h));
    ids.insert(SynCookie::ip_id_of(h));
  }
  EXPECT_GT(seqs.size(), 4995u);
  EXPECT_GT(ids.size(), 4000u);  // 5000 draws from 65536: ~4820 distinct
  EXPECT_NE(random_cookie_key(), random_cookie_key());
}

TEST(SynCookie, UdpSourcePortCookie) {
  const SynCookie c(CookieKey{5, 6});
  std::set<uint16_t> used;
  for (uint32_t i = 0; i < 2000; ++i) {
    const uint16_t sport = c.udp_source_port(kUs, kTarget + i, 53, 50000, 1000);
    ASSERT_GE(sport, 50000);
    ASSERT_LT(sport, 51000);
    used.insert(sport);
    EXPECT_TRUE(c.udp_reply_matches(kTarget + i, kUs, 53, sport, 50000, 1000));
    EXPECT_FALSE(c.udp_reply_matches(kTarget + i, kUs, 53, static_cast<uint16_t>(sport + 1), 50000, 1000));
  }
  EXPECT_GT(used.size(), 800u);
  EXPECT_EQ(c.udp_source_port(kUs, kTarget, 53, 61000, 1), 61000);
}

}  // namespace
}  // namespace portsweep
