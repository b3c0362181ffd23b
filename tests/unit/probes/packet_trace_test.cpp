// --packet-trace's lines: nmap's layout for TCP, UDP, ICMP queries and errors.
#include "packet/packet_trace.hpp"

#include <gtest/gtest.h>

#include "test_frames.hpp"
#include "test_builders6.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kUs = 0xc6120001;      // 198.18.0.1
constexpr uint32_t kTarget = 0xc6130005;  // 198.19.0.5

std::string line(const Bytes& f, bool sent = false) { return packet_trace_line(f.data(), f.size(), sent, 1.23456); }

TEST(PacketTrace, TcpAsNmapPrintsIt) {
  const Bytes rst = concat(ethernet(), ipv4(kTarget, kUs, 6, tcp(81, 45000, 0, 777, 0x14), 64));
  EXPECT_EQ(line(rst), "RCVD (1.2346s) TCP 198.19.0.5:81 > 198.18.0.1:45000 RA ttl=64 id=4660 iplen=40  seq=0 ack=777 win=65535");
  Bytes syn = tcp(45000, 443, 99, 0, 0x02);
  syn[12] = 0x60;  // a 24-byte header: the MSS option
  for (uint8_t b : {2, 4, 0x05, 0xb4}) syn.push_back(b);
  EXPECT_EQ(line(concat(ethernet(), ipv4(kUs, kTarget, 6, syn, 64)), true),
            "SENT (1.2346s) TCP 198.18.0.1:45000 > 198.19.0.5:443 S ttl=64 id=4660 iplen=44  seq=99 win=65535 <mss 1460>");
}

TEST(PacketTrace, UdpAndIcmp) {
  Bytes udp;
  put16(udp, 45000);
  put16(udp, 53);
  put16(udp, 8);
  put16(udp, 0);
  const Bytes probe = concat(ethernet(), ipv4(kUs, kTarget, 17, udp, 64));
  EXPECT_EQ(line(probe, true), "SENT (1.2346s) UDP 198.18.0.1:45000 > 198.19.0.5:53 ttl=64 id=4660 iplen=28");
  const Bytes quote(probe.begin() + 14, probe.end());
  EXPECT_EQ(line(concat(ethernet(), ipv4(kTarget, kUs, 1, icmp_error(3, 3, quote), 63))),
            "RCVD (1.2346s) ICMP [198.19.0.5 > 198.18.0.1 Port unreachable (type=3/code=3) ] IP [ttl=63 id=4660 iplen=56 ]");
  const Bytes echo = {8, 0, 0, 0, 0x12, 0x34, 0, 7};
  EXPECT_EQ(line(concat(ethernet(), ipv4(kUs, kTarget, 1, echo, 64)), true),
            "SENT (1.2346s) ICMP [198.18.0.1 > 198.19.0.5 Echo request (type=8/code=0) id=4660 seq=7] IP [ttl=64 id=4660 iplen=28 ]");
}

TEST(PacketTrace, WhatDoesNotDecodeIsSaidSo) {
  const Bytes arp = ethernet(0x0806);
  EXPECT_EQ(line(arp), "RCVD (1.2346s) (a frame of 14 bytes that does not decode as IPv4 or IPv6)");
  // An IPv6 ethertype with a version-4 header is neither.
  const Bytes bogus = concat(ethernet(0x86dd), ipv4(kUs, kTarget, 6, tcp(1, 2, 3, 4, 2), 64));
  EXPECT_EQ(line(bogus), "RCVD (1.2346s) (a frame of 54 bytes that does not decode as IPv4 or IPv6)");
}

// IPv6: nmap's bracketed address:port and its IPv6 fields (hop limit, flow
// label, payload length) where IPv4 has ttl, id and iplen.
const Addr6 kUs6 = addr6(0, 1);        // 2001:db8::1
const Addr6 kTarget6 = addr6(1, 5);    // 2001:db8:1::5

Bytes frame6(const Bytes& packet) { return concat(ethernet(0x86dd), packet); }

