#pragma once
// Test-side packet crafting, written independently of src/probes: plain byte
// pushes and a straightforward RFC 1071 checksum over the finished bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace portsweep::testing {

using Bytes = std::vector<uint8_t>;

// Byte-wise append: GCC 12's -Warray-bounds misfires on vector::insert into
// a vector built from an initializer list, and -Werror makes that fatal.
inline void append(Bytes& b, const uint8_t* p, size_t n) {
  b.reserve(b.size() + n);
  for (size_t i = 0; i < n; ++i) b.push_back(p[i]);
}
inline void append(Bytes& b, const Bytes& more) { append(b, more.data(), more.size()); }

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
inline void put32(Bytes& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}
inline uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t get32(const uint8_t* p) { return uint32_t{get16(p)} << 16 | get16(p + 2); }

// RFC 1071, the textbook way: 32-bit accumulator of 16-bit words, odd byte
// padded, carries folded, complemented.
inline uint16_t rfc1071(const uint8_t* data, size_t len, uint32_t initial = 0) {
  uint32_t sum = initial;
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (len % 2 == 1) sum += static_cast<uint32_t>(data[len - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// Checksum of a TCP/UDP segment with its pseudo-header; 0 when the segment's
// checksum field is right.
inline uint16_t l4_verify(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t* seg, size_t len) {
  Bytes pseudo;
  put32(pseudo, src);
  put32(pseudo, dst);
  pseudo.push_back(0);
  pseudo.push_back(proto);
  put16(pseudo, static_cast<uint16_t>(len));
  append(pseudo, seg, len);
  return rfc1071(pseudo.data(), pseudo.size());
}

inline Bytes ethernet(uint16_t type = 0x0800) {
  Bytes b = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02};
  put16(b, type);
  return b;
}

// Where a protocol keeps its checksum, and whether the pseudo-header counts.
inline size_t l4_checksum_offset(uint8_t proto) { return proto == 6 ? 16 : proto == 17 ? 6 : proto == 1 ? 2 : 0; }

// Fills a TCP, UDP or ICMP checksum left at zero, as a sending host does
// (ICMP has no pseudo-header; a UDP sum of zero goes out as 0xffff).
inline Bytes with_l4_checksum(uint32_t src, uint32_t dst, uint8_t proto, Bytes seg) {
  const size_t at = l4_checksum_offset(proto);
  if (at == 0 || seg.size() < at + 2 || seg[at] != 0 || seg[at + 1] != 0) return seg;
  uint16_t c = proto == 1 ? rfc1071(seg.data(), seg.size()) : l4_verify(src, dst, proto, seg.data(), seg.size());
  if (proto == 17 && c == 0) c = 0xffff;
  seg[at] = static_cast<uint8_t>(c >> 8);
  seg[at + 1] = static_cast<uint8_t>(c);
  return seg;
}

// IPv4 header (no options) with a correct checksum, followed by `payload`,
// whose TCP/UDP/ICMP checksum is filled in if it was left at zero.
inline Bytes ipv4(uint32_t src, uint32_t dst, uint8_t proto, const Bytes& payload, uint8_t ttl = 64) {
  Bytes b = {0x45, 0};
  put16(b, static_cast<uint16_t>(20 + payload.size()));
  put16(b, 0x1234);
  put16(b, 0x4000);
  b.push_back(ttl);
  b.push_back(proto);
  put16(b, 0);
  put32(b, src);
  put32(b, dst);
  const uint16_t c = rfc1071(b.data(), 20);
  b[10] = static_cast<uint8_t>(c >> 8);
  b[11] = static_cast<uint8_t>(c);
  append(b, with_l4_checksum(src, dst, proto, payload));
  return b;
}

inline Bytes tcp(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, seq);
  put32(b, ack);
  b.push_back(0x50);
  b.push_back(flags);
  put16(b, 65535);
  put16(b, 0);
  put16(b, 0);
  return b;
}

inline Bytes icmp_error(uint8_t type, uint8_t code, const Bytes& quote) {
  Bytes b = {type, code, 0, 0, 0, 0, 0, 0};
  append(b, quote);
  const uint16_t c = rfc1071(b.data(), b.size());
  b[2] = static_cast<uint8_t>(c >> 8);
  b[3] = static_cast<uint8_t>(c);
  return b;
}

// An Ethernet frame (up to two VLAN tags) with its IP header checksum and
// its TCP/UDP/ICMP checksum computed afresh over what is there now (the L4
// one only when the whole datagram is present).
inline Bytes refill_checksums(Bytes f) {
  size_t ip = 14;
  while (ip + 4 <= f.size() && (get16(f.data() + ip - 2) == 0x8100 || get16(f.data() + ip - 2) == 0x88a8)) ip += 4;
  if (f.size() < ip + 20) return f;
  const size_t ihl = size_t{f[ip] & 0x0fu} * 4;
  if (ihl < 20 || f.size() < ip + ihl) return f;
  f[ip + 10] = f[ip + 11] = 0;
  const uint16_t c = rfc1071(f.data() + ip, ihl);
  f[ip + 10] = static_cast<uint8_t>(c >> 8);
  f[ip + 11] = static_cast<uint8_t>(c);
  const size_t total = get16(f.data() + ip + 2);
  const uint8_t proto = f[ip + 9];
  const size_t at = l4_checksum_offset(proto);
  if (at == 0 || total < ihl + at + 2 || f.size() < ip + total) return f;
  Bytes seg(f.begin() + static_cast<long>(ip + ihl), f.begin() + static_cast<long>(ip + total));
  if (proto == 17) seg.resize(std::min<size_t>(seg.size(), std::max<size_t>(get16(seg.data() + 4), at + 2)));
  seg[at] = seg[at + 1] = 0;
  seg = with_l4_checksum(get32(f.data() + ip + 12), get32(f.data() + ip + 16), proto, seg);
  f[ip + ihl + at] = seg[at];
  f[ip + ihl + at + 1] = seg[at + 1];
  return f;
}

inline Bytes concat(Bytes a, const Bytes& b) {
  append(a, b);
  return a;
}

}  // namespace portsweep::testing
