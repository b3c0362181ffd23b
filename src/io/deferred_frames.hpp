#pragma once
// Frames the receiving thread wants sent (RSTs, ARP replies) while another
// thread is inside a burst on the same device queue. Waiting for that burst
// would stall reception for as long as the kernel takes to move 64 frames (or
// a whole time slice if the sender is preempted), and reception must not
// stall: its buffers are few. So the frames are copied here and whichever
// thread next holds the queue sends them.
//
// One producer: each receiving thread has a ring of its own, for its answer
// queue. Consumers take turns under the flag of the device queue that answer
// queue is on, whose acquire/release orders their reads of `tail_`.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "io/packet_io.hpp"

namespace portsweep {

class DeferredFrames {
 public:
  static constexpr size_t kSlots = 4096;   // a power of two
  static constexpr size_t kSlotBytes = 128;  // RSTs and ARP replies are 54-60 bytes

  // Producer. False when the frame is too long for a slot or the ring is full.
  bool push(const uint8_t* data, uint16_t len) noexcept {
    if (len > kSlotBytes) return false;
    size_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) >= kSlots) return false;
    Slot& s = slots_[head & (kSlots - 1)];
    std::memcpy(s.bytes.data(), data, len);
    s.len = len;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  size_t pending() const noexcept {
    return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_relaxed);
  }

  // Consumer: up to `max` of the oldest frames, pointing into the ring; they
  // stay valid until pop().
  size_t peek(TxFrame* out, size_t max) const noexcept {
    size_t tail = tail_.load(std::memory_order_relaxed);
    size_t n = head_.load(std::memory_order_acquire) - tail;
    if (n > max) n = max;
    for (size_t i = 0; i < n; ++i) {
      const Slot& s = slots_[(tail + i) & (kSlots - 1)];
      out[i] = TxFrame{s.bytes.data(), s.len};
    }
    return n;
  }

  void pop(size_t n) noexcept {
    tail_.store(tail_.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }

 private:
  struct Slot {
    std::array<uint8_t, kSlotBytes> bytes;
    uint16_t len;
  };
  std::array<Slot, kSlots> slots_{};
  alignas(64) std::atomic<size_t> head_{0};
  alignas(64) std::atomic<size_t> tail_{0};
};

}  // namespace portsweep
