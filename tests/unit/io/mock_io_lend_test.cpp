// MockIo's zero-copy transmit (tx_lend/tx_commit), held to the contract in
// packet_io.hpp, since the engine's lending path is tested through it.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "io/mock_io.hpp"

namespace portsweep {
namespace {

// Writes frame k as `len` bytes of value 10 + k into buffers[k].
std::vector<uint16_t> write_frames(uint8_t* const* buffers, size_t n, uint16_t len) {
  std::vector<uint16_t> lengths(n, len);
  for (size_t k = 0; k < n; ++k) std::memset(buffers[k], static_cast<int>(10 + k), len);
  return lengths;
}

std::vector<uint8_t> frame(size_t k, uint16_t len) { return std::vector<uint8_t>(len, static_cast<uint8_t>(10 + k)); }

TEST(MockIoLend, LendsNothingUntilAsked) {
  MockIo io;
  EXPECT_FALSE(io.lends_tx_buffers());
  uint8_t* buffers[4] = {};
  EXPECT_EQ(io.tx_lend(0, buffers, 4, 60), 0u);
  io.set_lend_tx_buffers(true);
  EXPECT_TRUE(io.lends_tx_buffers());
  EXPECT_EQ(io.tx_lend(0, buffers, 4, 60), 4u);
  EXPECT_EQ(io.tx_lent(), 4u);
}

TEST(MockIoLend, SendsTheBytesWrittenIntoItsBuffersFilledBeforehand) {
  MockIo io(2);
  io.set_lend_tx_buffers(true);
  uint8_t* buffers[3] = {};
  ASSERT_EQ(io.tx_lend(1, buffers, 3, 20), 3u);
  for (uint8_t* b : buffers) {
    for (size_t i = 0; i < 20; ++i) ASSERT_EQ(b[i], MockIo::kLentFill);
  }
  auto lengths = write_frames(buffers, 3, 20);
  lengths[1] = 7;  // a shorter frame: its length, not the room, is sent
  EXPECT_EQ(io.tx_commit(1, lengths.data(), 3), 3u);
  const auto sent = io.sent_frames();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].queue, 1u);
  EXPECT_EQ(sent[0].bytes, frame(0, 20));
  EXPECT_EQ(sent[1].bytes, frame(1, 7));
  EXPECT_EQ(sent[2].bytes, frame(2, 20));
  EXPECT_EQ(io.stats().tx_packets, 3u);
  EXPECT_EQ(io.stats().tx_bytes, 47u);
  EXPECT_EQ(io.tx_lent(), 0u);
  EXPECT_EQ(io.tx_returned(), 0u);
  EXPECT_FALSE(io.failed());
}

TEST(MockIoLend, TheFirstCommitReturnsTheBuffersBeyondIt) {
  MockIo io;
  io.set_lend_tx_buffers(true);
  uint8_t* buffers[5] = {};
  ASSERT_EQ(io.tx_lend(0, buffers, 5, 16), 5u);
  auto lengths = write_frames(buffers, 2, 16);
  EXPECT_EQ(io.tx_commit(0, lengths.data(), 2), 2u);
  EXPECT_EQ(io.sent_count(), 2u);
  EXPECT_EQ(io.tx_returned(), 3u);
  EXPECT_EQ(io.tx_lent(), 0u);
  // Nothing is left lent, so the next lend is within the contract.
  EXPECT_EQ(io.tx_lend(0, buffers, 5, 16), 5u);
  EXPECT_FALSE(io.failed());
}

TEST(MockIoLend, ACommitOfNothingReturnsEveryBuffer) {
  MockIo io;
  io.set_lend_tx_buffers(true);
  uint8_t* buffers[4] = {};
  ASSERT_EQ(io.tx_lend(0, buffers, 4, 16), 4u);
  const uint16_t none[1] = {0};
  EXPECT_EQ(io.tx_commit(0, none, 0), 0u);
  EXPECT_EQ(io.tx_returned(), 4u);
  EXPECT_EQ(io.tx_lent(), 0u);
  EXPECT_EQ(io.sent_count(), 0u);
  EXPECT_EQ(io.tx_lend(0, buffers, 4, 16), 4u);
  EXPECT_FALSE(io.failed());
}

