#include "io/mock_io.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "common/error.hpp"

namespace portsweep {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<uint8_t> list) { return list; }

TxFrame frame_of(const std::vector<uint8_t>& b) {
  return TxFrame{b.data(), static_cast<uint16_t>(b.size())};
}

TEST(MockIo, RecordsSentFramesPerQueue) {
  MockIo io(2);
  auto a = bytes({1, 2, 3});
  auto b = bytes({4, 5});
  TxFrame frames[] = {frame_of(a), frame_of(b)};
  EXPECT_EQ(io.send_burst(0, frames, 1), 1u);
  EXPECT_EQ(io.send_burst(1, frames + 1, 1), 1u);
  auto sent = io.sent_frames();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].queue, 0u);
  EXPECT_EQ(sent[0].bytes, a);
  EXPECT_EQ(sent[1].queue, 1u);
  EXPECT_EQ(sent[1].bytes, b);
  auto s = io.stats();
  EXPECT_EQ(s.tx_packets, 2u);
  EXPECT_EQ(s.tx_bytes, 5u);
  EXPECT_EQ(io.tx_queues(), 2u);
}

TEST(MockIo, CopiesFramesSoTheCallerMayReuseItsBuffer) {
  MockIo io;
  auto a = bytes({7, 7, 7});
  TxFrame f = frame_of(a);
  io.send_burst(0, &f, 1);
  a[0] = 0;
  EXPECT_EQ(io.sent_frames()[0].bytes, bytes({7, 7, 7}));
}

TEST(MockIo, RejectsAnUnknownQueue) {
  MockIo io(1);
  auto a = bytes({1});
  TxFrame f = frame_of(a);
  EXPECT_EQ(io.send_burst(1, &f, 1), 0u);
  EXPECT_EQ(io.sent_count(), 0u);
}

TEST(MockIo, AcceptLimitSimulatesAFullDeviceQueue) {
  MockIo io;
  auto a = bytes({1});
  std::vector<TxFrame> frames(10, frame_of(a));
  io.set_tx_accept_limit(3);
  EXPECT_EQ(io.send_burst(0, frames.data(), frames.size()), 3u);
  io.set_tx_accept_limit(0);
  EXPECT_EQ(io.send_burst(0, frames.data(), frames.size()), 0u);
  io.set_tx_accept_limit(SIZE_MAX);
  EXPECT_EQ(io.send_burst(0, frames.data(), frames.size()), 10u);
  EXPECT_EQ(io.sent_count(), 13u);
}

TEST(MockIo, CountsWithoutRecordingWhenAsked) {
  MockIo io;
  io.set_record_sent(false);
  auto a = bytes({1, 2});
  TxFrame f = frame_of(a);
  io.send_burst(0, &f, 1);
  EXPECT_EQ(io.sent_count(), 1u);
  EXPECT_TRUE(io.sent_frames().empty());
  EXPECT_EQ(io.stats().tx_bytes, 2u);
}

TEST(MockIo, ReplaysQueuedRepliesInOrderAndInBursts) {
  MockIo io;
  for (uint8_t i = 0; i < 5; ++i) io.queue_reply(bytes({i, i}), 1000 + i);
  RxFrame out[3];
  ASSERT_EQ(io.recv_burst(out, 3, 0), 3u);
  for (uint8_t i = 0; i < 3; ++i) {
    ASSERT_EQ(out[i].len, 2u);
    EXPECT_EQ(out[i].data[0], i);
    EXPECT_EQ(out[i].time_us, 1000 + i);
  }
  ASSERT_EQ(io.recv_burst(out, 3, 0), 2u);
  EXPECT_EQ(out[0].data[0], 3);
  EXPECT_EQ(out[1].data[0], 4);
  EXPECT_EQ(io.recv_burst(out, 3, 0), 0u);
  auto s = io.stats();
  EXPECT_EQ(s.rx_packets, 5u);
  EXPECT_EQ(s.rx_bytes, 10u);
}

TEST(MockIo, StampsUntimedRepliesWithTheWallClock) {
  MockIo io;
  io.queue_reply(bytes({1}));
  auto before = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  RxFrame out[1];
  ASSERT_EQ(io.recv_burst(out, 1, 0), 1u);
  EXPECT_GE(out[0].time_us, before);
}

TEST(MockIo, TimesOutWhenNothingArrives) {
  MockIo io;
  RxFrame out[4];
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(io.recv_burst(out, 4, 30), 0u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(25));
}

