// --traceroute's probe: ICMP echo requests with TTL 1, 2, 3, ... to each host
// at once (the slot's "port" is the TTL); see trace_probe.hpp.
#include "probes/probe_module.hpp"
#include "probes/trace_probe.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_trace_prober(c); }

}  // namespace

const ProbeModule kIcmpTraceroute{
    .name = "icmp_traceroute", .nmap_option = "--traceroute", .long_option = "--traceroute", .scan_type = "trace",
    .summary = "Trace the hops to each host up: ICMP echo requests, one per TTL", .proto = Proto::Ip,
    .port_based = true, .rx_filter = "icmp", .create = &create, .role = ProbeRole::Traceroute};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(icmp_traceroute, portsweep::kIcmpTraceroute)
