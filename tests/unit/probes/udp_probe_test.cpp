// -sU's probes and replies: payloads from an nmap-payloads database, the
// cookie in the source port and IP id, nmap's reading of UDP and ICMP replies.
#include "probes/udp_probe.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "probes/probe_module.hpp"
#include "probes/udp_payloads.hpp"
#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kUs = 0x0a000001;
constexpr uint32_t kTarget = 0xc0a80105;

class UdpProbeTest : public ::testing::Test {
 protected:
  UdpProbeTest()
      : db_(UdpPayloadDb::parse("udp 53 \"\\x12\\x34query\"\nudp 161,1000-1002 \"snmp!\"\n", "test")),
        probe_(make_config(&db_)), classifier_(probe_.cookie(), kUs, probe_.config().src_ports) {}

  static ProbeConfig make_config(const UdpPayloadDb* db) {
    ProbeConfig c;
    c.src_ip = kUs;
    c.src_ports = {50000, 4096};
    c.cookie_key = {7, 8};
    c.udp_payloads = db;
    return c;
  }

  Bytes send(uint16_t port) {
    Bytes f(probe_.frame_capacity() + 16, 0xee);
    const size_t len = probe_.write(f.data(), kTarget, port);
    EXPECT_EQ(f[len], 0xee) << "wrote past the frame";
    f.resize(len);
    EXPECT_EQ(rfc1071(f.data() + 14, 20), 0);
    EXPECT_EQ(l4_verify(kUs, kTarget, 17, f.data() + 34, len - 34), 0);
    return f;
  }

  ReplyOutcome classify(const Bytes& frame) {
    DecodedPacket d;
    EXPECT_EQ(decode_ethernet(frame.data(), frame.size(), d), DecodeStatus::Ok);
    ReplyOutcome o;
    o.verdict = classifier_.classify(d, 9, o.result, o.needs_answer);
    return o;
  }

  static Bytes udp(uint16_t sport, uint16_t dport, const Bytes& payload) {
    Bytes b;
    put16(b, sport);
    put16(b, dport);
    put16(b, static_cast<uint16_t>(8 + payload.size()));
    put16(b, 0);
    append(b, payload);
    return b;
  }

  Bytes unreachable(const Bytes& probe, uint8_t code) {
    const Bytes quote(probe.begin() + 14, probe.begin() + 14 + 28);
    return concat(ethernet(), ipv4(kTarget, kUs, 1, icmp_error(3, code, quote)));
  }

  UdpPayloadDb db_;
  UdpProbe probe_;
  UdpClassifier classifier_;
};

TEST_F(UdpProbeTest, PortsGetTheirPayloads) {
  const Bytes dns = send(53);
  ASSERT_EQ(dns.size(), 42u + 7);
  EXPECT_EQ(Bytes(dns.begin() + 42, dns.end()), (Bytes{0x12, 0x34, 'q', 'u', 'e', 'r', 'y'}));
  EXPECT_EQ(get16(dns.data() + 36), 53);
  EXPECT_EQ(get16(dns.data() + 38), 15);  // UDP length
  const Bytes snmp = send(1001);
  EXPECT_EQ(Bytes(snmp.begin() + 42, snmp.end()), (Bytes{'s', 'n', 'm', 'p', '!'}));
  EXPECT_EQ(send(9999).size(), 42u);  // no payload: an empty datagram
  EXPECT_EQ(dns[23], 17);
}

TEST_F(UdpProbeTest, TheCookieIsTheSourcePortAndIpId) {
  const Bytes a = send(53), b = send(53);
  EXPECT_EQ(a, b) << "a probe is a pure function of its target";
  const uint16_t sport = get16(a.data() + 34);
  EXPECT_GE(sport, 50000);
  EXPECT_LT(sport, 50000 + 4096);
  int same = 0;
  for (uint16_t port = 1; port < 200; ++port) same += get16(send(port).data() + 34) == sport;
  EXPECT_LT(same, 5);
}

TEST_F(UdpProbeTest, RepliesReadAsNmapDoes) {
  const Bytes probe = send(53);
  const uint16_t sport = get16(probe.data() + 34);
  ReplyOutcome o = classify(concat(ethernet(), ipv4(kTarget, kUs, 17, udp(53, sport, {1, 2, 3}))));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Open);
  EXPECT_EQ(o.result.reason, Reason::UdpResponse);
  EXPECT_EQ(o.result.port, 53);
  EXPECT_EQ(o.result.proto, Proto::Udp);

  o = classify(unreachable(probe, 3));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Closed);
  EXPECT_EQ(o.result.reason, Reason::PortUnreach);
  for (uint8_t code : {0, 1, 2, 9, 10, 13}) {
    o = classify(unreachable(probe, code));
    ASSERT_EQ(o.verdict, ReplyVerdict::Result) << int{code};
    EXPECT_EQ(o.result.state, PortState::Filtered) << int{code};
  }
  EXPECT_EQ(classify(unreachable(probe, 4)).verdict, ReplyVerdict::Ignored);  // fragmentation needed
}

TEST_F(UdpProbeTest, ForgeriesAreRejected) {
  const Bytes probe = send(53);
  const uint16_t sport = get16(probe.data() + 34);
  // A reply to another port of our range, or one from another service port.
  EXPECT_EQ(classify(concat(ethernet(), ipv4(kTarget, kUs, 17, udp(53, static_cast<uint16_t>(sport + 1), {})))).verdict,
            ReplyVerdict::Rejected);
  EXPECT_EQ(classify(concat(ethernet(), ipv4(kTarget, kUs, 17, udp(54, sport, {})))).verdict, ReplyVerdict::Rejected);
  // Outside our source ports: not ours at all.
  EXPECT_EQ(classify(concat(ethernet(), ipv4(kTarget, kUs, 17, udp(53, 1234, {})))).verdict, ReplyVerdict::Ignored);
  // An ICMP error quoting the right port but another IP id.
  Bytes other = probe;
  other[18] ^= 0x01;
  EXPECT_EQ(classify(unreachable(other, 3)).verdict, ReplyVerdict::Rejected);
}

}  // namespace
}  // namespace portsweep
