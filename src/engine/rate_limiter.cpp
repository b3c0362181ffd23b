#include "engine/rate_limiter.hpp"

#include <algorithm>
#include <ctime>

namespace portsweep {

int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

RateLimiter::RateLimiter(double pps, uint32_t burst) : pps_(pps), burst_(std::max(burst, 1u)) {}

uint32_t RateLimiter::acquire(uint32_t max, const std::atomic<bool>* stop) {
  if (max == 0) return 0;
  if (pps_ <= 0) {
    granted_ += max;
    return max;
  }
  const uint32_t cap = std::min(max, burst_);
  for (;;) {
    int64_t now = monotonic_ns();
    if (start_ns_ < 0) start_ns_ = now;
    double due = static_cast<double>(now - start_ns_) * pps_ * 1e-9;
    double backlog = due - static_cast<double>(granted_);
    if (backlog > static_cast<double>(burst_)) {
      // Too far behind: slide the schedule so at most one burst is owed.
      start_ns_ += static_cast<int64_t>((backlog - burst_) / pps_ * 1e9);
      backlog = burst_;
    }
    if (backlog >= 1.0) {
      uint32_t n = std::min<uint32_t>(cap, static_cast<uint32_t>(backlog));
      granted_ += n;
      return n;
    }
    if (stop && stop->load(std::memory_order_relaxed)) return 0;
    int64_t wait_ns = static_cast<int64_t>((1.0 - backlog) / pps_ * 1e9);
    if (wait_ns > 50'000) {
      // Sleep a little less than needed and let the loop spin the rest, so a
      // late wake-up does not cost rate at low pps; cap it to notice `stop`.
      int64_t nap = std::min<int64_t>(wait_ns - 20'000, 50'000'000);
      timespec ts{nap / 1'000'000'000, nap % 1'000'000'000};
      nanosleep(&ts, nullptr);
    }
  }
}

}  // namespace portsweep
