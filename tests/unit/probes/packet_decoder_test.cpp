#include "packet/packet_decoder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "test_frames.hpp"

namespace portsweep {
namespace {

using testing::Bytes;
using testing::refill_checksums;

// The frames below are written with zero checksums; refill_checksums (the
// test side's own RFC 1071) fills them in, as their senders would have.

// 192.168.1.5:80 -> 10.0.0.1:40000, SYN-ACK with MSS, SACK-permitted,
// timestamps, NOP and window scale (40-byte TCP header), DF set, TTL 64.
const Bytes kSynAck = refill_checksums({
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00,  // Ethernet
    0x45, 0x00, 0x00, 0x3c, 0xab, 0xcd, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,              // IPv4
    0xc0, 0xa8, 0x01, 0x05, 0x0a, 0x00, 0x00, 0x01,                                      //
    0x00, 0x50, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,              // TCP
    0xa0, 0x12, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,                                      //
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x01, 0x02, 0x03,              // options
    0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,                                      //
});

// 192.168.1.5:81 -> 10.0.0.1:40000 RST-ACK, padded to Ethernet's 60 bytes.
const Bytes kRstPadded = refill_checksums({
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00,  //
    0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x3f, 0x06, 0x00, 0x00,              //
    0xc0, 0xa8, 0x01, 0x05, 0x0a, 0x00, 0x00, 0x01,                                      //
    0x00, 0x51, 0x9c, 0x40, 0x00, 0x00, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xf0,              //
    0x50, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                      //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                                  // padding
});

// Router 172.16.0.1 -> 10.0.0.1: ICMP port unreachable quoting our SYN
// 10.0.0.1:40000 -> 192.168.1.5:53 with seq 0xcafef00d (IP header + 8 bytes).
const Bytes kIcmpPortUnreach = refill_checksums({
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00,  //
    0x45, 0xc0, 0x00, 0x38, 0x00, 0x01, 0x00, 0x00, 0xfe, 0x01, 0x00, 0x00,              // 56 bytes
    0xac, 0x10, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01,                                      //
    0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                                      // type 3 code 3
    0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x00, 0x00, 0x31, 0x06, 0x00, 0x00,              // quoted IP
    0x0a, 0x00, 0x00, 0x01, 0xc0, 0xa8, 0x01, 0x05,                                      //
    0x9c, 0x40, 0x00, 0x35, 0xca, 0xfe, 0xf0, 0x0d,                                      // quoted TCP
});

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
  const bool ok = decode_ethernet(copy.data(), copy.size(), d) == DecodeStatus::Ok;
  // Pointers into the copy would dangle; the tests below only use scalars
  // when going through this helper.
  d.payload = nullptr;
  d.src_mac = nullptr;
  return ok;
}

TEST(PacketDecoder, SynAckWithOptions) {
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(kSynAck.data(), kSynAck.size(), d), DecodeStatus::Ok);
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
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
}

TEST(PacketDecoder, RstIgnoresEthernetPadding) {
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(kRstPadded.data(), kRstPadded.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.tcp_flags, 0x14);
  EXPECT_EQ(d.src_port, 81);
  EXPECT_EQ(d.ack, 0xdeadbef0u);
  EXPECT_EQ(d.ttl, 63);
  EXPECT_EQ(d.payload_len, 0);  // the 6 padding bytes are not TCP data
}

TEST(PacketDecoder, IcmpPortUnreachableQuotingOurSyn) {
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(kIcmpPortUnreach.data(), kIcmpPortUnreach.size(), d), DecodeStatus::Ok);
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
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.quote.src_port, 40001);
  EXPECT_EQ(d.quote.dst_port, 443);
  EXPECT_EQ(d.quote.seq, 0x01020304u);
}

