// --packet-trace's lines: nmap's layout for TCP, UDP, ICMP queries and errors.
#include "packet/packet_trace.hpp"

#include <gtest/gtest.h>

#include "test_frames.hpp"

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
  EXPECT_EQ(line(arp), "RCVD (1.2346s) (a frame of 14 bytes that does not decode as IPv4)");
}

}  // namespace
}  // namespace portsweep
