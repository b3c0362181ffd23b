// -sM, Uriel Maimon's FIN/ACK scan: RFC 793 says answer with a RST, but some
// BSD stacks drop it on open ports. RST -> closed, silence -> open|filtered,
// ICMP unreachable -> filtered.
#include "packet/wire.hpp"
#include "probes/tcp_scan.hpp"

namespace portsweep {
namespace {

constexpr TcpRules kRules{.flags = wire::kTcpFin | wire::kTcpAck, .syn_ack_is_open = false, .on_rst = PortState::Closed,
                          .rst_window_decides = false, .no_response = PortState::OpenFiltered};

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_tcp_prober(c, kRules); }

}  // namespace

const ProbeModule kTcpMaimonScan{
    .name = "tcp_maimon", .nmap_option = "-sM", .long_option = "--maimon-scan", .scan_type = "maimon",
    .summary = "TCP Maimon (FIN/ACK) scan", .proto = Proto::Tcp, .families = kFamilyV4 | kFamilyV6, .no_response = kRules.no_response,
    .rx_filter = kTcpRxFilter, .create = &create};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_maimon, portsweep::kTcpMaimonScan)