TEST(PacketDecoder, VlanTaggedFrames) {
  DecodedPacket d;
  const Bytes one = vlan_tagged(kSynAck, 100);
  ASSERT_EQ(decode_ethernet(one.data(), one.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.vlan_id, 100);
  EXPECT_EQ(d.src_port, 80);
  EXPECT_EQ(d.ack, 0x55667788u);
  // QinQ: 802.1ad outer tag, 802.1Q inner tag; the inner VID is reported.
  Bytes two = vlan_tagged(one, 7);
  two[12] = 0x88;
  two[13] = 0xa8;
  ASSERT_EQ(decode_ethernet(two.data(), two.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.vlan_id, 100);
  EXPECT_EQ(d.seq, 0x11223344u);
  // Three tags is more than a reply to a scan ever carries.
  const Bytes three = vlan_tagged(two, 9);
  EXPECT_EQ(decode_ethernet(three.data(), three.size(), d), DecodeStatus::Malformed);
}

TEST(PacketDecoder, UdpAndRawIp) {
  const Bytes udp = {0x00, 0x35, 0x9c, 0x40, 0x00, 0x0c, 0x00, 0x00, 'a', 'b', 'c', 'd'};
  const Bytes dgram = testing::ipv4(0x08080808, 0x0a000001, 17, udp);
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(vlan_tagged(kSynAck, 3).data(), kSynAck.size() + 4, d), DecodeStatus::Ok);  // reused below
  ASSERT_EQ(decode_ipv4(dgram.data(), dgram.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.src_mac, nullptr);
  EXPECT_EQ(d.vlan_id, 0);
  EXPECT_EQ(d.src_port, 53);
  EXPECT_EQ(d.dst_port, 40000);
  EXPECT_EQ(d.payload_len, 4);
  EXPECT_EQ(d.payload[0], 'a');
  Bytes bad_len = dgram;
  bad_len[20 + 5] = 0x0d;  // UDP length 13 > 12 available
  EXPECT_EQ(decode_ipv4(bad_len.data(), bad_len.size(), d), DecodeStatus::Malformed);
}

TEST(PacketDecoder, EchoReplyHasNoQuote) {
  const Bytes echo = {0, 0, 0, 0, 0x12, 0x34, 0x00, 0x07, 'x'};
  const Bytes dgram = testing::ipv4(0x08080808, 0x0a000001, 1, echo);
  DecodedPacket d;
  ASSERT_EQ(decode_ipv4(dgram.data(), dgram.size(), d), DecodeStatus::Ok);
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
        EXPECT_EQ(d.l4_checksum, len < datagram_end ? L4Checksum::CutShort : L4Checksum::Verified) << "length " << len;
      }
    }
  }
}

