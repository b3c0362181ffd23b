// IPv6 TCP probes (every TCP scan type's flags), the RST after a SYN-ACK,
// and TcpClassifier6's reading of TCP answers and ICMPv6 errors.
#include "probes/tcp_probe6.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "packet/wire.hpp"
#include "probes/tcp_classifier6.hpp"
#include "test_frames6.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr int64_t kNow = 1700000000123456;

ProbeConfig config6(std::optional<uint8_t> scanflags = std::nullopt) {
  ProbeConfig c;
  c.family = AddressFamily::V6;
  c.src_mac = {0x02, 0, 0, 0, 0, 0x01};
  c.dst_mac = {0x02, 0, 0, 0, 0, 0x02};
  c.src_ip6 = kUs6;
  c.src_ports = {40000, 4};
  c.ttl = 57;
  c.tcp_window = 1024;
  c.tcp_mss = 1460;
  c.tcp_flags = scanflags;
  c.cookie_key = {0x1111, 0x2222};
  return c;
}

Bytes write(TcpProbe6& probe, const Addr6& dst, uint16_t port) {
  Bytes f(TcpProbe6::kMaxFrameSize + 8, 0xee);
  const size_t len = probe.write(f.data(), value6(dst), port);
  // The template is copied whole (a fixed-size copy): a shorter frame may
  // leave bytes up to the capacity, never past it.
  EXPECT_EQ(f[TcpProbe6::kMaxFrameSize], 0xee) << "wrote past the frame capacity";
  f.resize(len);
  return f;
}

TEST(TcpProbe6, SynFrameFieldByField) {
  TcpProbe6 probe(config6(), wire::kTcpSyn);
  const Bytes f = write(probe, kTarget6, 443);
  ASSERT_EQ(f.size(), 78u);
  // Ethernet
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 6), Bytes({0x02, 0, 0, 0, 0, 0x02}));
  EXPECT_EQ(Bytes(f.begin() + 6, f.begin() + 12), Bytes({0x02, 0, 0, 0, 0, 0x01}));
  EXPECT_EQ(get16(f.data() + 12), 0x86dd);
  // IPv6: version 6, traffic class 0, flow label 0, payload 24, TCP, hop limit = ttl
  const uint8_t* ip = f.data() + 14;
  EXPECT_EQ(ip[0], 0x60);
  EXPECT_EQ(ip[1], 0);
  EXPECT_EQ(ip[2], 0);
  EXPECT_EQ(ip[3], 0);
  EXPECT_EQ(get16(ip + 4), 24);
  EXPECT_EQ(ip[6], 6);
  EXPECT_EQ(ip[7], 57);
  EXPECT_EQ(0, std::memcmp(ip + 8, kUs6.data(), 16));
  EXPECT_EQ(0, std::memcmp(ip + 24, kTarget6.data(), 16));
  // TCP
  const uint8_t* tcp = ip + 40;
  const uint16_t sport = get16(tcp);
  EXPECT_GE(sport, 40000);
  EXPECT_LT(sport, 40004);
  EXPECT_EQ(get16(tcp + 2), 443);
  EXPECT_EQ(get32(tcp + 4), probe.cookie().seq6(kUs6.data(), kTarget6.data(), sport, 443));
  EXPECT_EQ(get32(tcp + 8), 0u);
  EXPECT_EQ(tcp[12], 6 << 4);
  EXPECT_EQ(tcp[13], wire::kTcpSyn);
  EXPECT_EQ(get16(tcp + 14), 1024);
  EXPECT_EQ(get16(tcp + 18), 0);
  EXPECT_EQ(Bytes(tcp + 20, tcp + 24), Bytes({2, 4, 0x05, 0xb4}));  // MSS 1460
  EXPECT_EQ(l4_verify6(ip + 8, ip + 24, 6, tcp, 24), 0);
}

