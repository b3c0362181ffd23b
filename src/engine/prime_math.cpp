#include "engine/prime_math.hpp"

#include <algorithm>
#include <numeric>

#include "engine/modular_arith.hpp"

namespace portsweep {

namespace {

bool miller_rabin_witness_passes(uint64_t n, uint64_t a, uint64_t d, int r) noexcept {
  a %= n;
  if (a == 0) return true;
  uint64_t x = powmod(a, d, n);
  if (x == 1 || x == n - 1) return true;
  for (int i = 1; i < r; ++i) {
    x = mulmod(x, x, n);
    if (x == n - 1) return true;
  }
  return false;
}

// Brent's variant of Pollard's rho; returns a non-trivial factor of the odd
// composite n (retrying with other constants until it finds one).
uint64_t pollard_rho(uint64_t n) {
  for (uint64_t c = 1;; ++c) {
    uint64_t y = 2, x = 2, g = 1, q = 1, ys = 2;
    const auto f = [&](uint64_t v) { return (mulmod(v, v, n) + c) % n; };
    for (uint64_t r = 1; g == 1; r <<= 1) {
      x = y;
      for (uint64_t i = 0; i < r; ++i) y = f(y);
      for (uint64_t k = 0; k < r && g == 1; k += 128) {
        ys = y;
        const uint64_t m = std::min<uint64_t>(128, r - k);
        for (uint64_t i = 0; i < m; ++i) {
          y = f(y);
          q = mulmod(q, x > y ? x - y : y - x, n);
        }
        g = std::gcd(q, n);
      }
    }
    if (g == n) {
      // The batched gcd overshot: step one at a time from the saved point.
      do {
        ys = f(ys);
        g = std::gcd(x > ys ? x - ys : ys - x, n);
      } while (g == 1);
    }
    if (g != n) return g;
  }
}

void collect_factors(uint64_t n, std::vector<uint64_t>& out) {
  if (n == 1) return;
  if (is_prime_u64(n)) {
    out.push_back(n);
    return;
  }
  const uint64_t d = pollard_rho(n);
  collect_factors(d, out);
  collect_factors(n / d, out);
}

}  // namespace

bool is_prime_u64(uint64_t n) noexcept {
  if (n < 2) return false;
  for (uint64_t p : {2u, 3u, 5u, 7u, 11u, 13u, 17u, 19u, 23u, 29u, 31u, 37u}) {
    if (n % p == 0) return n == p;
  }
  uint64_t d = n - 1;
  int r = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++r;
  }
  // These 7 bases are known to make Miller-Rabin exact below 2^64.
  for (uint64_t a : {2ull, 325ull, 9375ull, 28178ull, 450775ull, 9780504ull, 1795265022ull}) {
    if (!miller_rabin_witness_passes(n, a, d, r)) return false;
  }
  return true;
}

uint64_t next_prime_above(uint64_t n) noexcept {
  if (n < 2) return 2;
  uint64_t c = (n % 2 == 0) ? n + 1 : n + 2;  // first odd number above n; 2 is handled above
  while (!is_prime_u64(c)) c += 2;
  return c;
}

std::vector<uint64_t> distinct_prime_factors(uint64_t n) {
  std::vector<uint64_t> out;
  // Trial division strips the small factors cheaply; rho handles the rest.
  for (uint64_t p = 2; p < 1000 && p * p <= n; p += (p == 2 ? 1 : 2)) {
    if (n % p == 0) {
      out.push_back(p);
      while (n % p == 0) n /= p;
    }
  }
  collect_factors(n, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool is_primitive_root(uint64_t g, uint64_t p, const std::vector<uint64_t>& factors) noexcept {
  g %= p;
  if (g == 0) return false;
  for (uint64_t q : factors) {
    if (powmod(g, (p - 1) / q, p) == 1) return false;
  }
  return true;
}

}  // namespace portsweep
