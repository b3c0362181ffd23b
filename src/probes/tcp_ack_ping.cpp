// -PA[ports]: host discovery by TCP ACK (nmap's default port 80). A host
// answers an ACK that belongs to no connection with a RST, open port or
// not, so a stateless firewall that passes only SYNs' answers lets it by.
#include "packet/wire.hpp"
#include "probes/tcp_scan.hpp"

namespace portsweep {
namespace {

constexpr TcpRules kRules{.flags = wire::kTcpAck, .syn_ack_is_open = false, .on_rst = PortState::Unfiltered,
                          .rst_window_decides = false, .no_response = PortState::Filtered};

std::unique_ptr<Prober> create(const ProbeConfig& c) {
  ProbeConfig plain = c;
  plain.tcp_flags.reset();
  return make_tcp_prober(plain, kRules);
}

}  // namespace

const ProbeModule kTcpAckPing{
    .name = "tcp_ack_ping", .nmap_option = "-PA", .long_option = "--tcp-ack-ping", .scan_type = "ping",
    .summary = "Host discovery: TCP ACK to the given ports", .proto = Proto::Tcp, .families = kFamilyV4 | kFamilyV6, .port_based = true,
    .rx_filter = kTcpRxFilter, .create = &create, .role = ProbeRole::HostDiscovery};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_ack_ping, portsweep::kTcpAckPing)
