// -sO over IPv6: nmap -6's probe per next header (ICMPv6 echo for 58, TCP
// ACK to 80, UDP to 40125, a bare header otherwise), the cookie in the flow
// label (and echo id/seq, TCP seq/ack, source ports), nmap's reading of the
// replies and of ICMPv6 errors.
#include "probes/ip_proto_probe6.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "probes/ip_proto_probe.hpp"
#include "probes/probe_module.hpp"
#include "test_frames6.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

class IpProto6Test : public ::testing::Test {
 protected:
  IpProto6Test() : probe_(make_config()), classifier_(probe_.cookie(), kUs6.data(), probe_.config().src_ports) {}

  static ProbeConfig make_config() {
    ProbeConfig c;
    c.family = AddressFamily::V6;
    c.src_ip6 = kUs6;
    c.src_ports = {45000, 1024};
    c.ttl = 33;
    c.tcp_window = 1024;
    c.cookie_key = {11, 12};
    return c;
  }

  Bytes send(uint8_t protocol, const Addr6& to = kTarget6) {
    Bytes f(probe_.frame_capacity() + 4, 0xee);
    f.resize(probe_.write(f.data(), value6(to), protocol));
    const uint8_t* ip = f.data() + 14;
    EXPECT_EQ(get16(f.data() + 12), 0x86dd);
    EXPECT_EQ(ip[0], 0x60);
    EXPECT_EQ(ip[1] & 0xf0, 0);
    EXPECT_EQ(ip[6], protocol);
    EXPECT_EQ(ip[7], 33);
    EXPECT_EQ(get16(ip + 4), f.size() - 54);
    EXPECT_EQ(0, std::memcmp(ip + 8, kUs6.data(), 16));
    EXPECT_EQ(0, std::memcmp(ip + 24, to.data(), 16));
    return f;
  }

  uint64_t flow(uint8_t protocol, const Addr6& to = kTarget6) const {
    return probe_.cookie().flow_hash6(kUs6.data(), to.data(), 0, protocol);
  }

  ReplyOutcome classify(const DecodedPacket& d) {
    ReplyOutcome o;
    o.verdict = classifier_.classify(d, 3, o.result, o.needs_answer);
    return o;
  }

  IpProtoProbe6 probe_;
  IpProtoClassifier6 classifier_;
};

TEST_F(IpProto6Test, EachNextHeaderGetsNmapsProbe) {
  const Bytes echo = send(58);
  ASSERT_EQ(echo.size(), 62u);
  EXPECT_EQ(echo[54], 128);  // echo request
  EXPECT_EQ(echo[55], 0);
  EXPECT_EQ(get16(echo.data() + 58), ProbeCookie::flow_tag_of(flow(58)));
  EXPECT_EQ(get16(echo.data() + 60), ProbeCookie::flow_ip_id_of(flow(58)));
  EXPECT_EQ(l4_verify6(kUs6.data(), kTarget6.data(), 58, echo.data() + 54, 8), 0);  // pseudo-header included

  const Bytes tcp = send(6);
  ASSERT_EQ(tcp.size(), 74u);
  EXPECT_EQ(get16(tcp.data() + 54), ProbeCookie::source_port_of(flow(6), {45000, 1024}));
  EXPECT_EQ(get16(tcp.data() + 56), 80);
  EXPECT_EQ(get32(tcp.data() + 58), static_cast<uint32_t>(flow(6)));
  EXPECT_EQ(get32(tcp.data() + 62), static_cast<uint32_t>(flow(6)));
  EXPECT_EQ(tcp[66], 0x50);
  EXPECT_EQ(tcp[67], 0x10);  // ACK
  EXPECT_EQ(get16(tcp.data() + 68), 1024);
  EXPECT_EQ(l4_verify6(kUs6.data(), kTarget6.data(), 6, tcp.data() + 54, 20), 0);

  const Bytes udp = send(17);
  ASSERT_EQ(udp.size(), 62u);
  EXPECT_EQ(get16(udp.data() + 54), ProbeCookie::source_port_of(flow(17), {45000, 1024}));
  EXPECT_EQ(get16(udp.data() + 56), 40125);
  EXPECT_EQ(get16(udp.data() + 58), 8);
  EXPECT_EQ(l4_verify6(kUs6.data(), kTarget6.data(), 17, udp.data() + 54, 8), 0);

  for (uint8_t p : {1, 2, 4, 47, 132, 255}) {
    const Bytes bare = send(p);
    EXPECT_EQ(bare.size(), 54u) << int(p);  // a bare IPv6 header
  }
}

TEST_F(IpProto6Test, EveryProbeCarriesItsCookieInTheFlowLabel) {
  for (uint8_t p : {1, 6, 17, 47, 58}) {
    const uint32_t label = flow_label(send(p).data() + 14);
    EXPECT_EQ(label, static_cast<uint32_t>(flow(p) >> 44) & 0xfffff) << int(p);
  }
  EXPECT_NE(flow_label(send(47).data() + 14), flow_label(send(50).data() + 14)) << "per protocol";
  EXPECT_NE(flow_label(send(47).data() + 14), flow_label(send(47, kOther6).data() + 14)) << "per target";
}

TEST_F(IpProto6Test, ChecksumsHoldOverManyTargets) {
  Addr6 a = kTarget6;
  for (uint32_t i = 0; i < 600; ++i) {
    a[15] = static_cast<uint8_t>(i);
    a[10] = a[11] = static_cast<uint8_t>(i % 4 == 0 ? 0xff : i >> 2);
    for (uint8_t p : {6, 17, 58}) {
      const Bytes f = send(p, a);
      ASSERT_TRUE(frame6_checksum_ok(f.data(), f.size())) << i << " " << int(p);
    }
  }
}