TEST(TcpProbe6, AckFlagsPutTheCookieInBothFieldsAndCarryNoOption) {
  TcpProbe6 probe(config6(), wire::kTcpAck);
  const Bytes f = write(probe, kTarget6, 80);
  ASSERT_EQ(f.size(), 74u);
  const uint8_t* tcp = f.data() + 54;
  EXPECT_EQ(get16(f.data() + 18), 20);
  EXPECT_EQ(tcp[12], 5 << 4);
  EXPECT_EQ(tcp[13], wire::kTcpAck);
  const uint32_t cookie = probe.cookie().seq6(kUs6.data(), kTarget6.data(), get16(tcp), 80);
  EXPECT_EQ(get32(tcp + 4), cookie);
  EXPECT_EQ(get32(tcp + 8), cookie);
  EXPECT_TRUE(frame6_checksum_ok(f.data(), f.size()));
}

TEST(TcpProbe6, EveryScanTypesFlagsAndScanflags) {
  struct Case { uint8_t flags; std::optional<uint8_t> scanflags; uint8_t wire_flags; size_t len; };
  const Case cases[] = {
      {wire::kTcpFin, std::nullopt, wire::kTcpFin, 74},                                       // -sF
      {0, std::nullopt, 0, 74},                                                              // -sN
      {wire::kTcpFin | wire::kTcpPsh | wire::kTcpUrg, std::nullopt, 0x29, 74},               // -sX
      {wire::kTcpFin | wire::kTcpAck, std::nullopt, 0x11, 74},                               // -sM
      {wire::kTcpSyn, uint8_t{wire::kTcpSyn | wire::kTcpFin}, 0x03, 78},                      // --scanflags SYNFIN
      {wire::kTcpSyn, uint8_t{wire::kTcpPsh}, 0x08, 74},                                      // --scanflags PSH
  };
  for (const Case& c : cases) {
    TcpProbe6 probe(config6(c.scanflags), c.flags);
    const Bytes f = write(probe, kTarget6, 22);
    ASSERT_EQ(f.size(), c.len);
    EXPECT_EQ(f[54 + 13], c.wire_flags);
    const uint32_t cookie = probe.cookie().seq6(kUs6.data(), kTarget6.data(), get16(f.data() + 54), 22);
    EXPECT_EQ(get32(f.data() + 58), cookie);
    EXPECT_EQ(get32(f.data() + 62), (c.wire_flags & wire::kTcpAck) ? cookie : 0u);
    EXPECT_TRUE(frame6_checksum_ok(f.data(), f.size())) << int(c.wire_flags);
  }
}

TEST(TcpProbe6, ChecksumsHoldOverManyAddressesAndPorts) {
  TcpProbe6 probe(config6(), wire::kTcpSyn);
  Addr6 a = kTarget6;
  for (uint32_t i = 0; i < 2000; ++i) {
    // Words of all ones and zeros, and carries across every word.
    a[15] = static_cast<uint8_t>(i);
    a[14] = static_cast<uint8_t>(i * 37);
    a[8] = static_cast<uint8_t>(i % 3 == 0 ? 0xff : i);
    a[9] = a[8];
    const Bytes f = write(probe, a, static_cast<uint16_t>(i * 33));
    ASSERT_TRUE(frame6_checksum_ok(f.data(), f.size())) << i;
    ASSERT_EQ(0, std::memcmp(f.data() + 38, a.data(), 16));
  }
}

TEST(TcpProbe6, SourcePortsCycleThroughTheRange) {
  TcpProbe6 probe(config6(), wire::kTcpSyn);
  for (uint16_t want : {40000, 40001, 40002, 40003, 40000}) {
    EXPECT_EQ(get16(write(probe, kTarget6, 80).data() + 54), want);
  }
}

class TcpClassifier6Test : public ::testing::Test {
 protected:
  explicit TcpClassifier6Test(TcpRules rules = {}) : rules_(rules), probe_(config6(), rules.flags),
        classifier_(probe_.cookie(), kUs6.data(), probe_.config().src_ports, rules, probe_.flags()) {}

  Bytes send(uint16_t port, const Addr6& to = kTarget6) { return write(probe_, to, port); }

