#pragma once
// -sT from the command line: which engine a scan runs on (the kernel's
// connect() when -sT is chosen, or when no scan type is and the process may
// not send raw packets, as nmap falls back), and the connect scan itself,
// reporting through the same outputs as the stateless sweep.
#include <atomic>
#include <ostream>
#include <string>

#include "cli/scan_options.hpp"
#include "cli/scan_plan.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

// True when this process may open raw packet I/O: CAP_NET_RAW in its
// effective set (root has it unless dropped).
bool has_raw_socket_privilege();

struct EngineChoice {
  // Who runs the scan: the sweep, or the engine of the one scan type that
  // has its own (-sT's connects, -b's FTP server, -sI's zombie).
  ScanRunner runner = ScanRunner::Sweep;
  std::string fallback_note;  // the one line saying why -sT was chosen for the user; empty if asked for
};

// Picks the engine and, for the unprivileged fallback, selects -sT in `o`.
// A scan type with an engine of its own (-sT, -b, -sI) cannot share a command
// with any other (a -sS -sT conflict is the one-TCP-type rule's). A raw scan type asked for explicitly by a process
// without the privilege (or with --unprivileged) is refused, as nmap does;
// --privileged skips the check. Throws UsageError.
EngineChoice choose_scan_engine(ScanOptions& o);

// Runs the connect scan for `o` (which selects -sT): outputs as for the
// sweep, -sV after it, a summary line on `err`. Returns the exit status
// (130 when `interrupted` stopped it; no resume file is written).
// `resolved`: the scope, when the caller has resolved it already (an -iL -
// read from standard input cannot be read twice).
int run_connect_scan_command(const ScanOptions& o, const EngineChoice& choice, std::ostream& err,
                             const std::atomic<bool>& interrupted, const ScanScope* resolved = nullptr);

}  // namespace portsweep
