#pragma once
// SipHash (Aumasson & Bernstein), a keyed PRF over short messages, with the
// number of compression (C) and finalization (D) rounds as parameters:
// SipHash-2-4 is the reference variant, SipHash-1-3 the faster one.
// siphash_bytes() follows the specification byte for byte (checked against
// the paper's test vectors); siphash_words() and siphash_12() are the same
// function over messages given as words — N whole little-endian words and a
// tail of fewer than 8 bytes — the probe cookies' hot paths (an IPv6 cookie
// is 4 words of addresses and a 3- or 4-byte tail).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace portsweep {

struct SipKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
  friend bool operator==(const SipKey&, const SipKey&) = default;
};

namespace sip_detail {

struct State {
  uint64_t v0, v1, v2, v3;

  explicit State(const SipKey& k) noexcept
      : v0(k.k0 ^ 0x736f6d6570736575ull),
        v1(k.k1 ^ 0x646f72616e646f6dull),
        v2(k.k0 ^ 0x6c7967656e657261ull),
        v3(k.k1 ^ 0x7465646279746573ull) {}

  void round() noexcept {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }

  template <int C>
  void absorb(uint64_t m) noexcept {
    v3 ^= m;
    for (int i = 0; i < C; ++i) round();
    v0 ^= m;
  }

  template <int D>
  uint64_t finish() noexcept {
    v2 ^= 0xff;
    for (int i = 0; i < D; ++i) round();
    return v0 ^ v1 ^ v2 ^ v3;
  }
};

inline uint64_t load_le64(const uint8_t* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

}  // namespace sip_detail

template <int C, int D>
uint64_t siphash_bytes(const SipKey& key, const uint8_t* data, size_t len) noexcept {
  sip_detail::State s(key);
  const size_t whole = len & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) s.absorb<C>(sip_detail::load_le64(data + i));
  uint64_t last = static_cast<uint64_t>(len & 0xff) << 56;
  for (size_t i = whole; i < len; ++i) last |= static_cast<uint64_t>(data[i]) << (8 * (i - whole));
  s.absorb<C>(last);
  return s.finish<D>();
}

// SipHash of the message whose little-endian encoding is the N words of
// `words` followed by the low `tail_len` (< 8) bytes of `tail`; bytes of
// `tail` above those must be zero.
template <int C, int D, size_t N>
uint64_t siphash_words(const SipKey& key, const uint64_t (&words)[N], uint64_t tail, unsigned tail_len) noexcept {
  sip_detail::State s(key);
  for (size_t i = 0; i < N; ++i) s.absorb<C>(words[i]);
  s.absorb<C>((static_cast<uint64_t>((N * 8 + tail_len) & 0xff) << 56) | tail);
  return s.finish<D>();
}

// SipHash of the 12-byte message whose little-endian encoding is the word
// `first` followed by the 32-bit `tail`.
template <int C, int D>
uint64_t siphash_12(const SipKey& key, uint64_t first, uint32_t tail) noexcept {
  sip_detail::State s(key);
  s.absorb<C>(first);
  s.absorb<C>((uint64_t{12} << 56) | tail);
  return s.finish<D>();
}

}  // namespace portsweep
