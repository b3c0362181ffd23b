#pragma once
// Loopback targets (127.0.0.0/8). Linux drops a raw frame sent into the
// loopback device for 127/8 as a martian (its route lookup refuses a
// loopback destination arriving on a device unless route_localnet is set),
// so the stateless sweep would see no answer and call every port filtered.
// The kernel's own connect() reaches them, so a scan of loopback targets
// runs as a connect scan (-sT), with a line saying so; a scan that needs
// raw packets for them (-sU, -sA, discovery probes, ...) is refused.
#include <string>

#include "cli/scan_options.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

enum class LoopbackTargets { None, All, Some };

LoopbackTargets loopback_targets(const TargetSet& targets);

// For a scan whose targets are all loopback addresses: selects -sT in `o`
// and returns the line that says why. Throws UsageError, naming the option,
// for what a connect scan cannot do, and for targets only some of which
// are loopback addresses.
std::string loopback_connect_scan(ScanOptions& o, LoopbackTargets which);

}  // namespace portsweep
