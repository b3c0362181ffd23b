// -sF, the FIN scan: RST -> closed, silence -> open|filtered, ICMP
// unreachable -> filtered (RFC 793 stacks drop a stray FIN on an open port).
#include "packet/wire.hpp"
#include "probes/tcp_scan.hpp"

namespace portsweep {
namespace {

constexpr TcpRules kRules{.flags = wire::kTcpFin, .syn_ack_is_open = false, .on_rst = PortState::Closed,
                          .rst_window_decides = false, .no_response = PortState::OpenFiltered};

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_tcp_prober(c, kRules); }

}  // namespace

const ProbeModule kTcpFinScan{
    .name = "tcp_fin", .nmap_option = "-sF", .long_option = "--fin-scan", .scan_type = "fin",
    .summary = "TCP FIN scan", .proto = Proto::Tcp, .families = kFamilyV4 | kFamilyV6, .no_response = kRules.no_response,
    .rx_filter = kTcpRxFilter, .create = &create};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_fin, portsweep::kTcpFinScan)
