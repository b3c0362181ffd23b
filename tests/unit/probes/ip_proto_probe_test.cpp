// -sO's probes and replies: nmap's payload per protocol, the cookie in the IP
// id (and echo id/seq, TCP seq/ack, source ports), nmap's reading of replies.
#include "probes/ip_proto_probe.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "probes/probe_module.hpp"
#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kUs = 0x0a000001;
constexpr uint32_t kTarget = 0xc0a80105;

class IpProtoTest : public ::testing::Test {
 protected:
  IpProtoTest() : probe_(make_config()), classifier_(probe_.cookie(), kUs, probe_.config().src_ports) {}

  static ProbeConfig make_config() {
    ProbeConfig c;
    c.src_ip = kUs;
    c.src_ports = {45000, 1024};
    c.cookie_key = {11, 12};
    return c;
  }

  Bytes send(uint8_t protocol) {
    Bytes f(probe_.frame_capacity());
    f.resize(probe_.write(f.data(), kTarget, protocol));
    EXPECT_EQ(f[23], protocol);
    EXPECT_EQ(rfc1071(f.data() + 14, 20), 0);
    return f;
  }

  ReplyOutcome classify(const Bytes& frame) {
    DecodedPacket d;
    EXPECT_EQ(decode_ethernet(frame.data(), frame.size(), d), DecodeStatus::Ok);
    ReplyOutcome o;
    o.verdict = classifier_.classify(d, 3, o.result, o.needs_answer);
    return o;
  }

  static Bytes unreachable(const Bytes& probe, uint8_t code) {
    const Bytes quote(probe.begin() + 14, probe.end());  // Linux quotes the whole short datagram
    return concat(ethernet(), ipv4(kTarget, kUs, 1, icmp_error(3, code, quote)));
  }

  IpProtoProbe probe_;
  IpProtoClassifier classifier_;
};

TEST_F(IpProtoTest, EachProtocolGetsNmapsProbe) {
  const Bytes icmp = send(1);
  ASSERT_EQ(icmp.size(), 42u);
  EXPECT_EQ(icmp[34], 8);  // echo request
  EXPECT_EQ(rfc1071(icmp.data() + 34, 8), 0);
  const Bytes tcp_probe = send(6);
  ASSERT_EQ(tcp_probe.size(), 54u);
  EXPECT_EQ(get16(tcp_probe.data() + 36), 80);
  EXPECT_EQ(tcp_probe[47], 0x10);  // ACK
  EXPECT_EQ(l4_verify(kUs, kTarget, 6, tcp_probe.data() + 34, 20), 0);
  const Bytes udp_probe = send(17);
  ASSERT_EQ(udp_probe.size(), 42u);
  EXPECT_EQ(get16(udp_probe.data() + 36), 40125);
  EXPECT_EQ(l4_verify(kUs, kTarget, 17, udp_probe.data() + 34, 8), 0);
  EXPECT_EQ(send(47).size(), 34u);  // a bare IP header
  EXPECT_NE(get16(send(47).data() + 18), get16(send(50).data() + 18)) << "the IP id is per protocol";
}

TEST_F(IpProtoTest, RepliesReadAsNmapDoes) {
  // Echo reply: id and sequence echoed.
  const Bytes echo = send(1);
  Bytes reply = {0, 0, 0, 0, echo[38], echo[39], echo[40], echo[41]};
  ReplyOutcome o = classify(concat(ethernet(), ipv4(kTarget, kUs, 1, reply)));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.proto, Proto::Ip);
  EXPECT_EQ(o.result.port, 1);
  EXPECT_EQ(o.result.state, PortState::Open);
  EXPECT_EQ(o.result.reason, Reason::EchoReply);
  reply[7] ^= 1;
  EXPECT_EQ(classify(concat(ethernet(), ipv4(kTarget, kUs, 1, reply))).verdict, ReplyVerdict::Rejected);

  // A RST to the TCP probe: seq = our ack.
  const Bytes t = send(6);
  o = classify(concat(ethernet(), ipv4(kTarget, kUs, 6, tcp(80, get16(t.data() + 34), get32(t.data() + 42), 0, 0x04))));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.port, 6);
  EXPECT_EQ(o.result.state, PortState::Open);
  EXPECT_EQ(o.result.reason, Reason::ProtoResponse);
  EXPECT_EQ(classify(concat(ethernet(), ipv4(kTarget, kUs, 6, tcp(80, get16(t.data() + 34), 1, 0, 0x04)))).verdict,
            ReplyVerdict::Rejected);

  // Unreachables quoting a bare-IP probe, and the UDP probe.
  const Bytes gre = send(47);
  o = classify(unreachable(gre, 2));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.port, 47);
  EXPECT_EQ(o.result.state, PortState::Closed);
  EXPECT_EQ(o.result.reason, Reason::ProtoUnreach);
  o = classify(unreachable(gre, 13));
  EXPECT_EQ(o.result.state, PortState::Filtered);
  EXPECT_EQ(o.result.reason, Reason::AdminProhibited);
  o = classify(unreachable(send(17), 3));
  EXPECT_EQ(o.result.port, 17);
  EXPECT_EQ(o.result.state, PortState::Open);  // UDP is there; port 40125 is not
  Bytes forged = gre;
  forged[19] ^= 1;  // another IP id
  EXPECT_EQ(classify(unreachable(forged, 2)).verdict, ReplyVerdict::Rejected);

  // A datagram of another protocol from the target: that protocol answered.
  o = classify(concat(ethernet(), ipv4(kTarget, kUs, 47, Bytes{0, 0, 0x08, 0})));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.port, 47);
  EXPECT_EQ(o.result.state, PortState::Open);
}

}  // namespace
}  // namespace portsweep
