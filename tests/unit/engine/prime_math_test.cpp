#include "engine/prime_math.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "engine/modular_arith.hpp"

namespace portsweep {
namespace {

std::vector<bool> sieve(size_t n) {
  std::vector<bool> prime(n + 1, true);
  prime[0] = false;
  if (n >= 1) prime[1] = false;
  for (size_t i = 2; i * i <= n; ++i) {
    if (prime[i]) {
      for (size_t j = i * i; j <= n; j += i) prime[j] = false;
    }
  }
  return prime;
}

TEST(PrimeMath, MillerRabinAgreesWithSieve) {
  const auto prime = sieve(200000);
  for (uint64_t n = 0; n < prime.size(); ++n) ASSERT_EQ(is_prime_u64(n), prime[n]) << n;
}

TEST(PrimeMath, LargeKnownValues) {
  EXPECT_TRUE(is_prime_u64((uint64_t{1} << 61) - 1));            // Mersenne prime
  EXPECT_TRUE(is_prime_u64(18446744073709551557ull));             // largest 64-bit prime
  EXPECT_FALSE(is_prime_u64(18446744073709551557ull - 2));
  EXPECT_FALSE(is_prime_u64(3215031751ull));                      // strong pseudoprime to 2,3,5,7
  EXPECT_FALSE(is_prime_u64(uint64_t{4294967291} * 4294967279));  // product of two 32-bit primes
  EXPECT_FALSE(is_prime_u64(561));                                // Carmichael
}

TEST(PrimeMath, NextPrimeAbove) {
  EXPECT_EQ(next_prime_above(0), 2u);
  EXPECT_EQ(next_prime_above(1), 2u);
  EXPECT_EQ(next_prime_above(2), 3u);
  EXPECT_EQ(next_prime_above(3), 5u);
  EXPECT_EQ(next_prime_above(100), 101u);
  EXPECT_EQ(next_prime_above(101), 103u);
  EXPECT_EQ(next_prime_above(uint64_t{1} << 32), 4294967311ull);
  const auto prime = sieve(20000);
  for (uint64_t n = 0; n < 19000; ++n) {
    uint64_t expect = n + 1;
    while (!prime[expect]) ++expect;
    ASSERT_EQ(next_prime_above(n), expect) << n;
  }
}

TEST(PrimeMath, FactorsMultiplyBack) {
  const uint64_t cases[] = {1, 2, 12, 97, 1024, 600851475143ull, (uint64_t{1} << 61) - 2,
                            uint64_t{4294967291} * 4294967279, 18446744073709551556ull, 999999999989ull * 3};
  for (uint64_t n : cases) {
    const auto f = distinct_prime_factors(n);
    uint64_t rest = n;
    for (size_t i = 0; i < f.size(); ++i) {
      EXPECT_TRUE(is_prime_u64(f[i])) << f[i];
      if (i > 0) {
        EXPECT_LT(f[i - 1], f[i]);
      }
      ASSERT_EQ(rest % f[i], 0u);
      while (rest % f[i] == 0) rest /= f[i];
    }
    EXPECT_EQ(rest, 1u) << n;
  }
}

// Brute force: g is a primitive root iff its multiplicative order is p-1.
TEST(PrimeMath, PrimitiveRootsMatchBruteForce) {
  for (uint64_t p : {3ull, 5ull, 7ull, 11ull, 13ull, 101ull, 257ull, 1009ull}) {
    const auto f = distinct_prime_factors(p - 1);
    for (uint64_t g = 1; g < p; ++g) {
      uint64_t order = 1, x = g;
      while (x != 1) {
        x = x * g % p;
        ++order;
      }
      EXPECT_EQ(is_primitive_root(g, p, f), order == p - 1) << g << " mod " << p;
    }
  }
}

TEST(ModularArith, MontgomeryMatchesPlainMulmod) {
  uint64_t s = 12345;
  const auto rnd = [&s] {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  };
  for (uint64_t p : {uint64_t{3}, uint64_t{101}, uint64_t{4294967311}, (uint64_t{1} << 61) - 1,
                     next_prime_above(uint64_t{1} << 62)}) {
    ASSERT_TRUE(is_prime_u64(p));
    const Montgomery m(p);
    for (int i = 0; i < 20000; ++i) {
      const uint64_t y = rnd() % p, h = rnd() % p;
      ASSERT_EQ(m.mul(y, m.multiplier_for(h)), mulmod(y, h, p)) << p;
    }
  }
}

}  // namespace
}  // namespace portsweep
