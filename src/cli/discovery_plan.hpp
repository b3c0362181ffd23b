#pragma once
// Which host-discovery probes a command line asks for (nmap's -P options,
// -sn, -Pn), checked: the probe modules and their ports, or that there is no
// discovery at all.
#include <vector>

#include "cli/scan_options.hpp"
#include "engine/sweep_config.hpp"
#include "ports/services_db.hpp"

namespace portsweep {

struct DiscoveryPlan {
  bool discover = true;   // false with -Pn: every target is taken to be up
  bool port_scan = true;  // false with -sn
  // On-link targets: an ARP answer makes them up and they get no IP probe
  // (nmap's -PR, its default there); false with --disable-arp-ping.
  bool arp = true;
  // The IP probes, one part per module with its ports: nmap's privileged
  // default (-PE -PS443 -PA80 -PP) unless -P options name others.
  std::vector<ScanPart> probes;
};

// Throws UsageError for a contradiction (-Pn with -P probes, -sn with port
// scan options) or a bad port or protocol list.
DiscoveryPlan plan_discovery(const ScanOptions& options, const ServicesDb& services);

// Whether any -P probe option (-PS -PA -PU -PO -PE -PP -PM -PR) was given.
bool any_probe_option(const ScanOptions& options);

// Whether a discovery probe's result says its host is up: any answer from
// the host itself. An ICMP unreachable other than port or protocol
// unreachable may come from a router or firewall on the way, so it does not.
bool says_host_up(const PortResult& r) noexcept;

}  // namespace portsweep
