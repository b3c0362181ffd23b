#pragma once
// What every scan command (the sweep, -sT, `portsweep detect`) tells its
// outputs and runs after the scan: the header's ScanInfo, the service names
// of the tables, version detection. One place, so the commands cannot drift.
#include <atomic>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "cli/scan_options.hpp"
#include "detect/service_probes.hpp"
#include "output/output_set.hpp"
#include "output/scan_info.hpp"
#include "ports/services_db.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

// Wall clock, microseconds since the epoch (what the outputs print).
int64_t wall_clock_us();

// The conventional name of a port (nmap-services) or, for -sO's Proto::Ip
// results, of an IP protocol (the system's protocols database, read once).
// `services` must outlive the lookup.
ServiceLookup service_names(const ServicesDb& services);

// One <scaninfo>: module `m` probing `ports` (protocol numbers for -sO).
ScanKind scan_kind_for(const ProbeModule& m, const std::vector<uint16_t>& ports);

// The header every format starts from: the command line as typed (with
// `command` before it, "portsweep" or "portsweep detect"), now as the start,
// the output flags of `o`, and `services` for the tables' names.
ScanInfo scan_info_for(const ScanOptions& o, const std::string& command, const std::vector<std::string>& args,
                       const ServicesDb& services);

// -sV over what `outputs` holds, with `o`'s detection options; true when
// `stop` interrupted it.
bool run_version_detection(const ScanOptions& o, const ServiceProbeDb& db, OutputSet& outputs, const ScanInfo& info,
                           std::ostream& err, const std::atomic<bool>& stop);

}  // namespace portsweep
