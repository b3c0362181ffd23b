#pragma once
// The probe space's two axes as a scan defines them: addresses (the target
// set) times slots, where a slot is one (scan type, port) pair — so
// `-sS -sU -p T:22,80,U:53` has three slots and one permutation covers both
// protocols. Maps a probe index to what it probes and back; shared by the
// engine's loops and by whoever turns results into reports.
#include <array>
#include <cstdint>
#include <vector>

#include "engine/probe_space.hpp"
#include "engine/result_ring.hpp"
#include "engine/sweep_config.hpp"
#include "engine/sweep_targets.hpp"
#include "portsweep/result.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

struct ScanSlot {
  uint16_t port = 0;   // or the protocol number, for -sO
  uint8_t module = 0;  // index into ScanLayout::modules
};

class ScanLayout {
 public:
  // Throws UsageError for an unknown module, two modules of one protocol,
  // a module without ports, or a space the permutation cannot hold.
  explicit ScanLayout(const SweepConfig& config);

  const std::vector<const ProbeModule*>& modules() const noexcept { return modules_; }
  const std::vector<ScanSlot>& slots() const noexcept { return slots_; }
  const ProbeSpace& space() const noexcept { return space_; }
  const SweepTargets& targets() const noexcept { return targets_; }

  // Probe index of (module, address, port), or -1 if that module never
  // probed it.
  int64_t index_of(size_t module, const IpAddress& ip, uint16_t port) const noexcept {
    const std::vector<int32_t>& column = slot_of_[module];
    int32_t p = column[port];
    if (p < 0) return -1;
    auto a = targets_.index_of(ip);
    if (!a) return -1;
    return static_cast<int64_t>(space_.index_of({*a, static_cast<uint32_t>(p)}));
  }

  // The result as the outputs take it: address, protocol and port.
  PortResult port_result(const ProbeResult& r) const noexcept {
    const ProbeCell cell = space_.cell(r.index);
    const ScanSlot slot = slots_[cell.port];
    return {targets_.address(cell.address), slot.port, modules_[slot.module]->proto, r.state, r.reason, r.ttl,
            r.time_us, r.rtt_us, r.from_ip != 0 ? IpAddress::v4(r.from_ip) : IpAddress{}};
  }

 private:
  SweepTargets targets_;
  std::vector<const ProbeModule*> modules_;
  std::vector<ScanSlot> slots_;
  std::vector<std::vector<int32_t>> slot_of_;  // per module: port -> slot, -1 if unprobed
  ProbeSpace space_;
};

}  // namespace portsweep
