#include "engine/probe_permutation.hpp"

#include <string>
#include <vector>

#include "common/error.hpp"
#include "engine/prime_math.hpp"
#include "engine/probe_space.hpp"

namespace portsweep {

namespace {

// splitmix64: turns the user's seed into a stream of well-mixed words, so
// seeds 1, 2, 3 give unrelated generators.
uint64_t splitmix64(uint64_t& state) noexcept {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t cut(uint64_t begin, uint64_t length, uint64_t k, uint64_t parts) noexcept {
  return begin + static_cast<uint64_t>(static_cast<u128>(length) * k / parts);
}

uint64_t checked_size(uint64_t size) {
  if (size == 0 || size > ProbeSpace::kMaxSize) {
    throw UsageError("The probe space must hold between 1 and 2^62 probes, not " + std::to_string(size) + ".");
  }
  return size;
}

}  // namespace

ProbePermutation::ProbePermutation(uint64_t size, uint64_t seed) : size_(checked_size(size)) {
  // At least 3: Montgomery needs an odd modulus, and p = 3 still gives a
  // 2-element cycle for size 1 (one value skipped).
  const uint64_t p = next_prime_above(size < 2 ? 2 : size);
  mont_ = Montgomery(p);
  const std::vector<uint64_t> factors = distinct_prime_factors(p - 1);
  uint64_t state = seed;
  // Candidates are uniform in [2, p-1]; about 1 in 4-10 is a primitive root.
  do {
    generator_ = 2 + splitmix64(state) % (p - 2);
  } while (!is_primitive_root(generator_, p, factors));
  start_ = 1 + splitmix64(state) % (p - 1);
}

CycleRange ProbePermutation::segment(uint32_t shard, uint32_t shards, uint32_t thread, uint32_t threads) const {
  if (shards == 0 || shard >= shards) {
    throw UsageError("Shard " + std::to_string(shard + 1) + "/" + std::to_string(shards) + " does not exist.");
  }
  if (threads == 0 || thread >= threads) {
    throw UsageError("Thread " + std::to_string(thread) + " of " + std::to_string(threads) + " does not exist.");
  }
  const uint64_t len = cycle_length();
  const CycleRange machine{cut(0, len, shard, shards), cut(0, len, shard + 1u, shards)};
  return {cut(machine.begin, machine.length(), thread, threads),
          cut(machine.begin, machine.length(), thread + 1u, threads)};
}

uint64_t ProbePermutation::element_at(uint64_t cycle_position) const noexcept {
  const uint64_t p = prime();
  return mulmod(start_, powmod(generator_, cycle_position % (p - 1), p), p);
}

PermutationWalker ProbePermutation::walker(CycleRange range, uint64_t position) const {
  if (range.end > cycle_length() || range.begin > range.end || position > range.length()) {
    throw UsageError("Cannot resume at position " + std::to_string(position) + " of a segment of " +
                     std::to_string(range.length()) + " steps.");
  }
  PermutationWalker w;
  w.mont_ = mont_;
  w.step_ = mont_.multiplier_for(generator_);
  w.current_ = element_at(range.begin + position);
  w.size_ = size_;
  w.length_ = range.length();
  w.remaining_ = range.length() - position;
  return w;
}

}  // namespace portsweep