TEST(PacketDecoder, MalformedHeadersRejected) {
  DecodedPacket d;
  // Checksums are refilled after each change: these frames are well summed,
  // and broken in structure only.
  const auto rejects = [&](Bytes f) {
    const DecodeStatus st = decode_ethernet(f.data(), f.size(), d);
    EXPECT_NE(st, DecodeStatus::BadChecksum);
    return st == DecodeStatus::Malformed;
  };
  const auto with = [](Bytes f, size_t at, uint8_t v) {
    f[at] = v;
    return refill_checksums(f);
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
  EXPECT_GT(decoded, 0u);  // some survive (flips in the MAC addresses, in padding), most do not
}

// --- Checksums --------------------------------------------------------------

DecodeStatus status_of(const Bytes& f, DecodeOptions options = {}) {
  DecodedPacket d;
  return decode_ethernet(f.data(), f.size(), d, options);
}

Bytes flip(Bytes f, size_t at, uint8_t mask) {
  f[at] ^= mask;
  return f;
}

TEST(PacketDecoderChecksums, RightChecksumsVerify) {
  const Bytes udp = testing::concat(testing::ethernet(),
                                    testing::ipv4(0x08080808, 0x0a000001, 17, {0, 53, 0x9c, 0x40, 0, 11, 0, 0, 'a', 'b', 'c'}));
  for (const Bytes& f : {kSynAck, kRstPadded, kIcmpPortUnreach, vlan_tagged(kSynAck, 9), udp}) {
    DecodedPacket d;
    ASSERT_EQ(decode_ethernet(f.data(), f.size(), d, {.wire_len = f.size()}), DecodeStatus::Ok);
    EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  }
}

// The replies a scan must not believe: each would pass the cookie check.
TEST(PacketDecoderChecksums, WrongChecksumsRejected) {
  EXPECT_EQ(status_of(flip(kSynAck, 14 + 10, 0x01)), DecodeStatus::BadChecksum);  // IP checksum field
  EXPECT_EQ(status_of(flip(kSynAck, 14 + 8, 0x10)), DecodeStatus::BadChecksum);   // TTL, under the IP checksum
  EXPECT_EQ(status_of(flip(kSynAck, 14 + 16, 0x01)), DecodeStatus::BadChecksum);  // our address: IP and TCP sums
  EXPECT_EQ(status_of(flip(kSynAck, 34 + 16, 0x80)), DecodeStatus::BadChecksum);  // TCP checksum field
  // A RST whose flags turned into SYN-ACK's on the way: same cookie, wrong state.
  Bytes rst_to_synack = kRstPadded;
  rst_to_synack[34 + 13] = 0x12;
  EXPECT_EQ(status_of(rst_to_synack), DecodeStatus::BadChecksum);
  EXPECT_EQ(status_of(flip(kSynAck, 34 + 25, 0x04)), DecodeStatus::BadChecksum);  // a TCP option byte
  EXPECT_EQ(status_of(flip(kIcmpPortUnreach, 34 + 1, 0x02)), DecodeStatus::BadChecksum);  // code 3 -> 1
  EXPECT_EQ(status_of(flip(kIcmpPortUnreach, 34 + 8 + 20 + 3, 0x01)), DecodeStatus::BadChecksum);  // quoted port
  const Bytes udp = testing::concat(testing::ethernet(),
                                    testing::ipv4(0x08080808, 0x0a000001, 17, {0, 53, 0x9c, 0x40, 0, 9, 0, 0, 'x'}));
  EXPECT_EQ(status_of(udp), DecodeStatus::Ok);
  EXPECT_EQ(status_of(flip(udp, 34 + 8, 0x20)), DecodeStatus::BadChecksum);  // the odd last byte
  EXPECT_EQ(status_of(flip(udp, 34 + 1, 0x01)), DecodeStatus::BadChecksum);  // source port 53 -> 52
  // The padding after the datagram is not summed: damage there is harmless.
  EXPECT_EQ(status_of(flip(kRstPadded, 58, 0xff)), DecodeStatus::Ok);
  // With verification off (bytes known to be right), the damage goes unseen.
  EXPECT_EQ(status_of(rst_to_synack, {.wire_len = 0, .verify_checksums = false}), DecodeStatus::Ok);
}

TEST(PacketDecoderChecksums, EverySingleBitFlipIsCaught) {
  // One's complement sums catch every single-bit error; the decoder must
  // never pass one, whichever header or byte it lands in (structure checks
  // may see it first: Malformed is fine, Ok is not).
  const Bytes udp = testing::concat(testing::ethernet(),
                                    testing::ipv4(0x08080808, 0x0a000001, 17, {0, 53, 0x9c, 0x40, 0, 13, 0, 0, 1, 2, 3, 4, 5}));
  for (const Bytes& f : {kSynAck, kRstPadded, kIcmpPortUnreach, udp}) {
    const size_t end = 14 + testing::get16(f.data() + 16);
    for (size_t at = 14; at < end; ++at) {
      for (int bit = 0; bit < 8; ++bit) {
        EXPECT_NE(status_of(flip(f, at, static_cast<uint8_t>(1u << bit))), DecodeStatus::Ok)
            << "byte " << at << " bit " << bit << " of a " << f.size() << "-byte frame";
      }
    }
  }
}

TEST(PacketDecoderChecksums, RandomSegmentsAgreeWithTheTextbookSum) {
  // Odd and even lengths, every alignment of the tail: the decoder's
  // host-order sum agrees with the test side's big-endian RFC 1071.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const uint8_t proto = (i % 3 == 0) ? 6 : (i % 3 == 1) ? 17 : 1;
    Bytes seg(proto == 6 ? 20 : 8);
    for (auto& b : seg) b = static_cast<uint8_t>(rng());
    if (proto == 6) seg[12] = 0x50;
    if (proto == 1) seg[0] = 0;  // echo reply: no quote to parse
    const size_t extra = rng() % 64;
    for (size_t k = 0; k < extra; ++k) seg.push_back(static_cast<uint8_t>(rng()));
    if (proto == 17) {
      seg[4] = static_cast<uint8_t>(seg.size() >> 8);
      seg[5] = static_cast<uint8_t>(seg.size());
    }
    const size_t at = testing::l4_checksum_offset(proto);
    seg[at] = seg[at + 1] = 0;
    const Bytes f = testing::concat(testing::ethernet(), testing::ipv4(rng(), rng(), proto, seg));
    DecodedPacket d;
    ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok) << "proto " << int{proto} << " length " << seg.size();
    EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
    const size_t byte = 34 + rng() % seg.size();
    EXPECT_NE(status_of(flip(f, byte, static_cast<uint8_t>(1u << (rng() % 8)))), DecodeStatus::Ok) << byte;
  }
}

