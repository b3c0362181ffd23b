#pragma once
#include <ostream>

#include "cli/scan_options.hpp"

namespace portsweep {

// -sL: print every target as nmap does, send nothing. Streams the addresses
// from the range set, so listing a /8 needs no more memory than a /32.
int run_list_scan(const ScanOptions& options, std::ostream& out);

}  // namespace portsweep
