#pragma once
// What a scan with IPv6 targets may ask for, and the one path both families
// share. The stateless sweep probes both families in one pass (one address
// axis: engine/sweep_targets.hpp); the stages and options below are IPv4's
// only so far, and each is refused by name rather than left to skip the
// IPv6 targets in silence.
#include <string_view>

#include "cli/discovery_plan.hpp"
#include "cli/scan_options.hpp"
#include "cli/scan_plan.hpp"
#include "io/next_hop_plan6.hpp"
#include "io/scan_path.hpp"

namespace portsweep {

// Throws UsageError naming the first option an IPv6 target cannot have
// (-O, --traceroute, --os-hint, the IPv4 evasion options, -S with an IPv4
// address only). -A's -O is dropped with a note on `err` instead.
void refuse_for_ipv6(ScanOptions& options, std::ostream& err);

// A scan engine that reaches IPv4 targets only (-sT, -sI, -b, --bench-tx):
// UsageError when the scope holds IPv6 ones.
void refuse_ipv6_targets(const ScanScope& scope, std::string_view engine);

// Host discovery with IPv6 targets: nmap's IPv6 default drops -PP (ICMPv6
// has no timestamp message); a probe the user named that has no IPv6 form
// (-PP, -PM) is refused.
void fit_discovery_to_ipv6(DiscoveryPlan& plan, const ScanOptions& options);

// The interface, MAC and MTU the sweep's packet I/O uses: the IPv4 plan's,
// else the IPv6 plan's (src_ip then 0). With both, they must name one
// interface. Either pointer may be null, not both.
ScanPath sweep_path(const ScanPath* v4, const ScanPath6* v6);

// The IPv6 next-hop request for the scope's IPv6 targets (-e, -S, the pace
// of the neighbour solicitations as of ARP's); it refers to the scope's
// ranges, which must outlive the call.
NextHopRequest6 next_hop_request6(const ScanOptions& options, const ScanScope& scope);

}  // namespace portsweep
