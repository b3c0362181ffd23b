#pragma once
// One nmap target specification (a command-line word or a word of an -iL
// file) turned into address ranges.
//
// Accepted forms:
//   192.168.0.1                single address
//   10.0.0.0/8                 CIDR, prefix length 0-32
//   10.0-255.0-255.1-254       octet ranges; also "*", lists "1,3,5-7" and
//                              open ends "-100" (0-100) and "100-" (100-255)
//   2001:db8::1                an IPv6 address, any form inet_pton takes
//   2001:db8::/64              IPv6 CIDR, prefix length 0-128
//   2001:db8::1-2001:db8::ff   IPv6 range: two whole addresses, first-last
//   scanme.example.org[/24]    hostname, resolved to one address of the
//                              family asked for (IPv4 unless -6); a prefix
//                              length means the block around it
// As nmap does, a CIDR's host bits are ignored (10.0.0.77/24 is 10.0.0.0/24).
// IPv4-mapped addresses (::ffff:192.0.2.1, ::ffff:0:0/96) are the IPv4
// addresses they map, as IpAddress holds them. A prefix length on an
// octet-range pattern or an IPv6 range is rejected as ambiguous, shorthand
// like "10.1" is rejected rather than guessed at, and a scoped address
// ("fe80::1%eth0") is refused: the zone names an interface, and the scan
// chooses its interface from the route (-e).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "portsweep/ip_address.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

// Turns a hostname into its addresses, both families, in the resolver's
// order (never empty). parse_target_spec scans the first address of the
// family asked for, as nmap does without --resolve-all (IPv4 without -6,
// IPv6 with it), and keeps the others to report them as not scanned. Throws
// UnresolvedName for a name with no address. Injectable so tests and callers
// with their own cache need no DNS.
using HostResolver = std::function<std::vector<IpAddress>(const std::string& hostname)>;

// A name that has no address (of the family asked for). A target's is
// reported (nmap's "Failed to resolve "NAME".") and the other targets are
// scanned; anywhere else it is a usage error.
class UnresolvedName : public UsageError {
 public:
  UnresolvedName(const std::string& name, const std::string& why)
      : UsageError("failed to resolve \"" + name + "\": " + why), name_(name) {}
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// getaddrinfo() for both families (A and AAAA), each address once, in the
// order the system resolver gives them.
std::vector<IpAddress> resolve_hostname(const std::string& hostname);

// A hostname the user typed and the address it resolved to, so reports can
// say "scanme.example.org (192.0.2.7)".
struct NamedAddress {
  IpAddress address;
  std::string name;
  std::vector<IpAddress> others;  // the name's other addresses (either family), not scanned
  friend bool operator==(const NamedAddress&, const NamedAddress&) = default;
};

struct ParsedTarget {
  std::vector<Ipv4Range> ranges;   // IPv4, ascending, disjoint
  std::vector<Ipv6Range> ranges6;  // IPv6, ascending, disjoint, none in ::ffff:0:0/96
  std::optional<NamedAddress> name;
};

// `kind` only words the error message: "target" gives
// `invalid target "300.1.1.1": octet 300 is out of range 0-255`.
// `family` is the family a hostname is scanned in (V6: -6): its first
// address of that family is the target, the others go to name->others.
// nullopt takes every address the name has, of both families, each with the
// prefix length (what an exclusion spares, as nmap's does); name->address
// is then the first. Address literals of either family are taken as written.
// Throws UsageError for anything that is not a valid specification, and
// UnresolvedName (a UsageError) for a name without an address (of `family`).
ParsedTarget parse_target_spec(std::string_view spec, const HostResolver& resolve = resolve_hostname,
                               std::string_view kind = "target",
                               std::optional<AddressFamily> family = AddressFamily::V4);

}  // namespace portsweep
