// The RX thread's deferred answers: order, capacity, and one producer with
// consumers taking turns.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "io/deferred_frames.hpp"

namespace portsweep {
namespace {

TEST(DeferredFrames, KeepsOrderAndBytes) {
  auto d = std::make_unique<DeferredFrames>();
  uint8_t a[3] = {1, 2, 3}, b[60] = {9};
  ASSERT_TRUE(d->push(a, 3));
  ASSERT_TRUE(d->push(b, 60));
  EXPECT_EQ(d->pending(), 2u);
  TxFrame out[4];
  ASSERT_EQ(d->peek(out, 4), 2u);
  EXPECT_EQ(out[0].len, 3);
  EXPECT_EQ(out[0].data[2], 3);
  EXPECT_EQ(out[1].len, 60);
  EXPECT_EQ(out[1].data[0], 9);
  d->pop(1);
  ASSERT_EQ(d->peek(out, 4), 1u);
  EXPECT_EQ(out[0].len, 60);
}

TEST(DeferredFrames, RefusesTooLongAndWhenFull) {
  auto d = std::make_unique<DeferredFrames>();
  std::vector<uint8_t> big(DeferredFrames::kSlotBytes + 1);
  EXPECT_FALSE(d->push(big.data(), static_cast<uint16_t>(big.size())));
  uint8_t f[54] = {};
  for (size_t i = 0; i < DeferredFrames::kSlots; ++i) ASSERT_TRUE(d->push(f, 54));
  EXPECT_FALSE(d->push(f, 54));
  d->pop(1);
  EXPECT_TRUE(d->push(f, 54));
}

TEST(DeferredFrames, OneProducerOneConsumerLoseNothing) {
  auto d = std::make_unique<DeferredFrames>();
  constexpr uint32_t kCount = 200000;
  std::atomic<bool> done{false};
  std::thread producer([&] {
    for (uint32_t i = 0; i < kCount;) {
      uint8_t f[4];
      std::memcpy(f, &i, 4);
      if (d->push(f, 4)) ++i;
    }
    done = true;
  });
  uint32_t expect = 0;
  TxFrame out[64];
  while (expect < kCount) {
    size_t n = d->peek(out, 64);
    for (size_t k = 0; k < n; ++k) {
      uint32_t v;
      std::memcpy(&v, out[k].data, 4);
      ASSERT_EQ(v, expect++);
    }
    d->pop(n);
  }
  producer.join();
  EXPECT_EQ(d->pending(), 0u);
}

}  // namespace
}  // namespace portsweep
