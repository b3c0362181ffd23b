#pragma once
// From options to the sets a scan covers: targets, ports, the services file.
// Shared by -sL and the sweep so both read the command line the same way.
#include <string>
#include <vector>

#include "cli/scan_options.hpp"
#include "io/next_hop_plan.hpp"
#include "io/scan_path.hpp"
#include "ports/port_set.hpp"
#include "ports/services_db.hpp"
#include "probes/probe_module.hpp"
#include "targets/target_input.hpp"

namespace portsweep {

struct ScanScope {
  Targets targets;
  ServicesDb services;
  PortSet ports;
  std::vector<uint16_t> ip_protocols;       // -sO: the protocol numbers to probe
  std::vector<const ProbeModule*> modules;  // the scan types, at most one per protocol
  std::vector<Proto> protocols;             // theirs, in the same order
  std::vector<std::string> warnings;
};

// The probe modules the scan-type options select (-sS when none), checked:
// at most one per protocol. Throws UsageError.
std::vector<const ProbeModule*> scan_modules(const ScanOptions& options);

// Throws UsageError for bad targets or ports.
ScanScope resolve_scope(const ScanOptions& options);
// The target options of a command line: specs, -iL, --exclude, --excludefile.
TargetOptions target_options_of(const ScanOptions& options);

// Interface, addresses and next hop for sending to the scope's first target,
// honouring -e and -S. Throws UsageError for a bad -S, RuntimeFailure when
// there is no route or no ARP answer.
ScanPath resolve_path(const ScanOptions& options, const ScanScope& scope);

// What resolve_next_hops() needs to find every target's next hop: the
// scope's targets (the request points into `scope`, which must outlive it),
// -e, -S, and ARP paced no faster than --rate or --max-rate allow. Throws
// UsageError for a bad -S.
NextHopRequest next_hop_request(const ScanOptions& options, const ScanScope& scope);

}  // namespace portsweep
