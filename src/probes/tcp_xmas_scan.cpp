// -sX, the Xmas scan: FIN, PSH and URG lit up. RST -> closed, silence ->
// open|filtered, ICMP unreachable -> filtered.
#include "packet/wire.hpp"
#include "probes/tcp_scan.hpp"

namespace portsweep {
namespace {

constexpr TcpRules kRules{.flags = wire::kTcpFin | wire::kTcpPsh | wire::kTcpUrg, .syn_ack_is_open = false, .on_rst = PortState::Closed,
                          .rst_window_decides = false, .no_response = PortState::OpenFiltered};

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_tcp_prober(c, kRules); }

}  // namespace

const ProbeModule kTcpXmasScan{
    .name = "tcp_xmas", .nmap_option = "-sX", .long_option = "--xmas-scan", .scan_type = "xmas",
    .summary = "TCP Xmas scan (FIN, PSH, URG)", .proto = Proto::Tcp, .families = kFamilyV4 | kFamilyV6, .no_response = kRules.no_response,
    .rx_filter = kTcpRxFilter, .create = &create};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_xmas, portsweep::kTcpXmasScan)
