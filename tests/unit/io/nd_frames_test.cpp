// Neighbor Discovery frames byte by byte: the solicitation we send, the
// advertisement we answer our own address with (DPDK), and the parsing of
// both. Checksums are checked against an independent sum over the
// pseudo-header written out here, and against values worked out by hand
// outside the project (Python's ipaddress and struct).
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "io/nd_frames.hpp"
#include "io/nd_responder.hpp"
#include "io/nd_sweep.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep {
namespace {

const MacAddr kOurMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x01}};
const MacAddr kPeerMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x02}};

u128 ip6(const char* text) { return IpAddress::parse(text).value().value(); }

const u128 kOurIp = ip6("2001:db8::1");
const u128 kPeerIp = ip6("2001:db8::2");

// RFC 2460 section 8.1's pseudo-header and RFC 1071's sum, written out
// independently of the code under test: 0 for a message whose checksum is right.
uint16_t independent_sum(const uint8_t* frame) {
  const uint8_t* ip = frame + 14;
  const size_t len = size_t{ip[4]} << 8 | ip[5];
  std::vector<uint8_t> bytes(ip + 8, ip + 40);  // source, destination
  const uint8_t tail[8] = {0, 0, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len), 0, 0, 0, ip[6]};
  bytes.insert(bytes.end(), tail, tail + 8);
  bytes.insert(bytes.end(), ip + 40, ip + 40 + len);
  if (bytes.size() % 2 != 0) bytes.push_back(0);
  uint32_t sum = 0;
  for (size_t i = 0; i < bytes.size(); i += 2) sum += uint32_t{bytes[i]} << 8 | bytes[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

// An advertisement as a peer would send it: from `from` (whose MAC is
// mac) to `to`, about `target`, with flags and a target link-address option.
std::vector<uint8_t> advert(u128 target, const MacAddr& mac, uint8_t flags, u128 from, u128 to,
                            bool with_option = true) {
  std::vector<uint8_t> f(with_option ? 86 : 78, 0);
  std::memcpy(f.data(), kOurMac.bytes.data(), 6);
  std::memcpy(f.data() + 6, mac.bytes.data(), 6);
  f[12] = 0x86, f[13] = 0xdd;
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x60;
  ip[5] = with_option ? 32 : 24;
  ip[6] = 58;
  ip[7] = 255;
  store_ipv6(ip + 8, from);
  store_ipv6(ip + 24, to);
  uint8_t* icmp = ip + 40;
  icmp[0] = 136;
  icmp[4] = flags;
  store_ipv6(icmp + 8, target);
  if (with_option) {
    icmp[24] = 2, icmp[25] = 1;
    std::memcpy(icmp + 26, mac.bytes.data(), 6);
  }
  const uint16_t c = independent_sum(f.data());
  icmp[2] = static_cast<uint8_t>(c >> 8), icmp[3] = static_cast<uint8_t>(c);
  return f;
}

TEST(NdFrames, SolicitedNodeGroupAndMac) {
  EXPECT_EQ(nd::solicited_node_group(ip6("2001:db8::1:2345:6789")), ip6("ff02::1:ff45:6789"));
  EXPECT_EQ(nd::solicited_node_group(ip6("fe80::fc:ff:fe00:1")), ip6("ff02::1:ff00:1"));
  EXPECT_EQ(nd::multicast_mac(ip6("ff02::1:ff45:6789")).to_string(), "33:33:ff:45:67:89");
}

TEST(NdFrames, SolicitationBytes) {
  std::array<uint8_t, nd::kFrameLen> f;
  f.fill(0xee);
  ASSERT_EQ(nd::write_solicitation(kPeerIp, kOurIp, kOurMac, f.data()), 86u);
  const std::array<uint8_t, 86> expected{
      0x33, 0x33, 0xff, 0x00, 0x00, 0x02, 0x02, 0x50, 0x53, 0x00, 0x00, 0x01, 0x86, 0xdd,  // to the group's MAC
      0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 58, 255,                                        // 32 bytes, ICMPv6, hop limit 255
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,                      // from 2001:db8::1
      0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, 0x00, 0x00, 0x02,                // to ff02::1:ff00:2
      135, 0, 0xc8, 0xd6, 0, 0, 0, 0,                                                     // NS, checksum
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,                      // who has 2001:db8::2
      1, 1, 0x02, 0x50, 0x53, 0x00, 0x00, 0x01};                                         // our link address
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(f[i], expected[i]) << "byte " << i;
  EXPECT_EQ(independent_sum(f.data()), 0);
}

TEST(NdFrames, ParsesAValidAdvertisement) {
  const auto f = advert(kPeerIp, kPeerMac, nd::kFlagSolicited | nd::kFlagOverride, kPeerIp, kOurIp);
  const auto m = nd::parse_nd(f.data(), f.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, nd::kTypeAdvertisement);
  EXPECT_EQ(m->flags, nd::kFlagSolicited | nd::kFlagOverride);
  EXPECT_EQ(m->target, kPeerIp);
  EXPECT_EQ(m->source, kPeerIp);
  EXPECT_EQ(m->destination, kOurIp);
  ASSERT_TRUE(m->link_address);
  EXPECT_EQ(*m->link_address, kPeerMac);
  // Ethernet padding after the IPv6 payload is allowed.
  auto padded = f;
  padded.resize(100, 0);
  EXPECT_TRUE(nd::parse_nd(padded.data(), padded.size()));
  // Without the option, no link address.
  const auto bare = advert(kPeerIp, kPeerMac, nd::kFlagSolicited, kPeerIp, kOurIp, false);
  const auto b = nd::parse_nd(bare.data(), bare.size());
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->link_address);
}

