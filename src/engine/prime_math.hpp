#pragma once
// Number theory needed once per scan to set up the probe permutation:
// primality, the next prime, factoring p-1 and primitive-root tests.
// Setup only; nothing here runs per packet.
#include <cstdint>
#include <vector>

namespace portsweep {

// Deterministic Miller-Rabin: exact for every 64-bit n.
bool is_prime_u64(uint64_t n) noexcept;

// Smallest prime strictly greater than n (n < 2^63).
uint64_t next_prime_above(uint64_t n) noexcept;

// Distinct prime factors of n (n >= 1), ascending.
std::vector<uint64_t> distinct_prime_factors(uint64_t n);

// True iff g generates the multiplicative group mod prime p, given the
// distinct prime factors of p-1.
bool is_primitive_root(uint64_t g, uint64_t p, const std::vector<uint64_t>& factors_of_p_minus_1) noexcept;

}  // namespace portsweep
