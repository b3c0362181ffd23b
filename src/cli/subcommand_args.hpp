#pragma once
// What `portsweep detect` and `portsweep report` parse alike: the output
// options of a scan, and the parse itself (nmap spellings, help, one line
// for a usage error).
#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "cli/scan_options.hpp"

namespace portsweep {

// Every long option `app` knows, with its dashes ("--min-rate"): what
// normalise_nmap_args needs for nmap's single-dash spellings and prefixes.
std::vector<std::string> long_option_names(const CLI::App& app);

// -oN -oX -oG -oJ -oA, -v, --reason, --open, under "OUTPUT".
void add_output_flags(CLI::App& app, ScanOptions& o);

// Parses `args` (nmap's spellings accepted) into `app`. False when the run
// ends here: help was printed (status 0), or a usage error was, as one line
// starting with "portsweep NAME: " (status 2).
bool parse_subcommand(CLI::App& app, const std::vector<std::string>& args, const std::string& name, std::ostream& out,
                      std::ostream& err, int& status);

}  // namespace portsweep
