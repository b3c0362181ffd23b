// -PP: host discovery by ICMP timestamp request. Any reply of the
// matching type carrying the probe's cookie says the host is up.
#include "probes/icmp_ping_probe.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_icmp_ping_prober(c, IcmpPing::Timestamp); }

}  // namespace

const ProbeModule kIcmpTimestampPing{
    .name = "icmp_timestamp_ping", .nmap_option = "-PP", .long_option = "--icmp-timestamp-ping", .scan_type = "ping",
    .summary = "Host discovery: ICMP timestamp request", .proto = Proto::Ip, .port_based = false,
    .rx_filter = "icmp", .create = &create, .role = ProbeRole::HostDiscovery};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(icmp_timestamp_ping, portsweep::kIcmpTimestampPing)
