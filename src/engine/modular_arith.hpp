#pragma once
// 64-bit modular arithmetic for the probe permutation.
//
// Design note: the permutation walk multiplies by a constant generator modulo
// a prime p < 2^63 once per probe. A plain (a*b) % p on a 128-bit product is a
// call into libgcc's __umodti3 (a hardware divide, 15-40 ns depending on the
// CPU). Montgomery multiplication replaces the divide with two multiplies and
// an add (~2 ns). The trick that makes it free here: montmul(y, c) computes
// y*c*2^-64 mod p, i.e. it is plain multiplication by h = c*2^-64. So walking
// y <- montmul(y, c) with c = h*2^64 mod p visits exactly the sequence
// y*h, y*h^2, ... in ordinary (not Montgomery) representation: no conversion
// in or out is ever needed.
#include <cstdint>

#include "engine/uint128.hpp"

namespace portsweep {

// (a*b) mod m with a full 128-bit product; setup paths only (it divides).
inline uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) noexcept {
  return static_cast<uint64_t>(static_cast<u128>(a) * b % m);
}

inline uint64_t powmod(uint64_t base, uint64_t exp, uint64_t m) noexcept {
  uint64_t result = 1 % m;
  base %= m;
  while (exp != 0) {
    if (exp & 1) result = mulmod(result, base, m);
    base = mulmod(base, base, m);
    exp >>= 1;
  }
  return result;
}

// Montgomery reduction for an odd modulus p < 2^63 (so t + m*p never
// overflows 128 bits and the result before the final subtraction is < 2p).
class Montgomery {
 public:
  Montgomery() = default;
  explicit Montgomery(uint64_t p) noexcept : p_(p) {
    // Newton iteration for p^-1 mod 2^64: each step doubles the correct bits;
    // p itself is correct to 3 bits for odd p, so 5 steps reach 96 > 64.
    uint64_t inv = p;
    for (int i = 0; i < 5; ++i) inv *= 2 - p * inv;
    neg_inv_ = ~inv + 1;
    r_mod_ = static_cast<uint64_t>((static_cast<u128>(1) << 64) % p);
  }

  uint64_t modulus() const noexcept { return p_; }

  // a*b*2^-64 mod p, for a, b < p.
  uint64_t mul(uint64_t a, uint64_t b) const noexcept {
    const u128 t = static_cast<u128>(a) * b;
    const uint64_t m = static_cast<uint64_t>(t) * neg_inv_;
    const uint64_t r = static_cast<uint64_t>((t + static_cast<u128>(m) * p_) >> 64);
    return r >= p_ ? r - p_ : r;
  }

  // The constant c such that mul(y, c) == y*h mod p for every y.
  uint64_t multiplier_for(uint64_t h) const noexcept { return mulmod(h % p_, r_mod_, p_); }

 private:
  uint64_t p_ = 3;
  uint64_t neg_inv_ = 0;
  uint64_t r_mod_ = 0;
};

}  // namespace portsweep
