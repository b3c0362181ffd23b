#include "probes/tcp_classifier.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "probes/tcp_probe.hpp"
#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kUs = 0x0a000001;
constexpr uint32_t kTarget = 0xc0a80105;
constexpr uint32_t kRouter = 0xac100001;

class TcpClassifierTest : public ::testing::Test {
 protected:
  TcpClassifierTest() : probe_(make_config()), classifier_(probe_.cookie(), kUs, SourcePorts{40000, 4}) {}

  static ProbeConfig make_config() {
    ProbeConfig c;
    c.src_ip = kUs;
    c.src_ports = {40000, 4};
    c.cookie_key = {0x1111, 0x2222};
    return c;
  }

  // Sends a SYN to kTarget:port and returns its bytes (58).
  Bytes syn(uint16_t port) {
    Bytes b(TcpProbe::kMaxFrameSize);
    probe_.write(b.data(), kTarget, port);
    return b;
  }

  ReplyVerdict classify(const Bytes& frame) {
    DecodedPacket d;
    EXPECT_EQ(decode_ethernet(frame.data(), frame.size(), d), DecodeStatus::Ok);
    result_ = PortResult{};
    return classifier_.classify(d, 1700000000123456, result_, send_rst_);
  }

  Bytes tcp_reply(const Bytes& sent, uint8_t flags, uint32_t ack_delta = 1, uint8_t ttl = 51) {
    const uint16_t sport = get16(sent.data() + 34);
    const uint16_t dport = get16(sent.data() + 36);
    const uint32_t seq = get32(sent.data() + 38);
    return concat(ethernet(), ipv4(kTarget, kUs, 6, tcp(dport, sport, 0x5555, seq + ack_delta, flags), ttl));
  }

  Bytes icmp_reply(const Bytes& sent, uint8_t code, uint8_t type = 3) {
    // The router quotes our IP header and the first 8 TCP bytes.
    const Bytes quote(sent.begin() + 14, sent.begin() + 14 + 28);
    return concat(ethernet(), ipv4(kRouter, kUs, 1, icmp_error(type, code, quote), 240));
  }

  TcpProbe probe_;
  TcpClassifier classifier_;
  PortResult result_;
  bool send_rst_ = false;
};

TEST_F(TcpClassifierTest, SynAckIsOpenAndNeedsRst) {
  const Bytes s = syn(443);
  ASSERT_EQ(classify(tcp_reply(s, 0x12)), ReplyVerdict::Result);
  EXPECT_EQ(result_.ip, IpAddress::v4(kTarget));
  EXPECT_EQ(result_.port, 443);
  EXPECT_EQ(result_.proto, Proto::Tcp);
  EXPECT_EQ(result_.state, PortState::Open);
  EXPECT_EQ(result_.reason, Reason::SynAck);
  EXPECT_EQ(result_.ttl, 51);
  EXPECT_EQ(result_.time_us, 1700000000123456);
  EXPECT_TRUE(send_rst_);
  // ECN-setup SYN-ACK (ECE bit set) is still a SYN-ACK.
  EXPECT_EQ(classify(tcp_reply(s, 0x52)), ReplyVerdict::Result);
  EXPECT_EQ(result_.state, PortState::Open);
}

TEST_F(TcpClassifierTest, RstIsClosed) {
  const Bytes s = syn(23);
  ASSERT_EQ(classify(tcp_reply(s, 0x14)), ReplyVerdict::Result);
  EXPECT_EQ(result_.state, PortState::Closed);
  EXPECT_EQ(result_.reason, Reason::Reset);
  EXPECT_EQ(result_.port, 23);
  EXPECT_FALSE(send_rst_);
}

TEST_F(TcpClassifierTest, IcmpUnreachablesAreFiltered) {
  const struct {
    uint8_t code;
    Reason reason;
  } cases[] = {{0, Reason::NetUnreach},     {1, Reason::HostUnreach},     {2, Reason::ProtoUnreach},
               {3, Reason::PortUnreach},    {9, Reason::NetProhibited},   {10, Reason::HostProhibited},
               {13, Reason::AdminProhibited}};
  for (const auto& c : cases) {
    const Bytes s = syn(8080);
    ASSERT_EQ(classify(icmp_reply(s, c.code)), ReplyVerdict::Result) << int{c.code};
    EXPECT_EQ(result_.ip, IpAddress::v4(kTarget));  // the probed host, not the router
    EXPECT_EQ(result_.port, 8080);
    EXPECT_EQ(result_.state, PortState::Filtered);
    EXPECT_EQ(result_.reason, c.reason);
    EXPECT_EQ(result_.ttl, 240);
    EXPECT_FALSE(send_rst_);
  }
}

TEST_F(TcpClassifierTest, OtherIcmpIgnored) {
  const Bytes s = syn(80);
  EXPECT_EQ(classify(icmp_reply(s, 4)), ReplyVerdict::Ignored);      // fragmentation needed
  EXPECT_EQ(classify(icmp_reply(s, 0, 11)), ReplyVerdict::Ignored);  // time exceeded
}

TEST_F(TcpClassifierTest, WrongCookieRejected) {
  const Bytes s = syn(80);
  EXPECT_EQ(classify(tcp_reply(s, 0x12, 0)), ReplyVerdict::Rejected);  // ack == seq
  EXPECT_EQ(classify(tcp_reply(s, 0x14, 2)), ReplyVerdict::Rejected);
  Bytes forged = s;
  forged[41] ^= 1;  // our quoted seq altered
  EXPECT_EQ(classify(icmp_reply(forged, 3)), ReplyVerdict::Rejected);
  // Another scan's key.
  const TcpClassifier other(ProbeCookie(CookieKey{9, 9}), kUs, SourcePorts{40000, 4});
  DecodedPacket d;
  const Bytes r = tcp_reply(s, 0x12);
  ASSERT_EQ(decode_ethernet(r.data(), r.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(other.classify(d, 0, result_, send_rst_), ReplyVerdict::Rejected);
}

TEST_F(TcpClassifierTest, NotForUsIgnored) {
  const Bytes s = syn(80);
  Bytes r = tcp_reply(s, 0x12);
  r[33] = 0x02;  // destination 10.0.0.2
  EXPECT_EQ(classify(refill_checksums(r)), ReplyVerdict::Ignored);
  const Bytes outside = concat(ethernet(), ipv4(kTarget, kUs, 6, tcp(80, 39999, 0, 1, 0x12)));
  EXPECT_EQ(classify(outside), ReplyVerdict::Ignored);  // port outside our source range
  const Bytes ack_only = tcp_reply(s, 0x10);
  EXPECT_EQ(classify(ack_only), ReplyVerdict::Ignored);
  const Bytes udp = concat(ethernet(), ipv4(kTarget, kUs, 17, {0, 53, 0x9c, 0x40, 0, 8, 0, 0}));
  EXPECT_EQ(classify(udp), ReplyVerdict::Ignored);
  Bytes someone_elses = icmp_reply(s, 3);
  someone_elses[14 + 20 + 8 + 15] = 0x09;  // the quoted source is 10.0.0.9, not us
  EXPECT_EQ(classify(refill_checksums(someone_elses)), ReplyVerdict::Ignored);
}

}  // namespace
}  // namespace portsweep