  // The target's TCP answer to `sent`.
  DecodedPacket answer(const Bytes& sent, uint8_t flags, uint32_t ack_delta = 1, const Addr6& from = kTarget6) {
    DecodedPacket d = reply6(from, kUs6, 6, 51);
    d.src_port = get16(sent.data() + 56);
    d.dst_port = get16(sent.data() + 54);
    d.seq = 0x5555;
    d.ack = get32(sent.data() + 58) + ack_delta;
    d.tcp_flags = flags;
    d.window = 0;
    return d;
  }

  ReplyVerdict classify(const DecodedPacket& d) {
    result_ = PortResult{};
    send_rst_ = false;
    return classifier_.classify(d, kNow, result_, send_rst_);
  }

  TcpRules rules_;
  TcpProbe6 probe_;
  TcpClassifier6 classifier_;
  PortResult result_;
  bool send_rst_ = false;
};

TEST_F(TcpClassifier6Test, SynAckIsOpenAndAnsweredWithARst) {
  const Bytes syn = send(443);
  ASSERT_EQ(classify(answer(syn, wire::kTcpSyn | wire::kTcpAck)), ReplyVerdict::Result);
  EXPECT_EQ(result_.state, PortState::Open);
  EXPECT_EQ(result_.reason, Reason::SynAck);
  EXPECT_EQ(result_.port, 443);
  EXPECT_EQ(result_.proto, Proto::Tcp);
  EXPECT_EQ(result_.ttl, 51);
  EXPECT_EQ(result_.time_us, kNow);
  EXPECT_TRUE(result_address_is(result_, kTarget6));
  EXPECT_TRUE(send_rst_);
}

TEST_F(TcpClassifier6Test, RstIsClosed) {
  const Bytes syn = send(25);
  ASSERT_EQ(classify(answer(syn, wire::kTcpRst | wire::kTcpAck)), ReplyVerdict::Result);
  EXPECT_EQ(result_.state, PortState::Closed);
  EXPECT_EQ(result_.reason, Reason::Reset);
  EXPECT_EQ(result_.port, 25);
  EXPECT_FALSE(send_rst_);
}

TEST_F(TcpClassifier6Test, ForgedAnswersAreRejectedOrIgnored) {
  const Bytes syn = send(443);
  // Wrong cookie: the ack does not acknowledge our seq.
  EXPECT_EQ(classify(answer(syn, wire::kTcpSyn | wire::kTcpAck, 7)), ReplyVerdict::Rejected);
  // From another address than the probed one: its cookie differs.
  EXPECT_EQ(classify(answer(syn, wire::kTcpSyn | wire::kTcpAck, 1, kOther6)), ReplyVerdict::Rejected);
  // From another port than the probed one.
  DecodedPacket wrong_port = answer(syn, wire::kTcpSyn | wire::kTcpAck);
  wrong_port.src_port = 444;
  EXPECT_EQ(classify(wrong_port), ReplyVerdict::Rejected);
  // To a port outside our source range.
  DecodedPacket not_ours = answer(syn, wire::kTcpSyn | wire::kTcpAck);
  not_ours.dst_port = 39999;
  EXPECT_EQ(classify(not_ours), ReplyVerdict::Ignored);
  // To another address.
  DecodedPacket elsewhere = answer(syn, wire::kTcpSyn | wire::kTcpAck);
  elsewhere.dst_ip6 = kOther6.data();
  EXPECT_EQ(classify(elsewhere), ReplyVerdict::Ignored);
  // A bare ACK is no answer to a SYN.
  EXPECT_EQ(classify(answer(syn, wire::kTcpAck)), ReplyVerdict::Ignored);
  // An IPv4 reply is not an IPv6 prober's.
  DecodedPacket v4;
  v4.ip_version = 4;
  v4.ip_proto = 6;
  v4.tcp_flags = wire::kTcpSyn | wire::kTcpAck;
  v4.dst_port = 40000;
  EXPECT_EQ(classify(v4), ReplyVerdict::Ignored);
}