TEST(NdFrames, RefusesInvalidNd) {
  const auto good = advert(kPeerIp, kPeerMac, nd::kFlagSolicited, kPeerIp, kOurIp);
  auto bad_sum = good;
  bad_sum[14 + 40 + 3] ^= 1;
  EXPECT_FALSE(nd::parse_nd(bad_sum.data(), bad_sum.size()));
  auto routed = good;  // hop limit 254: it crossed a router, so it is not from the link
  routed[14 + 7] = 254;
  EXPECT_FALSE(nd::parse_nd(routed.data(), routed.size()));
  auto code = good;
  code[14 + 41] = 1;
  code[14 + 42] = code[14 + 43] = 0;
  const uint16_t c = independent_sum(code.data());
  code[14 + 42] = static_cast<uint8_t>(c >> 8), code[14 + 43] = static_cast<uint8_t>(c);
  EXPECT_FALSE(nd::parse_nd(code.data(), code.size()));
  auto zero_option = good;  // an option of length 0 would loop forever: discarded
  zero_option[14 + 40 + 25] = 0;
  zero_option[14 + 42] = zero_option[14 + 43] = 0;
  const uint16_t z = independent_sum(zero_option.data());
  zero_option[14 + 42] = static_cast<uint8_t>(z >> 8), zero_option[14 + 43] = static_cast<uint8_t>(z);
  EXPECT_FALSE(nd::parse_nd(zero_option.data(), zero_option.size()));
  EXPECT_FALSE(nd::parse_nd(good.data(), 77));  // cut short
  auto truncated_payload = good;  // says 32 bytes, holds 24
  EXPECT_FALSE(nd::parse_nd(truncated_payload.data(), 78));
  auto ipv4 = good;
  ipv4[12] = 0x08, ipv4[13] = 0x00;
  EXPECT_FALSE(nd::parse_nd(ipv4.data(), ipv4.size()));
}

// --- the DPDK backend's answer for our address ------------------------------

// A solicitation as Linux sends one for `target` from `from` (with its
// source link-address option), built here byte by byte.
std::vector<uint8_t> solicitation(u128 target, u128 from, const MacAddr& mac, bool with_option = true) {
  std::vector<uint8_t> f(with_option ? 86 : 78, 0);
  const u128 group = nd::solicited_node_group(target);
  f[0] = 0x33, f[1] = 0x33;
  for (int i = 0; i < 4; ++i) f[2 + i] = static_cast<uint8_t>(group >> (24 - 8 * i));
  std::memcpy(f.data() + 6, mac.bytes.data(), 6);
  f[12] = 0x86, f[13] = 0xdd;
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x60;
  ip[5] = with_option ? 32 : 24;
  ip[6] = 58;
  ip[7] = 255;
  store_ipv6(ip + 8, from);
  store_ipv6(ip + 24, group);
  uint8_t* icmp = ip + 40;
  icmp[0] = 135;
  store_ipv6(icmp + 8, target);
  if (with_option) {
    icmp[24] = 1, icmp[25] = 1;
    std::memcpy(icmp + 26, mac.bytes.data(), 6);
  }
  const uint16_t c = independent_sum(f.data());
  icmp[2] = static_cast<uint8_t>(c >> 8), icmp[3] = static_cast<uint8_t>(c);
  return f;
}

