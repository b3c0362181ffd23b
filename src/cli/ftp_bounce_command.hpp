#pragma once
// -b from the command line: the FTP bounce scan (engine/ftp_bounce_scan),
// reporting through the same outputs as the other scans.
//
// portsweep -b sends nothing to the targets itself (the point of a bounce
// scan is that they see only the FTP server): it runs no host discovery, so
// a host is listed when a port of it was found open or closed, or with -Pn
// always, as for -sT. nmap pings the targets first unless -Pn is given; the
// -P probe options are refused here. Options that steer packets or their
// pace (--rate, -T, -e, -S, -g, --ttl, --max-retries, ...) have nothing to
// act on and are refused with one line each; --max-parallelism sets the
// number of control connections (default 8).
#include <atomic>
#include <ostream>

#include "cli/scan_options.hpp"

namespace portsweep {

// Throws UsageError for an option -b cannot honour or a bad -b value.
// Returns the exit status (130 when `interrupted` stopped it, 1 when the
// FTP server made the scan impossible).
int run_ftp_bounce_command(const ScanOptions& o, std::ostream& err, const std::atomic<bool>& interrupted);

}  // namespace portsweep
