#include "targets/target_input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <memory>

#include <sys/stat.h>

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
  // Sized once from a regular file's length (a hit list can be tens of MB);
  // a directory's or a pipe's says nothing.
  struct stat st {};
  if (::fstat(::fileno(file.get()), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    text.reserve(static_cast<size_t>(st.st_size));
  }
  char buffer[65536];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, got);
  // A directory opens fine on Linux and only fails (EISDIR) on the read.
  if (std::ferror(file.get())) fail(errno);
  return text;
}

std::string read_stream(std::istream& in) { return {std::istreambuf_iterator<char>(in), {}}; }

// A target file's text, "-" for standard input.
std::string read_spec_text(const std::string& path, std::string_view option, bool exclusions) {
  return path == "-" ? read_stream(std::cin) : read_whole_file(path, option, exclusions);
}

// The words of a target file, as views into its text: no copy per word,
// which matters for hit lists of millions of addresses.
std::vector<std::string_view> split_words(std::string_view text, bool split_commas) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '#') {  // a comment, to the end of the line
      i = text.find('\n', i);
      if (i == std::string_view::npos) break;
    } else if (is_separator(text[i], split_commas)) {
      ++i;
    } else {
      const size_t start = i;
      while (i < text.size() && text[i] != '#' && !is_separator(text[i], split_commas)) ++i;
      words.push_back(text.substr(start, i - start));
    }
  }
  return words;
}

std::vector<std::string> to_strings(const std::vector<std::string_view>& views) {
  return {views.begin(), views.end()};
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

// `left`: how many specifications are still to come. A hit list is mostly
// one address a word, so room for that many is made at the family's first
// range: one allocation instead of a doubling vector's copies.
template <class Range>
void append(std::vector<Range>& to, std::vector<Range>& from, size_t left) {
  if (from.empty()) return;
  if (to.empty() && left == 0) {
    to = std::move(from);  // no copy for the common one-spec case
    return;
  }
  if (to.capacity() == 0) to.reserve(from.size() + left);
  to.insert(to.end(), from.begin(), from.end());
}

// Targets (`exclusions` false): a name without an address is noted in
// `unresolved` and skipped, and a name scans its first address of `family`.
// Exclusions: such a name is an error, and every address a name has is
// excluded (sparing less than asked would scan what the user meant to spare).
template <class Words>
void add_specs(const Words& specs, bool exclusions, AddressFamily family, const HostResolver& resolve,
               Collected& out) {
  const std::string_view kind = exclusions ? "exclusion" : "target";
  const std::optional<AddressFamily> name_family =
      exclusions ? std::nullopt : std::optional<AddressFamily>(family);
  size_t left = specs.size();
  for (const std::string_view spec : specs) {
    --left;
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
        out.largest6 = std::string(spec);
      }
    }
    append(out.ranges, parsed.ranges, left);
    append(out.ranges6, parsed.ranges6, left);
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
  return to_strings(split_words(read_stream(in), split_commas));
}

std::vector<std::string> read_spec_file(const std::string& path, std::string_view option, bool exclusions) {
  return to_strings(split_words(read_spec_text(path, option, exclusions), exclusions));
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
    const std::string text = read_spec_text(*options.input_file, "-iL", false);
    const std::vector<std::string_view> words = split_words(text, false);
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
    const std::string text = read_spec_text(*options.exclude_file, "--excludefile", true);
    add_specs(split_words(text, true), true, family, resolve, excluded);
  }

  Targets result;
  result.unresolved = std::move(included.unresolved);
  // Without exclusions, no minus(): it would copy a hit list's ranges once more.
  result.addresses = TargetSet(std::move(included.ranges));
  if (!excluded.ranges.empty()) result.addresses = result.addresses.minus(TargetSet(std::move(excluded.ranges)));
  result.addresses6 = TargetSet6(std::move(included.ranges6));
  if (!excluded.ranges6.empty()) {
    result.addresses6 = result.addresses6.minus(TargetSet6(std::move(excluded.ranges6)));
  }
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
