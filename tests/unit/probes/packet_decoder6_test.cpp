// The decoder on IPv6 frames: TCP, UDP, ICMPv6 echo, errors and neighbor
// discovery, extension headers, fragments, truncation and VLAN tags. Frames
// are built byte by byte by test_frames6.hpp, their checksums by its own
// RFC 1071 over an explicit pseudo-header.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "packet/checksum.hpp"
#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "test_builders6.hpp"

namespace portsweep {
namespace {

using testing::Addr6;
using testing::addr6;
using testing::Bytes;
using testing::concat;
using testing::ext_header;
using testing::get16;
using testing::icmp6;
using testing::ipv6;

const Addr6 kUs = addr6(0, 1);            // 2001:db8::1
const Addr6 kTarget = addr6(1, 5);        // 2001:db8:1::5
const Addr6 kRouter = addr6(0xff, 0xfe);  // 2001:db8:ff::fe

constexpr size_t kL3 = 14;       // the IPv6 header, untagged
constexpr size_t kL4 = 14 + 40;  // the upper layer with no extension headers

Bytes eth6() { return testing::ethernet(0x86dd); }

Bytes frame(const Bytes& packet) { return concat(eth6(), packet); }

Bytes syn_ack(uint32_t seq, uint32_t ack) {
  Bytes t = testing::tcp(80, 40000, seq, ack, 0x12);
  t[12] = 0x60;  // MSS option
  for (uint8_t b : {2, 4, 0x05, 0xa0}) t.push_back(b);
  return t;
}

// 2001:db8:1::5:80 -> 2001:db8::1:40000 SYN-ACK, hop limit 57.
const Bytes kSynAck6 = frame(ipv6(kTarget, kUs, 6, syn_ack(0x11223344, 0x55667788), 57));

// Our UDP probe 2001:db8::1:40000 -> 2001:db8:1::5:53 and the port
// unreachable the target sends back quoting it.
const Bytes kUdpProbe6 = ipv6(kUs, kTarget, 17, testing::udp_datagram(40000, 53, {'q', 'r'}));
const Bytes kPortUnreach6 = frame(ipv6(kTarget, kUs, 58, icmp6(1, 4, 0, kUdpProbe6), 64));

// Our SYN (seq 0xcafef00d), and a router's time exceeded quoting it.
const Bytes kSyn6 = ipv6(kUs, kTarget, 6, testing::tcp(40001, 443, 0xcafef00d, 0, 0x02), 1);
const Bytes kTimeExceeded6 = frame(ipv6(kRouter, kUs, 58, icmp6(3, 0, 0, kSyn6), 63));

Bytes vlan_tagged(const Bytes& f, uint16_t vid, uint16_t tpid = 0x8100) {
  Bytes out;
  testing::append(out, f.data(), 12);
  testing::put16(out, tpid);
  testing::put16(out, vid);
  testing::append(out, f.data() + 12, f.size() - 12);
  return out;
}

Bytes flip(Bytes f, size_t at, uint8_t mask) {
  f[at] ^= mask;
  return f;
}

DecodeStatus status_of(const Bytes& f, DecodeOptions options = {}) {
  DecodedPacket d;
  return decode_ethernet(f.data(), f.size(), d, options);
}

// From an exactly-sized heap copy, so a sanitizer build flags any read past
// the captured length; pointers into the copy are cleared before returning.
DecodeStatus decode_copy(const Bytes& f, size_t len, DecodedPacket& d, DecodeOptions options = {}) {
  std::vector<uint8_t> copy(f.begin(), f.begin() + static_cast<ptrdiff_t>(len));
  const DecodeStatus st = decode_ethernet(copy.data(), copy.size(), d, options);
  d.src_mac = d.l3 = d.src_ip6 = d.dst_ip6 = d.payload = d.nd_target = d.nd_mac = nullptr;
  d.quote.src_ip6 = d.quote.dst_ip6 = nullptr;
  return st;
}

bool same16(const uint8_t* p, const Addr6& a) { return p != nullptr && std::memcmp(p, a.data(), 16) == 0; }

TEST(PacketDecoder6, TcpSynAck) {
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(kSynAck6.data(), kSynAck6.size(), d, {.wire_len = kSynAck6.size()}), DecodeStatus::Ok);
  EXPECT_EQ(d.ip_version, 6);
  EXPECT_EQ(d.l3, kSynAck6.data() + kL3);
  EXPECT_EQ(d.src_mac, kSynAck6.data() + 6);
  EXPECT_EQ(d.src_ip6, kSynAck6.data() + kL3 + 8);  // pointers into the frame, not copies
  EXPECT_TRUE(same16(d.src_ip6, kTarget));
  EXPECT_TRUE(same16(d.dst_ip6, kUs));
  EXPECT_EQ(d.src_ip, 0u);
  EXPECT_EQ(d.dst_ip, 0u);
  EXPECT_EQ(d.ip_id, 0);
  EXPECT_EQ(d.ttl, 57);
  EXPECT_EQ(d.ip_proto, 6);
  EXPECT_EQ(d.src_port, 80);
  EXPECT_EQ(d.dst_port, 40000);
  EXPECT_EQ(d.seq, 0x11223344u);
  EXPECT_EQ(d.ack, 0x55667788u);
  EXPECT_EQ(d.tcp_flags, 0x12);
  EXPECT_EQ(d.tcp_header_len, 24);
  EXPECT_EQ(d.payload_len, 0);
  EXPECT_FALSE(d.has_quote);
  EXPECT_FALSE(d.truncated);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
}

// What a scan does with a SYN-ACK: the cookie it put in the SYN's sequence
// number comes back acknowledged, read from the decoded addresses.
TEST(PacketDecoder6, CookieRoundTripThroughTheDecoder) {
  const ProbeCookie cookie(random_cookie_key());
  const uint32_t seq = cookie.seq6(kUs.data(), kTarget.data(), 40000, 80);
  const Bytes f = frame(ipv6(kTarget, kUs, 6, syn_ack(777, seq + 1), 64));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok);
  EXPECT_TRUE(cookie.ack_matches6(d.src_ip6, d.dst_ip6, d.src_port, d.dst_port, d.ack));
  const Bytes other = frame(ipv6(addr6(1, 6), kUs, 6, syn_ack(777, seq + 1), 64));  // another target
  ASSERT_EQ(decode_ethernet(other.data(), other.size(), d), DecodeStatus::Ok);
  EXPECT_FALSE(cookie.ack_matches6(d.src_ip6, d.dst_ip6, d.src_port, d.dst_port, d.ack));
}

