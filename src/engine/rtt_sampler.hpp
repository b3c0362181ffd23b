#pragma once
// Round-trip times without per-probe state: each TX thread notes the send
// time of one probe per burst in a small direct-mapped table keyed by probe
// index; when a reply to a noted probe arrives, RX reads the RTT off it. A
// slot overwritten before its reply came back is simply not a sample. A
// sampled reply's result carries its round trip (a host's latency, where the
// probe carries no send time of its own: TCP, UDP).
//
// The samples also feed a smoothed RTT and its variation, as nmap (and TCP,
// RFC 6298) keep them: the first sample sets srtt to itself and rttvar to
// itself within 5 ms-2 s; each later one moves srtt by 1/8 and rttvar by 1/4
// of the difference. srtt + 4 x rttvar is the timeout after which nmap gives
// up on a probe; the sweep waits that long after its last probe (and before
// each retry pass). Only one RX thread (the first, when there are several:
// replies spread over them by flow, so its share is a fair sample) feeds the
// estimate, so it is plain arithmetic (a few ns a sample, one sample a
// burst); the driver reads the timeout through one relaxed atomic. Every RX
// thread reads round trips off the table.
//
// Host discovery notes every probe, in a larger table (65,536 slots, 1 MB):
// a host found by a TCP or UDP answer then has its latency too, as long as
// the answer comes back within 65,536 probes (0.65 s at 100k pps).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>

namespace portsweep {

class RttSampler {
 public:
  static constexpr unsigned kBurstSampleBits = 12;  // one probe a burst: 4096 slots
  static constexpr unsigned kEveryProbeBits = 16;   // every probe

  explicit RttSampler(unsigned slot_bits = kBurstSampleBits)
      : mask_((uint64_t{1} << slot_bits) - 1), slots_(new Slot[mask_ + 1]) {}

  void note_sent(uint64_t index, int64_t now_ns) noexcept {
    Slot& s = slots_[index & mask_];
    s.index.store(index + 1, std::memory_order_relaxed);
    s.sent_ns.store(now_ns, std::memory_order_release);
  }

  // The reply's round trip in microseconds (at least 1), or 0 when its
  // probe's send time is not in the table. `estimate`: the sample also
  // moves srtt and rttvar (one thread only).
  uint32_t note_reply(uint64_t index, int64_t now_ns, bool estimate = true) noexcept {
    Slot& s = slots_[index & mask_];
    if (s.index.load(std::memory_order_relaxed) != index + 1) return 0;
    int64_t rtt = now_ns - s.sent_ns.load(std::memory_order_acquire);
    if (rtt <= 0 || rtt > 60'000'000'000) return 0;
    samples_.fetch_add(1, std::memory_order_relaxed);
    int64_t seen = max_ns_.load(std::memory_order_relaxed);
    while (rtt > seen && !max_ns_.compare_exchange_weak(seen, rtt, std::memory_order_relaxed)) {
    }
    if (estimate) note_estimate(static_cast<double>(rtt));
    return static_cast<uint32_t>(std::max<int64_t>(rtt / 1000, 1));
  }

  uint64_t slots() const noexcept { return mask_ + 1; }
  uint64_t samples() const noexcept { return samples_.load(std::memory_order_relaxed); }
  int64_t max_rtt_ns() const noexcept { return max_ns_.load(std::memory_order_relaxed); }
  // srtt + 4 x rttvar in nanoseconds; 0 before the first sample.
  int64_t timeout_ns() const noexcept { return timeout_ns_.load(std::memory_order_relaxed); }
  double srtt_ns() const noexcept { return srtt_ns_shared_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    std::atomic<uint64_t> index{0};
    std::atomic<int64_t> sent_ns{0};
  };
  // The RX thread's only: see the note at the top.
  void note_estimate(double rtt) noexcept {
    if (srtt_ns_ == 0) {
      srtt_ns_ = rtt;
      rttvar_ns_ = std::clamp(rtt, 5e6, 2e9);
    } else {
      const double delta = rtt - srtt_ns_;
      srtt_ns_ += delta / 8;
      rttvar_ns_ += (std::abs(delta) - rttvar_ns_) / 4;
    }
    timeout_ns_.store(static_cast<int64_t>(srtt_ns_ + 4 * rttvar_ns_), std::memory_order_relaxed);
    srtt_ns_shared_.store(srtt_ns_, std::memory_order_relaxed);
  }

  uint64_t mask_;
  std::unique_ptr<Slot[]> slots_;
  double srtt_ns_ = 0, rttvar_ns_ = 0;
  std::atomic<int64_t> timeout_ns_{0};
  std::atomic<double> srtt_ns_shared_{0};
  std::atomic<uint64_t> samples_{0};
  std::atomic<int64_t> max_ns_{0};
};

}  // namespace portsweep
