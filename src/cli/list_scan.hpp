#pragma once
#include <ostream>

#include "cli/scan_options.hpp"

namespace portsweep {

// -sL: list every target as nmap does, on the terminal and in every output
// file asked for, and send nothing. `err` takes the warnings.
int run_list_scan(const ScanOptions& options, std::ostream& err);

}  // namespace portsweep
