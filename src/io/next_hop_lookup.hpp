#pragma once
// The per-probe half of a next-hop plan: target index -> destination MAC,
// built once from route segments and the MACs found. The IPv6 plan
// (next_hop_plan6.hpp) is built on it; the IPv4 plan (next_hop_plan.hpp)
// holds the same structure inline.
//
// - Uniform (every target gets one answer without a per-target slot, the
//   routed case): mac_for() returns the address of one stored MAC, ~1 ns,
//   whatever the number of targets.
// - Segmented: a binary search over the runs (a handful, one per route the
//   targets straddle), then for an on-link run one 4-byte slot per target
//   into a table of the distinct MACs: 256 KB for 65536 on-link targets.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "io/mac_addr.hpp"

namespace portsweep {

class NextHopLookup {
 public:
  // The destination MAC for target_index, or nullptr when the scan cannot
  // send to it. Valid while the lookup lives and is not assigned to.
  const MacAddr* mac_for(uint64_t target_index) const noexcept {
    if (uniform_) return uniform_sendable_ ? &uniform_mac_ : nullptr;
    return segmented_mac_for(target_index);
  }
  bool uniform() const noexcept { return uniform_; }
  // Whether an on-link target had a slot and was not marked "not asked".
  bool was_asked(uint64_t target_index) const noexcept;
  size_t bytes() const noexcept;

  // --- building, runs in index order from index 0 ---
  // A run of unsendable targets.
  void add_none(uint64_t first_index);
  // A run whose targets all go to `mac`.
  void add_mac(uint64_t first_index, const MacAddr& mac);
  // A run with one slot per target, filled by the calls below in order.
  void add_slots(uint64_t first_index, uint64_t count_hint);
  void push_silent() { slots_.push_back(kSilent); }
  void push_not_asked() { slots_.push_back(kNotAsked); }
  void push_mac(const MacAddr& mac) { slots_.push_back(kFirstMac + intern(mac)); }
  // Done: `targets` indexes in all. Picks the uniform form when it can.
  void finish(uint64_t targets);
  // For a uniform lookup: the one MAC, when sendable.
  const MacAddr* uniform_mac() const noexcept { return uniform_ && uniform_sendable_ ? &uniform_mac_ : nullptr; }

 private:
  struct Run {
    uint64_t first_index = 0;
    uint32_t ref = 0;  // kMac: index into macs_; kSlots: base into slots_
    uint8_t mode = 0;
  };
  static constexpr uint8_t kNone = 0, kMac = 1, kSlots = 2;
  static constexpr uint32_t kSilent = 0, kNotAsked = 1, kFirstMac = 2;

  uint32_t intern(const MacAddr& mac);
  const Run* run_of(uint64_t target_index) const noexcept;
  const MacAddr* segmented_mac_for(uint64_t target_index) const noexcept;

  bool uniform_ = true;
  bool uniform_sendable_ = false;
  MacAddr uniform_mac_;
  uint64_t targets_ = 0;
  std::vector<Run> runs_;
  std::vector<uint32_t> slots_;
  std::vector<MacAddr> macs_;
  std::unordered_map<uint64_t, uint32_t> mac_index_;  // building only
};

}  // namespace portsweep
