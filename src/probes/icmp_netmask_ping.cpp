// -PM: host discovery by ICMP address mask request. Any reply of the
// matching type carrying the probe's cookie says the host is up.
#include "probes/icmp_ping_probe.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_icmp_ping_prober(c, IcmpPing::AddressMask); }

}  // namespace

const ProbeModule kIcmpNetmaskPing{
    .name = "icmp_netmask_ping", .nmap_option = "-PM", .long_option = "--icmp-netmask-ping", .scan_type = "ping",
    .summary = "Host discovery: ICMP address mask request", .proto = Proto::Ip, .port_based = false,
    .rx_filter = "icmp", .create = &create, .role = ProbeRole::HostDiscovery};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(icmp_netmask_ping, portsweep::kIcmpNetmaskPing)
