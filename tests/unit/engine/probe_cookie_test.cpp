#include "packet/probe_cookie.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

namespace portsweep {
namespace {

constexpr uint32_t kUs = 0x0a000001;      // 10.0.0.1
constexpr uint32_t kTarget = 0xc0a80105;  // 192.168.1.5

TEST(ProbeCookie, GenuineRepliesAccepted) {
  const ProbeCookie c(CookieKey{0x0123456789abcdefull, 0xfedcba9876543210ull});
  for (uint16_t port : {1, 22, 80, 443, 65535}) {
    const uint32_t seq = c.seq(kUs, kTarget, 40000, port);
    // SYN-ACK / RST-ACK from the target back to us acknowledges seq + 1.
    EXPECT_TRUE(c.ack_matches(kTarget, kUs, port, 40000, seq + 1));
  }
}

TEST(ProbeCookie, ForgeriesRejected) {
  const ProbeCookie c(CookieKey{11, 22});
  const uint32_t seq = c.seq(kUs, kTarget, 40000, 80);
  EXPECT_FALSE(c.ack_matches(kTarget, kUs, 80, 40000, seq));      // ack = seq, not seq + 1
  EXPECT_FALSE(c.ack_matches(kTarget, kUs, 80, 40000, seq + 2));
  EXPECT_FALSE(c.ack_matches(kTarget + 1, kUs, 80, 40000, seq + 1));  // other host
  EXPECT_FALSE(c.ack_matches(kTarget, kUs + 1, 80, 40000, seq + 1));  // other local address
  EXPECT_FALSE(c.ack_matches(kTarget, kUs, 81, 40000, seq + 1));      // other port
  EXPECT_FALSE(c.ack_matches(kTarget, kUs, 80, 40001, seq + 1));
  EXPECT_FALSE(c.ack_matches(kUs, kTarget, 40000, 80, seq + 1));      // not reversed
  const ProbeCookie other(CookieKey{11, 23});                            // other scan's key
  EXPECT_FALSE(other.ack_matches(kTarget, kUs, 80, 40000, seq + 1));
}

TEST(ProbeCookie, CookiesLookRandom) {
  const ProbeCookie c(random_cookie_key());
  std::set<uint32_t> seqs;
  std::set<uint16_t> ids;
  for (uint32_t i = 0; i < 5000; ++i) {
    const uint64_t h = c.hash(kUs, kTarget + i, 40000, 80);
    seqs.insert(ProbeCookie::seq_of(h));
    ids.insert(ProbeCookie::ip_id_of(h));
  }
  EXPECT_GT(seqs.size(), 4995u);
  EXPECT_GT(ids.size(), 4000u);  // 5000 draws from 65536: ~4820 distinct
  EXPECT_NE(random_cookie_key(), random_cookie_key());
}

TEST(ProbeCookie, UdpSourcePortCookie) {
  const ProbeCookie c(CookieKey{5, 6});
  const SourcePorts range{50000, 1000};
  std::set<uint16_t> used;
  for (uint32_t i = 0; i < 2000; ++i) {
    const uint16_t sport = c.udp_source_port(kUs, kTarget + i, 53, range);
    ASSERT_GE(sport, 50000);
    ASSERT_LT(sport, 51000);
    used.insert(sport);
    // The same flow always maps to the same port; another port or host usually not.
    EXPECT_EQ(sport, c.udp_source_port(kUs, kTarget + i, 53, range));
  }
  EXPECT_GT(used.size(), 800u);
  EXPECT_EQ(c.udp_source_port(kUs, kTarget, 53, SourcePorts{61000, 1}), 61000);
  // Another key picks other ports: a reply to an old scan's probe misses.
  const ProbeCookie other(CookieKey{5, 7});
  int same = 0;
  for (uint32_t i = 0; i < 2000; ++i)
    same += c.udp_source_port(kUs, kTarget + i, 53, range) == other.udp_source_port(kUs, kTarget + i, 53, range);
  EXPECT_LT(same, 20);
}

TEST(ProbeCookie, FlowHashFillsIpIdAndTagIndependently) {
  const ProbeCookie c(random_cookie_key());
  std::set<uint16_t> ids, tags;
  for (uint32_t i = 0; i < 5000; ++i) {
    const uint64_t h = c.flow_hash(kUs, kTarget + i, 17, 161);
    ids.insert(ProbeCookie::flow_ip_id_of(h));
    tags.insert(ProbeCookie::flow_tag_of(h));
  }
  EXPECT_GT(ids.size(), 4000u);
  EXPECT_GT(tags.size(), 4000u);
  // The protocol is part of the flow: -sO's probes of 6 and 17 differ.
  EXPECT_NE(c.flow_hash(kUs, kTarget, 6, 0), c.flow_hash(kUs, kTarget, 17, 0));
}

}  // namespace
}  // namespace portsweep
