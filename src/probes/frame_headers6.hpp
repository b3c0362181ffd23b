#pragma once
// The Ethernet and IPv6 headers every IPv6 probe template starts with, and
// the one's complement sums their incremental checksums need.
//
// IPv6 has no header checksum, so a probe's only checksum is its L4 one,
// whose pseudo-header (RFC 8200 §8.1) holds both 16-byte addresses, the
// upper-layer length as 32 bits and the next header. A template sums
// everything but the destination address once; each probe adds its
// destination's words. An address held as a u128 adds as four 32-bit
// halves: a 32-bit value is congruent to the sum of its two 16-bit words
// modulo 0xffff, so ones_fold() of the wide sum gives the same checksum as
// adding eight 16-bit words (4 adds instead of 8).
#include <cstdint>
#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "portsweep/uint128.hpp"
#include "probes/frame_headers.hpp"
#include "probes/probe_config.hpp"

namespace portsweep {

// Offsets in a probe frame: Ethernet, then the fixed IPv6 header, then L4.
inline constexpr size_t kIp6Off = 14;
inline constexpr size_t kIp6SrcOff = kIp6Off + 8;
inline constexpr size_t kIp6DstOff = kIp6Off + 24;
inline constexpr size_t kL4Off6 = kIp6Off + wire::kIpv6Header;  // 54

inline void write_ethernet_header6(uint8_t* f, const MacAddress& dst, const MacAddress& src) noexcept {
  std::memcpy(f, dst.data(), 6);
  std::memcpy(f + 6, src.data(), 6);
  wire::store_be16(f + 12, wire::kEtherTypeIpv6);
}

// The fixed IPv6 header: version 6, traffic class 0, flow label 0 (a probe
// that carries a cookie there patches it), `payload_len` bytes of payload,
// hop limit config.ttl, our source; the destination left zero.
inline void write_ipv6_header(uint8_t* ip, const ProbeConfig& c, uint8_t next_header, uint16_t payload_len) noexcept {
  std::memset(ip, 0, wire::kIpv6Header);
  ip[0] = 0x60;
  wire::store_be16(ip + 4, payload_len);
  ip[6] = next_header;
  ip[7] = c.ttl;
  std::memcpy(ip + 8, c.src_ip6.data(), 16);
}

// The 20-bit flow label (header bytes 1-3, under a zero traffic class).
inline void set_ipv6_flow_label(uint8_t* ip, uint32_t label) noexcept {
  ip[1] = static_cast<uint8_t>((label >> 16) & 0x0f);
  ip[2] = static_cast<uint8_t>(label >> 8);
  ip[3] = static_cast<uint8_t>(label);
}

inline uint32_t ipv6_flow_label(const uint8_t* ip) noexcept {
  return (uint32_t{ip[1]} & 0x0f) << 16 | uint32_t{ip[2]} << 8 | ip[3];
}

// Two big-endian 8-byte stores (store_ipv6's byte loop is for cold paths).
inline void store_ipv6_address(uint8_t* p, u128 address) noexcept {
  const uint64_t hi = __builtin_bswap64(static_cast<uint64_t>(address >> 64));
  const uint64_t lo = __builtin_bswap64(static_cast<uint64_t>(address));
  std::memcpy(p, &hi, 8);
  std::memcpy(p + 8, &lo, 8);
}

// An address's share of a one's complement sum (see the note above).
inline uint64_t ipv6_address_words(u128 address) noexcept {
  const auto hi = static_cast<uint64_t>(address >> 64);
  const auto lo = static_cast<uint64_t>(address);
  return (hi >> 32) + (hi & 0xffffffff) + (lo >> 32) + (lo & 0xffffffff);
}

// The pseudo-header's sum without the destination address: the template's
// part, to which each probe adds ipv6_address_words(destination).
inline uint64_t ipv6_pseudo_header_sum_src(const ProbeConfig& c, uint8_t next_header, uint32_t l4_len) noexcept {
  return ipv6_address_sum(c.src_ip6.data()) + (l4_len >> 16) + (l4_len & 0xffff) + next_header;
}

// A 32-bit field's share (a TCP sequence number, an ack).
inline uint64_t words32(uint32_t v) noexcept { return uint64_t{v >> 16} + (v & 0xffff); }

}  // namespace portsweep
