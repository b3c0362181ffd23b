#pragma once
// Both families' next-hop plans over the sweep's address axis (IPv4 target
// indexes first, then IPv6: engine/sweep_targets.hpp), for the command
// line's questions about a target: can anything reach it, who answered the
// link layer for it.
#include <cstdint>

#include "io/next_hop_plan.hpp"
#include "io/next_hop_plan6.hpp"

namespace portsweep {

struct SweepHops {
  const NextHopPlan* v4 = nullptr;   // null: no IPv4 targets
  const NextHopPlan6* v6 = nullptr;  // null: no IPv6 targets
  uint64_t v4_count = 0;

  bool sendable(uint64_t index) const noexcept {
    if (index < v4_count) return v4 != nullptr && v4->mac_for(index) != nullptr;
    return v6 != nullptr && v6->mac_for(index - v4_count) != nullptr;
  }
  // Every target has the one MAC of its family's plan: nothing to check per target.
  bool all_sendable() const noexcept {
    const bool ok4 = v4 == nullptr || (v4->kind() == NextHopPlan::Kind::Uniform && v4->mac_for(0) != nullptr);
    const bool ok6 = v6 == nullptr || (v6->uniform() && v6->mac_for(0) != nullptr);
    return ok4 && ok6;
  }
};

}  // namespace portsweep
