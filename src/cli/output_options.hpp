#pragma once
#include <ostream>
#include <string>

#include "cli/scan_options.hpp"
#include "output/output_set.hpp"

namespace portsweep {

// One writer per -oN/-oX/-oG/-oJ/-oA given, plus normal output on stdout
// unless an output already goes there ("-", as nmap: the terminal then gets
// nothing else).
//
// Every output is checked before any file is opened, and every file is
// opened before any is written: two outputs naming one file (-oN X -oX X, or
// -oA X and -oN X.nmap), two outputs on standard output, -oA - and a file
// name starting with '-' are refused (UsageError); a file that cannot be
// opened stops the command (RuntimeFailure) with every existing file as it
// was, since files are only emptied when the scan begins (OutputFile).
//
// When `resuming`, an existing regular output file is left alone and this run
// writes "NAME.resumed-N.EXT" beside it (said on `err`), so nothing the
// interrupted run wrote is lost; a device, FIFO or /dev/stdout is written in
// place.
void add_outputs(const ScanOptions& options, OutputSet& outputs, bool resuming, std::ostream& err);

// The path a resumed run writes for an output given as `path`: `path` itself
// for "-", a file that does not exist, or anything that is not a regular file
// (/dev/null, a FIFO, /dev/stdout, /proc/self/fd/N); else the first free
// NAME.resumed-N.EXT.
std::string resumed_output_path(const std::string& path);

}  // namespace portsweep
