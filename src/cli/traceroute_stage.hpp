#pragma once
// --traceroute, after the port sweep: the hops to every host up, found by one
// stateless sweep of ICMP echo requests over hosts × TTLs (probes/
// trace_probe.hpp) rather than hop by hop, host by host. The TTLs go up to
// one past the farthest host's distance as its replies' TTL tells it (the
// initial TTL, 64, 128 or 255, minus what arrived), or to 30 when no reply
// said. A route ends at the first TTL the host itself answered.
#include <atomic>
#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "engine/host_bitmap.hpp"
#include "engine/sweep.hpp"
#include "output/output_set.hpp"

namespace portsweep {

inline constexpr uint8_t kDefaultTraceTtls = 30;

// Hops to a host whose reply arrived with `ttl` (0: unknown).
uint8_t hops_from_ttl(uint8_t ttl) noexcept;

// What the scan's answers say about how to trace: which hosts answered
// (traced under -Pn), how far the farthest is, and the open TCP port most
// hosts have (the TCP probe's).
class TracePlan {
 public:
  explicit TracePlan(const TargetSet& targets) : targets_(&targets), answered_(targets.size()) {}
  void note(const PortResult& r);
  void note(const HostUp& h) { farthest_ = std::max(farthest_, hops_from_ttl(h.ttl)); }
  const HostBitmap& answered() const noexcept { return answered_; }
  // TTLs 1 to this: one past the farthest host, or 30 when no TTL said.
  uint8_t max_ttl() const noexcept;
  uint16_t tcp_port() const noexcept;  // 0: no open TCP port seen

 private:
  const TargetSet* targets_;
  HostBitmap answered_;
  uint8_t farthest_ = 0;
  std::unordered_map<uint16_t, uint32_t> open_tcp_;  // port -> hosts it is open on
};

// Traces the hosts in `hosts` (target indexes of base.targets) with TTLs 1 to
// `max_ttl`: ICMP echo requests, and when `tcp_port` is not 0 SYNs to that
// open port too, for hosts that drop echo requests (nmap traces with a
// probe the host is known to answer). Each host's route goes to `outputs`.
// Returns the sweep's report.
SweepReport trace_routes(const SweepConfig& base, const HostBitmap& hosts, uint8_t max_ttl, uint16_t tcp_port,
                         PacketIo& io, OutputSet& outputs, const SweepHooks& hooks, const std::atomic<bool>& interrupt);

}  // namespace portsweep