TEST(NdResponder, MatchesSolicitationsForOurAddressOnly) {
  const auto ns = solicitation(kOurIp, kPeerIp, kPeerMac);
  const auto asker = neighbor_solicitation_for(ns.data(), ns.size(), kOurIp);
  ASSERT_TRUE(asker);
  EXPECT_EQ(asker->address, kPeerIp);
  EXPECT_EQ(asker->mac, kPeerMac);
  // Our own solicitation (nd::write_solicitation) parses the same way.
  std::array<uint8_t, nd::kFrameLen> ours{};
  nd::write_solicitation(kOurIp, kPeerIp, kPeerMac, ours.data());
  EXPECT_TRUE(neighbor_solicitation_for(ours.data(), ours.size(), kOurIp));

  EXPECT_FALSE(neighbor_solicitation_for(ns.data(), ns.size(), ip6("2001:db8::3")));  // another address
  const auto dad = solicitation(kOurIp, 0, kPeerMac, false);  // duplicate address detection: from ::
  EXPECT_FALSE(neighbor_solicitation_for(dad.data(), dad.size(), kOurIp));
  auto bad = ns;
  bad[14 + 40 + 2] ^= 0x80;
  EXPECT_FALSE(neighbor_solicitation_for(bad.data(), bad.size(), kOurIp));
  const auto na = advert(kOurIp, kPeerMac, nd::kFlagSolicited, kPeerIp, kOurIp);
  EXPECT_FALSE(neighbor_solicitation_for(na.data(), na.size(), kOurIp));
  // Without the source link-address option (a unicast re-check may omit
  // it), the answer goes to the frame's Ethernet source.
  const auto bare = solicitation(kOurIp, kPeerIp, kPeerMac, false);
  const auto b = neighbor_solicitation_for(bare.data(), bare.size(), kOurIp);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->mac, kPeerMac);
}

TEST(NdResponder, AdvertisementBytes) {
  std::array<uint8_t, kNaFrameLen> f;
  f.fill(0xee);
  ASSERT_EQ(write_neighbor_advertisement({kPeerIp, kPeerMac}, kOurIp, kOurMac, f.data()), 86u);
  const std::array<uint8_t, 86> expected{
      0x02, 0x50, 0x53, 0x00, 0x00, 0x02, 0x02, 0x50, 0x53, 0x00, 0x00, 0x01, 0x86, 0xdd,  // unicast to the asker
      0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 58, 255,
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,  // from our address
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,  // to the asker's
      136, 0, 0x37, 0x23, 0x60, 0, 0, 0,                             // NA, checksum, solicited + override
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,  // about our address
      2, 1, 0x02, 0x50, 0x53, 0x00, 0x00, 0x01};                     // at our MAC
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(f[i], expected[i]) << "byte " << i;
  EXPECT_EQ(independent_sum(f.data()), 0);
  // And the sweep's parser takes it as the answer it is.
  const auto m = nd::parse_nd(f.data(), f.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->target, kOurIp);
  EXPECT_EQ(*m->link_address, kOurMac);
}

// --- the sweep's matching -----------------------------------------------------

ArpSweepOptions quick() {
  ArpSweepOptions o;
  o.rate_pps = 1000;
  o.retries = 1;
  o.retry_interval = std::chrono::milliseconds(100);
  return o;
}

