#include "cli/discovery_plan.hpp"

#include <algorithm>

#include "cli/nmap_args.hpp"
#include "common/error.hpp"
#include "ports/port_spec.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

namespace {

// The ports (or, for -PO, protocol numbers) of every -PS (say) given: the
// union, or the default when each named none.
std::vector<uint16_t> ping_ports(const std::vector<std::string>& given, const char* option,
                                 std::vector<uint16_t> fallback, const ServicesDb& services, uint16_t max) {
  std::vector<uint16_t> ports;
  for (const std::string& spec : given) {
    if (spec.empty() || spec == kDefaultPingPorts) {
      ports.insert(ports.end(), fallback.begin(), fallback.end());
      continue;
    }
    const std::vector<uint16_t> listed = parse_port_spec(spec, option, {Proto::Tcp}, services).ports(Proto::Tcp);
    if (listed.empty() || listed.back() > max)
      throw UsageError("invalid " + std::string(option) + " \"" + spec + "\": expected " +
                       (max == 255 ? "IP protocol numbers 0-255" : "ports 0-65535") + ", e.g. " + option +
                       (max == 255 ? "1,2,4" : "22,80,443"));
    ports.insert(ports.end(), listed.begin(), listed.end());
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

}  // namespace

bool any_probe_option(const ScanOptions& o) {
  return !o.syn_ping.empty() || !o.ack_ping.empty() || !o.udp_ping.empty() ||
         !o.proto_ping.empty() || o.echo_ping || o.timestamp_ping || o.netmask_ping || o.arp_ping;
}

DiscoveryPlan plan_discovery(const ScanOptions& o, const ServicesDb& services) {
  DiscoveryPlan plan;
  plan.port_scan = !o.ping_scan;
  if (o.ping_scan) {
    if (!o.scan_types.empty()) {
      const ProbeModule* m = find_probe_module(o.scan_types.front());
      throw UsageError("-sn scans no ports: it cannot be combined with a scan type (" +
                       (m ? std::string(m->nmap_option) : o.scan_types.front()) + ")");
    }
    if (o.ports || o.fast || o.top_ports || o.port_ratio || o.exclude_ports)
      throw UsageError("-sn scans no ports: -p, -F, --top-ports, --port-ratio and --exclude-ports have nothing to select");
    if (o.service_version) throw UsageError("-sn scans no ports, so -sV has none to probe");
    if (!o.scan_flags.empty()) throw UsageError("-sn scans no ports: --scanflags has nothing to change");
  }
  if (o.arp_ping && o.disable_arp_ping) throw UsageError("-PR asks for ARP discovery and --disable-arp-ping refuses it");
  plan.arp = !o.disable_arp_ping;
  if (o.skip_discovery) {
    if (any_probe_option(o))
      throw UsageError("-Pn skips host discovery, so the -P probe options have nothing to do: give one or the other");
    plan.discover = false;
    return plan;
  }

  const auto add = [&](const char* module, std::vector<uint16_t> ports) {
    if (!ports.empty()) plan.probes.push_back({module, std::move(ports)});
  };
  const bool explicit_ip_probes = !o.syn_ping.empty() || !o.ack_ping.empty() || !o.udp_ping.empty() ||
                                  !o.proto_ping.empty() || o.echo_ping || o.timestamp_ping || o.netmask_ping;
  if (!explicit_ip_probes) {
    // nmap's default for a privileged scan: echo, SYN to 443, ACK to 80,
    // timestamp. (-PR alone changes only how on-link targets are found.)
    add("icmp_echo_ping", {0});
    add("tcp_syn_ping", {443});
    add("tcp_ack_ping", {80});
    add("icmp_timestamp_ping", {0});
    return plan;
  }
  if (o.echo_ping) add("icmp_echo_ping", {0});
  add("tcp_syn_ping", ping_ports(o.syn_ping, "-PS", {80}, services, 65535));
  add("tcp_ack_ping", ping_ports(o.ack_ping, "-PA", {80}, services, 65535));
  add("udp_ping", ping_ports(o.udp_ping, "-PU", {40125}, services, 65535));
  add("ip_proto_ping", ping_ports(o.proto_ping, "-PO", {1, 2, 4}, services, 255));
  if (o.timestamp_ping) add("icmp_timestamp_ping", {0});
  if (o.netmask_ping) add("icmp_netmask_ping", {0});
  return plan;
}

bool says_host_up(const PortResult& r) noexcept {
  if (r.state != PortState::Filtered) return true;
  return r.reason == Reason::PortUnreach || r.reason == Reason::ProtoUnreach;
}

}  // namespace portsweep