TEST_F(TcpClassifier6Test, IcmpV6UnreachablesAreFilteredWithNmapsReasons) {
  const Bytes syn = send(8080);
  const struct { uint8_t code; Reason reason; } cases[] = {
      {0, Reason::NoRoute},    {1, Reason::AdminProhibited}, {2, Reason::BeyondScope}, {3, Reason::HostUnreach},
      {4, Reason::PortUnreach}, {5, Reason::AdminProhibited}, {6, Reason::RejectRoute},
  };
  for (const auto& c : cases) {
    for (const Addr6* from : {&kRouter6, &kTarget6}) {
      ASSERT_EQ(classify(icmp6_error(*from, 1, c.code, syn.data(), syn.size())), ReplyVerdict::Result) << int(c.code);
      EXPECT_EQ(result_.state, PortState::Filtered) << int(c.code);
      EXPECT_EQ(result_.reason, c.reason) << int(c.code);
      EXPECT_EQ(result_.port, 8080);
      EXPECT_EQ(result_.ttl, 250);
      EXPECT_TRUE(result_address_is(result_, kTarget6));
      EXPECT_FALSE(send_rst_);
    }
  }
  EXPECT_EQ(classify(icmp6_error(kRouter6, 1, 7, syn.data(), syn.size())), ReplyVerdict::Ignored);
}

TEST_F(TcpClassifier6Test, ParameterProblemsAndOtherErrors) {
  const Bytes syn = send(80);
  ASSERT_EQ(classify(icmp6_error(kTarget6, 4, 0, syn.data(), syn.size())), ReplyVerdict::Result);
  EXPECT_EQ(result_.state, PortState::Open);  // nmap: the header was understood
  EXPECT_EQ(result_.reason, Reason::ParamProblem);
  ASSERT_EQ(classify(icmp6_error(kTarget6, 4, 1, syn.data(), syn.size())), ReplyVerdict::Result);
  EXPECT_EQ(result_.state, PortState::Filtered);
  EXPECT_EQ(result_.reason, Reason::ParamProblem);
  EXPECT_EQ(classify(icmp6_error(kTarget6, 4, 2, syn.data(), syn.size())), ReplyVerdict::Ignored);
  EXPECT_EQ(classify(icmp6_error(kRouter6, 3, 0, syn.data(), syn.size())), ReplyVerdict::Ignored);  // time exceeded
  EXPECT_EQ(classify(icmp6_error(kRouter6, 2, 0, syn.data(), syn.size())), ReplyVerdict::Ignored);  // packet too big
}

TEST_F(TcpClassifier6Test, IcmpV6ErrorsMustQuoteOurProbe) {
  Bytes syn = send(80);
  // A quote whose seq is not the cookie.
  Bytes forged = syn;
  forged[58] ^= 0x01;
  EXPECT_EQ(classify(icmp6_error(kRouter6, 1, 1, forged.data(), forged.size())), ReplyVerdict::Rejected);
  // A quote of a probe to another address with this one's seq.
  std::memcpy(forged.data() + 38, kOther6.data(), 16);
  forged[58] ^= 0x01;
  EXPECT_EQ(classify(icmp6_error(kRouter6, 1, 1, forged.data(), forged.size())), ReplyVerdict::Rejected);
  // A quote of someone else's datagram.
  Bytes theirs = syn;
  std::memcpy(theirs.data() + 22, kOther6.data(), 16);
  EXPECT_EQ(classify(icmp6_error(kRouter6, 1, 1, theirs.data(), theirs.size())), ReplyVerdict::Ignored);
  // A quote too short to hold the seq.
  DecodedPacket short_quote = icmp6_error(kRouter6, 1, 1, syn.data(), syn.size());
  short_quote.quote.l4_len = 4;
  EXPECT_EQ(classify(short_quote), ReplyVerdict::Ignored);
  // The quote of a UDP datagram.
  DecodedPacket udp = icmp6_error(kRouter6, 1, 1, syn.data(), syn.size());
  udp.quote.proto = 17;
  EXPECT_EQ(classify(udp), ReplyVerdict::Ignored);
}

