// -sU over IPv6: the probes (payloads from the same UdpPayloadDb, the
// cookie in the source port and the flow label) and nmap -6's reading of
// UDP answers and ICMPv6 errors.
#include "probes/udp_probe6.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "probes/probe_module.hpp"
#include "probes/udp_payloads.hpp"
#include "probes/udp_probe.hpp"
#include "test_frames6.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

class UdpProbe6Test : public ::testing::Test {
 protected:
  UdpProbe6Test()
      : db_(UdpPayloadDb::parse("udp 53 \"\\x12\\x34query\"\nudp 161,1000-1002 \"snmp!\"\n", "test")),
        probe_(make_config(&db_)), classifier_(probe_.cookie(), kUs6.data(), probe_.config().src_ports) {}

  static ProbeConfig make_config(const UdpPayloadDb* db) {
    ProbeConfig c;
    c.family = AddressFamily::V6;
    c.src_mac = {0x02, 0, 0, 0, 0, 0x01};
    c.dst_mac = {0x02, 0, 0, 0, 0, 0x02};
    c.src_ip6 = kUs6;
    c.src_ports = {50000, 4096};
    c.ttl = 64;
    c.cookie_key = {7, 8};
    c.udp_payloads = db;
    return c;
  }

  Bytes send(uint16_t port, const Addr6& to = kTarget6) {
    Bytes f(probe_.frame_capacity() + 16, 0xee);
    const size_t len = probe_.write(f.data(), value6(to), port);
    EXPECT_EQ(f[len], 0xee) << "wrote past the frame";
    f.resize(len);
    EXPECT_TRUE(frame6_checksum_ok(f.data(), f.size()));
    return f;
  }

  ReplyOutcome classify(const DecodedPacket& d) {
    ReplyOutcome o;
    o.verdict = classifier_.classify(d, 9, o.result, o.needs_answer);
    return o;
  }

  DecodedPacket udp_answer(const Bytes& probe, const Addr6& from = kTarget6) {
    DecodedPacket d = reply6(from, kUs6, 17, 60);
    d.src_port = get16(probe.data() + 56);
    d.dst_port = get16(probe.data() + 54);
    return d;
  }

  UdpPayloadDb db_;
  UdpProbe6 probe_;
  UdpClassifier6 classifier_;
};

TEST_F(UdpProbe6Test, FrameFieldByField) {
  const Bytes dns = send(53);
  ASSERT_EQ(dns.size(), 62u + 7);
  EXPECT_EQ(get16(dns.data() + 12), 0x86dd);
  const uint8_t* ip = dns.data() + 14;
  EXPECT_EQ(ip[0], 0x60);
  EXPECT_EQ(ip[1] & 0xf0, 0);  // traffic class 0
  EXPECT_EQ(get16(ip + 4), 15);
  EXPECT_EQ(ip[6], 17);
  EXPECT_EQ(ip[7], 64);
  EXPECT_EQ(0, std::memcmp(ip + 8, kUs6.data(), 16));
  EXPECT_EQ(0, std::memcmp(ip + 24, kTarget6.data(), 16));
  const uint8_t* udp = ip + 40;
  const uint64_t flow = probe_.cookie().flow_hash6(kUs6.data(), kTarget6.data(), 17, 53);
  EXPECT_EQ(get16(udp), ProbeCookie::source_port_of(flow, {50000, 4096}));
  EXPECT_EQ(get16(udp + 2), 53);
  EXPECT_EQ(get16(udp + 4), 15);
  EXPECT_NE(get16(udp + 6), 0);  // mandatory over IPv6
  EXPECT_EQ(Bytes(udp + 8, udp + 15), (Bytes{0x12, 0x34, 'q', 'u', 'e', 'r', 'y'}));
  EXPECT_EQ(l4_verify6(ip + 8, ip + 24, 17, udp, 15), 0);
  // The flow label carries 20 more bits of the cookie: probes to other
  // ports or addresses get other labels.
  const uint32_t label = flow_label(ip);
  int same = 0;
  for (uint16_t port = 1; port < 200; ++port) same += flow_label(send(port).data() + 14) == label;
  EXPECT_LT(same, 3);
  EXPECT_NE(flow_label(send(53, kOther6).data() + 14), label);
}

TEST_F(UdpProbe6Test, PortsGetTheSamePayloadsAsIpv4) {
  const Bytes snmp = send(1001);
  EXPECT_EQ(Bytes(snmp.begin() + 62, snmp.end()), (Bytes{'s', 'n', 'm', 'p', '!'}));
  EXPECT_EQ(send(9999).size(), 62u);
  EXPECT_EQ(send(53), send(53)) << "a probe is a pure function of its target";
}

TEST_F(UdpProbe6Test, ChecksumsHoldOverManyTargets) {
  Addr6 a = kTarget6;
  for (uint32_t i = 0; i < 1500; ++i) {
    a[15] = static_cast<uint8_t>(i);
    a[12] = a[13] = static_cast<uint8_t>(i % 5 == 0 ? 0xff : i >> 3);
    const Bytes f = send(static_cast<uint16_t>(i * 41), a);
    ASSERT_TRUE(frame6_checksum_ok(f.data(), f.size())) << i;
  }
}