TEST(NdSweep, TakesSolicitedAnswersToQuestionsItAsked) {
  const u128 other = ip6("2001:db8::3");
  NdSweep s({other, kPeerIp}, kOurMac, kOurIp, 0, quick(), 0);
  const auto early = advert(kPeerIp, kPeerMac, nd::kFlagSolicited, kPeerIp, kOurIp);
  EXPECT_FALSE(s.on_frame(early.data(), early.size(), 1));  // before we asked
  EXPECT_EQ(s.stats().ignored_unsolicited, 1u);
  ASSERT_EQ(s.next_request(0), kPeerIp);  // sorted: ::2 before ::3
  ASSERT_EQ(s.next_request(1'000'000), other);

  const auto unsolicited = advert(kPeerIp, kPeerMac, nd::kFlagOverride, kPeerIp, ip6("ff02::1"));
  EXPECT_FALSE(s.on_frame(unsolicited.data(), unsolicited.size(), 2));
  const auto not_ours = advert(kPeerIp, kPeerMac, nd::kFlagSolicited, kPeerIp, ip6("2001:db8::9"));
  EXPECT_FALSE(s.on_frame(not_ours.data(), not_ours.size(), 2));
  const auto unasked = advert(ip6("2001:db8::7"), kPeerMac, nd::kFlagSolicited, kPeerIp, kOurIp);
  EXPECT_FALSE(s.on_frame(unasked.data(), unasked.size(), 2));
  const auto ns = solicitation(kOurIp, kPeerIp, kPeerMac);
  EXPECT_FALSE(s.on_frame(ns.data(), ns.size(), 2));

  const auto answer = advert(kPeerIp, kPeerMac, nd::kFlagSolicited | nd::kFlagOverride, kPeerIp, kOurIp);
  EXPECT_TRUE(s.on_frame(answer.data(), answer.size(), 3'000'000));
  EXPECT_FALSE(s.on_frame(answer.data(), answer.size(), 4'000'000));
  const MacAddr other_mac{{0x02, 0, 0, 0, 0, 0x99}};
  const auto conflict = advert(kPeerIp, other_mac, nd::kFlagSolicited, kPeerIp, kOurIp);
  EXPECT_FALSE(s.on_frame(conflict.data(), conflict.size(), 5'000'000));

  const auto* e = s.find(kPeerIp);
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->answered);
  EXPECT_EQ(e->mac, kPeerMac);
  EXPECT_EQ(e->reply_ns, 3'000'000);
  EXPECT_FALSE(s.find(other)->answered);
  const auto st = s.stats();
  EXPECT_EQ(st.replies, 1u);
  EXPECT_EQ(st.duplicate_replies, 1u);
  EXPECT_EQ(st.conflicting_replies, 1u);
  EXPECT_EQ(st.ignored_unsolicited, 2u);
  EXPECT_EQ(st.ignored_not_for_us, 1u);
  EXPECT_EQ(st.ignored_unasked, 1u);
  EXPECT_EQ(st.ignored_solicitations, 1u);
  EXPECT_EQ(st.solicitations_sent, 2u);
  // Only the silent address is asked again, once, after the retry interval.
  EXPECT_FALSE(s.next_request(50'000'000));
  EXPECT_EQ(s.next_request(101'000'000), other);
  EXPECT_FALSE(s.next_request(300'000'000));
  EXPECT_FALSE(s.done(150'000'000));
  EXPECT_TRUE(s.done(202'000'000));
}

TEST(NdSweep, AsksLinkLocalTargetsFromOurLinkLocalAddress) {
  const u128 our_ll = ip6("fe80::50:53ff:fe00:1");
  const u128 router = ip6("fe80::1");
  NdSweep s({router, kPeerIp}, kOurMac, kOurIp, our_ll, quick(), 0);
  std::array<uint8_t, nd::kFrameLen> f{};
  s.write_request(router, f.data());
  EXPECT_EQ(load_ipv6(f.data() + 14 + 8), our_ll);
  EXPECT_EQ(independent_sum(f.data()), 0);
  s.write_request(kPeerIp, f.data());
  EXPECT_EQ(load_ipv6(f.data() + 14 + 8), kOurIp);
  ASSERT_EQ(s.next_request(0), kPeerIp);
  ASSERT_EQ(s.next_request(1'000'000), router);
  const auto answer = advert(router, kPeerMac, nd::kFlagSolicited | nd::kFlagRouter, router, our_ll);
  EXPECT_TRUE(s.on_frame(answer.data(), answer.size(), 1));
}

}  // namespace
}  // namespace portsweep
