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

#include "common/error.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

// Turns a hostname into its IPv4 addresses (host order, the resolver's
// order; never empty): the first is scanned, as nmap does without
// --resolve-all, the others are reported as not scanned. Throws
// UnresolvedName for a name with no address. Injectable so tests and
// callers with their own cache need no DNS.
using HostResolver = std::function<std::vector<uint32_t>(const std::string& hostname)>;

// A name that has no IPv4 address. A target's is reported (nmap's
// "Failed to resolve "NAME".") and the other targets are scanned; anywhere
// else it is a usage error.
class UnresolvedName : public UsageError {
 public:
  UnresolvedName(const std::string& name, const std::string& why)
      : UsageError("failed to resolve \"" + name + "\": " + why), name_(name) {}
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// getaddrinfo(), IPv4 only, each address once.
std::vector<uint32_t> resolve_hostname(const std::string& hostname);

// A hostname the user typed and the address it resolved to, so reports can
// say "scanme.example.org (192.0.2.7)".
struct NamedAddress {
  uint32_t address = 0;
  std::string name;
  std::vector<uint32_t> others;  // the name's other addresses, not scanned
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
