// -PS[ports]: host discovery by TCP SYN (nmap's default port 80; the default
// discovery sends it to 443). A SYN-ACK (answered with a RST, as -sS does) or
// a RST says the host is up. --scanflags does not apply: these are nmap's
// SYN probes whatever the port scan sends.
#include "packet/wire.hpp"
#include "probes/tcp_scan.hpp"

namespace portsweep {
namespace {

constexpr TcpRules kRules{.flags = wire::kTcpSyn, .syn_ack_is_open = true, .on_rst = PortState::Closed,
                          .no_response = PortState::Filtered};

std::unique_ptr<Prober> create(const ProbeConfig& c) {
  ProbeConfig plain = c;
  plain.tcp_flags.reset();
  return make_tcp_prober(plain, kRules);
}

}  // namespace

const ProbeModule kTcpSynPing{
    .name = "tcp_syn_ping", .nmap_option = "-PS", .long_option = "--tcp-syn-ping", .scan_type = "ping",
    .summary = "Host discovery: TCP SYN to the given ports", .proto = Proto::Tcp, .families = kFamilyV4 | kFamilyV6, .port_based = true,
    .rx_filter = kTcpRxFilter, .create = &create, .role = ProbeRole::HostDiscovery};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_syn_ping, portsweep::kTcpSynPing)
