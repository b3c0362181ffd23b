#pragma once
#include <optional>
#include <ostream>
#include <string>

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

// Why -O cannot run with the rest of the command line (-sn, -sL, -sO, -sT,
// -sI, -b, --shard), or nullopt. -A leaves -O out then; -O is refused.
std::optional<std::string> os_detection_refusal(const ScanOptions& o);

// nmap's -V text: version, platform and the libraries compiled in.
void print_version(std::ostream& out);

}  // namespace portsweep
