// -PE over IPv6: the ICMPv6 echo request (the cookie in id and sequence,
// the send time in the payload, the checksum over the pseudo-header) and
// the echo replies that are and are not the host's answer.
#include "probes/icmp6_echo_probe.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "probes/probe_module.hpp"
#include "test_frames6.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr int64_t kSent = 1'790'000'000'123'456;

ProbeConfig config6() {
  ProbeConfig c;
  c.family = AddressFamily::V6;
  c.src_mac = {0x02, 0, 0, 0, 0, 0x01};
  c.dst_mac = {0x02, 0, 0, 0, 0, 0x02};
  c.src_ip6 = kUs6;
  c.ttl = 48;
  c.cookie_key = {21, 22};
  return c;
}

Bytes send(Icmp6EchoProbe& probe, const Addr6& to = kTarget6, int64_t now = kSent) {
  Bytes f(probe.frame_capacity() + 4, 0xee);
  const size_t len = probe.write(f.data(), value6(to), 0, now);
  EXPECT_EQ(f[len], 0xee);
  f.resize(len);
  return f;
}

// The host's echo reply to `request`, as the decoder reports it.
DecodedPacket echo_reply(const Bytes& request, const Addr6& from = kTarget6) {
  DecodedPacket d = reply6(from, kUs6, 58, 63);
  d.icmp_type = 129;
  d.icmp_id = get16(request.data() + 58);
  d.icmp_seq = get16(request.data() + 60);
  d.payload = request.data() + 62;
  d.payload_len = 8;
  return d;
}

TEST(Icmp6EchoProbe, FrameFieldByField) {
  Icmp6EchoProbe probe(config6());
  const Bytes f = send(probe);
  ASSERT_EQ(f.size(), 70u);
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 6), Bytes({0x02, 0, 0, 0, 0, 0x02}));
  EXPECT_EQ(get16(f.data() + 12), 0x86dd);
  const uint8_t* ip = f.data() + 14;
  EXPECT_EQ(ip[0], 0x60);
  EXPECT_EQ(ip[1], 0);
  EXPECT_EQ(flow_label(ip), 0u);
  EXPECT_EQ(get16(ip + 4), 16);
  EXPECT_EQ(ip[6], 58);
  EXPECT_EQ(ip[7], 48);
  EXPECT_EQ(0, std::memcmp(ip + 8, kUs6.data(), 16));
  EXPECT_EQ(0, std::memcmp(ip + 24, kTarget6.data(), 16));
  const uint8_t* icmp = ip + 40;
  EXPECT_EQ(icmp[0], 128);
  EXPECT_EQ(icmp[1], 0);
  const uint64_t flow = icmp6_echo_flow(probe.cookie(), kUs6.data(), kTarget6.data());
  EXPECT_EQ(get16(icmp + 4), ProbeCookie::flow_tag_of(flow));
  EXPECT_EQ(get16(icmp + 6), ProbeCookie::flow_ip_id_of(flow));
  EXPECT_EQ(uint64_t{get32(icmp + 8)} << 32 | get32(icmp + 12), static_cast<uint64_t>(kSent));
  EXPECT_EQ(l4_verify6(ip + 8, ip + 24, 58, icmp, 16), 0);
}

TEST(Icmp6EchoProbe, ChecksumsHoldOverTargetsAndClocks) {
  Icmp6EchoProbe probe(config6());
  Addr6 a = kTarget6;
  for (uint32_t i = 0; i < 1000; ++i) {
    a[15] = static_cast<uint8_t>(i);
    a[6] = a[7] = static_cast<uint8_t>(i % 3 == 0 ? 0xff : i >> 2);
    const Bytes f = send(probe, a, kSent + int64_t{i} * 0x10001);
    ASSERT_TRUE(frame6_checksum_ok(f.data(), f.size())) << i;
  }
}

TEST(Icmp6EchoClassifier, TheEchoReplySaysUpWithTheRoundTrip) {
  Icmp6EchoProbe probe(config6());
  const Icmp6EchoClassifier classifier(probe.cookie(), kUs6.data());
  const Bytes request = send(probe);
  PortResult r;
  ASSERT_EQ(classifier.classify(echo_reply(request), kSent + 2500, r), ReplyVerdict::Result);
  EXPECT_EQ(r.state, PortState::Open);
  EXPECT_EQ(r.reason, Reason::EchoReply);
  EXPECT_EQ(r.proto, Proto::Ip);
  EXPECT_EQ(r.port, 0);
  EXPECT_EQ(r.ttl, 63);
  EXPECT_EQ(r.rtt_us, 2500u);
  EXPECT_EQ(r.time_us, kSent + 2500);
  EXPECT_TRUE(result_address_is(r, kTarget6));
}

TEST(Icmp6EchoClassifier, OtherRepliesAreNotTheAnswer) {
  Icmp6EchoProbe probe(config6());
  const Icmp6EchoClassifier classifier(probe.cookie(), kUs6.data());
  const Bytes request = send(probe);
  PortResult r;
  DecodedPacket d = echo_reply(request);
  d.icmp_seq ^= 1;  // wrong cookie
  EXPECT_EQ(classifier.classify(d, kSent, r), ReplyVerdict::Rejected);
  EXPECT_EQ(classifier.classify(echo_reply(request, kOther6), kSent, r), ReplyVerdict::Rejected);  // another host
  d = echo_reply(request);
  d.icmp_type = 128;  // a request, not a reply
  EXPECT_EQ(classifier.classify(d, kSent, r), ReplyVerdict::Ignored);
  d = echo_reply(request);
  d.dst_ip6 = kOther6.data();
  EXPECT_EQ(classifier.classify(d, kSent, r), ReplyVerdict::Ignored);
  d = echo_reply(request);
  d.ip_version = 4;  // an ICMPv4 echo reply is not ours
  d.ip_proto = 1;
  d.icmp_type = 0;
  EXPECT_EQ(classifier.classify(d, kSent, r), ReplyVerdict::Ignored);
  // A forged send time gives no round trip, not a wrong one.
  Bytes future = request;
  future[62] = 0x7f;
  ASSERT_EQ(classifier.classify(echo_reply(future), kSent + 10, r), ReplyVerdict::Result);
  EXPECT_EQ(r.rtt_us, 0u);
}

TEST(Icmp6EchoPing, TheModuleBuildsItForAnIpv6Scan) {
  const ProbeModule* m = find_probe_module("-PE");
  ASSERT_NE(m, nullptr);
  EXPECT_NE(m->families & kFamilyV6, 0);
  const auto prober = m->create(config6());
  uint8_t frame[128];
  uint8_t* frames[] = {frame};
  uint16_t len = 0;
  const ProbeTarget t{.ip = 0, .port = 0, .ip6 = value6(kTarget6)};
  prober->write_probes({&t, 1}, frames, &len);
  ASSERT_EQ(len, 70);
  EXPECT_EQ(frame[54], 128);
}

}  // namespace
}  // namespace portsweep
