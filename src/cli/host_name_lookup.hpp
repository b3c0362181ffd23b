#pragma once
// A scan's host names, as nmap gives them: the names typed as targets, and
// reverse DNS (src/dns) of the hosts found up (-R: of every target; -n:
// none), started as each host is found so the lookups overlap the scan.
#include <iosfwd>
#include <memory>

#include "cli/scan_options.hpp"
#include "output/host_names.hpp"
#include "targets/target_input.hpp"

namespace portsweep {

class OutputSet;

// How long the report waits, after the scan, for lookups still out: one
// lookup's own bound (c-ares: 1 s, then 2 s) and a little more.
inline constexpr int kReverseDnsSettleMs = 3500;

// Set on an OutputSet before begin(). With -v and a `log`, says when the
// lookups are over how many there were and how long the report waited:
//   portsweep: reverse DNS: 247 lookups, 4 named, 0 given up; waited 0.00 s after the scan
// Throws UsageError for a bad --dns-servers, RuntimeFailure when c-ares
// cannot start.
std::shared_ptr<HostNameSource> make_host_names(const ScanOptions& options, const Targets& targets,
                                                std::ostream* log = nullptr);

// nmap's line for each target name that resolved to nothing:
//   Failed to resolve "nosuch.example".
// Throws UsageError, naming them, when no target is left at all.
void report_unresolved(const Targets& targets, std::ostream& err);
// The same lines for the output files that keep errors (-oN), once the
// outputs are made.
void log_unresolved(const Targets& targets, OutputSet& outputs);

}  // namespace portsweep