TEST(MockIo, WakesAWaitingReceiverWhenAReplyIsQueued) {
  MockIo io;
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    io.queue_reply(bytes({9}));
  });
  RxFrame out[1];
  size_t n = io.recv_burst(out, 1, 5000);
  producer.join();
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(out[0].data[0], 9);
}

TEST(MockIo, ResponderAnswersEverySentFrame) {
  MockIo io;
  // Echo each probe back with its first byte incremented, as a target would.
  io.set_responder([](unsigned, std::span<const uint8_t> frame, MockIo& self) {
    std::vector<uint8_t> reply(frame.begin(), frame.end());
    reply[0] += 1;
    self.queue_reply(reply, 42);
  });
  auto a = bytes({10, 0});
  auto b = bytes({20, 0});
  TxFrame frames[] = {frame_of(a), frame_of(b)};
  ASSERT_EQ(io.send_burst(0, frames, 2), 2u);
  RxFrame out[4];
  ASSERT_EQ(io.recv_burst(out, 4, 0), 2u);
  EXPECT_EQ(out[0].data[0], 11);
  EXPECT_EQ(out[1].data[0], 21);
  EXPECT_EQ(out[1].time_us, 42);
}

TEST(MockIo, ResponderSeesOnlyAcceptedFrames) {
  MockIo io;
  int seen = 0;
  io.set_responder([&](unsigned, std::span<const uint8_t>, MockIo&) { ++seen; });
  io.set_tx_accept_limit(1);
  auto a = bytes({1});
  TxFrame frames[] = {frame_of(a), frame_of(a), frame_of(a)};
  io.send_burst(0, frames, 3);
  EXPECT_EQ(seen, 1);
}

TEST(MockIo, ConcurrentQueuesAndReceiverAreSafe) {
  MockIo io(2);
  io.set_record_sent(false);
  io.set_responder([](unsigned, std::span<const uint8_t> f, MockIo& self) { self.queue_reply(f); });
  constexpr int kPerThread = 2000;
  auto payload = bytes({1, 2, 3, 4});
  auto sender = [&](unsigned q) {
    TxFrame f = frame_of(payload);
    for (int i = 0; i < kPerThread; ++i) io.send_burst(q, &f, 1);
  };
  std::thread t0(sender, 0u), t1(sender, 1u);
  size_t received = 0;
  RxFrame out[64];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (received < 2 * kPerThread && std::chrono::steady_clock::now() < deadline) {
    received += io.recv_burst(out, 64, 10);
  }
  t0.join();
  t1.join();
  EXPECT_EQ(received, 2u * kPerThread);
  EXPECT_EQ(io.sent_count(), 2u * kPerThread);
}

TEST(MockIo, ClosedIoSendsAndReceivesNothing) {
  MockIo io;
  io.queue_reply(bytes({1}));
  io.close();
  EXPECT_TRUE(io.closed());
  auto a = bytes({1});
  TxFrame f = frame_of(a);
  EXPECT_EQ(io.send_burst(0, &f, 1), 0u);
  RxFrame out[1];
  EXPECT_EQ(io.recv_burst(out, 1, 100), 0u);
  io.close();  // idempotent
}

TEST(MockIo, CloseWakesABlockedReceiver) {
  MockIo io;
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    io.close();
  });
  RxFrame out[1];
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(io.recv_burst(out, 1, 10000), 0u);
  closer.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(MockIo, ReportsASimulatedFailure) {
  MockIo io;
  EXPECT_FALSE(io.failed());
  EXPECT_EQ(io.failure_message(), "");
  io.fail("capture on \"mock0\" failed: gone.");
  EXPECT_TRUE(io.failed());
  EXPECT_EQ(io.failure_message(), "capture on \"mock0\" failed: gone.");
}

TEST(MockIo, ReportsSimulatedDropsAndItsOwnCounter) {
  MockIo io;
  io.set_rx_dropped(17);
  io.queue_reply(bytes({1}));
  auto s = io.stats();
  EXPECT_EQ(s.rx_dropped, 17u);
  ASSERT_EQ(s.extra.size(), 1u);
  EXPECT_EQ(s.extra[0].name, "mock_pending_replies");
  EXPECT_EQ(s.extra[0].value, 1u);
}

}  // namespace
}  // namespace portsweep