TEST(PacketDecoder6, Udp) {
  const Bytes f = frame(ipv6(kTarget, kUs, 17, testing::udp_datagram(53, 40000, {'a', 'b', 'c'})));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.ip_proto, 17);
  EXPECT_EQ(d.src_port, 53);
  EXPECT_EQ(d.dst_port, 40000);
  EXPECT_EQ(d.payload_len, 3);
  EXPECT_EQ(d.payload[0], 'a');
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  // Damage to any covered byte: the odd last byte, a port, our address.
  EXPECT_EQ(status_of(flip(f, kL4 + 10, 0x20)), DecodeStatus::BadChecksum);
  EXPECT_EQ(status_of(flip(f, kL4 + 1, 0x01)), DecodeStatus::BadChecksum);
  EXPECT_EQ(status_of(flip(f, kL3 + 39, 0x01)), DecodeStatus::BadChecksum);
  // The UDP length bounds the datagram, not the IPv6 payload length; the
  // pseudo-header carries the UDP length.
  Bytes longer = testing::udp_datagram(53, 40000, {'a', 'b', 'c'});
  longer.push_back('z');
  longer.push_back('z');
  longer[5] = 11;  // UDP length 11 of the 13 bytes
  const Bytes g = frame(ipv6(kTarget, kUs, 17, longer));
  ASSERT_EQ(decode_ethernet(g.data(), g.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.payload_len, 3);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  Bytes too_long = longer;
  too_long[5] = 14;  // past the IPv6 payload
  const Bytes h = frame(ipv6(kTarget, kUs, 17, too_long));
  EXPECT_EQ(status_of(h), DecodeStatus::Malformed);
}

// RFC 8200 §8.1: over IPv6 a UDP checksum of zero is not "none", it is
// wrong — with verification on.
TEST(PacketDecoder6, UdpZeroChecksumIsBad) {
  Bytes f = frame(ipv6(kTarget, kUs, 17, testing::udp_datagram(53, 40000, {1, 2})));
  f[kL4 + 6] = f[kL4 + 7] = 0;
  EXPECT_EQ(status_of(f), DecodeStatus::BadChecksum);
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d, {.wire_len = 0, .verify_checksums = false}), DecodeStatus::Ok);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Absent);
}

