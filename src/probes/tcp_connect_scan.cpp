// -sT, the TCP connect scan. Its probes are the kernel's own connect()
// calls, so it has no template or classifier: the command line runs it
// through engine/connect_scan instead of the stateless sweep. It is
// registered here all the same, so -sT/--connect-scan, --help, XML's
// <scaninfo type="connect"> and the one-TCP-scan-type rule (-sS -sT
// conflict, as in nmap) come from the registry like every other scan type.
#include "common/error.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig&) {
  throw RuntimeFailure("-sT is carried out by the kernel's sockets (the connect scan), not by packet probes");
}

}  // namespace

const ProbeModule kTcpConnectScan{
    .name = "tcp_connect", .nmap_option = "-sT", .long_option = "--connect-scan", .scan_type = "connect",
    .summary = "TCP connect() scan: the kernel's sockets, no privileges needed", .proto = Proto::Tcp,
    .no_response = PortState::Filtered, .rx_filter = "", .create = &create, .raw_packets = false,
    .runner = ScanRunner::Connect};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_connect, portsweep::kTcpConnectScan)
