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

// Longer messages from the same table (entries 32, 35, 36 and 63, the
// bytes read as a little-endian word): the IPv6 cookies hash 35 and 36
// bytes, so a tail after whole words is covered as well as a bare one.
TEST(SipHash, ReferenceVectorsLongMessages) {
  EXPECT_EQ(reference_hash(32), 0x7127512f72f27cceull);
  EXPECT_EQ(reference_hash(35), 0x15e034d40fa197aeull);
  EXPECT_EQ(reference_hash(36), 0x314dffbe0815a3b4ull);
  EXPECT_EQ(reference_hash(63), 0x958a324ceb064572ull);
}

// The word form on the reference key and messages: 4 words and a 3- or
// 4-byte tail must give the table's entries for 35 and 36 bytes.
TEST(SipHash, WordFormMatchesReferenceVectors) {
  uint8_t m[40];
  for (int i = 0; i < 40; ++i) m[i] = static_cast<uint8_t>(i);
  const uint64_t words[4] = {sip_detail::load_le64(m), sip_detail::load_le64(m + 8), sip_detail::load_le64(m + 16),
                             sip_detail::load_le64(m + 24)};
  EXPECT_EQ((siphash_words<2, 4>(reference_key(), words, 0x23222120ull, 4)), 0x314dffbe0815a3b4ull);
  EXPECT_EQ((siphash_words<2, 4>(reference_key(), words, 0x222120ull, 3)), 0x15e034d40fa197aeull);
  const uint64_t none[1] = {sip_detail::load_le64(m)};
  EXPECT_EQ((siphash_words<2, 4>(reference_key(), none, 0, 0)), reference_hash(8));
}

TEST(SipHash, WordFormMatchesByteFormOnRandomInput) {
  uint64_t s = 7;
  for (int i = 0; i < 5000; ++i) {
    uint8_t m[40];
    for (auto& b : m) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      b = static_cast<uint8_t>(s >> 56);
    }
    const SipKey key{s, s * 3};
    const unsigned tail_len = static_cast<unsigned>(s >> 20) % 8;
    const uint64_t words[4] = {sip_detail::load_le64(m), sip_detail::load_le64(m + 8), sip_detail::load_le64(m + 16),
                               sip_detail::load_le64(m + 24)};
    uint64_t tail = 0;
    for (unsigned b = 0; b < tail_len; ++b) tail |= uint64_t{m[32 + b]} << (8 * b);
    ASSERT_EQ((siphash_words<2, 4>(key, words, tail, tail_len)), (siphash_bytes<2, 4>(key, m, 32 + tail_len)));
  }
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
