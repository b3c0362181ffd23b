#pragma once
// Internet checksum (RFC 1071) building blocks. Sums are kept in a wide
// accumulator and folded once at the end: 16-bit one's complement addition is
// associative and commutative, so partial sums can be precomputed and later
// extended with the words that change (RFC 1624's incremental update, in the
// special case where the template holds zeros in the changing fields).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "packet/wire.hpp"

namespace portsweep {

// Sum of the big-endian 16-bit words of [p, p+len); an odd last byte is
// padded with a zero byte, as RFC 1071 prescribes.
inline uint64_t ones_sum(const uint8_t* p, size_t len, uint64_t sum = 0) noexcept {
  size_t i = 0;
  for (; i + 1 < len; i += 2) sum += wire::load_be16(p + i);
  if (i < len) sum += uint64_t{p[i]} << 8;
  return sum;
}

// Folds a wide sum to 16 bits with end-around carries.
inline uint16_t ones_fold(uint64_t sum) noexcept {
  sum = (sum & 0xffffffff) + (sum >> 32);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

inline uint16_t internet_checksum(const uint8_t* p, size_t len, uint64_t sum = 0) noexcept {
  return static_cast<uint16_t>(~ones_fold(ones_sum(p, len, sum)));
}

// The TCP/UDP pseudo-header contribution (RFC 793 / 768).
inline uint64_t pseudo_header_sum(uint32_t src_ip, uint32_t dst_ip, uint8_t proto, uint16_t l4_len) noexcept {
  return uint64_t{src_ip >> 16} + (src_ip & 0xffff) + (dst_ip >> 16) + (dst_ip & 0xffff) + proto + l4_len;
}

// The IPv6 pseudo-header (RFC 8200 §8.1): both 16-byte addresses, the
// upper-layer length as 32 bits and the next header value, which is the
// upper-layer protocol (6, 17, 58), never an extension header's. Used for
// TCP, UDP and ICMPv6 alike: unlike ICMPv4, ICMPv6 covers it too.
inline uint64_t ipv6_address_sum(const uint8_t* addr16) noexcept { return ones_sum(addr16, 16); }

inline uint64_t ipv6_pseudo_sum(const uint8_t* src16, const uint8_t* dst16, uint32_t upper_len,
                                uint8_t next_header) noexcept {
  return ipv6_address_sum(src16) + ipv6_address_sum(dst16) + (upper_len >> 16) + (upper_len & 0xffff) + next_header;
}

// --- Verifying a received checksum ------------------------------------------
// A receiver only asks whether the sum over a header (or a segment and its
// pseudo-header), checksum field included, folds to 0xffff. RFC 1071's sum
// is byte-order independent (§2(B): summing host-order words gives the
// byte-swapped sum, and 0xffff swapped is 0xffff), so the bytes are summed as
// they lie in memory, 8 at a time, with no byte swaps: the 20-byte IP header
// is 3 loads, a 20-byte TCP header and its pseudo-header 5.

// Sum of [p, p+len) as host-order 16-bit words (an odd last byte padded with
// a zero byte after it, as RFC 1071 prescribes).
inline uint64_t ones_sum_raw(const uint8_t* p, size_t len, uint64_t sum = 0) noexcept {
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    sum += (w & 0xffffffff) + (w >> 32);
  }
  if (i + 4 <= len) {
    uint32_t w;
    std::memcpy(&w, p + i, 4);
    sum += w;
    i += 4;
  }
  if (i + 2 <= len) {
    uint16_t w;
    std::memcpy(&w, p + i, 2);
    sum += w;
    i += 2;
  }
  if (i < len) {
    const uint8_t last[2] = {p[i], 0};
    uint16_t w;
    std::memcpy(&w, last, 2);
    sum += w;
  }
  return sum;
}

// What a host-order load of the big-endian 16-bit value `v` reads.
inline uint16_t raw16(uint16_t v) noexcept {
  uint16_t w;
  const uint8_t be[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  std::memcpy(&w, be, 2);
  return w;
}

// The TCP/UDP pseudo-header in the same host-order terms, its addresses read
// from an IPv4 header's bytes 12-19.
inline uint64_t pseudo_header_sum_raw(const uint8_t* ip_header, uint8_t proto, uint16_t l4_len) noexcept {
  return ones_sum_raw(ip_header + 12, 8, uint64_t{raw16(proto)} + raw16(l4_len));
}

// The IPv6 pseudo-header in host-order terms (4 loads for the addresses).
inline uint64_t ipv6_pseudo_sum_raw(const uint8_t* src16, const uint8_t* dst16, uint32_t upper_len,
                                    uint8_t next_header) noexcept {
  return ones_sum_raw(dst16, 16, ones_sum_raw(src16, 16)) + raw16(static_cast<uint16_t>(upper_len >> 16)) +
         raw16(static_cast<uint16_t>(upper_len)) + raw16(next_header);
}

// True when a raw sum over data that includes its checksum field is right.
inline bool ones_sum_verifies(uint64_t raw_sum) noexcept { return ones_fold(raw_sum) == 0xffff; }

}  // namespace portsweep
