#pragma once
// Everything on the command line that says which hosts to scan: positional
// targets, -iL, --exclude and --excludefile, combined into one TargetSet per
// family. The families mix freely: IPv4 and IPv6 literals are both taken,
// with or without -6, which only says which of a hostname's addresses is
// scanned.
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "targets/target_set.hpp"
#include "targets/target_spec.hpp"

namespace portsweep {

inline constexpr uint64_t kDefaultMaxIpv6Addresses = uint64_t{1} << 24;  // 16,777,216

struct TargetOptions {
  std::vector<std::string> specs;            // positional arguments
  std::optional<std::string> input_file;     // -iL FILE, "-" for stdin
  std::vector<std::string> excludes;         // each --exclude value, comma-separated
  std::optional<std::string> exclude_file;   // --excludefile FILE
  // -6: a hostname is scanned at its first IPv6 address (else its first IPv4).
  bool ipv6 = false;
  // --max-ipv6-targets: the most IPv6 addresses a scan may hold after
  // exclusions. A /64 parses fine (2^64 addresses, held as one range), but
  // sweeping it is almost never what was meant, so a set above this is
  // refused, naming the specification that made it large. IPv4 has no such
  // limit: all of it is 2^32 addresses.
  uint64_t max_ipv6_addresses = kDefaultMaxIpv6Addresses;
};

struct Targets {
  TargetSet addresses;    // IPv4
  // IPv6. Its size() is at most TargetOptions::max_ipv6_addresses, so it
  // fits a uint64_t and every address has an index for at()/index_of().
  TargetSet6 addresses6;
  // Hostnames that resolved to an address still in `addresses` or
  // `addresses6`, sorted by address (IpAddress order: IPv4 first, as
  // IPv4-mapped), first name kept when two names share one address.
  std::vector<NamedAddress> names;
  // Target names that resolved to no address, in the order given: nmap
  // reports each ("Failed to resolve "NAME".") and scans the rest.
  std::vector<std::string> unresolved;

  // The name to print for an address, or nullptr.
  const std::string* name_of(const IpAddress& address) const;
  // Its whole entry (name and other addresses), or nullptr.
  const NamedAddress* named(const IpAddress& address) const;

  bool empty() const { return addresses.empty() && addresses6.empty(); }
};

// Order does not matter: the result is a sorted set. Excluding everything
// yields an empty set; deciding whether that is an error is the caller's job.
// Throws UsageError naming the first bad specification or unreadable file,
// an -iL file with no targets when no other target is given, or an IPv6 set
// above options.max_ipv6_addresses:
//   the IPv6 targets hold 18446744073709551616 addresses, more than the limit of 16777216: "2001:db8::/64" alone is 18446744073709551616; scan a smaller block or raise the limit with --max-ipv6-targets N
Targets resolve_targets(const TargetOptions& options, const HostResolver& resolve = resolve_hostname);

// Words of a target file: separated by any whitespace, '#' to the end of the
// line is a comment. With `split_commas` commas separate words too, which is
// how nmap reads exclusions (so octet lists like 10.1,2.0.0 cannot be
// excluded; write them as separate words).
std::vector<std::string> read_spec_words(std::istream& in, bool split_commas = false);

// `option` names the flag in errors ("-iL", "--excludefile"); "-" reads
// standard input. An exclusion file splits on commas too, as nmap does.
// Throws UsageError: cannot read target file "x.txt" given to -iL: No such file or directory
std::vector<std::string> read_spec_file(const std::string& path, std::string_view option,
                                        bool exclusions = false);

// A --exclude value: comma-separated; an empty entry is an error.
std::vector<std::string> split_exclude_list(std::string_view list);

}  // namespace portsweep
