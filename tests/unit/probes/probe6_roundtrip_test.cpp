// IPv6 round trips through the decoder: the frames the IPv6 probes write
// decode to what they were written with (checksums verified), and replies
// built byte by byte to answer them decode and classify as nmap reads them.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "packet/packet_decoder.hpp"
#include "packet/wire.hpp"
#include "probes/icmp6_echo_probe.hpp"
#include "probes/ip_proto_probe6.hpp"
#include "probes/tcp_classifier6.hpp"
#include "probes/tcp_probe6.hpp"
#include "probes/udp_payloads.hpp"
#include "probes/udp_probe6.hpp"
#include "test_frames6.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

ProbeConfig config6() {
  ProbeConfig c;
  c.family = AddressFamily::V6;
  c.src_mac = {0x02, 0, 0, 0, 0, 0x01};
  c.dst_mac = {0x02, 0, 0, 0, 0, 0x02};
  c.src_ip6 = kUs6;
  c.src_ports = {40000, 16};
  c.ttl = 61;
  c.cookie_key = {0x51, 0x52};
  return c;
}

DecodedPacket decode(const Bytes& f) {
  DecodedPacket d;
  EXPECT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok);
  return d;
}

void expect_addresses(const DecodedPacket& d, const Addr6& src, const Addr6& dst) {
  ASSERT_EQ(d.ip_version, 6);
  ASSERT_NE(d.src_ip6, nullptr);
  ASSERT_NE(d.dst_ip6, nullptr);
  EXPECT_EQ(0, std::memcmp(d.src_ip6, src.data(), 16));
  EXPECT_EQ(0, std::memcmp(d.dst_ip6, dst.data(), 16));
}

TEST(Probe6RoundTrip, TheSynDecodesAsWritten) {
  TcpProbe6 probe(config6(), wire::kTcpSyn);
  Bytes f(TcpProbe6::kMaxFrameSize);
  f.resize(probe.write(f.data(), value6(kTarget6), 443));
  const DecodedPacket d = decode(f);
  expect_addresses(d, kUs6, kTarget6);
  EXPECT_EQ(d.ip_proto, 6);
  EXPECT_EQ(d.ttl, 61);
  EXPECT_EQ(d.src_port, 40000);
  EXPECT_EQ(d.dst_port, 443);
  EXPECT_EQ(d.seq, probe.cookie().seq6(kUs6.data(), kTarget6.data(), 40000, 443));
  EXPECT_EQ(d.tcp_flags, wire::kTcpSyn);
  EXPECT_EQ(d.tcp_header_len, 24);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
}

TEST(Probe6RoundTrip, TheSynAckAndRstAnsweringItClassify) {
  TcpProbe6 probe(config6(), wire::kTcpSyn);
  const TcpClassifier6 classifier(probe.cookie(), kUs6.data(), probe.config().src_ports);
  Bytes syn(TcpProbe6::kMaxFrameSize);
  syn.resize(probe.write(syn.data(), value6(kTarget6), 22));
  const uint32_t seq = get32(syn.data() + 58);
  for (uint8_t flags : {uint8_t{0x12}, uint8_t{0x14}}) {
    const Bytes reply = frame6(kTarget6, kUs6, 6, tcp(22, 40000, 0x777, seq + 1, flags), 52);
    const DecodedPacket d = decode(reply);
    PortResult r;
    bool rst = false;
    ASSERT_EQ(classifier.classify(d, 5, r, rst), ReplyVerdict::Result);
    EXPECT_EQ(r.state, flags == 0x12 ? PortState::Open : PortState::Closed);
    EXPECT_EQ(r.reason, flags == 0x12 ? Reason::SynAck : Reason::Reset);
    EXPECT_EQ(r.port, 22);
    EXPECT_EQ(r.ttl, 52);
    EXPECT_TRUE(result_address_is(r, kTarget6));
    EXPECT_EQ(rst, flags == 0x12);
    if (rst) {
      // The RST we send back decodes as the answer to that SYN-ACK.
      Bytes out(TcpProbe6::kRstFrameSize);
      ASSERT_EQ(probe.write_answer(d, out.data()), out.size());
      const DecodedPacket a = decode(out);
      expect_addresses(a, kUs6, kTarget6);
      EXPECT_EQ(a.tcp_flags, wire::kTcpRst);
      EXPECT_EQ(a.src_port, 40000);
      EXPECT_EQ(a.dst_port, 22);
      EXPECT_EQ(a.seq, seq + 1);
      EXPECT_EQ(a.l4_checksum, L4Checksum::Verified);
    }
  }
  // A SYN-ACK acknowledging something else is rejected.
  const Bytes forged = frame6(kTarget6, kUs6, 6, tcp(22, 40000, 0x777, seq + 2, 0x12));
  PortResult r;
  bool rst = false;
  EXPECT_EQ(classifier.classify(decode(forged), 5, r, rst), ReplyVerdict::Rejected);
}

