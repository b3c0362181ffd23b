// -PO[protocols]: host discovery by IP protocol (nmap's defaults: 1 ICMP,
// 2 IGMP, 4 IP-in-IP), with -sO's probes: any answer in the protocol, or an
// ICMP protocol or port unreachable from the host, says it is up.
#include "probes/ip_proto_probe.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_ip_proto_prober(c); }

}  // namespace

const ProbeModule kIpProtoPing{
    .name = "ip_proto_ping", .nmap_option = "-PO", .long_option = "--ip-protocol-ping", .scan_type = "ping",
    .summary = "Host discovery: IP protocol probes", .proto = Proto::Ip, .families = kFamilyV4 | kFamilyV6, .port_based = true,
    .no_response = PortState::OpenFiltered, .rx_filter = "ip or ip6", .create = &create, .role = ProbeRole::HostDiscovery};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(ip_proto_ping, portsweep::kIpProtoPing)
