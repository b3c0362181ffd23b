#include "packet/siphash.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace portsweep {
namespace {

// The reference key 00 01 .. 0f and messages 00 01 .. (len-1), from the
// SipHash paper's test vectors (SipHash-2-4, 64-bit output).
SipKey reference_key() {
  uint8_t k[16];
  for (int i = 0; i < 16; ++i) k[i] = static_cast<uint8_t>(i);
  return {sip_detail::load_le64(k), sip_detail::load_le64(k + 8)};
}

uint64_t reference_hash(size_t len) {
  std::vector<uint8_t> m(len);
  for (size_t i = 0; i < len; ++i) m[i] = static_cast<uint8_t>(i);
  return siphash_bytes<2, 4>(reference_key(), m.data(), m.size());
}

TEST(SipHash, ReferenceVectors24) {
  EXPECT_EQ(reference_hash(0), 0x726fdb47dd0e0e31ull);
  EXPECT_EQ(reference_hash(1), 0x74f839c593dc67fdull);
  EXPECT_EQ(reference_hash(15), 0xa129ca6149be45e5ull);
}

TEST(SipHash, TwelveByteFastPathMatchesByteForm) {
  uint64_t s = 99;
  for (int i = 0; i < 10000; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    const SipKey key{s, s ^ 0x1234};
    const uint64_t first = s * 31;
    const auto tail = static_cast<uint32_t>(s >> 17);
    uint8_t msg[12];
    for (int b = 0; b < 8; ++b) msg[b] = static_cast<uint8_t>(first >> (8 * b));
    for (int b = 0; b < 4; ++b) msg[8 + b] = static_cast<uint8_t>(tail >> (8 * b));
    ASSERT_EQ((siphash_12<2, 4>(key, first, tail)), (siphash_bytes<2, 4>(key, msg, 12)));
    ASSERT_EQ((siphash_12<1, 3>(key, first, tail)), (siphash_bytes<1, 3>(key, msg, 12)));
  }
}

}  // namespace
}  // namespace portsweep
