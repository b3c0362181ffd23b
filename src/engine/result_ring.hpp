#pragma once
// Single-producer single-consumer ring from the RX thread to the output stage.
// The RX thread must never wait on file I/O or formatting, so it only copies a
// 24-byte ProbeResult here; the sweep's main thread drains the ring every few
// milliseconds. 2^18 slots (6 MB) absorb over a second of replies at 175k/s.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "portsweep/result.hpp"

namespace portsweep {

// What the engine learns from one reply: which probe it answers (its index
// in the probe space; the address and port follow from the target set and
// the port list) and what it says. No address family in sight.
struct ProbeResult {
  uint64_t index = 0;
  int64_t time_us = 0;  // wall clock of the reply
  PortState state = PortState::Filtered;
  Reason reason = Reason::NoResponse;
  uint8_t ttl = 0;
  uint32_t rtt_us = 0;   // PortResult::rtt_us
  uint32_t from_ip = 0;  // PortResult::from_ip (a traceroute hop)
};
static_assert(sizeof(ProbeResult) == 32, "the ring's slot: half a cache line");

class ResultRing {
 public:
  explicit ResultRing(size_t capacity_pow2 = size_t{1} << 18)
      : mask_(capacity_pow2 - 1), slots_(new ProbeResult[capacity_pow2]) {}

  // RX side. False when full; the caller counts it and retries.
  bool push(const ProbeResult& r) noexcept {
    size_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_cache_ > mask_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head - tail_cache_ > mask_) return false;
    }
    slots_[head & mask_] = r;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Output side: hands every queued result to `fn`, returns how many.
  template <class Fn>
  size_t drain(Fn&& fn) {
    size_t tail = tail_.load(std::memory_order_relaxed);
    size_t head = head_.load(std::memory_order_acquire);
    for (size_t i = tail; i != head; ++i) fn(slots_[i & mask_]);
    tail_.store(head, std::memory_order_release);
    return head - tail;
  }

 private:
  const size_t mask_;
  std::unique_ptr<ProbeResult[]> slots_;
  alignas(64) std::atomic<size_t> head_{0};
  size_t tail_cache_ = 0;  // producer's last view of tail_
  alignas(64) std::atomic<size_t> tail_{0};
};

}  // namespace portsweep
