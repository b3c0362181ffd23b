#pragma once
#include <ostream>

#include "cli/scan_options.hpp"

namespace portsweep {

// A stateless sweep from a parsed command line (or a resume file named by
// --resume): returns the process exit status.
int run_scan(const ScanOptions& options, std::ostream& out, std::ostream& err);

}  // namespace portsweep
