#pragma once
// When to ask which address, for a sweep that asks many on-link addresses
// for their MAC: paced first requests, retries to the silent ones after a
// wait, a bound on the whole sweep. It knows addresses only by index and
// frames not at all, so the Neighbor Discovery sweep (nd_sweep.hpp) shares
// it; the ARP sweep (arp_sweep.hpp) keeps its own copy of the same rules.
// O(1) per request; 16 bytes an address.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <vector>

#include "io/arp_sweep.hpp"

namespace portsweep {

class SweepSchedule {
 public:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  // `count` addresses; times in nanoseconds on any monotonic clock.
  SweepSchedule(size_t count, const ArpSweepOptions& options, int64_t start_ns);

  // The index to ask now, recorded as asked; nullopt when nothing is due yet
  // (pacing, or no retry is due) or nothing is left.
  std::optional<uint32_t> next_request(int64_t now_ns);
  // The request next_request just gave out was not sent (a full socket
  // buffer): it goes out first at the next opportunity.
  void unsend(uint32_t index) noexcept;
  // The address answered: no more requests to it.
  void answer(uint32_t index) noexcept;

  int64_t next_due_ns() const noexcept;
  int64_t deadline_ns() const noexcept;
  bool done(int64_t now_ns) noexcept;

  bool answered(uint32_t index) const noexcept { return slots_[index].answered; }
  unsigned requests(uint32_t index) const noexcept { return slots_[index].requests; }
  int64_t last_request_ns(uint32_t index) const noexcept { return slots_[index].last_request_ns; }
  uint64_t requests_sent() const noexcept { return requests_sent_; }
  bool timed_out() const noexcept { return timed_out_; }
  size_t unanswered() const noexcept { return slots_.size() - answered_; }

 private:
  struct Slot {
    int64_t last_request_ns = 0;
    uint8_t requests = 0;
    bool answered = false;
  };
  void prune() noexcept;

  std::vector<Slot> slots_;
  unsigned max_requests_ = 1;
  int64_t interval_ns_ = 0;
  int64_t retry_ns_ = 0;
  int64_t next_send_ns_ = 0;
  int64_t last_send_ns_ = 0;
  int64_t timeout_at_ns_ = kNever;
  size_t cursor_ = 0;
  std::deque<uint32_t> retry_;
  std::deque<uint32_t> unsent_;
  size_t answered_ = 0;
  uint64_t requests_sent_ = 0;
  bool timed_out_ = false;
};

}  // namespace portsweep
