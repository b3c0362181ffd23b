#include "targets/target_input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>

#include "common/error.hpp"

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

// `unresolved` set: a name without an address is noted there and skipped
// (targets); unset, it is an error (exclusions).
void add_specs(const std::vector<std::string>& specs, std::string_view kind, const HostResolver& resolve,
               std::vector<Ipv4Range>& ranges, std::vector<NamedAddress>* names,
               std::vector<std::string>* unresolved = nullptr) {
  for (const std::string& spec : specs) {
    ParsedTarget parsed;
    try {
      parsed = parse_target_spec(spec, resolve, kind);
    } catch (const UnresolvedName& e) {
      if (unresolved == nullptr) throw;
      unresolved->push_back(e.name());
      continue;
    }
    if (ranges.empty()) {
      ranges = std::move(parsed.ranges);  // no copy for the common one-spec case
    } else {
      ranges.insert(ranges.end(), parsed.ranges.begin(), parsed.ranges.end());
    }
    if (names && parsed.name) names->push_back(std::move(*parsed.name));
  }
}

}  // namespace

const std::string* Targets::name_of(uint32_t address) const {
  auto it = std::lower_bound(names.begin(), names.end(), address,
                             [](const NamedAddress& n, uint32_t a) { return n.address < a; });
  return it != names.end() && it->address == address ? &it->name : nullptr;
}

const NamedAddress* Targets::named(uint32_t address) const {
  auto it = std::lower_bound(names.begin(), names.end(), address,
                             [](const NamedAddress& n, uint32_t a) { return n.address < a; });
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
  std::vector<Ipv4Range> included;
  std::vector<NamedAddress> names;
  std::vector<std::string> unresolved;
  add_specs(options.specs, "target", resolve, included, &names, &unresolved);
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
    add_specs(words, "target", resolve, included, &names, &unresolved);
  }

  std::vector<Ipv4Range> excluded;
  for (const std::string& list : options.excludes) {
    add_specs(split_exclude_list(list), "exclusion", resolve, excluded, nullptr);
  }
  if (options.exclude_file) {
    add_specs(read_spec_file(*options.exclude_file, "--excludefile", true), "exclusion", resolve, excluded,
              nullptr);
  }

  Targets result;
  result.unresolved = std::move(unresolved);
  result.addresses = TargetSet(std::move(included)).minus(TargetSet(std::move(excluded)));
  std::stable_sort(names.begin(), names.end(),
                   [](const NamedAddress& a, const NamedAddress& b) { return a.address < b.address; });
  for (NamedAddress& n : names) {
    if (!result.addresses.contains(n.address)) continue;
    if (!result.names.empty() && result.names.back().address == n.address) continue;
    result.names.push_back(std::move(n));
  }
  return result;
}

}  // namespace portsweep
