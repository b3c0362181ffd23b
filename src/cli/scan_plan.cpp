#include "cli/scan_plan.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "ports/port_options.hpp"
#include "ports/port_spec.hpp"

namespace portsweep {

std::vector<const ProbeModule*> scan_modules(const ScanOptions& o) {
  std::vector<const ProbeModule*> out;
  for (const std::string& name : o.scan_types) {
    const ProbeModule* m = find_probe_module(name);
    if (m == nullptr) throw UsageError("unknown scan type \"" + name + "\"");
    for (const ProbeModule* other : out) {
      if (other->proto == m->proto)
        throw UsageError("only one " + std::string(to_string(m->proto)) + " scan type may be given: " +
                         std::string(other->nmap_option) + " and " + std::string(m->nmap_option) + " conflict");
    }
    out.push_back(m);
  }
  if (out.empty()) out.push_back(find_probe_module("tcp_syn"));
  if (!o.scan_flags.empty() && std::none_of(out.begin(), out.end(), [](const ProbeModule* m) {
        return m->proto == Proto::Tcp;
      }))
    throw UsageError("--scanflags sets TCP flags, but no TCP scan type is selected");
  return out;
}

TargetOptions target_options_of(const ScanOptions& o) {
  TargetOptions t;
  t.specs = o.targets;
  if (!o.input_list.empty()) t.input_file = o.input_list;
  t.excludes = o.exclude;
  if (!o.exclude_file.empty()) t.exclude_file = o.exclude_file;
  t.ipv6 = o.ipv6;
  t.max_ipv6_addresses = o.max_ipv6_targets;
  return t;
}

ScanScope resolve_scope(const ScanOptions& o) {
  ScanScope scope;
  const TargetOptions t = target_options_of(o);
  if (t.specs.empty() && !t.input_file)
    throw UsageError("no targets were specified: give addresses, networks or ranges, or -iL FILE");
  scope.targets = resolve_targets(t);

  if (o.list_scan) return scope;  // -sL sends nothing, so ports do not matter

  scope.modules = scan_modules(o);
  for (const ProbeModule* m : scope.modules) scope.protocols.push_back(m->proto);
  scope.services = ServicesDb::load(o.datadir);
  const bool protocol_scan = std::any_of(scope.modules.begin(), scope.modules.end(),
                                         [](const ProbeModule* m) { return m->proto == Proto::Ip; });
  if (protocol_scan) {
    // -sO's -p names IP protocols, not ports: it cannot share one list with
    // a port scan of the same command.
    if (scope.modules.size() > 1)
      throw UsageError("-sO scans IP protocols and reads -p as protocol numbers: run it without port scan types");
    if (o.fast || o.top_ports || o.port_ratio || o.exclude_ports)
      throw UsageError("-sO takes its protocol numbers from -p only (-F, --top-ports, --port-ratio and "
                       "--exclude-ports select ports)");
    const PortSpec spec = parse_port_spec(o.ports.value_or("0-255"), "-p", {Proto::Tcp}, scope.services);
    scope.ip_protocols = spec.ports(Proto::Tcp);
    if (scope.ip_protocols.empty() || scope.ip_protocols.back() > 255)
      throw UsageError("invalid -p \"" + o.ports.value_or("") + "\" for -sO: IP protocol numbers are 0-255");
    return scope;
  }
  PortOptions p;
  p.spec = o.ports;
  p.exclude_spec = o.exclude_ports;
  p.fast = o.fast;
  p.top_ports = o.top_ports;
  p.port_ratio = o.port_ratio;
  p.sequential = o.sequential_ports;
  p.datadir = o.datadir;
  scope.ports = resolve_ports(p, scope.protocols, scope.services, scope.warnings);
  for (const ProbeModule* m : scope.modules) {
    if (scope.ports.ports(m->proto).empty())
      throw UsageError("the port specification selects no " + std::string(to_string(m->proto)) + " ports for " +
                       std::string(m->nmap_option) + " (a U: or T: prefix names the protocol a port is for)");
  }
  return scope;
}

namespace {

std::optional<uint32_t> source_ip(const ScanOptions& o) {
  if (o.source_ip.empty()) return std::nullopt;
  if (const auto a = IpAddress::parse(o.source_ip); a && !a->is_v4())
    throw UsageError("invalid -S \"" + o.source_ip + "\" for IPv4 targets: expected one IPv4 address (scan the two "
                     "families in two runs to spoof both)");
  auto ip = parse_target_spec(o.source_ip);
  if (ip.ranges.size() != 1 || ip.ranges[0].first != ip.ranges[0].last)
    throw UsageError("invalid -S \"" + o.source_ip + "\": expected one IPv4 address");
  return ip.ranges[0].first;
}

}  // namespace

ScanPath resolve_path(const ScanOptions& o, const ScanScope& scope) {
  ScanPathRequest req;
  if (!o.interface.empty()) req.iface = o.interface;
  req.src_ip = source_ip(o);
  req.first_target = scope.targets.addresses.empty() ? 0 : scope.targets.addresses.at(0);
  return resolve_scan_path(req);
}

NextHopRequest next_hop_request(const ScanOptions& o, const ScanScope& scope) {
  NextHopRequest req;
  req.targets = &scope.targets.addresses;
  if (!o.interface.empty()) req.iface = o.interface;
  req.src_ip = source_ip(o);
  // ARP requests are packets too: a slow scan asks slowly.
  for (const auto& limit : {o.rate, o.max_rate}) {
    if (limit && *limit > 0 && *limit < req.arp.rate_pps) req.arp.rate_pps = *limit;
  }
  return req;
}

}  // namespace portsweep
