// -sS, the TCP SYN (half-open) scan: SYN-ACK -> open (answered with a RST so
// the target drops its half-open connection), RST -> closed, silence or an
// ICMP unreachable -> filtered.
#include "packet/wire.hpp"
#include "probes/tcp_scan.hpp"

namespace portsweep {
namespace {

constexpr TcpRules kRules{.flags = wire::kTcpSyn, .syn_ack_is_open = true, .on_rst = PortState::Closed,
                          .no_response = PortState::Filtered};

std::unique_ptr<Prober> create(const ProbeConfig& c) { return make_tcp_prober(c, kRules); }

}  // namespace

const ProbeModule kTcpSynScan{
    .name = "tcp_syn", .nmap_option = "-sS", .long_option = "--syn-scan", .scan_type = "syn",
    .summary = "TCP SYN scan (the default)", .proto = Proto::Tcp, .families = kFamilyV4 | kFamilyV6, .no_response = kRules.no_response,
    .rx_filter = kTcpRxFilter, .create = &create};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_syn, portsweep::kTcpSynScan)