// Extension headers a reply may carry are walked past: the upper layer is
// found after them and its checksum's pseudo-header holds its own length
// and protocol, not the payload length and the first next header.
TEST(PacketDecoder6, ExtensionHeadersWalked) {
  Bytes exts = ext_header(60, 0);            // hop-by-hop (8 bytes) -> destination options
  testing::append(exts, ext_header(43, 1));  // destination options (16 bytes) -> routing
  testing::append(exts, ext_header(6, 0));   // routing (8 bytes) -> TCP
  exts[24 + 2] = 0;                   // the routing header's type and segments left
  exts[24 + 3] = 0;
  const Bytes f = frame(ipv6(kTarget, kUs, 6, syn_ack(1, 2), 60, exts, 0));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.ip_proto, 6);
  EXPECT_EQ(d.src_port, 80);
  EXPECT_EQ(d.ack, 2u);
  EXPECT_EQ(d.tcp_header_len, 24);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  // A bit flipped in an extension header's length sends the walk elsewhere.
  EXPECT_NE(status_of(flip(f, kL3 + 40 + 8 + 1, 0x04)), DecodeStatus::Ok);
  // An extension header longer than the packet.
  Bytes long_ext = ext_header(6, 0);
  long_ext[1] = 9;  // 80 bytes
  const Bytes g = frame(ipv6(kTarget, kUs, 6, syn_ack(1, 2), 60, long_ext, 0));
  EXPECT_EQ(status_of(g), DecodeStatus::Malformed);
  // An extension header that is all there is, cut at 4 bytes.
  Bytes bare = {0x60, 0, 0, 0, 0, 4, 0, 64};
  testing::append(bare, kTarget.data(), 16);
  testing::append(bare, kUs.data(), 16);
  for (uint8_t b : {6, 0, 1, 2}) bare.push_back(b);
  EXPECT_EQ(status_of(frame(bare)), DecodeStatus::Malformed);
}

TEST(PacketDecoder6, FragmentsRejected) {
  Bytes frag = {6, 0, 0, 0, 0, 0, 0x12, 0x34};  // first fragment (offset 0, M set below)
  frag[3] = 1;
  const Bytes f = frame(ipv6(kTarget, kUs, 6, syn_ack(1, 2), 64, frag, 44));
  EXPECT_EQ(status_of(f), DecodeStatus::Malformed);
  // Behind another extension header too.
  Bytes exts = ext_header(44, 0);
  testing::append(exts, frag);
  const Bytes g = frame(ipv6(kTarget, kUs, 6, syn_ack(1, 2), 64, exts, 0));
  EXPECT_EQ(status_of(g), DecodeStatus::Malformed);
}

// A next header the decoder does not walk (ESP, no next header, another
// protocol for -sO) ends the walk: it is the packet's protocol.
TEST(PacketDecoder6, UnknownNextHeaderStopsTheWalk) {
  const Bytes body = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (const uint8_t nh : {uint8_t{50}, uint8_t{59}, uint8_t{132}, uint8_t{47}}) {
    const Bytes f = frame(ipv6(kTarget, kUs, nh, body));
    DecodedPacket d;
    ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok) << int{nh};
    EXPECT_EQ(d.ip_proto, nh);
    EXPECT_EQ(d.payload, f.data() + kL4);
    EXPECT_EQ(d.payload_len, body.size());
    EXPECT_EQ(d.l4_checksum, L4Checksum::Absent);
  }
  // After a destination options header.
  const Bytes g = frame(ipv6(kTarget, kUs, 50, body, 64, ext_header(50, 0), 60));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(g.data(), g.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.ip_proto, 50);
  EXPECT_EQ(d.payload, g.data() + kL4 + 8);
}

