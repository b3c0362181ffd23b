#include "packet/probe_cookie.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <array>
#include <cstring>
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

// 2001:db8::1 (us) and 2001:db8:1::5 (the target), network order.
constexpr std::array<uint8_t, 16> kUs6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr std::array<uint8_t, 16> kTarget6 = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};

std::array<uint8_t, 16> with_byte(std::array<uint8_t, 16> a, size_t i, uint8_t xor_mask) {
  a[i] ^= xor_mask;
  return a;
}

// hash6 is SipHash-2-4 of src | dst | src_port (LE) | dst_port (LE) under
// the cookie key: checked against the byte-at-a-time form.
TEST(ProbeCookie6, HashIsSipHashOfTheWholeMessage) {
  const CookieKey key{0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
  const ProbeCookie c(key);
  uint8_t m[36];
  std::memcpy(m, kUs6.data(), 16);
  std::memcpy(m + 16, kTarget6.data(), 16);
  m[32] = 0x40;  // 40000 = 0x9c40
  m[33] = 0x9c;
  m[34] = 80;
  m[35] = 0;
  EXPECT_EQ(c.hash6(kUs6.data(), kTarget6.data(), 40000, 80), (siphash_bytes<2, 4>(key, m, 36)));
  // The flow hash: src | dst | dst_port (LE) | proto, 35 bytes, under the
  // second key; it must differ from the TCP key's hash of the same bytes.
  m[32] = 53;
  m[33] = 0;
  m[34] = 17;
  const uint64_t flow = c.flow_hash6(kUs6.data(), kTarget6.data(), 17, 53);
  EXPECT_NE(flow, (siphash_bytes<2, 4>(key, m, 35)));
  const SipKey flow_key{key.k0, key.k1 ^ 0x5544502d636f6f6bull};
  EXPECT_EQ(flow, (siphash_bytes<2, 4>(flow_key, m, 35)));
}

TEST(ProbeCookie6, GenuineRepliesAcceptedForgeriesRejected) {
  const ProbeCookie c(random_cookie_key());
  for (uint16_t port : {1, 22, 80, 443, 65535}) {
    const uint32_t seq = ProbeCookie::seq_of(c.hash6(kUs6.data(), kTarget6.data(), 40000, port));
    EXPECT_TRUE(c.ack_matches6(kTarget6.data(), kUs6.data(), port, 40000, seq + 1));
    EXPECT_FALSE(c.ack_matches6(kTarget6.data(), kUs6.data(), port, 40000, seq));
    EXPECT_FALSE(c.ack_matches6(kUs6.data(), kTarget6.data(), 40000, port, seq + 1));  // not reversed
    EXPECT_FALSE(c.ack_matches6(kTarget6.data(), kUs6.data(), static_cast<uint16_t>(port + 1), 40000, seq + 1));
    EXPECT_FALSE(c.ack_matches6(kTarget6.data(), kUs6.data(), port, 40001, seq + 1));
  }
  // Every byte of both addresses counts: the addresses are not folded.
  const uint32_t seq = c.seq6(kUs6.data(), kTarget6.data(), 40000, 80);
  for (size_t i = 0; i < 16; ++i) {
    const auto other_target = with_byte(kTarget6, i, 0x80);
    const auto other_us = with_byte(kUs6, i, 0x01);
    EXPECT_FALSE(c.ack_matches6(other_target.data(), kUs6.data(), 80, 40000, seq + 1)) << "target byte " << i;
    EXPECT_FALSE(c.ack_matches6(kTarget6.data(), other_us.data(), 80, 40000, seq + 1)) << "our byte " << i;
  }
  // A target whose address differs from ours by swapping halves (a weak fold
  // such as XOR of the 64-bit halves would collide) gets another cookie.
  std::array<uint8_t, 16> swapped{};
  std::memcpy(swapped.data(), kTarget6.data() + 8, 8);
  std::memcpy(swapped.data() + 8, kTarget6.data(), 8);
  EXPECT_NE(c.hash6(kUs6.data(), kTarget6.data(), 40000, 80), c.hash6(kUs6.data(), swapped.data(), 40000, 80));
  const ProbeCookie other(random_cookie_key());
  EXPECT_FALSE(other.ack_matches6(kTarget6.data(), kUs6.data(), 80, 40000, seq + 1));
}

TEST(ProbeCookie6, UdpSourcePortCookie) {
  const ProbeCookie c(CookieKey{5, 6});
  const SourcePorts range{50000, 1000};
  std::set<uint16_t> used;
  for (uint32_t i = 0; i < 2000; ++i) {
    auto target = kTarget6;
    target[14] = static_cast<uint8_t>(i >> 8);
    target[15] = static_cast<uint8_t>(i);
    const uint16_t sport = c.udp_source_port6(kUs6.data(), target.data(), 53, range);
    ASSERT_TRUE(range.contains(sport));
    ASSERT_EQ(sport, c.udp_source_port6(kUs6.data(), target.data(), 53, range));
    used.insert(sport);
  }
  EXPECT_GT(used.size(), 800u);
  // The protocol is part of the flow, as for IPv4.
  EXPECT_NE(c.flow_hash6(kUs6.data(), kTarget6.data(), 6, 0), c.flow_hash6(kUs6.data(), kTarget6.data(), 17, 0));
}

}  // namespace
}  // namespace portsweep