TEST(Probe6RoundTrip, AnIcmpV6ErrorQuotingTheSynIsFiltered) {
  TcpProbe6 probe(config6(), wire::kTcpSyn);
  const TcpClassifier6 classifier(probe.cookie(), kUs6.data(), probe.config().src_ports);
  Bytes syn(TcpProbe6::kMaxFrameSize);
  syn.resize(probe.write(syn.data(), value6(kTarget6), 8080));
  const Bytes err = frame6(kRouter6, kUs6, 58, icmp6_message(1, 1, syn.data() + 14, syn.size() - 14), 250);
  PortResult r;
  bool rst = false;
  ASSERT_EQ(classifier.classify(decode(err), 5, r, rst), ReplyVerdict::Result);
  EXPECT_EQ(r.state, PortState::Filtered);
  EXPECT_EQ(r.reason, Reason::AdminProhibited);
  EXPECT_EQ(r.port, 8080);
  EXPECT_TRUE(result_address_is(r, kTarget6));
}

TEST(Probe6RoundTrip, UdpProbeAndTheTargetsPortUnreachable) {
  const UdpPayloadDb db = UdpPayloadDb::parse("udp 53 \"\\x12\\x34query\"\n", "test");
  ProbeConfig c = config6();
  c.udp_payloads = &db;
  UdpProbe6 probe(c);
  const UdpClassifier6 classifier(probe.cookie(), kUs6.data(), probe.config().src_ports);
  Bytes f(probe.frame_capacity());
  f.resize(probe.write(f.data(), value6(kTarget6), 53));
  const DecodedPacket d = decode(f);
  expect_addresses(d, kUs6, kTarget6);
  EXPECT_EQ(d.ip_proto, 17);
  EXPECT_EQ(d.dst_port, 53);
  EXPECT_EQ(d.payload_len, 7);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);

  const Bytes err = frame6(kTarget6, kUs6, 58, icmp6_message(1, 4, f.data() + 14, f.size() - 14));
  PortResult r;
  bool answer = false;
  ASSERT_EQ(classifier.classify(decode(err), 5, r, answer), ReplyVerdict::Result);
  EXPECT_EQ(r.state, PortState::Closed);
  EXPECT_EQ(r.reason, Reason::PortUnreach);
  EXPECT_EQ(r.port, 53);
  EXPECT_TRUE(result_address_is(r, kTarget6));

  Bytes answer_udp;
  put16(answer_udp, 53);
  put16(answer_udp, get16(f.data() + 54));
  put16(answer_udp, 12);
  put16(answer_udp, 0);
  append(answer_udp, Bytes{1, 2, 3, 4});
  ASSERT_EQ(classifier.classify(decode(frame6(kTarget6, kUs6, 17, answer_udp)), 5, r, answer), ReplyVerdict::Result);
  EXPECT_EQ(r.state, PortState::Open);
  EXPECT_EQ(r.reason, Reason::UdpResponse);
}

TEST(Probe6RoundTrip, ProtocolProbesAndTheirErrors) {
  IpProtoProbe6 probe(config6());
  const IpProtoClassifier6 classifier(probe.cookie(), kUs6.data(), probe.config().src_ports);
  for (uint8_t p : {6, 17, 58}) {
    Bytes f(probe.frame_capacity());
    f.resize(probe.write(f.data(), value6(kTarget6), p));
    const DecodedPacket d = decode(f);
    expect_addresses(d, kUs6, kTarget6);
    EXPECT_EQ(d.ip_proto, p);
    EXPECT_EQ(d.l4_checksum, L4Checksum::Verified) << int(p);
  }
  // A bare header of protocol 47, refused by the target: closed.
  Bytes gre(probe.frame_capacity());
  gre.resize(probe.write(gre.data(), value6(kTarget6), 47));
  ASSERT_EQ(gre.size(), 54u);
  Bytes msg = {4, 1, 0, 0, 0, 0, 0, 6};  // pointer: the next header field
  append(msg, gre.data() + 14, 40);
  PortResult r;
  bool answer = false;
  ASSERT_EQ(classifier.classify(decode(frame6(kTarget6, kUs6, 58, msg)), 5, r, answer), ReplyVerdict::Result);
  EXPECT_EQ(r.port, 47);
  EXPECT_EQ(r.proto, Proto::Ip);
  EXPECT_EQ(r.state, PortState::Closed);
  EXPECT_EQ(r.reason, Reason::ParamProblem);
}

TEST(Probe6RoundTrip, EchoRequestAndReply) {
  Icmp6EchoProbe probe(config6());
  const Icmp6EchoClassifier classifier(probe.cookie(), kUs6.data());
  Bytes f(probe.frame_capacity());
  f.resize(probe.write(f.data(), value6(kTarget6), 0, 1'000'000));
  const DecodedPacket d = decode(f);
  expect_addresses(d, kUs6, kTarget6);
  EXPECT_EQ(d.ip_proto, 58);
  EXPECT_EQ(d.icmp_type, 128);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  Bytes reply(f.begin() + 54, f.end());
  reply[0] = 129;
  reply[2] = reply[3] = 0;
  PortResult r;
  ASSERT_EQ(classifier.classify(decode(frame6(kTarget6, kUs6, 58, reply, 59)), 1'000'700, r), ReplyVerdict::Result);
  EXPECT_EQ(r.reason, Reason::EchoReply);
  EXPECT_EQ(r.rtt_us, 700u);
  EXPECT_EQ(r.ttl, 59);
  EXPECT_TRUE(result_address_is(r, kTarget6));
}

}  // namespace
}  // namespace portsweep
