// -sW, the window scan: an ACK scan that reads the RST's window. Some stacks
// answer on open ports with a non-zero window: RST with window > 0 -> open,
// window 0 -> closed (Linux always says 0); silence or ICMP -> filtered.
#include "packet/wire.hpp"
#include "probes/tcp_scan.hpp"

namespace portsweep {
namespace {

constexpr TcpRules kRules{.flags = wire::kTcpAck, .syn_ack_is_open = false, .on_rst = PortState::Closed,
                          .rst_window_decides = true, .no_response = PortState::Filtered};

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_tcp_prober(c, kRules); }

}  // namespace

const ProbeModule kTcpWindowScan{
    .name = "tcp_window", .nmap_option = "-sW", .long_option = "--window-scan", .scan_type = "window",
    .summary = "TCP Window scan: open or closed from the RST's window", .proto = Proto::Tcp, .families = kFamilyV4 | kFamilyV6, .no_response = kRules.no_response,
    .rx_filter = kTcpRxFilter, .create = &create};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_window, portsweep::kTcpWindowScan)
