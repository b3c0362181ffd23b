#pragma once
#include <ostream>

#include "cli/scan_options.hpp"
#include "output/output_set.hpp"

namespace portsweep {

// One writer per -oN/-oX/-oG/-oJ/-oA given, plus normal output on stdout
// unless a file already goes there. When `resuming`, an output file that
// exists already is left alone and this run writes "NAME.resumed-N.EXT" beside
// it (said on `err`), so nothing the interrupted run wrote is lost.
void add_outputs(const ScanOptions& options, OutputSet& outputs, bool resuming, std::ostream& err);

}  // namespace portsweep
