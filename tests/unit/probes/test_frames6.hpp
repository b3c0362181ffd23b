#pragma once
// Test-side IPv6 helpers, written independently of src/probes: the textbook
// checksum over an explicit pseudo-header, field readers, addresses, and
// DecodedPackets filled by hand (what the decoder would produce for a reply)
// so the classifiers are tested on their own.
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "packet/packet_decoder.hpp"
#include "portsweep/ip_address.hpp"
#include "portsweep/result.hpp"
#include "portsweep/uint128.hpp"
#include "test_frames.hpp"

namespace portsweep::testing {

using Addr6 = std::array<uint8_t, 16>;

// 2001:db8::1 (us), 2001:db8:1::5 (a target), 2001:db8:ff::1 (a router).
inline constexpr Addr6 kUs6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
inline constexpr Addr6 kTarget6 = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
inline constexpr Addr6 kOther6 = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6};
inline constexpr Addr6 kRouter6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

inline u128 value6(const Addr6& a) {
  u128 v = 0;
  for (uint8_t b : a) v = (v << 8) | b;
  return v;
}

// RFC 8200 §8.1: src, dst, 32-bit upper-layer length, 3 zero bytes, next
// header, then the segment; 0 when the segment's checksum field is right.
inline uint16_t l4_verify6(const uint8_t* src, const uint8_t* dst, uint8_t next_header, const uint8_t* seg,
                           size_t len) {
  Bytes pseudo;
  append(pseudo, src, 16);
  append(pseudo, dst, 16);
  put32(pseudo, static_cast<uint32_t>(len));
  pseudo.push_back(0);
  pseudo.push_back(0);
  pseudo.push_back(0);
  pseudo.push_back(next_header);
  append(pseudo, seg, len);
  return rfc1071(pseudo.data(), pseudo.size());
}

// The L4 checksum of an Ethernet + IPv6 frame (no extension headers) checks.
inline bool frame6_checksum_ok(const uint8_t* f, size_t len) {
  const uint8_t* ip = f + 14;
  const size_t plen = get16(ip + 4);
  if (len != 14 + 40 + plen) return false;
  return l4_verify6(ip + 8, ip + 24, ip[6], ip + 40, plen) == 0;
}

inline uint32_t flow_label(const uint8_t* ip6_header) {
  return (uint32_t{ip6_header[1]} & 0x0f) << 16 | uint32_t{ip6_header[2]} << 8 | ip6_header[3];
}

// A reply as the decoder reports it: IPv6, from `src` to `dst` (pointers
// to the test's arrays), hop limit `ttl`.
inline DecodedPacket reply6(const Addr6& src, const Addr6& dst, uint8_t proto, uint8_t ttl = 55) {
  DecodedPacket d;
  d.ip_version = 6;
  d.src_ip6 = src.data();
  d.dst_ip6 = dst.data();
  d.ttl = ttl;
  d.ip_proto = proto;
  return d;
}

// An ICMPv6 error from `from` quoting the probe frame `probe` (Ethernet +
// IPv6 + L4, as the probe wrote it): what the decoder lifts from the quote.
inline DecodedPacket icmp6_error(const Addr6& from, uint8_t type, uint8_t code, const uint8_t* probe, size_t len,
                                 uint8_t ttl = 250) {
  DecodedPacket d = reply6(from, kUs6, 58, ttl);
  d.icmp_type = type;
  d.icmp_code = code;
  d.has_quote = true;
  const uint8_t* ip = probe + 14;
  d.quote.src_ip6 = ip + 8;
  d.quote.dst_ip6 = ip + 24;
  d.quote.proto = ip[6];
  const size_t l4 = len - 54;
  d.quote.l4_len = static_cast<uint8_t>(l4 < 8 ? l4 : 8);
  if (l4 >= 4) {
    d.quote.src_port = get16(ip + 40);
    d.quote.dst_port = get16(ip + 42);
  }
  if (l4 >= 8) d.quote.seq = get32(ip + 44);
  return d;
}

// The result's address, whatever PortResult::ip's type is while main's
// change to IpAddress is in flight (TEMPORARY: a plain == after the merge).
template <class R>
bool result_address_is(const R& r, const Addr6& a) {
  if constexpr (std::is_same_v<decltype(r.ip), IpAddress>) return r.ip == IpAddress::v6(a);
  else return true;
}

}  // namespace portsweep::testing
