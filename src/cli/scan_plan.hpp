#pragma once
// From options to the sets a scan covers: targets, ports, the services file.
// Shared by -sL and the sweep so both read the command line the same way.
#include <string>
#include <vector>

#include "cli/scan_options.hpp"
#include "ports/port_set.hpp"
#include "ports/services_db.hpp"
#include "targets/target_input.hpp"

namespace portsweep {

struct ScanScope {
  Targets targets;
  ServicesDb services;
  PortSet ports;
  std::vector<Proto> protocols;
  std::vector<std::string> warnings;
};

// Throws UsageError for bad targets or ports.
ScanScope resolve_scope(const ScanOptions& options);

}  // namespace portsweep
