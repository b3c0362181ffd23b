#include "io/sweep_schedule.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace portsweep {

namespace {
// After a stall (a slow poll wake-up), send at most this many requests at
// once to catch up, rather than the whole backlog in one burst.
constexpr int64_t kMaxBurst = 8;
}  // namespace

SweepSchedule::SweepSchedule(size_t count, const ArpSweepOptions& options, int64_t start_ns)
    : slots_(count) {
  max_requests_ = 1 + std::min(options.retries, 254u);
  const double rate = options.rate_pps > 0 ? options.rate_pps : 1e9;
  interval_ns_ = static_cast<int64_t>(1e9 / rate);
  retry_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(options.retry_interval).count();
  next_send_ns_ = start_ns;
  last_send_ns_ = start_ns;
  int64_t timeout_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(options.timeout).count();
  if (timeout_ns <= 0) {
    const double sending = static_cast<double>(count) * max_requests_ / rate;
    timeout_ns = static_cast<int64_t>(std::ceil(sending * 1e9)) + int64_t{max_requests_} * retry_ns_ +
                 1'000'000'000;
  }
  timeout_at_ns_ = start_ns + timeout_ns;
}

void SweepSchedule::prune() noexcept {
  while (!retry_.empty() && slots_[retry_.front()].answered) retry_.pop_front();
}

std::optional<uint32_t> SweepSchedule::next_request(int64_t now_ns) {
  prune();
  if (now_ns < next_send_ns_ || now_ns >= timeout_at_ns_) return std::nullopt;
  auto take = [&](uint32_t index) {
    Slot& s = slots_[index];
    s.requests = static_cast<uint8_t>(s.requests + 1);
    s.last_request_ns = now_ns;
    if (s.requests < max_requests_) retry_.push_back(index);
    ++requests_sent_;
    last_send_ns_ = now_ns;
    next_send_ns_ = std::max(next_send_ns_ + interval_ns_, now_ns - kMaxBurst * interval_ns_);
    return index;
  };
  // Requests the socket refused first, then due retries, then first requests.
  while (!unsent_.empty()) {
    const uint32_t index = unsent_.front();
    unsent_.pop_front();
    if (!slots_[index].answered) return take(index);
  }
  if (!retry_.empty() && slots_[retry_.front()].last_request_ns + retry_ns_ <= now_ns) {
    const uint32_t index = retry_.front();
    retry_.pop_front();
    return take(index);
  }
  while (cursor_ < slots_.size() && slots_[cursor_].answered) ++cursor_;
  if (cursor_ < slots_.size()) return take(static_cast<uint32_t>(cursor_++));
  return std::nullopt;
}

void SweepSchedule::unsend(uint32_t index) noexcept {
  Slot& s = slots_[index];
  if (s.requests == 0) return;
  if (!retry_.empty() && retry_.back() == index) retry_.pop_back();
  s.requests = static_cast<uint8_t>(s.requests - 1);
  --requests_sent_;
  unsent_.push_back(index);
}

void SweepSchedule::answer(uint32_t index) noexcept {
  if (slots_[index].answered) return;
  slots_[index].answered = true;
  ++answered_;
}

int64_t SweepSchedule::next_due_ns() const noexcept {
  if (answered_ == slots_.size()) return kNever;
  if (!unsent_.empty() || cursor_ < slots_.size()) return next_send_ns_;
  for (uint32_t index : retry_) {
    const Slot& s = slots_[index];
    if (!s.answered) return std::max(next_send_ns_, s.last_request_ns + retry_ns_);
  }
  return kNever;
}

int64_t SweepSchedule::deadline_ns() const noexcept {
  if (next_due_ns() != kNever) return timeout_at_ns_;
  return std::min(timeout_at_ns_, last_send_ns_ + retry_ns_);
}

bool SweepSchedule::done(int64_t now_ns) noexcept {
  if (answered_ == slots_.size()) return true;
  prune();
  if (now_ns >= timeout_at_ns_) {
    if (next_due_ns() != kNever) timed_out_ = true;
    return true;
  }
  return next_due_ns() == kNever && now_ns >= last_send_ns_ + retry_ns_;
}

}  // namespace portsweep
