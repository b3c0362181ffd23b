#include "packet/packet_decoder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "test_frames.hpp"

namespace portsweep {
namespace {

using testing::Bytes;

// 192.168.1.5:80 -> 10.0.0.1:40000, SYN-ACK with MSS, SACK-permitted,
// timestamps, NOP and window scale (40-byte TCP header), DF set, TTL 64.
const Bytes kSynAck = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00,  // Ethernet
    0x45, 0x00, 0x00, 0x3c, 0xab, 0xcd, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,              // IPv4
    0xc0, 0xa8, 0x01, 0x05, 0x0a, 0x00, 0x00, 0x01,                                      //
    0x00, 0x50, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,              // TCP
    0xa0, 0x12, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,                                      //
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x01, 0x02, 0x03,              // options
    0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,                                      //
};

// 192.168.1.5:81 -> 10.0.0.1:40000 RST-ACK, padded to Ethernet's 60 bytes.
const Bytes kRstPadded = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00,  //
    0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x3f, 0x06, 0x00, 0x00,              //
    0xc0, 0xa8, 0x01, 0x05, 0x0a, 0x00, 0x00, 0x01,                                      //
    0x00, 0x51, 0x9c, 0x40, 0x00, 0x00, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xf0,              //
    0x50, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                      //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                                  // padding
};

// Router 172.16.0.1 -> 10.0.0.1: ICMP port unreachable quoting our SYN
// 10.0.0.1:40000 -> 192.168.1.5:53 with seq 0xcafef00d (IP header + 8 bytes).
const Bytes kIcmpPortUnreach = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00,  //
    0x45, 0xc0, 0x00, 0x38, 0x00, 0x01, 0x00, 0x00, 0xfe, 0x01, 0x00, 0x00,              // 56 bytes
    0xac, 0x10, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01,                                      //
    0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                      // type 3 code 3
    0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x00, 0x00, 0x31, 0x06, 0x00, 0x00,              // quoted IP
    0x0a, 0x00, 0x00, 0x01, 0xc0, 0xa8, 0x01, 0x05,                                      //
    0x9c, 0x40, 0x00, 0x35, 0xca, 0xfe, 0xf0, 0x0d,                                      // quoted TCP
};

// kSynAck behind an 802.1Q tag, VLAN 100.
Bytes vlan_tagged(const Bytes& f, uint16_t vid) {
  Bytes out;
  testing::append(out, f.data(), 12);
  const uint8_t tag[4] = {0x81, 0x00, static_cast<uint8_t>(vid >> 8), static_cast<uint8_t>(vid)};
  testing::append(out, tag, 4);
  testing::append(out, f.data() + 12, f.size() - 12);
  return out;
}

// Decoding from an exactly-sized heap copy, so a sanitizer build flags any
// read past the captured length.
bool decode(const Bytes& f, size_t len, DecodedPacket& d) {
  std::vector<uint8_t> copy(f.begin(), f.begin() + static_cast<ptrdiff_t>(len));
  const bool ok = decode_ethernet(copy.data(), copy.size(), d);
  // Pointers into the copy would dangle; the tests below only use scalars
  // when going through this helper.
  d.payload = nullptr;
  d.src_mac = nullptr;
  return ok;
}

TEST(PacketDecoder, SynAckWithOptions) {
  DecodedPacket d;
  ASSERT_TRUE(decode_ethernet(kSynAck.data(), kSynAck.size(), d));
  EXPECT_EQ(d.src_mac, kSynAck.data() + 6);
  EXPECT_EQ(d.vlan_id, 0);
  EXPECT_EQ(d.src_ip, 0xc0a80105u);
  EXPECT_EQ(d.dst_ip, 0x0a000001u);
  EXPECT_EQ(d.ip_id, 0xabcd);
  EXPECT_EQ(d.ttl, 64);
  EXPECT_EQ(d.ip_proto, 6);
  EXPECT_EQ(d.src_port, 80);
  EXPECT_EQ(d.dst_port, 40000);
  EXPECT_EQ(d.seq, 0x11223344u);
  EXPECT_EQ(d.ack, 0x55667788u);
  EXPECT_EQ(d.tcp_flags, 0x12);
  EXPECT_EQ(d.tcp_header_len, 40);
  EXPECT_EQ(d.window, 0xfaf0);
  EXPECT_EQ(d.payload_len, 0);
  EXPECT_FALSE(d.has_quote);
}

TEST(PacketDecoder, RstIgnoresEthernetPadding) {
  DecodedPacket d;
  ASSERT_TRUE(decode_ethernet(kRstPadded.data(), kRstPadded.size(), d));
  EXPECT_EQ(d.tcp_flags, 0x14);
  EXPECT_EQ(d.src_port, 81);
  EXPECT_EQ(d.ack, 0xdeadbef0u);
  EXPECT_EQ(d.ttl, 63);
  EXPECT_EQ(d.payload_len, 0);  // the 6 padding bytes are not TCP data
}

