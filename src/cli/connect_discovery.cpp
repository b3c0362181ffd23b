#include "cli/connect_discovery.hpp"

#include <algorithm>
#include <unordered_set>

namespace portsweep {

ConnectDiscovery connect_discover(const ConnectScanConfig& scan, OutputSet& outputs, const std::atomic<bool>& interrupt) {
  ConnectDiscovery out;
  ConnectScanConfig cfg = scan;
  cfg.ports.assign(std::begin(kConnectPingPorts), std::end(kConnectPingPorts));
  std::unordered_set<IpAddress> seen;
  ConnectScanHooks hooks;
  hooks.on_results = [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) {
      // An ICMP error the kernel reports (filtered) says nothing of the host.
      if (r.state == PortState::Filtered || !seen.insert(r.ip).second) continue;
      out.hosts.push_back({r.ip, r.reason, 0, r.time_us, r.rtt_us, {}, false});
      outputs.on_host_up(out.hosts.back());
    }
  };
  out.report = run_connect_scan(cfg, hooks, interrupt);
  std::vector<Ipv4Range> ranges;
  ranges.reserve(out.hosts.size());
  for (const HostUp& h : out.hosts) ranges.push_back({h.ip.v4_value(), h.ip.v4_value()});  // -sT: IPv4 only
  out.up = TargetSet(std::move(ranges));
  return out;
}

}  // namespace portsweep
