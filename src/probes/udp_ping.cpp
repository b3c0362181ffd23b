// -PU[ports]: host discovery by UDP (nmap's default port 40125, which
// nothing is expected to listen on: the ICMP port unreachable of a closed
// port is the answer looked for; a UDP reply from an open one counts too).
// Ports with an nmap-payloads payload get it, as -sU's probes do.
#include "probes/probe_module.hpp"
#include "probes/udp_probe.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_udp_prober(c); }

}  // namespace

const ProbeModule kUdpPing{
    .name = "udp_ping", .nmap_option = "-PU", .long_option = "--udp-ping", .scan_type = "ping",
    .summary = "Host discovery: UDP to the given ports", .proto = Proto::Udp, .families = kFamilyV4 | kFamilyV6, .port_based = true,
    .no_response = PortState::OpenFiltered, .rx_filter = "udp or icmp or icmp6", .create = &create, .role = ProbeRole::HostDiscovery};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(udp_ping, portsweep::kUdpPing)