TEST(PacketDecoder, IcmpPortUnreachableQuotingOurSyn) {
  DecodedPacket d;
  ASSERT_TRUE(decode_ethernet(kIcmpPortUnreach.data(), kIcmpPortUnreach.size(), d));
  EXPECT_EQ(d.ip_proto, 1);
  EXPECT_EQ(d.src_ip, 0xac100001u);
  EXPECT_EQ(d.ttl, 254);
  EXPECT_EQ(d.icmp_type, 3);
  EXPECT_EQ(d.icmp_code, 3);
  ASSERT_TRUE(d.has_quote);
  EXPECT_EQ(d.quote.proto, 6);
  EXPECT_EQ(d.quote.src_ip, 0x0a000001u);
  EXPECT_EQ(d.quote.dst_ip, 0xc0a80105u);
  EXPECT_EQ(d.quote.src_port, 40000);
  EXPECT_EQ(d.quote.dst_port, 53);
  EXPECT_EQ(d.quote.seq, 0xcafef00du);
}

TEST(PacketDecoder, QuoteWithIpOptions) {
  // The quoted header carries 4 bytes of options (IHL 6): ports sit after them.
  Bytes quote = {0x46, 0, 0, 48, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 1, 2, 3, 4, 0x01, 0x01, 0x01, 0x00};
  const uint8_t l4[8] = {0x9c, 0x41, 0x01, 0xbb, 1, 2, 3, 4};
  testing::append(quote, l4, 8);
  const Bytes f = testing::concat(testing::ethernet(),
                                  testing::ipv4(0x01020304, 0x0a000001, 1, testing::icmp_error(3, 13, quote)));
  DecodedPacket d;
  ASSERT_TRUE(decode_ethernet(f.data(), f.size(), d));
  EXPECT_EQ(d.quote.src_port, 40001);
  EXPECT_EQ(d.quote.dst_port, 443);
  EXPECT_EQ(d.quote.seq, 0x01020304u);
}

TEST(PacketDecoder, VlanTaggedFrames) {
  DecodedPacket d;
  const Bytes one = vlan_tagged(kSynAck, 100);
  ASSERT_TRUE(decode_ethernet(one.data(), one.size(), d));
  EXPECT_EQ(d.vlan_id, 100);
  EXPECT_EQ(d.src_port, 80);
  EXPECT_EQ(d.ack, 0x55667788u);
  // QinQ: 802.1ad outer tag, 802.1Q inner tag; the inner VID is reported.
  Bytes two = vlan_tagged(one, 7);
  two[12] = 0x88;
  two[13] = 0xa8;
  ASSERT_TRUE(decode_ethernet(two.data(), two.size(), d));
  EXPECT_EQ(d.vlan_id, 100);
  EXPECT_EQ(d.seq, 0x11223344u);
  // Three tags is more than a reply to a scan ever carries.
  const Bytes three = vlan_tagged(two, 9);
  EXPECT_FALSE(decode_ethernet(three.data(), three.size(), d));
}

TEST(PacketDecoder, UdpAndRawIp) {
  const Bytes udp = {0x00, 0x35, 0x9c, 0x40, 0x00, 0x0c, 0x00, 0x00, 'a', 'b', 'c', 'd'};
  const Bytes dgram = testing::ipv4(0x08080808, 0x0a000001, 17, udp);
  DecodedPacket d;
  ASSERT_TRUE(decode_ethernet(vlan_tagged(kSynAck, 3).data(), kSynAck.size() + 4, d));  // reused below
  ASSERT_TRUE(decode_ipv4(dgram.data(), dgram.size(), d));
  EXPECT_EQ(d.src_mac, nullptr);
  EXPECT_EQ(d.vlan_id, 0);
  EXPECT_EQ(d.src_port, 53);
  EXPECT_EQ(d.dst_port, 40000);
  EXPECT_EQ(d.payload_len, 4);
  EXPECT_EQ(d.payload[0], 'a');
  Bytes bad_len = dgram;
  bad_len[20 + 5] = 0x0d;  // UDP length 13 > 12 available
  EXPECT_FALSE(decode_ipv4(bad_len.data(), bad_len.size(), d));
}

TEST(PacketDecoder, EchoReplyHasNoQuote) {
  const Bytes echo = {0, 0, 0, 0, 0x12, 0x34, 0x00, 0x07, 'x'};
  const Bytes dgram = testing::ipv4(0x08080808, 0x0a000001, 1, echo);
  DecodedPacket d;
  ASSERT_TRUE(decode_ipv4(dgram.data(), dgram.size(), d));
  EXPECT_FALSE(d.has_quote);
  EXPECT_EQ(d.icmp_id, 0x1234);
  EXPECT_EQ(d.icmp_seq, 7);
  EXPECT_EQ(d.payload_len, 1);
}

