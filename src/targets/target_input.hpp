#pragma once
// Everything on the command line that says which hosts to scan: positional
// targets, -iL, --exclude and --excludefile, combined into one TargetSet.
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "targets/target_set.hpp"
#include "targets/target_spec.hpp"

namespace portsweep {

struct TargetOptions {
  std::vector<std::string> specs;            // positional arguments
  std::optional<std::string> input_file;     // -iL FILE, "-" for stdin
  std::vector<std::string> excludes;         // each --exclude value, comma-separated
  std::optional<std::string> exclude_file;   // --excludefile FILE
};

struct Targets {
  TargetSet addresses;
  // Hostnames that resolved to an address still in `addresses`, sorted by
  // address, first name kept when two names share one address.
  std::vector<NamedAddress> names;
  // Target names that resolved to no address, in the order given: nmap
  // reports each ("Failed to resolve "NAME".") and scans the rest.
  std::vector<std::string> unresolved;

  // The name to print for an address, or nullptr.
  const std::string* name_of(uint32_t address) const;
  // Its whole entry (name and other addresses), or nullptr.
  const NamedAddress* named(uint32_t address) const;
};

// Order does not matter: the result is a sorted set. Excluding everything
// yields an empty set; deciding whether that is an error is the caller's job.
// Throws UsageError naming the first bad specification or unreadable file,
// or an -iL file with no targets when no other target is given.
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