TEST(PacketDecoder6, Icmp6Echo) {
  const Bytes reply = frame(ipv6(kTarget, kUs, 58, icmp6(129, 0, 0x12340007, {'p', 'i', 'n', 'g', '!'})));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(reply.data(), reply.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.ip_proto, 58);
  EXPECT_EQ(d.icmp_type, static_cast<uint8_t>(Icmp6Type::EchoReply));
  EXPECT_EQ(d.icmp_code, 0);
  EXPECT_EQ(d.icmp_id, 0x1234);
  EXPECT_EQ(d.icmp_seq, 7);
  EXPECT_EQ(d.payload_len, 5);
  EXPECT_EQ(d.payload[4], '!');
  EXPECT_FALSE(d.has_quote);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  const Bytes request = frame(ipv6(kUs, kTarget, 58, icmp6(128, 0, 0xbeef0001)));
  ASSERT_EQ(decode_ethernet(request.data(), request.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.icmp_type, static_cast<uint8_t>(Icmp6Type::EchoRequest));
  EXPECT_EQ(d.icmp_id, 0xbeef);
  EXPECT_EQ(d.icmp_seq, 1);
  EXPECT_EQ(d.payload_len, 0);
  // The sum covers the addresses, unlike ICMPv4's.
  EXPECT_EQ(status_of(flip(reply, kL3 + 8, 0x40)), DecodeStatus::BadChecksum);
  EXPECT_EQ(status_of(flip(reply, kL4 + 7, 0x01)), DecodeStatus::BadChecksum);
  // A sum computed ICMPv4's way (no pseudo-header) is wrong here.
  Bytes v4_style = icmp6(129, 0, 0x12340007, {'p', 'i', 'n', 'g', '!'});
  const uint16_t c = testing::rfc1071(v4_style.data(), v4_style.size());
  v4_style[2] = static_cast<uint8_t>(c >> 8);
  v4_style[3] = static_cast<uint8_t>(c);
  EXPECT_EQ(status_of(frame(ipv6(kTarget, kUs, 58, v4_style))), DecodeStatus::BadChecksum);
}

TEST(PacketDecoder6, Icmp6PortUnreachableQuotesOurUdpProbe) {
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(kPortUnreach6.data(), kPortUnreach6.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.icmp_type, static_cast<uint8_t>(Icmp6Type::DestUnreachable));
  EXPECT_EQ(d.icmp_code, 4);
  ASSERT_TRUE(d.has_quote);
  EXPECT_TRUE(same16(d.quote.src_ip6, kUs));
  EXPECT_TRUE(same16(d.quote.dst_ip6, kTarget));
  EXPECT_EQ(d.quote.src_ip6, kPortUnreach6.data() + kL4 + 8 + 8);  // into the frame
  EXPECT_EQ(d.quote.src_ip, 0u);
  EXPECT_EQ(d.quote.ip_id, 0);
  EXPECT_EQ(d.quote.proto, 17);
  EXPECT_EQ(d.quote.l4_len, 8);
  EXPECT_EQ(d.quote.src_port, 40000);
  EXPECT_EQ(d.quote.dst_port, 53);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  // A flipped bit in the quoted port is caught by the ICMPv6 sum.
  EXPECT_EQ(status_of(flip(kPortUnreach6, kL4 + 8 + 40 + 3, 0x01)), DecodeStatus::BadChecksum);
}

TEST(PacketDecoder6, TimeExceededAndPacketTooBigQuoteOurSyn) {
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(kTimeExceeded6.data(), kTimeExceeded6.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.icmp_type, static_cast<uint8_t>(Icmp6Type::TimeExceeded));
  EXPECT_TRUE(same16(d.src_ip6, kRouter));
  ASSERT_TRUE(d.has_quote);
  EXPECT_EQ(d.quote.proto, 6);
  EXPECT_EQ(d.quote.src_port, 40001);
  EXPECT_EQ(d.quote.dst_port, 443);
  EXPECT_EQ(d.quote.seq, 0xcafef00du);
  // Packet too big: the MTU in the header's second word, then the quote.
  const Bytes ptb = frame(ipv6(kRouter, kUs, 58, icmp6(2, 0, 1280, kSyn6), 63));
  ASSERT_EQ(decode_ethernet(ptb.data(), ptb.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.icmp_type, static_cast<uint8_t>(Icmp6Type::PacketTooBig));
  ASSERT_TRUE(d.has_quote);
  EXPECT_EQ(d.quote.seq, 0xcafef00du);
  // Parameter problem (4) quotes too; an informational type (130, a
  // multicast listener query) does not.
  const Bytes pp = frame(ipv6(kRouter, kUs, 58, icmp6(4, 1, 40, kSyn6), 63));
  ASSERT_EQ(decode_ethernet(pp.data(), pp.size(), d), DecodeStatus::Ok);
  EXPECT_TRUE(d.has_quote);
  const Bytes mld = frame(ipv6(kRouter, kUs, 58, icmp6(130, 0, 0, Bytes(16, 0)), 1));
  ASSERT_EQ(decode_ethernet(mld.data(), mld.size(), d), DecodeStatus::Ok);
  EXPECT_FALSE(d.has_quote);
}

// The invoking packet's own extension headers are walked to find the
// protocol and ports of what we sent.
TEST(PacketDecoder6, QuoteWithExtensionHeaders) {
  const Bytes probe = ipv6(kUs, kTarget, 6, testing::tcp(40002, 22, 0x0a0b0c0d, 0, 0x02), 64,
                           concat(ext_header(43, 0), ext_header(6, 1)), 60);
  const Bytes f = frame(ipv6(kTarget, kUs, 58, icmp6(1, 1, 0, probe)));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.quote.proto, 6);
  EXPECT_EQ(d.quote.src_port, 40002);
  EXPECT_EQ(d.quote.dst_port, 22);
  EXPECT_EQ(d.quote.seq, 0x0a0b0c0du);
  // A first fragment's header is walked past; a later fragment has no ports.
  Bytes frag = {17, 0, 0, 1, 0, 0, 0, 9};  // offset 0, more fragments
  const Bytes first = ipv6(kUs, kTarget, 17, testing::udp_datagram(40003, 161), 64, frag, 44);
  const Bytes g = frame(ipv6(kTarget, kUs, 58, icmp6(3, 1, 0, first)));
  ASSERT_EQ(decode_ethernet(g.data(), g.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.quote.proto, 17);
  EXPECT_EQ(d.quote.src_port, 40003);
  EXPECT_EQ(d.quote.dst_port, 161);
  frag[3] = 0x09;  // offset 8
  const Bytes later = ipv6(kUs, kTarget, 17, testing::udp_datagram(40003, 161), 64, frag, 44);
  EXPECT_EQ(status_of(frame(ipv6(kTarget, kUs, 58, icmp6(3, 1, 0, later)))), DecodeStatus::Malformed);
}

// Shorter than an IPv6 header, the quote is unreadable; past it, it says how
// many upper-layer bytes it kept, and fields it did not keep read as zero.
TEST(PacketDecoder6, TruncatedQuote) {
  for (size_t keep = 0; keep <= kSyn6.size(); ++keep) {
    const Bytes q(kSyn6.begin(), kSyn6.begin() + static_cast<ptrdiff_t>(keep));
    const Bytes f = frame(ipv6(kRouter, kUs, 58, icmp6(3, 0, 0, q)));
    DecodedPacket d;
    const DecodeStatus st = decode_ethernet(f.data(), f.size(), d);
    EXPECT_EQ(st == DecodeStatus::Ok, keep >= 40) << keep;
    if (st != DecodeStatus::Ok) continue;
    EXPECT_EQ(d.quote.l4_len, std::min<size_t>(keep - 40, 8)) << keep;
    EXPECT_EQ(d.quote.src_port, keep >= 44 ? 40001 : 0) << keep;
    EXPECT_EQ(d.quote.seq, keep >= 48 ? 0xcafef00du : 0u) << keep;
  }
  // An IPv4 header quoted in an ICMPv6 error is not ours.
  const Bytes v4 = testing::ipv4(0x0a000001, 0x0a000002, 6, testing::tcp(1, 2, 3, 4, 2));
  EXPECT_EQ(status_of(frame(ipv6(kRouter, kUs, 58, icmp6(1, 0, 0, v4)))), DecodeStatus::Malformed);
}

Bytes neighbor(uint8_t type, const Addr6& target, const Bytes& options) {
  Bytes body;
  testing::append(body, target.data(), 16);
  testing::append(body, options);
  return icmp6(type, 0, type == 136 ? 0x60000000u : 0u, body);  // NA: solicited + override
}

Bytes ll_option(uint8_t type, uint8_t last) { return {type, 1, 0x02, 0x00, 0x5e, 0x10, 0x20, last}; }

TEST(PacketDecoder6, NeighborAdvertisementAndSolicitation) {
  const Bytes na = frame(ipv6(kTarget, kUs, 58, neighbor(136, kTarget, ll_option(2, 0x99)), 255));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(na.data(), na.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.icmp_type, static_cast<uint8_t>(Icmp6Type::NeighborAdvertisement));
  EXPECT_EQ(d.ttl, 255);
  EXPECT_TRUE(same16(d.nd_target, kTarget));
  ASSERT_NE(d.nd_mac, nullptr);
  EXPECT_EQ(d.nd_mac, na.data() + kL4 + 24 + 2);
  EXPECT_EQ(d.nd_mac[0], 0x02);
  EXPECT_EQ(d.nd_mac[5], 0x99);
  EXPECT_FALSE(d.has_quote);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  // The target's link-layer address after another option (a nonce, type 14).
  const Bytes nonce = {14, 1, 1, 2, 3, 4, 5, 6};
  const Bytes na2 = frame(ipv6(kTarget, kUs, 58, neighbor(136, kTarget, concat(nonce, ll_option(2, 0x42))), 255));
  ASSERT_EQ(decode_ethernet(na2.data(), na2.size(), d), DecodeStatus::Ok);
  ASSERT_NE(d.nd_mac, nullptr);
  EXPECT_EQ(d.nd_mac[5], 0x42);
  // No option: no address (an unsolicited NA may omit it).
  const Bytes bare = frame(ipv6(kTarget, kUs, 58, neighbor(136, kTarget, {}), 255));
  ASSERT_EQ(decode_ethernet(bare.data(), bare.size(), d), DecodeStatus::Ok);
  EXPECT_TRUE(same16(d.nd_target, kTarget));
  EXPECT_EQ(d.nd_mac, nullptr);
  // An NA's source link-layer option (type 1) is not the target's address.
  const Bytes wrong = frame(ipv6(kTarget, kUs, 58, neighbor(136, kTarget, ll_option(1, 0x11)), 255));
  ASSERT_EQ(decode_ethernet(wrong.data(), wrong.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.nd_mac, nullptr);
  // A solicitation: the solicitor's address is in the source option.
  const Bytes ns = frame(ipv6(kTarget, addr6(0xff02, 1), 58, neighbor(135, kUs, ll_option(1, 0x77)), 255));
  ASSERT_EQ(decode_ethernet(ns.data(), ns.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.icmp_type, static_cast<uint8_t>(Icmp6Type::NeighborSolicitation));
  EXPECT_TRUE(same16(d.nd_target, kUs));
  ASSERT_NE(d.nd_mac, nullptr);
  EXPECT_EQ(d.nd_mac[5], 0x77);
  // A reused DecodedPacket: an echo reply afterwards leaves no ND fields.
  const Bytes echo = frame(ipv6(kTarget, kUs, 58, icmp6(129, 0, 1)));
  ASSERT_EQ(decode_ethernet(echo.data(), echo.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.nd_target, nullptr);
  EXPECT_EQ(d.nd_mac, nullptr);
}

TEST(PacketDecoder6, MalformedNeighborDiscovery) {
  // Shorter than the 24-byte message.
  EXPECT_EQ(status_of(frame(ipv6(kTarget, kUs, 58, icmp6(136, 0, 0, Bytes(8, 0)), 255))), DecodeStatus::Malformed);
  // An option of length 0 (RFC 4861 §4.6: drop the message).
  Bytes zero = ll_option(2, 1);
  zero[1] = 0;
  EXPECT_EQ(status_of(frame(ipv6(kTarget, kUs, 58, neighbor(136, kTarget, zero), 255))), DecodeStatus::Malformed);
  // An option running past the message.
  Bytes past = ll_option(2, 1);
  past[1] = 2;
  EXPECT_EQ(status_of(frame(ipv6(kTarget, kUs, 58, neighbor(136, kTarget, past), 255))), DecodeStatus::Malformed);
}

TEST(PacketDecoder6, VlanTags) {
  DecodedPacket d;
  const Bytes one = vlan_tagged(kSynAck6, 100);
  ASSERT_EQ(decode_ethernet(one.data(), one.size(), d, {.wire_len = one.size()}), DecodeStatus::Ok);
  EXPECT_EQ(d.vlan_id, 100);
  EXPECT_EQ(d.ip_version, 6);
  EXPECT_EQ(d.l3, one.data() + 18);
  EXPECT_EQ(d.ack, 0x55667788u);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  const Bytes two = vlan_tagged(one, 7, 0x88a8);
  ASSERT_EQ(decode_ethernet(two.data(), two.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.vlan_id, 100);
  EXPECT_EQ(d.seq, 0x11223344u);
  const Bytes tagged_error = vlan_tagged(kPortUnreach6, 3);
  ASSERT_EQ(decode_ethernet(tagged_error.data(), tagged_error.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.quote.dst_port, 53);
}

// Bytes after the IPv6 payload (padding, a trailing FCS) are not part of
// the packet: not summed, not payload.
TEST(PacketDecoder6, TrailingBytesIgnored) {
  Bytes f = frame(ipv6(kTarget, kUs, 17, testing::udp_datagram(53, 40000, {'x'})));
  for (uint8_t b : {0xde, 0xad, 0xbe, 0xef}) f.push_back(b);
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d, {.wire_len = f.size()}), DecodeStatus::Ok);
  EXPECT_EQ(d.payload_len, 1);
  EXPECT_FALSE(d.truncated);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
}

TEST(PacketDecoder6, MalformedHeadersRejected) {
  DecodedPacket d;
  // Shorter than the fixed header.
  for (size_t len = 0; len < kL4; ++len) EXPECT_EQ(decode_copy(kSynAck6, len, d), DecodeStatus::Malformed) << len;
  // Version 4 behind the IPv6 ethertype, and version 6 behind IPv4's.
  EXPECT_EQ(status_of(flip(kSynAck6, kL3, 0x20)), DecodeStatus::Malformed);  // 0x6 -> 0x4
  Bytes as_v4 = kSynAck6;
  as_v4[12] = 0x08;
  as_v4[13] = 0x00;
  EXPECT_EQ(status_of(as_v4), DecodeStatus::Malformed);
  // A TCP data offset past the segment, or under 20.
  EXPECT_EQ(status_of(flip(kSynAck6, kL4 + 12, 0x60 ^ 0x70), {.wire_len = 0, .verify_checksums = false}),
            DecodeStatus::Malformed);
  EXPECT_EQ(status_of(flip(kSynAck6, kL4 + 12, 0x60 ^ 0x40), {.wire_len = 0, .verify_checksums = false}),
            DecodeStatus::Malformed);
  // Payload length past the frame that was on the wire: broken, not cut.
  Bytes longer = kSynAck6;
  longer[kL3 + 5] += 4;
  EXPECT_EQ(status_of(longer, {.wire_len = longer.size()}), DecodeStatus::Malformed);
  ASSERT_EQ(decode_ethernet(longer.data(), longer.size(), d), DecodeStatus::Ok);  // unknown wire length: cut
  EXPECT_TRUE(d.truncated);
  EXPECT_EQ(d.l4_checksum, L4Checksum::CutShort);
  // ICMPv6 shorter than its 8-byte header.
  const Bytes tiny = frame(ipv6(kTarget, kUs, 58, {129, 0, 0, 0}));
  EXPECT_EQ(status_of(tiny), DecodeStatus::Malformed);
}

// A frame cut short by the capture decodes exactly when every header a
// classifier reads is there, says it was truncated, and leaves its L4
// checksum unchecked; the wire length tells a cut capture from a short
// packet.
TEST(PacketDecoder6, TruncatedCaptures) {
  struct Case {
    Bytes f;
    size_t headers_end;
  };
  const Bytes with_ext = frame(ipv6(kTarget, kUs, 6, syn_ack(1, 2), 60, ext_header(6, 1), 0));
  const std::vector<Case> cases = {
      {kSynAck6, kL4 + 24},
      {with_ext, kL4 + 16 + 24},
      {kPortUnreach6, kL4 + 8 + 40},
      {kTimeExceeded6, kL4 + 8 + 40},
      {vlan_tagged(kSynAck6, 5), 4 + kL4 + 24},
      {frame(ipv6(kTarget, kUs, 17, testing::udp_datagram(53, 40000, Bytes(30, 7)))), kL4 + 8},
  };
  for (const Case& c : cases) {
    for (size_t len = 0; len <= c.f.size(); ++len) {
      DecodedPacket d;
      const DecodeStatus st = decode_copy(c.f, len, d, {.wire_len = c.f.size()});
      EXPECT_EQ(st == DecodeStatus::Ok, len >= c.headers_end) << "length " << len << " of " << c.f.size();
      if (st != DecodeStatus::Ok) continue;
      EXPECT_EQ(d.truncated, len < c.f.size()) << len;
      EXPECT_EQ(d.l4_checksum, len < c.f.size() ? L4Checksum::CutShort : L4Checksum::Verified) << len;
      if (len < c.f.size()) {
        EXPECT_EQ(decode_copy(c.f, len, d, {.wire_len = len}), DecodeStatus::Malformed) << len;
      }
    }
  }
}

// The sender's checksum offload as a capture on the same host sees it: only
// the pseudo-header sum, folded, in the field.
TEST(PacketDecoder6, OffloadedChecksumIsReadUnchecked) {
  for (const uint8_t proto : {uint8_t{6}, uint8_t{17}}) {
    const Bytes seg = proto == 6 ? testing::tcp(22, 40000, 1, 2, 0x12) : testing::udp_datagram(53, 40000, {'q'});
    Bytes f = frame(ipv6(kUs, kUs, proto, seg));
    Bytes pseudo;
    testing::append(pseudo, kUs.data(), 16);
    testing::append(pseudo, kUs.data(), 16);
    testing::put32(pseudo, static_cast<uint32_t>(seg.size()));
    testing::put32(pseudo, proto);
    const uint16_t partial = static_cast<uint16_t>(~testing::rfc1071(pseudo.data(), pseudo.size()));
    const size_t at = kL4 + testing::l4_checksum_offset6(proto);
    f[at] = static_cast<uint8_t>(partial >> 8);
    f[at + 1] = static_cast<uint8_t>(partial);
    DecodedPacket d;
    ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok) << int{proto};
    EXPECT_EQ(d.l4_checksum, L4Checksum::Offloaded);
    EXPECT_EQ(status_of(flip(f, at + 1, 0x01)), DecodeStatus::BadChecksum);
  }
}

// One's complement sums catch every single-bit error in what they cover:
// for IPv6 that is the addresses and the whole upper layer (the traffic
// class, flow label and hop limit are covered by nothing).
TEST(PacketDecoder6, EverySingleBitFlipInTheCoveredBytesIsCaught) {
  const Bytes udp = frame(ipv6(kTarget, kUs, 17, testing::udp_datagram(53, 40000, {1, 2, 3, 4, 5})));
  const Bytes echo = frame(ipv6(kTarget, kUs, 58, icmp6(129, 0, 0x00010002, {9, 8, 7})));
  for (const Bytes& f : {kSynAck6, kPortUnreach6, kTimeExceeded6, udp, echo}) {
    for (size_t at = kL3 + 8; at < f.size(); ++at) {
      for (int bit = 0; bit < 8; ++bit) {
        EXPECT_NE(status_of(flip(f, at, static_cast<uint8_t>(1u << bit))), DecodeStatus::Ok)
            << "byte " << at << " bit " << bit << " of a " << f.size() << "-byte frame";
      }
    }
  }
}

// Random segments of every length: the decoder's raw IPv6 sums agree with
// the test side's textbook ones, and with checksum.hpp's big-endian helper
// the probe builders use.
TEST(PacketDecoder6, RandomSegmentsAgreeWithTheTextbookSum) {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    const uint8_t proto = (i % 3 == 0) ? 6 : (i % 3 == 1) ? 17 : 58;
    Bytes seg(proto == 6 ? 20 : 8);
    for (auto& b : seg) b = static_cast<uint8_t>(rng());
    if (proto == 6) seg[12] = 0x50;
    if (proto == 58) seg[0] = 129;
    const size_t extra = rng() % 64;
    for (size_t k = 0; k < extra; ++k) seg.push_back(static_cast<uint8_t>(rng()));
    if (proto == 17) {
      seg[4] = static_cast<uint8_t>(seg.size() >> 8);
      seg[5] = static_cast<uint8_t>(seg.size());
    }
    const size_t at = testing::l4_checksum_offset6(proto);
    seg[at] = seg[at + 1] = 0;
    Addr6 src, dst;
    for (auto& b : src) b = static_cast<uint8_t>(rng());
    for (auto& b : dst) b = static_cast<uint8_t>(rng());
    // checksum.hpp's helper gives the same field as the test side.
    const uint16_t ours = internet_checksum(seg.data(), seg.size(),
                                            ipv6_pseudo_sum(src.data(), dst.data(), static_cast<uint32_t>(seg.size()), proto));
    const Bytes filled = testing::with_l4_checksum6(src, dst, proto, seg);
    const uint16_t theirs = get16(filled.data() + at);
    EXPECT_TRUE(ours == theirs || (proto == 17 && ours == 0 && theirs == 0xffff)) << i;
    const Bytes f = frame(ipv6(src, dst, proto, seg));
    DecodedPacket d;
    ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok) << "proto " << int{proto} << " length " << seg.size();
    EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
    const size_t byte = kL4 + rng() % seg.size();
    EXPECT_NE(status_of(flip(f, byte, static_cast<uint8_t>(1u << (rng() % 8)))), DecodeStatus::Ok) << byte;
  }
}

// One DecodedPacket reused across families (the RX loop's habit) never
// keeps the other family's fields.
TEST(PacketDecoder6, ReusedAcrossFamilies) {
  const Bytes v4_error = testing::concat(
      testing::ethernet(),
      testing::ipv4(0xac100001, 0x0a000001, 1,
                    testing::icmp_error(3, 3, testing::ipv4(0x0a000001, 0xc0a80105, 17, testing::udp_datagram(40000, 53)))));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(kPortUnreach6.data(), kPortUnreach6.size(), d), DecodeStatus::Ok);
  ASSERT_EQ(decode_ethernet(v4_error.data(), v4_error.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.ip_version, 4);
  EXPECT_EQ(d.src_ip6, nullptr);
  EXPECT_EQ(d.dst_ip6, nullptr);
  EXPECT_EQ(d.src_ip, 0xac100001u);
  EXPECT_EQ(d.quote.src_ip6, nullptr);
  EXPECT_EQ(d.quote.dst_ip, 0xc0a80105u);
  ASSERT_EQ(decode_ethernet(kTimeExceeded6.data(), kTimeExceeded6.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.ip_version, 6);
  EXPECT_EQ(d.src_ip, 0u);
  EXPECT_EQ(d.quote.dst_ip, 0u);
  EXPECT_TRUE(same16(d.quote.dst_ip6, kTarget));
}

TEST(PacketDecoder6, BarePacket) {
  const Bytes packet(kSynAck6.begin() + kL3, kSynAck6.end());
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(kSynAck6.data(), kSynAck6.size(), d), DecodeStatus::Ok);
  ASSERT_EQ(decode_ipv6(packet.data(), packet.size(), d, {.wire_len = packet.size()}), DecodeStatus::Ok);
  EXPECT_EQ(d.src_mac, nullptr);
  EXPECT_EQ(d.vlan_id, 0);
  EXPECT_EQ(d.l3, packet.data());
  EXPECT_EQ(d.ack, 0x55667788u);
  EXPECT_EQ(d.l4_checksum, L4Checksum::Verified);
  EXPECT_EQ(decode_ipv6(packet.data(), packet.size() - 1, d, {.wire_len = packet.size() - 1}), DecodeStatus::Malformed);
  const Bytes v4 = testing::ipv4(1, 2, 6, testing::tcp(1, 2, 3, 4, 2));
  EXPECT_EQ(decode_ipv6(v4.data(), v4.size(), d), DecodeStatus::Malformed);
}

TEST(PacketDecoder6, RandomCorruptionNeverCrashes) {
  std::mt19937 rng(3);
  const Bytes na = frame(ipv6(kTarget, kUs, 58, neighbor(136, kTarget, ll_option(2, 0x99)), 255));
  const Bytes with_ext = frame(ipv6(kTarget, kUs, 6, syn_ack(1, 2), 60, concat(ext_header(60, 0), ext_header(6, 1)), 0));
  const std::vector<Bytes> seeds = {kSynAck6, kPortUnreach6, kTimeExceeded6, na, with_ext, vlan_tagged(kPortUnreach6, 3)};
  size_t decoded = 0;
  for (int i = 0; i < 200000; ++i) {
    Bytes f = seeds[static_cast<size_t>(i) % seeds.size()];
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) f[rng() % f.size()] = static_cast<uint8_t>(rng());
    DecodedPacket d;
    const size_t len = rng() % (f.size() + 1);
    decoded += decode_copy(f, len, d, {.wire_len = 0, .verify_checksums = (i & 1) != 0}) == DecodeStatus::Ok;
  }
  EXPECT_GT(decoded, 0u);
}

}  // namespace
}  // namespace portsweep
