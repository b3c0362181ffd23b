// -PE: host discovery by ICMP echo request, or over IPv6 by ICMPv6 echo
// request (nmap -6 -PE's). Any reply of the matching type carrying the
// probe's cookie says the host is up.
#include "probes/icmp6_echo_probe.hpp"
#include "probes/icmp_ping_probe.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig& c) {
  if (c.family == AddressFamily::V6) return make_icmp6_echo_prober(c);
  return make_icmp_ping_prober(c, IcmpPing::Echo);
}

}  // namespace

const ProbeModule kIcmpEchoPing{
    .name = "icmp_echo_ping", .nmap_option = "-PE", .long_option = "--icmp-echo-ping", .scan_type = "ping",
    .summary = "Host discovery: ICMP echo request", .proto = Proto::Ip, .families = kFamilyV4 | kFamilyV6,
    .port_based = false, .rx_filter = "icmp or icmp6", .create = &create, .role = ProbeRole::HostDiscovery};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(icmp_echo_ping, portsweep::kIcmpEchoPing)