TEST_F(IpProto6Test, AnswersInTheProtocolAreOpen) {
  // Echo reply, id and sequence echoed: ICMPv6 is open (nmap -6: proto-response).
  const Bytes echo = send(58);
  DecodedPacket d = reply6(kTarget6, kUs6, 58, 61);
  d.icmp_type = 129;
  d.icmp_id = get16(echo.data() + 58);
  d.icmp_seq = get16(echo.data() + 60);
  ReplyOutcome o = classify(d);
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.port, 58);
  EXPECT_EQ(o.result.proto, Proto::Ip);
  EXPECT_EQ(o.result.state, PortState::Open);
  EXPECT_EQ(o.result.reason, Reason::ProtoResponse);
  EXPECT_EQ(o.result.ttl, 61);
  EXPECT_TRUE(result_address_is(o.result, kTarget6));
  d.icmp_seq ^= 1;
  EXPECT_EQ(classify(d).verdict, ReplyVerdict::Rejected);

  // TCP: the RST answering the ACK to port 80.
  const Bytes tcp = send(6);
  DecodedPacket rst = reply6(kTarget6, kUs6, 6);
  rst.src_port = 80;
  rst.dst_port = get16(tcp.data() + 54);
  rst.seq = get32(tcp.data() + 62);
  rst.tcp_flags = 0x04;
  o = classify(rst);
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.port, 6);
  EXPECT_EQ(o.result.state, PortState::Open);
  rst.seq ^= 1;
  EXPECT_EQ(classify(rst).verdict, ReplyVerdict::Rejected);

  // UDP: any datagram back to the probe's source port.
  const Bytes udp = send(17);
  DecodedPacket u = reply6(kTarget6, kUs6, 17);
  u.src_port = 40125;
  u.dst_port = get16(udp.data() + 54);
  o = classify(u);
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.port, 17);
  u.src_ip6 = kOther6.data();
  EXPECT_EQ(classify(u).verdict, ReplyVerdict::Rejected);

  // Another protocol: its datagram from the target.
  o = classify(reply6(kTarget6, kUs6, 47));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.port, 47);
  EXPECT_EQ(o.result.reason, Reason::ProtoResponse);
  // Not to us: not ours.
  EXPECT_EQ(classify(reply6(kTarget6, kOther6, 47)).verdict, ReplyVerdict::Ignored);
}

TEST_F(IpProto6Test, IcmpV6ErrorsReadAsNmapDoes) {
  const Bytes gre = send(47);
  // The target's "unrecognised next header": closed. A router's: filtered.
  ReplyOutcome o = classify(icmp6_error(kTarget6, 4, 1, gre.data(), gre.size()));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.port, 47);
  EXPECT_EQ(o.result.proto, Proto::Ip);
  EXPECT_EQ(o.result.state, PortState::Closed);
  EXPECT_EQ(o.result.reason, Reason::ParamProblem);
  EXPECT_TRUE(result_address_is(o.result, kTarget6));
  o = classify(icmp6_error(kRouter6, 4, 1, gre.data(), gre.size()));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Filtered);
  // An erroneous header field: understood, so open.
  o = classify(icmp6_error(kTarget6, 4, 0, gre.data(), gre.size()));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Open);
  // The target's port unreachable (to the UDP probe): the protocol is there.
  const Bytes udp = send(17);
  o = classify(icmp6_error(kTarget6, 1, 4, udp.data(), udp.size()));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.port, 17);
  EXPECT_EQ(o.result.state, PortState::Open);
  EXPECT_EQ(o.result.reason, Reason::PortUnreach);
  o = classify(icmp6_error(kRouter6, 1, 4, udp.data(), udp.size()));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Filtered);
  // The other unreachables: filtered.
  o = classify(icmp6_error(kRouter6, 1, 1, gre.data(), gre.size()));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Filtered);
  EXPECT_EQ(o.result.reason, Reason::AdminProhibited);
  EXPECT_EQ(classify(icmp6_error(kRouter6, 3, 0, gre.data(), gre.size())).verdict, ReplyVerdict::Ignored);
}

TEST_F(IpProto6Test, ErrorsMustQuoteTheProbesFlowLabel) {
  Bytes gre = send(47);
  gre[16] ^= 0x20;
  EXPECT_EQ(classify(icmp6_error(kTarget6, 4, 1, gre.data(), gre.size())).verdict, ReplyVerdict::Rejected);
  // The label of one protocol's probe does not vouch for another's.
  Bytes other = send(47);
  other[20] = 50;
  EXPECT_EQ(classify(icmp6_error(kTarget6, 4, 1, other.data(), other.size())).verdict, ReplyVerdict::Rejected);
  // Nor for another target.
  other = send(47);
  std::memcpy(other.data() + 38, kOther6.data(), 16);
  EXPECT_EQ(classify(icmp6_error(kOther6, 4, 1, other.data(), other.size())).verdict, ReplyVerdict::Rejected);
}

TEST(IpProtoProber6, TheModulesBuildTheIpv6ProberForAnIpv6Scan) {
  ProbeConfig c;
  c.family = AddressFamily::V6;
  c.src_ip6 = kUs6;
  const auto prober = make_ip_proto_prober(c);
  ASSERT_EQ(prober->max_frame_size(), 74u);
  uint8_t frame[74];
  uint8_t* frames[] = {frame};
  uint16_t len = 0;
  const ProbeTarget t{.ip = 0, .port = 58, .ip6 = value6(kTarget6)};
  prober->write_probes({&t, 1}, frames, &len);
  ASSERT_EQ(len, 62);
  EXPECT_EQ(frame[20], 58);
  EXPECT_EQ(frame[54], 128);
}

}  // namespace
}  // namespace portsweep
