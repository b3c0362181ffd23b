#pragma once
// One deadline per slot of a connection loop (the TCP and the UDP -sV
// scanners), in a min-heap. Moving or cancelling a deadline does not search
// the heap: the slot's sequence number moves on, and the stale entry is
// dropped when it reaches the top. Cost: O(log n) per deadline set.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace portsweep {

class SlotDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SlotDeadlines(std::size_t slots) : slots_(slots) {}

  void arm(uint32_t slot, Clock::time_point when) {
    State& s = slots_[slot];
    s.armed = true;
    s.when = when;
    heap_.push({when, slot, ++s.seq});
  }
  void disarm(uint32_t slot) { slots_[slot].armed = false; }
  bool armed(uint32_t slot) const { return slots_[slot].armed; }
  Clock::time_point when(uint32_t slot) const { return slots_[slot].when; }

  // Milliseconds until the earliest armed deadline, at most `max_ms`.
  int wait_ms(int max_ms) {
    drop_stale();
    if (heap_.empty()) return max_ms;
    const auto left = heap_.top().when - Clock::now();
    if (left <= Clock::duration::zero()) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<int>(std::min<long long>(ms, max_ms));
  }

  // Calls fn(slot) for every armed deadline at or before `now`, each
  // disarmed before its call (fn may arm it again).
  template <typename Fn>
  void expire(Clock::time_point now, Fn fn) {
    while (!heap_.empty() && heap_.top().when <= now) {
      const Entry e = heap_.top();
      heap_.pop();
      State& s = slots_[e.slot];
      if (!s.armed || s.seq != e.seq) continue;
      s.armed = false;
      fn(e.slot);
    }
  }

 private:
  struct Entry {
    Clock::time_point when;
    uint32_t slot;
    uint32_t seq;
    bool operator>(const Entry& o) const { return when > o.when; }
  };
  struct State {
    Clock::time_point when{};
    uint32_t seq = 0;  // changes with every deadline: older heap entries are stale
    bool armed = false;
  };

  void drop_stale() {
    while (!heap_.empty()) {
      const Entry& e = heap_.top();
      const State& s = slots_[e.slot];
      if (s.armed && s.seq == e.seq) return;
      heap_.pop();
    }
  }

  std::vector<State> slots_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
};

}  // namespace portsweep
