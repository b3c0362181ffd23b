// -sO, the IP protocol scan: which IP protocols a host speaks. The "ports"
// of this scan are protocol numbers (0-255): any answer in the protocol ->
// open, ICMP protocol unreachable -> closed, other unreachables -> filtered,
// silence -> open|filtered.
#include "probes/ip_proto_probe.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_ip_proto_prober(c); }

}  // namespace

const ProbeModule kIpProtoScan{
    .name = "ip_proto", .nmap_option = "-sO", .long_option = "--ip-protocol-scan", .scan_type = "ipproto",
    .summary = "IP protocol scan: which IP protocols (-p 0-255) a host answers", .proto = Proto::Ip, .families = kFamilyV4 | kFamilyV6,
    .no_response = PortState::OpenFiltered, .rx_filter = "ip or ip6", .create = &create};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(ip_proto, portsweep::kIpProtoScan)
