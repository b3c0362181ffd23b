#pragma once
// Test-side IPv6 packet crafting, beside test_frames.hpp's IPv4: plain byte
// pushes, and the RFC 1071 sum over an explicitly built RFC 8200 §8.1
// pseudo-header — written independently of src/packet/checksum.hpp.
#include <array>
#include <cstddef>
#include <cstdint>

#include "test_frames.hpp"

namespace portsweep::testing {

using Addr6 = std::array<uint8_t, 16>;

// 2001:db8::/32 addresses ending in `last`, in network /48 `net`.
inline Addr6 addr6(uint16_t net, uint16_t last) {
  Addr6 a{0x20, 0x01, 0x0d, 0xb8};
  a[4] = static_cast<uint8_t>(net >> 8);
  a[5] = static_cast<uint8_t>(net);
  a[14] = static_cast<uint8_t>(last >> 8);
  a[15] = static_cast<uint8_t>(last);
  return a;
}

// The checksum of `seg` (its checksum field included) with the IPv6
// pseudo-header: 0 when the field is right.
inline uint16_t l4_verify6(const Addr6& src, const Addr6& dst, uint8_t next_header, const uint8_t* seg, size_t len) {
  Bytes pseudo;
  append(pseudo, src.data(), 16);
  append(pseudo, dst.data(), 16);
  put32(pseudo, static_cast<uint32_t>(len));
  put16(pseudo, 0);
  pseudo.push_back(0);
  pseudo.push_back(next_header);
  append(pseudo, seg, len);
  return rfc1071(pseudo.data(), pseudo.size());
}

inline size_t l4_checksum_offset6(uint8_t proto) { return proto == 6 ? 16 : proto == 17 ? 6 : proto == 58 ? 2 : 0; }

// Fills a TCP, UDP or ICMPv6 checksum left at zero, as a sending host does
// (a UDP sum of zero goes out as 0xffff). The pseudo-header's length is the
// segment's, or for UDP its length field's.
inline Bytes with_l4_checksum6(const Addr6& src, const Addr6& dst, uint8_t proto, Bytes seg) {
  const size_t at = l4_checksum_offset6(proto);
  if (at == 0 || seg.size() < at + 2 || seg[at] != 0 || seg[at + 1] != 0) return seg;
  size_t n = seg.size();
  if (proto == 17 && n >= 8) n = std::min<size_t>(n, get16(seg.data() + 4));
  uint16_t c = l4_verify6(src, dst, proto, seg.data(), n);
  if (proto == 17 && c == 0) c = 0xffff;
  seg[at] = static_cast<uint8_t>(c >> 8);
  seg[at + 1] = static_cast<uint8_t>(c);
  return seg;
}

// An extension header (hop-by-hop, routing, destination options) of
// 8 * (1 + len8) bytes, its body filled with PadN-like bytes.
inline Bytes ext_header(uint8_t next, uint8_t len8) {
  Bytes b = {next, len8};
  for (size_t i = 2; i < size_t{8} * (1 + len8); ++i) b.push_back(i == 2 ? 1 : 0);  // PadN
  if (b.size() > 3) b[3] = static_cast<uint8_t>(b.size() - 4);
  return b;
}

// An IPv6 header (hop limit `hops`), then `exts` (already chained: the
// fixed header's next header is `first`), then `payload` for `proto`, whose
// TCP/UDP/ICMPv6 checksum is filled in if it was left at zero.
inline Bytes ipv6(const Addr6& src, const Addr6& dst, uint8_t proto, const Bytes& payload, uint8_t hops = 64,
                  const Bytes& exts = {}, uint8_t first = 0xff) {
  Bytes b = {0x60, 0x00, 0x00, 0x00};
  put16(b, static_cast<uint16_t>(exts.size() + payload.size()));
  b.push_back(exts.empty() ? proto : first);
  b.push_back(hops);
  append(b, src.data(), 16);
  append(b, dst.data(), 16);
  append(b, exts);
  append(b, with_l4_checksum6(src, dst, proto, payload));
  return b;
}

inline Bytes icmp6(uint8_t type, uint8_t code, uint32_t rest, const Bytes& body = {}) {
  Bytes b = {type, code, 0, 0};
  put32(b, rest);
  append(b, body);
  return b;
}

inline Bytes udp_datagram(uint16_t sport, uint16_t dport, const Bytes& data = {}) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<uint16_t>(8 + data.size()));
  put16(b, 0);
  append(b, data);
  return b;
}

}  // namespace portsweep::testing