// A full device queue takes part of a commit; the rest stay lent, in order,
// and go out when the caller commits them again.
TEST(MockIoLend, PartialCommitsKeepTheRestLentInOrder) {
  MockIo io;
  io.set_lend_tx_buffers(true);
  io.set_tx_accept_limit(2);
  uint8_t* buffers[5] = {};
  ASSERT_EQ(io.tx_lend(0, buffers, 5, 12), 5u);
  auto lengths = write_frames(buffers, 5, 12);
  EXPECT_EQ(io.tx_commit(0, lengths.data(), 5), 2u);
  EXPECT_EQ(io.tx_lent(), 3u);
  io.set_tx_accept_limit(0);
  EXPECT_EQ(io.tx_commit(0, lengths.data() + 2, 3), 0u);
  EXPECT_EQ(io.tx_lent(), 3u);
  io.set_tx_accept_limit(2);
  EXPECT_EQ(io.tx_commit(0, lengths.data() + 2, 3), 2u);
  EXPECT_EQ(io.tx_commit(0, lengths.data() + 4, 1), 1u);
  EXPECT_EQ(io.tx_lent(), 0u);
  EXPECT_EQ(io.tx_returned(), 0u);
  const auto sent = io.sent_frames();
  ASSERT_EQ(sent.size(), 5u);
  for (size_t k = 0; k < 5; ++k) EXPECT_EQ(sent[k].bytes, frame(k, 12)) << k;
  EXPECT_FALSE(io.failed());
}

// Only the first commit after a lend returns a surplus: a later, shorter
// one (the rest of a partial commit) sends from the front and keeps the rest.
TEST(MockIoLend, OnlyTheFirstCommitReturnsASurplus) {
  MockIo io;
  io.set_lend_tx_buffers(true);
  io.set_tx_accept_limit(1);
  uint8_t* buffers[4] = {};
  ASSERT_EQ(io.tx_lend(0, buffers, 4, 8), 4u);
  auto lengths = write_frames(buffers, 4, 8);
  EXPECT_EQ(io.tx_commit(0, lengths.data(), 3), 1u);  // the fourth goes back
  EXPECT_EQ(io.tx_returned(), 1u);
  EXPECT_EQ(io.tx_lent(), 2u);
  EXPECT_EQ(io.tx_commit(0, lengths.data() + 1, 1), 1u);
  EXPECT_EQ(io.tx_lent(), 1u);
  EXPECT_EQ(io.tx_returned(), 1u);
  // n = 0 gives back what a partial commit left lent.
  EXPECT_EQ(io.tx_commit(0, lengths.data(), 0), 0u);
  EXPECT_EQ(io.tx_lent(), 0u);
  EXPECT_EQ(io.tx_returned(), 2u);
  const auto sent = io.sent_frames();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].bytes, frame(0, 8));
  EXPECT_EQ(sent[1].bytes, frame(1, 8));
}

TEST(MockIoLend, ALendLimitLendsFewerThanAsked) {
  MockIo io;
  io.set_lend_tx_buffers(true);
  io.set_tx_lend_limit(3);
  uint8_t* buffers[8] = {};
  EXPECT_EQ(io.tx_lend(0, buffers, 8, 16), 3u);
  EXPECT_EQ(io.tx_lent(), 3u);
  EXPECT_EQ(io.tx_lends(), 1u);
  io.set_tx_lend_limit(0);  // every buffer in flight
  const uint16_t none[1] = {0};
  io.tx_commit(0, none, 0);
  EXPECT_EQ(io.tx_lend(0, buffers, 8, 16), 0u);
  EXPECT_EQ(io.tx_lends(), 1u);
}

TEST(MockIoLend, BreakingTheContractFailsTheMock) {
  {
    MockIo io;
    io.set_lend_tx_buffers(true);
    uint8_t* buffers[2] = {};
    ASSERT_EQ(io.tx_lend(0, buffers, 2, 16), 2u);
    EXPECT_EQ(io.tx_lend(0, buffers, 2, 16), 0u);  // two still lent
    EXPECT_TRUE(io.failed());
    EXPECT_NE(io.failure_message().find("still lent"), std::string::npos);
  }
  {
    MockIo io;
    io.set_lend_tx_buffers(true);
    uint8_t* buffers[2] = {};
    ASSERT_EQ(io.tx_lend(0, buffers, 2, 16), 2u);
    const uint16_t lengths[3] = {16, 16, 16};
    EXPECT_EQ(io.tx_commit(0, lengths, 3), 0u);  // one more than lent
    EXPECT_TRUE(io.failed());
  }
  {
    MockIo io;
    io.set_lend_tx_buffers(true);
    uint8_t* buffers[1] = {};
    ASSERT_EQ(io.tx_lend(0, buffers, 1, 16), 1u);
    const uint16_t lengths[1] = {17};  // longer than the room asked for
    EXPECT_EQ(io.tx_commit(0, lengths, 1), 0u);
    EXPECT_TRUE(io.failed());
    EXPECT_EQ(io.sent_count(), 0u);
  }
}

}  // namespace
}  // namespace portsweep
