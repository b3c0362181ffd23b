#pragma once
// Turns the port-selection flags (-p, --exclude-ports, -F, --top-ports,
// --port-ratio, -r) into the PortSet the engine scans, the way nmap combines
// them.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portsweep/result.hpp"
#include "ports/port_set.hpp"
#include "ports/services_db.hpp"

namespace portsweep {

// Numbers stay text until here so that "--top-ports abc" gets the same kind
// of message as every other port error.
struct PortOptions {
  std::optional<std::string> spec;           // -p
  std::optional<std::string> exclude_spec;   // --exclude-ports
  bool fast = false;                         // -F: top 100
  std::optional<std::string> top_ports;      // --top-ports N
  std::optional<std::string> port_ratio;     // --port-ratio R
  bool sequential = false;                   // -r
  std::string datadir;                       // --datadir, for ServicesDb::load
};

// How many ports each protocol gets when nothing is said, and with -F.
inline constexpr int kDefaultTopPorts = 1000;
inline constexpr int kFastTopPorts = 100;

// Throws UsageError unless the text is an integer >= 1.
int parse_top_ports(std::string_view text);
// Throws UsageError unless the text is a number in [0, 1), as nmap requires.
double parse_port_ratio(std::string_view text);

// Rules, following nmap:
//  * -p with -F is an error; --top-ports with --port-ratio is an error too
//    (nmap silently keeps the later one).
//  * --top-ports / --port-ratio override -F, and with -p they pick the most
//    frequent ports within the -p list.
//  * --exclude-ports is removed before the top ports are picked.
//  * nothing given means the 1000 most frequent ports per protocol.
// Unprefixed -p entries apply to every protocol in `scanned`. A T:/U:/S:
// prefix for a protocol not scanned, and a scanned protocol left without
// ports, add a message to `warnings` instead of failing. Proto::Ip in
// `scanned` is ignored (protocol scans do not use ports).
PortSet resolve_ports(const PortOptions& options, const std::vector<Proto>& scanned, const ServicesDb& services,
                      std::vector<std::string>& warnings);

}  // namespace portsweep
