#pragma once
#include <ostream>

#include "cli/scan_options.hpp"

namespace portsweep {

// --bench-tx: builds SYN frames to the targets (through the same interface,
// addresses and next hop a scan would use), sends them with
// run_tx_benchmark and prints the rates. Returns the exit status.
int run_bench_tx(const ScanOptions& options, std::ostream& out, std::ostream& err);

}  // namespace portsweep
