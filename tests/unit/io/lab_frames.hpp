#pragma once
// Hand-built IPv4 frames for the lab tests: just enough of ICMP and UDP to
// draw replies (or be dropped) on a veth, with correct checksums.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "io/mac_addr.hpp"

namespace portsweep::lab {

inline void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void put32(uint8_t* p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}
inline uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t get32(const uint8_t* p) { return uint32_t{get16(p)} << 16 | get16(p + 2); }

inline uint16_t inet_checksum(const uint8_t* p, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += get16(p + i);
  if (len % 2 != 0) sum += uint32_t{p[len - 1]} << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

constexpr size_t kEth = 14, kIp = 20;

// Ethernet + IPv4 header for a payload of l4_len bytes; returns the frame with
// the L4 part zeroed, ready to fill in.
inline std::vector<uint8_t> ipv4_frame(const MacAddr& src_mac, const MacAddr& dst_mac,
                                       uint32_t src_ip, uint32_t dst_ip, uint8_t proto,
                                       size_t l4_len, uint16_t ip_id) {
  std::vector<uint8_t> f(kEth + kIp + l4_len, 0);
  std::memcpy(f.data(), dst_mac.bytes.data(), 6);
  std::memcpy(f.data() + 6, src_mac.bytes.data(), 6);
  put16(f.data() + 12, 0x0800);
  uint8_t* ip = f.data() + kEth;
  ip[0] = 0x45;
  put16(ip + 2, static_cast<uint16_t>(kIp + l4_len));
  put16(ip + 4, ip_id);
  ip[8] = 64;
  ip[9] = proto;
  put32(ip + 12, src_ip);
  put32(ip + 16, dst_ip);
  put16(ip + 10, inet_checksum(ip, kIp));
  return f;
}

// A 60-byte ICMP echo request (64 on the wire with the FCS).
inline std::vector<uint8_t> icmp_echo(const MacAddr& src_mac, const MacAddr& dst_mac,
                                      uint32_t src_ip, uint32_t dst_ip, uint16_t id, uint16_t seq) {
  constexpr size_t kIcmpLen = 60 - kEth - kIp;
  auto f = ipv4_frame(src_mac, dst_mac, src_ip, dst_ip, 1, kIcmpLen, seq);
  uint8_t* icmp = f.data() + kEth + kIp;
  icmp[0] = 8;  // echo request
  put16(icmp + 4, id);
  put16(icmp + 6, seq);
  for (size_t i = 8; i < kIcmpLen; ++i) icmp[i] = static_cast<uint8_t>(i);
  put16(icmp + 2, inet_checksum(icmp, kIcmpLen));
  return f;
}

// A 60-byte UDP datagram (the UDP checksum is optional in IPv4 and left 0).
inline std::vector<uint8_t> udp_datagram(const MacAddr& src_mac, const MacAddr& dst_mac,
                                         uint32_t src_ip, uint32_t dst_ip, uint16_t sport,
                                         uint16_t dport) {
  constexpr size_t kUdpLen = 60 - kEth - kIp;
  auto f = ipv4_frame(src_mac, dst_mac, src_ip, dst_ip, 17, kUdpLen, 1);
  uint8_t* udp = f.data() + kEth + kIp;
  put16(udp, sport);
  put16(udp + 2, dport);
  put16(udp + 4, static_cast<uint16_t>(kUdpLen));
  return f;
}

}  // namespace portsweep::lab
