// --traceroute's TCP probe, for hosts that drop echo requests: SYNs with TTL
// 1, 2, 3, ... to an open port; see trace_probe.hpp.
#include "probes/probe_module.hpp"
#include "probes/trace_probe.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_trace_tcp_prober(c); }

}  // namespace

const ProbeModule kTcpTraceroute{
    .name = "tcp_traceroute", .nmap_option = "--traceroute", .long_option = "--traceroute", .scan_type = "trace",
    .summary = "Trace the hops to each host up: TCP SYNs to an open port, one per TTL", .proto = Proto::Ip,
    .port_based = true, .rx_filter = "tcp or icmp", .create = &create, .role = ProbeRole::Traceroute};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_traceroute, portsweep::kTcpTraceroute)
