#include "cli/family_scope.hpp"

#include <algorithm>
#include <ostream>
#include <string>

#include "cli/evasion_options.hpp"
#include "common/error.hpp"
#include "common/message_text.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

void refuse_for_ipv6(ScanOptions& o, std::ostream& err) {
  // -A asks for -O and --traceroute among others: with IPv6 targets it
  // keeps what works and says what it left out.
  if (o.aggressive && (o.os_detection || o.traceroute)) {
    print_message_line(err, "portsweep: ",
                       "-A leaves -O and --traceroute out: neither is supported for IPv6 targets yet");
    o.os_detection = false;
    o.traceroute = false;
  }
  if (o.os_detection)
    throw UsageError("-O is not supported for IPv6 targets: nmap-os-db's fingerprints are of IPv4 replies");
  if (o.traceroute) throw UsageError("--traceroute is not supported for IPv6 targets yet");
  if (o.os_hint.value_or(false))
    throw UsageError("--os-hint reads IPv4 replies only: p0f's signatures here are IPv4's; drop it for IPv6 targets");
  if (o.fragment != 0 || o.mtu || !o.decoys.empty() || payload_option_given(o) || !o.ip_options.empty() || o.badsum)
    throw UsageError("-f, --mtu, -D, --data*, --ip-options and --badsum shape IPv4 probes only: drop them for IPv6 "
                     "targets");
}

void refuse_ipv6_targets(const ScanScope& scope, std::string_view engine) {
  if (scope.targets.addresses6.empty()) return;
  throw UsageError(std::string(engine) + " reaches IPv4 targets only; " +
                   std::to_string(static_cast<uint64_t>(scope.targets.addresses6.size())) +
                   " IPv6 targets were given (the default SYN scan, -sA/-sW/-sM/-sN/-sF/-sX, -sU and -sO probe IPv6)");
}

void fit_discovery_to_ipv6(DiscoveryPlan& plan, const ScanOptions& options) {
  const bool named = any_probe_option(options);
  std::vector<ScanPart> kept;
  for (ScanPart& p : plan.probes) {
    const ProbeModule* m = find_probe_module(p.module);
    if (m != nullptr && (m->families & kFamilyV6) != 0) {
      kept.push_back(std::move(p));
      continue;
    }
    if (named)
      throw UsageError(std::string(m != nullptr ? m->nmap_option : std::string_view(p.module)) +
                       " has no IPv6 form (ICMPv6 has no timestamp or address mask message): drop it for IPv6 targets");
  }
  plan.probes = std::move(kept);
}

ScanPath sweep_path(const ScanPath* v4, const ScanPath6* v6) {
  if (v4 != nullptr && v6 != nullptr && v4->iface != v6->iface)
    throw UsageError("the IPv4 targets leave through " + v4->iface + " and the IPv6 targets through " + v6->iface +
                     ": one scan sends through one interface; scan the two families in two runs (or pick one with -e)");
  if (v4 != nullptr) return *v4;
  ScanPath p;
  p.iface = v6->iface;
  p.ifindex = v6->ifindex;
  p.src_mac = v6->src_mac;
  p.mtu = v6->mtu;
  p.via_gateway = v6->via_gateway;
  return p;
}

NextHopRequest6 next_hop_request6(const ScanOptions& o, const ScanScope& scope) {
  NextHopRequest6 req;
  req.targets = scope.targets.addresses6.ranges();
  if (!o.interface.empty()) req.iface = o.interface;
  if (!o.source_ip.empty()) {
    const std::optional<IpAddress> a = IpAddress::parse(o.source_ip);
    if (!a || a->is_v4())
      throw UsageError("invalid -S \"" + o.source_ip + "\" for IPv6 targets: expected one IPv6 address (scan the "
                       "two families in two runs to spoof both)");
    req.src_ip = a->value();
  }
  for (const auto& limit : {o.rate, o.max_rate}) {
    if (limit && *limit > 0 && *limit < req.nd.rate_pps) req.nd.rate_pps = *limit;
  }
  return req;
}

}  // namespace portsweep
