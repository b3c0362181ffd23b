#pragma once
// Round-trip times without per-probe state: each TX thread notes the send
// time of one probe per burst in a small direct-mapped table keyed by probe
// index; when a reply to a noted probe arrives, RX reads the RTT off it. A
// slot overwritten before its reply came back is simply not a sample. The
// default cooldown is derived from the largest RTT seen.
#include <atomic>
#include <cstdint>

namespace portsweep {

class RttSampler {
 public:
  void note_sent(uint64_t index, int64_t now_ns) noexcept {
    Slot& s = slots_[index & kMask];
    s.index.store(index + 1, std::memory_order_relaxed);
    s.sent_ns.store(now_ns, std::memory_order_release);
  }

  void note_reply(uint64_t index, int64_t now_ns) noexcept {
    Slot& s = slots_[index & kMask];
    if (s.index.load(std::memory_order_relaxed) != index + 1) return;
    int64_t rtt = now_ns - s.sent_ns.load(std::memory_order_acquire);
    if (rtt <= 0 || rtt > 60'000'000'000) return;
    samples_.fetch_add(1, std::memory_order_relaxed);
    int64_t seen = max_ns_.load(std::memory_order_relaxed);
    while (rtt > seen && !max_ns_.compare_exchange_weak(seen, rtt, std::memory_order_relaxed)) {
    }
  }

  uint64_t samples() const noexcept { return samples_.load(std::memory_order_relaxed); }
  int64_t max_rtt_ns() const noexcept { return max_ns_.load(std::memory_order_relaxed); }

 private:
  static constexpr uint64_t kMask = 4095;
  struct Slot {
    std::atomic<uint64_t> index{0};
    std::atomic<int64_t> sent_ns{0};
  };
  Slot slots_[kMask + 1];
  std::atomic<uint64_t> samples_{0};
  std::atomic<int64_t> max_ns_{0};
};

}  // namespace portsweep