// A frame cut short by the capture decodes exactly when every header a
// classifier reads is there (IP, TCP with its options, or ICMP and the
// quoted IP header), and says it was truncated; shorter cuts fail cleanly.
TEST(PacketDecoder, TruncatedCapturesDecodeFromTheirHeaders) {
  for (const Bytes& f : {kSynAck, kRstPadded, kIcmpPortUnreach, vlan_tagged(kSynAck, 5)}) {
    const bool tagged = f[12] == 0x81;
    const size_t ip_off = tagged ? 18 : 14;
    const size_t ihl = size_t{f[ip_off] & 0x0fu} * 4;
    const size_t datagram_end = ip_off + testing::get16(f.data() + ip_off + 2);
    const uint8_t proto = f[ip_off + 9];
    const size_t headers_end = proto == 6 ? ip_off + ihl + (f[ip_off + ihl + 12] >> 4) * 4u
                                          : ip_off + ihl + 8 + 20;  // ICMP header + quoted IP header
    for (size_t len = 0; len <= f.size(); ++len) {
      DecodedPacket d;
      const bool ok = decode(f, len, d);
      EXPECT_EQ(ok, len >= headers_end) << "length " << len;
      if (ok) {
        EXPECT_EQ(d.truncated, len < datagram_end) << "length " << len;
      }
    }
  }
}

TEST(PacketDecoder, MalformedHeadersRejected) {
  DecodedPacket d;
  const auto rejects = [&](Bytes f) { return !decode_ethernet(f.data(), f.size(), d); };
  const auto with = [](Bytes f, size_t at, uint8_t v) {
    f[at] = v;
    return f;
  };
  EXPECT_TRUE(rejects(with(kSynAck, 14, 0x44)));  // IHL 4 < 5
  EXPECT_TRUE(rejects(with(kSynAck, 14, 0x40)));  // IHL 0
  EXPECT_TRUE(rejects(with(kSynAck, 14, 0x65)));  // IPv6 version nibble
  EXPECT_TRUE(rejects(with(kSynAck, 14, 0x4f)));  // IHL 15 = 60 bytes > total length
  EXPECT_FALSE(rejects(with(kSynAck, 17, 0x3d)));  // total length 61 > captured 60: truncated, still read
  EXPECT_TRUE(rejects(with(kSynAck, 17, 0x13)));  // total length 19 < header
  EXPECT_TRUE(rejects(with(kSynAck, 20, 0x20)));  // more-fragments
  EXPECT_TRUE(rejects(with(kSynAck, 21, 0x01)));  // fragment offset 8
  EXPECT_TRUE(rejects(with(kSynAck, 46, 0x40)));  // TCP data offset 4 < 5
  EXPECT_TRUE(rejects(with(kSynAck, 46, 0xb0)));  // data offset 44 > 40 bytes present
  EXPECT_FALSE(rejects(with(kSynAck, 23, 0x2f)));  // GRE: only its IP fields are read (-sO)
  EXPECT_TRUE(rejects(with(kSynAck, 13, 0x06)));  // ARP ethertype
  EXPECT_TRUE(rejects(with(kIcmpPortUnreach, 42, 0x44)));  // quoted IHL 4
  EXPECT_TRUE(rejects(with(kIcmpPortUnreach, 42, 0x48)));  // quoted IHL 8: 32 bytes, 28 present
  EXPECT_TRUE(rejects(with(kIcmpPortUnreach, 49, 0x05)));  // quoted datagram is a later fragment
  EXPECT_FALSE(rejects(with(kIcmpPortUnreach, 34, 0x08)));  // type 8 (echo): not an error, no quote needed
}

TEST(PacketDecoder, IcmpErrorWithTruncatedQuote) {
  // A quote shorter than an IP header is unreadable; past it, the quote says
  // how many L4 bytes it kept (a bare-IP probe of -sO has none), and fields
  // it did not keep read as zero.
  Bytes quote(kIcmpPortUnreach.begin() + 42, kIcmpPortUnreach.end());
  for (size_t keep = 0; keep <= quote.size(); ++keep) {
    const Bytes q(quote.begin(), quote.begin() + static_cast<ptrdiff_t>(keep));
    const Bytes f = testing::concat(testing::ethernet(),
                                    testing::ipv4(0xac100001, 0x0a000001, 1, testing::icmp_error(3, 1, q)));
    DecodedPacket d;
    const bool ok = decode(f, f.size(), d);
    EXPECT_EQ(ok, keep >= 20) << keep;
    if (!ok) continue;
    EXPECT_EQ(d.quote.l4_len, std::min<size_t>(keep - 20, 8)) << keep;
    if (keep < 24) {
      EXPECT_EQ(d.quote.src_port, 0) << keep;
    } else {
      EXPECT_NE(d.quote.src_port, 0) << keep;
    }
  }
}

TEST(PacketDecoder, RandomCorruptionNeverCrashes) {
  std::mt19937 rng(1);
  const std::vector<Bytes> seeds = {kSynAck, kRstPadded, kIcmpPortUnreach, vlan_tagged(kIcmpPortUnreach, 3)};
  size_t decoded = 0;
  for (int i = 0; i < 200000; ++i) {
    Bytes f = seeds[static_cast<size_t>(i) % seeds.size()];
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) f[rng() % f.size()] = static_cast<uint8_t>(rng());
    DecodedPacket d;
    const size_t len = rng() % (f.size() + 1);
    decoded += decode(f, len, d);
  }
  EXPECT_GT(decoded, 0u);  // some survive (e.g. flips in addresses), most do not
}

}  // namespace
}  // namespace portsweep
