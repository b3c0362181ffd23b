#pragma once
// Division by a run-time constant without a divide instruction.
//
// Design note: every probe splits its permutation index into (address, port)
// with one division by the address count. A 64-bit hardware divide costs
// 10-40 ns depending on the CPU, a noticeable share of a ~60 ns probe budget.
// With M = floor(2^64 / d) + 1, the estimate q = floor(n * M / 2^64) exceeds
// n / d by less than n / 2^64 < 1, so it is either exact or one too large; one
// multiply-subtract detects and fixes the second case. Cost ~1-2 ns (one
// 64x64->128 multiply, one multiply, a compare). Exact for every 64-bit n and
// every 1 <= d <= 2^63, which the tests check against the hardware divide.
#include <cstdint>

#include "engine/uint128.hpp"

namespace portsweep {

class FastDivider {
 public:
  FastDivider() = default;
  explicit FastDivider(uint64_t d) noexcept
      : d_(d == 0 ? 1 : d),
        // d == 1 would need M = 2^64 + 1; M = 0 plus the fix-up below still
        // works out, but a flag keeps it obvious.
        magic_(d_ <= 1 ? 0 : static_cast<uint64_t>((static_cast<u128>(1) << 64) / d_) + 1) {}

  uint64_t divisor() const noexcept { return d_; }

  uint64_t quotient(uint64_t n) const noexcept {
    if (d_ == 1) return n;
    uint64_t q = static_cast<uint64_t>((static_cast<u128>(n) * magic_) >> 64);
    // The remainder n - q*d, computed mod 2^64, lands in [0, d) when q is
    // exact and wraps to [2^64 - d + 1, 2^64) when q is one too large.
    if (n - q * d_ >= d_) --q;
    return q;
  }

 private:
  uint64_t d_ = 1;
  uint64_t magic_ = 0;
};

}  // namespace portsweep
