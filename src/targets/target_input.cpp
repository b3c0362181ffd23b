#include "targets/target_input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>

#include "common/error.hpp"
#include "targets/ipv6.hpp"

namespace portsweep {
namespace {

bool is_separator(char c, bool split_commas) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         (split_commas && c == ',');
}

std::string read_whole_file(const std::string& path, std::string_view option, bool exclusions) {
  auto fail = [&](int error) {
    const char* what = exclusions ? "exclude" : "target";
    throw UsageError("cannot read " + std::string(what) + " file \"" + path + "\" given to " +
                     std::string(option) + ": " + std::strerror(error));
  };
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) fail(errno);
  std::string text;
  char buffer[65536];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, got);
  // A directory opens fine on Linux and only fails (EISDIR) on the read.
  if (std::ferror(file.get())) fail(errno);
  return text;
}

// What the specifications of one kind (targets or exclusions) add up to.
struct Collected {
  std::vector<Ipv4Range> ranges;
  std::vector<Ipv6Range> ranges6;
  std::vector<NamedAddress> names;
  std::vector<std::string> unresolved;
  // The specification that holds the most IPv6 addresses, for the message
  // that refuses a set above the limit.
  std::string largest6;
  u128 largest6_size = 0;
};

template <class Range>
void append(std::vector<Range>& to, std::vector<Range>& from) {
  if (to.empty()) {
    to = std::move(from);  // no copy for the common one-spec case
  } else {
    to.insert(to.end(), from.begin(), from.end());
  }
}

// Targets (`exclusions` false): a name without an address is noted in
// `unresolved` and skipped, and a name scans its first address of `family`.
// Exclusions: such a name is an error, and every address a name has is
// excluded (sparing less than asked would scan what the user meant to spare).
void add_specs(const std::vector<std::string>& specs, bool exclusions, AddressFamily family,
               const HostResolver& resolve, Collected& out) {
  const std::string_view kind = exclusions ? "exclusion" : "target";
  const std::optional<AddressFamily> name_family =
      exclusions ? std::nullopt : std::optional<AddressFamily>(family);
  for (const std::string& spec : specs) {
    ParsedTarget parsed;
    try {
      parsed = parse_target_spec(spec, resolve, kind, name_family);
    } catch (const UnresolvedName& e) {
      if (exclusions) throw;
      out.unresolved.push_back(e.name());
      continue;
    }
    if (!exclusions && !parsed.ranges6.empty()) {
      u128 size = 0;
      for (const Ipv6Range& r : parsed.ranges6) size += r.size();  // < 2^128: ::ffff:0:0/96 is never IPv6
      if (size > out.largest6_size) {
        out.largest6_size = size;
        out.largest6 = spec;
      }
    }
    append(out.ranges, parsed.ranges);
    append(out.ranges6, parsed.ranges6);
    if (!exclusions && parsed.name) out.names.push_back(std::move(*parsed.name));
  }
}

[[noreturn]] void refuse_ipv6_size(const TargetSet6& set, const Collected& included, uint64_t limit) {
  std::string why = "the IPv6 targets hold " + format_count(set.size()) + " addresses, more than the limit of " +
                    std::to_string(limit) + ": ";
  const std::string largest = format_count(included.largest6_size);
  if (included.largest6_size > limit) {
    why += "\"" + included.largest6 + "\" alone is " + largest;
  } else {
    why += "the largest specification, \"" + included.largest6 + "\", is " + largest;
  }
  throw UsageError(why + "; scan a smaller block or raise the limit with --max-ipv6-targets N");
}

}  // namespace

const std::string* Targets::name_of(const IpAddress& address) const {
  const NamedAddress* n = named(address);
  return n ? &n->name : nullptr;
}

const NamedAddress* Targets::named(const IpAddress& address) const {
  auto it = std::lower_bound(names.begin(), names.end(), address,
                             [](const NamedAddress& n, const IpAddress& a) { return n.address < a; });
  return it != names.end() && it->address == address ? &*it : nullptr;
}

std::vector<std::string> read_spec_words(std::istream& in, bool split_commas) {
  std::vector<std::string> words;
  std::string line;
  while (std::getline(in, line)) {
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && is_separator(line[i], split_commas)) ++i;
      size_t start = i;
      while (i < line.size() && !is_separator(line[i], split_commas)) ++i;
      if (i > start) words.push_back(line.substr(start, i - start));
    }
  }
  return words;
}

std::vector<std::string> read_spec_file(const std::string& path, std::string_view option, bool exclusions) {
  if (path == "-") return read_spec_words(std::cin, exclusions);
  std::istringstream text(read_whole_file(path, option, exclusions));
  return read_spec_words(text, exclusions);
}

std::vector<std::string> split_exclude_list(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    std::string_view item = list.substr(start, comma == std::string_view::npos ? list.npos : comma - start);
    if (item.empty()) {
      throw UsageError("invalid --exclude list \"" + std::string(list) +
                       "\": it has an empty entry; separate addresses with single commas");
    }
    out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Targets resolve_targets(const TargetOptions& options, const HostResolver& resolve) {
  const AddressFamily family = options.ipv6 ? AddressFamily::V6 : AddressFamily::V4;
  Collected included;
  add_specs(options.specs, false, family, resolve, included);
  if (options.input_file) {
    std::vector<std::string> words = read_spec_file(*options.input_file, "-iL");
    // Said here, before exclusions, so an empty list is not reported as
    // "every target is excluded".
    if (words.empty() && options.specs.empty()) {
      const std::string what =
          *options.input_file == "-" ? "standard input" : "target file \"" + *options.input_file + "\"";
      throw UsageError(what + " given to -iL holds no targets (only blank lines and comments); expected addresses, "
                              "networks or ranges, one or more a line");
    }
    add_specs(words, false, family, resolve, included);
  }

  Collected excluded;
  for (const std::string& list : options.excludes) {
    add_specs(split_exclude_list(list), true, family, resolve, excluded);
  }
  if (options.exclude_file) {
    add_specs(read_spec_file(*options.exclude_file, "--excludefile", true), true, family, resolve, excluded);
  }

  Targets result;
  result.unresolved = std::move(included.unresolved);
  result.addresses = TargetSet(std::move(included.ranges)).minus(TargetSet(std::move(excluded.ranges)));
  result.addresses6 = TargetSet6(std::move(included.ranges6)).minus(TargetSet6(std::move(excluded.ranges6)));
  if (result.addresses6.size() > options.max_ipv6_addresses) {
    refuse_ipv6_size(result.addresses6, included, options.max_ipv6_addresses);
  }

  std::vector<NamedAddress>& names = included.names;
  std::stable_sort(names.begin(), names.end(),
                   [](const NamedAddress& a, const NamedAddress& b) { return a.address < b.address; });
  for (NamedAddress& n : names) {
    const bool kept = n.address.is_v4() ? result.addresses.contains(n.address.v4_value())
                                        : result.addresses6.contains(n.address.value());
    if (!kept) continue;
    if (!result.names.empty() && result.names.back().address == n.address) continue;
    result.names.push_back(std::move(n));
  }
  return result;
}

}  // namespace portsweep
