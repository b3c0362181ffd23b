#pragma once
// Internet checksum (RFC 1071) building blocks. Sums are kept in a wide
// accumulator and folded once at the end: 16-bit one's complement addition is
// associative and commutative, so partial sums can be precomputed and later
// extended with the words that change (RFC 1624's incremental update, in the
// special case where the template holds zeros in the changing fields).
#include <cstddef>
#include <cstdint>

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

}  // namespace portsweep
