// -sU, the UDP scan: a datagram per port, with a protocol payload where
// nmap-payloads has one so the service answers. A UDP reply -> open, ICMP
// port unreachable -> closed, other unreachables -> filtered, silence ->
// open|filtered.
#include "probes/probe_module.hpp"
#include "probes/udp_probe.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_udp_prober(c); }

}  // namespace

const ProbeModule kUdpScan{
    .name = "udp", .nmap_option = "-sU", .long_option = "--udp-scan", .scan_type = "udp",
    .summary = "UDP scan, with nmap-payloads' protocol payloads", .proto = Proto::Udp, .families = kFamilyV4 | kFamilyV6,
    .no_response = PortState::OpenFiltered, .rx_filter = "udp or icmp or icmp6", .create = &create};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(udp, portsweep::kUdpScan)
