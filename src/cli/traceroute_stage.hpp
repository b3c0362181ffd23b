#pragma once
// --traceroute, after the port sweep: the hops to every host up, found by one
// stateless sweep of ICMP echo requests over hosts × TTLs (probes/
// trace_probe.hpp) rather than hop by hop, host by host. The TTLs go up to
// one past the farthest host's distance as its replies' TTL tells it (the
// initial TTL, 64, 128 or 255, minus what arrived), or to 30 when no reply
// said. A route ends at the first TTL the host itself answered.
#include <atomic>
#include <cstdint>

#include "engine/host_bitmap.hpp"
#include "engine/sweep.hpp"
#include "output/output_set.hpp"

namespace portsweep {

inline constexpr uint8_t kDefaultTraceTtls = 30;

// Hops to a host whose reply arrived with `ttl` (0: unknown).
uint8_t hops_from_ttl(uint8_t ttl) noexcept;

// Traces the hosts in `hosts` (target indexes of base.targets) with TTLs 1 to
// `max_ttl`: ICMP echo requests, and when `tcp_port` is not 0 SYNs to that
// open port too, for hosts that drop echo requests (nmap traces with a
// probe the host is known to answer). Each host's route goes to `outputs`.
// Returns the sweep's report.
SweepReport trace_routes(const SweepConfig& base, const HostBitmap& hosts, uint8_t max_ttl, uint16_t tcp_port,
                         PacketIo& io, OutputSet& outputs, const SweepHooks& hooks, const std::atomic<bool>& interrupt);

}  // namespace portsweep