TEST(TcpClassifier6Rules, AckScanRstIsUnfilteredAndWindowScanReadsTheWindow) {
  const TcpRules ack{.flags = wire::kTcpAck, .syn_ack_is_open = false, .on_rst = PortState::Unfiltered,
                     .rst_window_decides = false, .no_response = PortState::Filtered};
  const TcpRules window{.flags = wire::kTcpAck, .syn_ack_is_open = false, .on_rst = PortState::Closed,
                        .rst_window_decides = true, .no_response = PortState::Filtered};
  for (const TcpRules* rules : {&ack, &window}) {
    TcpProbe6 probe(config6(), rules->flags);
    const TcpClassifier6 c(probe.cookie(), kUs6.data(), probe.config().src_ports, *rules, probe.flags());
    const Bytes f = write(probe, kTarget6, 22);
    DecodedPacket rst = reply6(kTarget6, kUs6, 6);
    rst.src_port = 22;
    rst.dst_port = get16(f.data() + 54);
    rst.seq = get32(f.data() + 62);  // a RST to an ACK takes its seq from our ack
    rst.tcp_flags = wire::kTcpRst;
    rst.window = 512;
    PortResult r;
    bool answer = true;
    ASSERT_EQ(c.classify(rst, kNow, r, answer), ReplyVerdict::Result);
    EXPECT_FALSE(answer);
    EXPECT_EQ(r.state, rules == &ack ? PortState::Unfiltered : PortState::Open);
    rst.window = 0;
    ASSERT_EQ(c.classify(rst, kNow, r, answer), ReplyVerdict::Result);
    EXPECT_EQ(r.state, rules == &ack ? PortState::Unfiltered : PortState::Closed);
    rst.seq ^= 0x80;
    EXPECT_EQ(c.classify(rst, kNow, r, answer), ReplyVerdict::Rejected);
  }
}

TEST(TcpProbe6Rst, AnswersASynAckFromItsTemplate) {
  TcpProbe6 probe(config6(), wire::kTcpSyn);
  DecodedPacket synack = reply6(kTarget6, kUs6, 6);
  synack.src_port = 443;
  synack.dst_port = 40002;
  synack.seq = 0x01020304;
  synack.ack = 0xfffffffe;
  synack.tcp_flags = wire::kTcpSyn | wire::kTcpAck;
  Bytes f(TcpProbe6::kRstFrameSize + 4, 0xee);
  ASSERT_EQ(probe.write_answer(synack, f.data()), TcpProbe6::kRstFrameSize);
  EXPECT_EQ(f[TcpProbe6::kRstFrameSize], 0xee);
  f.resize(TcpProbe6::kRstFrameSize);
  EXPECT_EQ(get16(f.data() + 12), 0x86dd);
  const uint8_t* ip = f.data() + 14;
  EXPECT_EQ(ip[0], 0x60);
  EXPECT_EQ(get16(ip + 4), 20);
  EXPECT_EQ(ip[6], 6);
  EXPECT_EQ(ip[7], 57);
  EXPECT_EQ(0, std::memcmp(ip + 8, kUs6.data(), 16));
  EXPECT_EQ(0, std::memcmp(ip + 24, kTarget6.data(), 16));
  const uint8_t* tcp = ip + 40;
  EXPECT_EQ(get16(tcp), 40002);
  EXPECT_EQ(get16(tcp + 2), 443);
  EXPECT_EQ(get32(tcp + 4), 0xfffffffeu);
  EXPECT_EQ(get32(tcp + 8), 0u);
  EXPECT_EQ(tcp[12], 5 << 4);
  EXPECT_EQ(tcp[13], wire::kTcpRst);
  EXPECT_EQ(get16(tcp + 14), 0);
  EXPECT_TRUE(frame6_checksum_ok(f.data(), f.size()));
}

}  // namespace
}  // namespace portsweep