TEST(PacketDecoderChecksums, UdpWithoutChecksumIsAccepted) {
  // RFC 768: a zero checksum means the sender computed none; a sum that
  // comes out as zero is sent as 0xffff.
  Bytes f = testing::concat(testing::ethernet(),
                            testing::ipv4(0x08080808, 0x0a000001, 17, {0, 53, 0x9c, 0x40, 0, 8, 0, 0}));
  f[34 + 6] = f[34 + 7] = 0;
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Absent);
  // Two payload bytes chosen so the sum is zero: the sender writes 0xffff.
  Bytes z = testing::concat(testing::ethernet(),
                            testing::ipv4(0x08080808, 0x0a000001, 17, {0, 53, 0x9c, 0x40, 0, 10, 0, 0, 0, 0}));
  const uint16_t c = testing::get16(z.data() + 40);
  z[40] = z[41] = 0;
  z[42] = static_cast<uint8_t>(c >> 8);  // the payload word that cancels the rest
  z[43] = static_cast<uint8_t>(c);
  z = refill_checksums(z);
  EXPECT_EQ(testing::get16(z.data() + 40), 0xffff);
  ASSERT_EQ(decode_ethernet(z.data(), z.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
}

// What a capture on the sending host sees when the kernel leaves the TCP or
// UDP checksum to offload (CHECKSUM_PARTIAL): only the pseudo-header's sum,
// folded and not complemented. Read, and said to be unchecked.
TEST(PacketDecoderChecksums, OffloadedChecksumIsReadUnchecked) {
  for (const uint8_t proto : {uint8_t{6}, uint8_t{17}}) {
    const Bytes seg = proto == 6 ? testing::tcp(22, 40000, 1, 2, 0x12) : Bytes{0, 53, 0x9c, 0x40, 0, 9, 0, 0, 'q'};
    Bytes f = testing::concat(testing::ethernet(), testing::ipv4(0xc6120001, 0xc6120001, proto, seg));
    const size_t at = 34 + testing::l4_checksum_offset(proto);
    Bytes pseudo;
    testing::put32(pseudo, 0xc6120001);
    testing::put32(pseudo, 0xc6120001);
    pseudo.push_back(0);
    pseudo.push_back(proto);
    testing::put16(pseudo, static_cast<uint16_t>(seg.size()));
    const uint16_t partial = static_cast<uint16_t>(~testing::rfc1071(pseudo.data(), pseudo.size()));
    f[at] = static_cast<uint8_t>(partial >> 8);
    f[at + 1] = static_cast<uint8_t>(partial);
    DecodedPacket d;
    ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok) << int{proto};
    EXPECT_EQ(d.l4_checksum, L4Checksum::Offloaded);
    // One off that value is damage, not offload.
    EXPECT_EQ(status_of(flip(f, at + 1, 0x01)), DecodeStatus::BadChecksum);
    // The IP header is always summed in full, offload or not.
    EXPECT_EQ(status_of(flip(f, 14 + 8, 0x01)), DecodeStatus::BadChecksum);
  }
}

