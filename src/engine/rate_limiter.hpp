#pragma once
// Rate limiter: a token bucket against an absolute schedule.
//
// Each TX thread owns one, set to its share of --rate. Tokens are not refilled
// by a timer; instead the number of packets allowed by now is computed from
// the time since start (elapsed × rate), so rounding never accumulates and the
// rate over a run is exact, from 10 pps to millions. A thread that falls behind
// (preempted, or the link is slower than the rate) may catch up by at most one
// burst; beyond that the schedule slides, because sending a backlog at line
// rate is what a rate limit exists to prevent.
//
// Packets are released in whole bursts: a grant waits until a full burst is
// due, unless that takes longer than the batch window (1 ms), in which case
// it releases what the window holds. So at 100 kpps a 64-frame burst goes in
// one send call every 640 µs instead of 64 calls of one frame, at 10 pps one
// frame goes every 100 ms, and no probe waits more than a millisecond for
// its batch. The schedule stays absolute, so the rate stays exact.
//
// Cost: one clock read per burst (~20 ns), i.e. well under 1 ns per packet at
// bursts of 32 or more. Waits longer than ~200 µs sleep; shorter ones spin.
#include <atomic>
#include <cstdint>

namespace portsweep {

class RateLimiter {
 public:
  // pps <= 0 means unlimited. burst caps one grant and the catch-up allowance.
  RateLimiter(double pps, uint32_t burst);

  // Waits until at least one packet may go, then returns how many may go now
  // (1..max). Returns 0 only if `stop` became true while waiting.
  uint32_t acquire(uint32_t max, const std::atomic<bool>* stop = nullptr);

  double rate() const { return pps_; }
  // The smallest grant while the schedule is on time: min(burst, pps x 1 ms).
  uint32_t batch() const { return batch_; }
  uint64_t granted() const { return granted_; }

 private:
  double pps_;
  uint32_t burst_;
  uint32_t batch_;
  int64_t start_ns_ = -1;
  uint64_t granted_ = 0;
};

int64_t monotonic_ns();

}  // namespace portsweep
