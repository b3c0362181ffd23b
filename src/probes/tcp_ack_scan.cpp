// -sA, the ACK scan: maps firewall rules, not services. Any host answers an
// unexpected ACK with a RST, open port or not, so RST -> unfiltered; silence
// or an ICMP unreachable -> filtered.
#include "packet/wire.hpp"
#include "probes/tcp_scan.hpp"

namespace portsweep {
namespace {

constexpr TcpRules kRules{.flags = wire::kTcpAck, .syn_ack_is_open = false, .on_rst = PortState::Unfiltered,
                          .rst_window_decides = false, .no_response = PortState::Filtered};

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_tcp_prober(c, kRules); }

}  // namespace

const ProbeModule kTcpAckScan{
    .name = "tcp_ack", .nmap_option = "-sA", .long_option = "--ack-scan", .scan_type = "ack",
    .summary = "TCP ACK scan: unfiltered or filtered", .proto = Proto::Tcp, .families = kFamilyV4 | kFamilyV6, .no_response = kRules.no_response,
    .rx_filter = kTcpRxFilter, .create = &create};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_ack, portsweep::kTcpAckScan)