// A capture the snaplen cut short cannot have its L4 checksum checked; a
// frame that was itself shorter on the wire than its IP header says is
// broken. The backend's wire length tells the two apart.
TEST(PacketDecoderChecksums, CutShortByCaptureVersusShortOnTheWire) {
  Bytes big = testing::tcp(80, 40000, 5, 6, 0x12);
  for (int i = 0; i < 300; ++i) big.push_back(static_cast<uint8_t>(i));
  const Bytes f = testing::concat(testing::ethernet(), testing::ipv4(0xc0a80105, 0x0a000001, 6, big));
  DecodedPacket d;
  // Captured 192 of its 354 bytes: read, unchecked.
  ASSERT_EQ(decode_ethernet(f.data(), 192, d, {.wire_len = f.size()}), DecodeStatus::Ok);
  EXPECT_TRUE(d.truncated);
  EXPECT_EQ(d.l4_checksum, L4Checksum::CutShort);
  EXPECT_EQ(d.ack, 6u);
  // Unknown wire length: taken as cut by the capture, as before.
  ASSERT_EQ(decode_ethernet(f.data(), 192, d), DecodeStatus::Ok);
  EXPECT_EQ(d.l4_checksum, L4Checksum::CutShort);
  // Only 192 bytes were sent, but the IP header claims 340: broken.
  EXPECT_EQ(decode_ethernet(f.data(), 192, d, {.wire_len = 192}), DecodeStatus::Malformed);
  // Behind a VLAN tag the wire length counts the tag too.
  const Bytes tagged = vlan_tagged(f, 4);
  ASSERT_EQ(decode_ethernet(tagged.data(), 196, d, {.wire_len = tagged.size()}), DecodeStatus::Ok);
  EXPECT_EQ(decode_ethernet(tagged.data(), 196, d, {.wire_len = 196}), DecodeStatus::Malformed);
  // Whole: verified; longer on the wire than the datagram (trailing bytes) is fine.
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d, {.wire_len = f.size() + 10}), DecodeStatus::Ok);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  // UDP and ICMP the same way.
  Bytes dns = {0, 53, 0x9c, 0x40, 0, 0, 0, 0};
  for (int i = 0; i < 400; ++i) dns.push_back(static_cast<uint8_t>(i * 7));
  dns[4] = static_cast<uint8_t>(dns.size() >> 8);
  dns[5] = static_cast<uint8_t>(dns.size());
  const Bytes u = testing::concat(testing::ethernet(), testing::ipv4(0x08080808, 0x0a000001, 17, dns));
  ASSERT_EQ(decode_ethernet(u.data(), 192, d, {.wire_len = u.size()}), DecodeStatus::Ok);
  EXPECT_EQ(d.l4_checksum, L4Checksum::CutShort);
  EXPECT_EQ(decode_ethernet(u.data(), 192, d, {.wire_len = 192}), DecodeStatus::Malformed);
  Bytes quote(kIcmpPortUnreach.begin() + 42, kIcmpPortUnreach.end());
  for (int i = 0; i < 500; ++i) quote.push_back(0x55);
  const Bytes icmp = testing::concat(testing::ethernet(), testing::ipv4(0xac100001, 0x0a000001, 1, testing::icmp_error(3, 3, quote)));
  ASSERT_EQ(decode_ethernet(icmp.data(), 192, d, {.wire_len = icmp.size()}), DecodeStatus::Ok);
  EXPECT_EQ(d.l4_checksum, L4Checksum::CutShort);
  EXPECT_EQ(d.quote.dst_port, 53);
}

}  // namespace
}  // namespace portsweep