TEST(PacketTrace, Ipv6TcpAndUdp) {
  Bytes syn = tcp(40000, 80, 99, 0, 0x02);
  syn[12] = 0x60;
  for (uint8_t b : {2, 4, 0x05, 0xa0}) syn.push_back(b);
  Bytes probe = frame6(ipv6(kUs6, kTarget6, 6, syn, 64));
  probe[14 + 3] = 0x2a;  // flow label 0x2a
  EXPECT_EQ(line(probe, true),
            "SENT (1.2346s) TCP [2001:db8::1]:40000 > [2001:db8:1::5]:80 S hopl=64 flow=2a payloadlen=24  seq=99 "
            "win=65535 <mss 1440>");
  const Bytes rst = frame6(ipv6(kTarget6, kUs6, 6, tcp(80, 40000, 0, 100, 0x14), 57));
  EXPECT_EQ(line(rst),
            "RCVD (1.2346s) TCP [2001:db8:1::5]:80 > [2001:db8::1]:40000 RA hopl=57 flow=0 payloadlen=20  seq=0 ack=100 "
            "win=65535");
  const Bytes udp = frame6(ipv6(kUs6, kTarget6, 17, udp_datagram(40000, 53, {1, 2}), 64));
  EXPECT_EQ(line(udp, true), "SENT (1.2346s) UDP [2001:db8::1]:40000 > [2001:db8:1::5]:53 hopl=64 flow=0 payloadlen=10");
}

TEST(PacketTrace, Ipv6Icmp) {
  const Bytes echo = frame6(ipv6(kTarget6, kUs6, 58, icmp6(129, 0, 0x12340007, {'x'}), 64));
  EXPECT_EQ(line(echo), "RCVD (1.2346s) ICMPv6 [2001:db8:1::5 > 2001:db8::1 Echo reply (type=129/code=0) id=4660 seq=7] "
                        "IP [hopl=64 flow=0 payloadlen=9 ]");
  const Bytes probe = ipv6(kUs6, kTarget6, 17, udp_datagram(40000, 53), 64);
  const Bytes unreach = frame6(ipv6(kTarget6, kUs6, 58, icmp6(1, 4, 0, probe), 63));
  EXPECT_EQ(line(unreach), "RCVD (1.2346s) ICMPv6 [2001:db8:1::5 > 2001:db8::1 Port unreachable (type=1/code=4) ] "
                           "IP [hopl=63 flow=0 payloadlen=56 ]");
  Bytes body(kTarget6.begin(), kTarget6.end());
  append(body, Bytes{2, 1, 2, 0, 0, 0, 0, 5});
  const Bytes na = frame6(ipv6(kTarget6, kUs6, 58, icmp6(136, 0, 0x60000000, body), 255));
  EXPECT_EQ(line(na), "RCVD (1.2346s) ICMPv6 [2001:db8:1::5 > 2001:db8::1 Neighbor advertisement (type=136/code=0) "
                      "target=2001:db8:1::5] IP [hopl=255 flow=0 payloadlen=32 ]");
  const Bytes ptb = frame6(ipv6(kTarget6, kUs6, 58, icmp6(2, 0, 1280, probe), 63));
  EXPECT_EQ(line(ptb), "RCVD (1.2346s) ICMPv6 [2001:db8:1::5 > 2001:db8::1 Packet too big (type=2/code=0) mtu=1280] "
                       "IP [hopl=63 flow=0 payloadlen=56 ]");
}

TEST(PacketTrace, Ipv6FragmentsAndOtherProtocols) {
  const Bytes frag = {6, 0, 0x05, 0x01, 0, 0, 0, 9};  // offset 160 x 8 bytes, more fragments, id 9
  const Bytes f = frame6(ipv6(kUs6, kTarget6, 6, Bytes(16, 0), 64, frag, 44));
  EXPECT_EQ(line(f, true),
            "SENT (1.2346s) IPv6 [2001:db8::1 > 2001:db8:1::5 proto=44 hopl=64 flow=0 payloadlen=24 frag offset=1280 MF "
            "id=9 ]");
  const Bytes gre = frame6(ipv6(kUs6, kTarget6, 47, Bytes(4, 0), 64));
  EXPECT_EQ(line(gre, true), "SENT (1.2346s) IPv6 [2001:db8::1 > 2001:db8:1::5 proto=47 hopl=64 flow=0 payloadlen=4 ]");
}

}  // namespace
}  // namespace portsweep