TEST_F(UdpProbe6Test, AUdpAnswerIsOpen) {
  const Bytes probe = send(53);
  const ReplyOutcome o = classify(udp_answer(probe));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Open);
  EXPECT_EQ(o.result.reason, Reason::UdpResponse);
  EXPECT_EQ(o.result.port, 53);
  EXPECT_EQ(o.result.proto, Proto::Udp);
  EXPECT_EQ(o.result.ttl, 60);
  EXPECT_TRUE(result_address_is(o.result, kTarget6));
  EXPECT_FALSE(o.needs_answer);
}

TEST_F(UdpProbe6Test, IcmpV6ErrorsReadAsNmapDoes) {
  const Bytes probe = send(161);
  // The target's own port unreachable: closed. A router's: filtered.
  ReplyOutcome o = classify(icmp6_error(kTarget6, 1, 4, probe.data(), probe.size()));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Closed);
  EXPECT_EQ(o.result.reason, Reason::PortUnreach);
  EXPECT_EQ(o.result.port, 161);
  EXPECT_EQ(o.result.proto, Proto::Udp);
  EXPECT_TRUE(result_address_is(o.result, kTarget6));
  o = classify(icmp6_error(kRouter6, 1, 4, probe.data(), probe.size()));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Filtered);
  const struct { uint8_t code; Reason reason; } filtered[] = {
      {0, Reason::NoRoute}, {1, Reason::AdminProhibited}, {2, Reason::BeyondScope},
      {3, Reason::HostUnreach}, {5, Reason::AdminProhibited}, {6, Reason::RejectRoute}};
  for (const auto& c : filtered) {
    o = classify(icmp6_error(kRouter6, 1, c.code, probe.data(), probe.size()));
    ASSERT_EQ(o.verdict, ReplyVerdict::Result) << int(c.code);
    EXPECT_EQ(o.result.state, PortState::Filtered);
    EXPECT_EQ(o.result.reason, c.reason);
  }
  o = classify(icmp6_error(kTarget6, 4, 1, probe.data(), probe.size()));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Filtered);
  EXPECT_EQ(o.result.reason, Reason::ParamProblem);
  EXPECT_EQ(classify(icmp6_error(kRouter6, 3, 0, probe.data(), probe.size())).verdict, ReplyVerdict::Ignored);
  EXPECT_EQ(classify(icmp6_error(kRouter6, 1, 9, probe.data(), probe.size())).verdict, ReplyVerdict::Ignored);
}

TEST_F(UdpProbe6Test, ForgeriesAreRejected) {
  const Bytes probe = send(53);
  // An answer to another port than the one the probe's cookie chose.
  DecodedPacket d = udp_answer(probe);
  d.dst_port = static_cast<uint16_t>(d.dst_port == 50000 ? 50001 : d.dst_port - 1);
  EXPECT_EQ(classify(d).verdict, ReplyVerdict::Rejected);
  // From another address.
  EXPECT_EQ(classify(udp_answer(probe, kOther6)).verdict, ReplyVerdict::Rejected);
  // To a port outside the range, or another address: not ours at all.
  d = udp_answer(probe);
  d.dst_port = 40000;
  EXPECT_EQ(classify(d).verdict, ReplyVerdict::Ignored);
  d = udp_answer(probe);
  d.dst_ip6 = kOther6.data();
  EXPECT_EQ(classify(d).verdict, ReplyVerdict::Ignored);
  // An error quoting the right port but the wrong flow label.
  Bytes forged = probe;
  forged[17] ^= 0x01;
  EXPECT_EQ(classify(icmp6_error(kTarget6, 1, 4, forged.data(), forged.size())).verdict, ReplyVerdict::Rejected);
  // ... or a flow label of zero, as a forger who never saw the probe might send.
  forged = probe;
  forged[15] = forged[16] = forged[17] = 0;
  EXPECT_EQ(classify(icmp6_error(kTarget6, 1, 4, forged.data(), forged.size())).verdict, ReplyVerdict::Rejected);
  // ... or the wrong source port.
  forged = probe;
  forged[55] ^= 0x01;
  EXPECT_EQ(classify(icmp6_error(kTarget6, 1, 4, forged.data(), forged.size())).verdict, ReplyVerdict::Rejected);
}

TEST(UdpProber6, ModulesBuildTheIpv6ProberForAnIpv6Scan) {
  ProbeConfig c;
  c.family = AddressFamily::V6;
  c.src_ip6 = kUs6;
  c.src_ports = {50000, 16};
  const auto prober = make_udp_prober(c);
  uint8_t frame[128];
  uint8_t* frames[] = {frame};
  uint16_t len = 0;
  const ProbeTarget t{.ip = 0, .port = 7, .ip6 = value6(kTarget6)};
  prober->write_probes({&t, 1}, frames, &len);
  ASSERT_EQ(len, 62);
  EXPECT_EQ(get16(frame + 12), 0x86dd);
  EXPECT_EQ(0, std::memcmp(frame + 38, kTarget6.data(), 16));
  EXPECT_EQ(get16(frame + 56), 7);
}

}  // namespace
}  // namespace portsweep
