#pragma once
// One nmap target specification (a command-line word or a word of an -iL
// file) turned into address ranges.
//
// Accepted forms:
//   192.168.0.1                single address
//   10.0.0.0/8                 CIDR, prefix length 0-32
//   10.0-255.0-255.1-254       octet ranges; also "*", lists "1,3,5-7" and
//                              open ends "-100" (0-100) and "100-" (100-255)
//   scanme.example.org[/24]    hostname, resolved to one IPv4 address; a
//                              prefix length means the block around it
// A prefix length on an octet-range pattern is rejected as ambiguous, and
// shorthand like "10.1" is rejected rather than guessed at.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "targets/target_set.hpp"

namespace portsweep {

// Turns a hostname into one IPv4 address (host order) or throws UsageError.
// Injectable so tests and callers with their own cache need no DNS.
using HostResolver = std::function<uint32_t(const std::string& hostname)>;

// getaddrinfo(), IPv4 only, first answer: what nmap scans without --resolve-all.
uint32_t resolve_hostname(const std::string& hostname);

// A hostname the user typed and the address it resolved to, so reports can
// say "scanme.example.org (192.0.2.7)".
struct NamedAddress {
  uint32_t address = 0;
  std::string name;
  friend bool operator==(const NamedAddress&, const NamedAddress&) = default;
};

struct ParsedTarget {
  std::vector<Ipv4Range> ranges;  // ascending, disjoint
  std::optional<NamedAddress> name;
};

// `kind` only words the error message: "target" gives
// `invalid target "300.1.1.1": octet 300 is out of range 0-255`.
// Throws UsageError for anything that is not a valid specification.
ParsedTarget parse_target_spec(std::string_view spec, const HostResolver& resolve = resolve_hostname,
                               std::string_view kind = "target");

}  // namespace portsweep
