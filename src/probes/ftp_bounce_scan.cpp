// -b, the FTP bounce scan: an FTP server's PORT and LIST commands probe the
// targets for us (engine/ftp_bounce_scan), so it has no template or
// classifier and the command line runs its own engine. It is registered all
// the same, so -b SERVER, --help, XML's <scaninfo type="bounce"> (nmap.dtd's
// name) and the one-TCP-scan-type rule come from the registry.
#include "common/error.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {
namespace {

std::unique_ptr<Prober> create(const ProbeConfig&) {
  throw RuntimeFailure("-b is carried out by an FTP server's PORT and LIST commands (the bounce scan), not by "
                       "packet probes");
}

}  // namespace

// A port nothing answered for within nmap's 12 s is filtered, as nmap has it.
const ProbeModule kFtpBounceScan{
    .name = "ftp_bounce", .nmap_option = "-b", .long_option = "--ftp-bounce", .scan_type = "bounce",
    .summary = "FTP bounce scan: the FTP server connects to each port for you (PORT, then LIST)",
    .proto = Proto::Tcp, .no_response = PortState::Filtered, .rx_filter = "", .create = &create,
    .raw_packets = false, .runner = ScanRunner::FtpBounce, .option_argument = "[USER:PASS@]SERVER[:PORT]"};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(ftp_bounce, portsweep::kFtpBounceScan)
