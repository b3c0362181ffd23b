#pragma once
// GCC/Clang's 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
// An IPv6 address on the hot paths is one of these, its 16 network-order
// bytes read as one big-endian number (load_ipv6/store_ipv6), so ranges,
// indexes and comparisons are plain integer arithmetic.
#include <cstdint>

namespace portsweep {
__extension__ using u128 = unsigned __int128;

inline u128 load_ipv6(const uint8_t* p) noexcept {
  u128 v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | p[i];
  return v;
}

inline void store_ipv6(uint8_t* p, u128 v) noexcept {
  for (int i = 15; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}
}  // namespace portsweep
