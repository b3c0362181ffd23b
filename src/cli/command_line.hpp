#pragma once
#include <optional>
#include <ostream>

#include "cli/scan_options.hpp"

namespace portsweep {

// Either options to act on, or an exit status because help was printed or the
// command line was wrong (the message has already gone to `err`).
struct ParsedCommandLine {
  std::optional<ScanOptions> options;
  int exit_status = 0;
};

ParsedCommandLine parse_command_line(const std::vector<std::string>& args, std::ostream& out,
                                     std::ostream& err);

// nmap's -V text: version, platform and the libraries compiled in.
void print_version(std::ostream& out);

}  // namespace portsweep
