#include "cli/loopback_targets.hpp"

#include "cli/discovery_plan.hpp"
#include "common/error.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

namespace {

constexpr uint32_t kLoopbackFirst = 0x7f000000;  // 127.0.0.0
constexpr uint32_t kLoopbackLast = 0x7fffffff;   // 127.255.255.255

}  // namespace

LoopbackTargets loopback_targets(const TargetSet& targets) {
  uint64_t inside = 0;
  for (const Ipv4Range& r : targets.ranges()) {
    if (r.last < kLoopbackFirst || r.first > kLoopbackLast) continue;
    inside += uint64_t{std::min(r.last, kLoopbackLast)} - std::max(r.first, kLoopbackFirst) + 1;
  }
  if (inside == 0) return LoopbackTargets::None;
  return inside == targets.size() ? LoopbackTargets::All : LoopbackTargets::Some;
}

std::string loopback_connect_scan(ScanOptions& o, LoopbackTargets which) {
  const std::string why = "Linux does not deliver raw packets sent to a loopback address (127.0.0.0/8)";
  if (which == LoopbackTargets::Some)
    throw UsageError("some targets are loopback addresses and some are not; " + why +
                     ", so portsweep scans loopback targets with a connect scan: scan them on their own");
  for (const std::string& name : o.scan_types) {
    const ProbeModule* m = find_probe_module(name);
    if (m != nullptr && m->name != "tcp_syn" && m->name != "tcp_connect")
      throw UsageError(std::string(m->nmap_option) + " sends raw packets, and " + why + ": scan loopback targets with -sS or -sT");
  }
  if (o.ping_scan || any_probe_option(o))
    throw UsageError(std::string(o.ping_scan ? "-sn sends" : "the -P discovery probes are") + " raw packets, and " + why +
                     ": scan loopback targets' ports (-sT), with -Pn to list them up");
  if (o.traceroute) throw UsageError("--traceroute sends raw packets, and " + why);
  if (o.packet_trace) throw UsageError("--packet-trace shows raw packets, and " + why + ": loopback targets get a connect scan");
  if (!o.scan_flags.empty()) throw UsageError("--scanflags sets raw TCP flags, and " + why);
  const bool asked = !o.scan_types.empty() && o.scan_types.front() == "tcp_connect";
  o.scan_types = {"tcp_connect"};
  return asked ? std::string() : "portsweep: " + why + ": scanning the loopback targets with a connect scan (-sT)";
}

}  // namespace portsweep
