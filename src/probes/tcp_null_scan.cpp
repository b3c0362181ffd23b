// -sN, the NULL scan: a segment with no flags. RFC 793 stacks answer a closed
// port with a RST and drop it on an open one: RST -> closed, silence ->
// open|filtered, ICMP unreachable -> filtered.
#include "packet/wire.hpp"
#include "probes/tcp_scan.hpp"

namespace portsweep {
namespace {

constexpr TcpRules kRules{.flags = 0, .syn_ack_is_open = false, .on_rst = PortState::Closed,
                          .rst_window_decides = false, .no_response = PortState::OpenFiltered};

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_tcp_prober(c, kRules); }

}  // namespace

const ProbeModule kTcpNullScan{
    .name = "tcp_null", .nmap_option = "-sN", .long_option = "--null-scan", .scan_type = "null",
    .summary = "TCP Null scan (no flags)", .proto = Proto::Tcp, .families = kFamilyV4 | kFamilyV6, .no_response = kRules.no_response,
    .rx_filter = kTcpRxFilter, .create = &create};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_null, portsweep::kTcpNullScan)
