#include "engine/rate_limiter.hpp"

#include <algorithm>
#include <ctime>

namespace portsweep {

int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

namespace {
constexpr double kBatchWindowSeconds = 1e-3;
}

RateLimiter::RateLimiter(double pps, uint32_t burst)
    : pps_(pps), burst_(std::max(burst, 1u)),
      batch_(pps > 0 ? static_cast<uint32_t>(std::clamp(pps * kBatchWindowSeconds, 1.0, double(burst_))) : burst_) {}

uint32_t RateLimiter::acquire(uint32_t max, const std::atomic<bool>* stop) {
  if (max == 0) return 0;
  if (pps_ <= 0) {
    granted_ += max;
    return max;
  }
  const uint32_t cap = std::min(max, burst_);
  const double threshold = std::min<double>(batch_, cap);
  for (;;) {
    int64_t now = monotonic_ns();
    if (start_ns_ < 0) start_ns_ = now;
    double due = static_cast<double>(now - start_ns_) * pps_ * 1e-9;
    double backlog = due - static_cast<double>(granted_);
    // Owed past a due batch: at most one more burst may be caught up.
    const double allowance = static_cast<double>(burst_) + threshold;
    if (backlog > allowance) {
      // Too far behind: slide the schedule so at most that much is owed.
      start_ns_ += static_cast<int64_t>((backlog - allowance) / pps_ * 1e9);
      backlog = allowance;
    }
    if (backlog >= threshold) {
      uint32_t n = std::min<uint32_t>(cap, static_cast<uint32_t>(backlog));
      granted_ += n;
      return n;
    }
    if (stop && stop->load(std::memory_order_relaxed)) return 0;
    int64_t wait_ns = static_cast<int64_t>((threshold - backlog) / pps_ * 1e9);
    if (wait_ns > 200'000) {
      // Sleep a little less than needed (timer slack is 50 us, wake-up a
      // few tens more) and let the loop spin the rest, so a late wake-up
      // does not cost rate; cap it to notice `stop`.
      int64_t nap = std::min<int64_t>(wait_ns - 120'000, 50'000'000);
      timespec ts{nap / 1'000'000'000, nap % 1'000'000'000};
      nanosleep(&ts, nullptr);
    }
  }
}

}  // namespace portsweep
