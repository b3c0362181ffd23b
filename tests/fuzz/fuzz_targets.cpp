// nmap's target syntax: one specification (parse_target_spec), a target
// file's words (read_spec_words, with and without commas), an --exclude
// list, and all of them combined into a TargetSet (resolve_targets). No DNS:
// hostnames resolve through a hash, and some fail as an unknown name would.
//
// Input: text; an optional '|' splits the -iL words (left) from an --exclude
// value (right). Checks: ranges ascending and disjoint; the TargetSet's
// at() and index_of() are inverses; names point at addresses in the set.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_support.hpp"
#include "targets/target_input.hpp"
#include "targets/target_spec.hpp"

namespace {

using namespace portsweep;
using portsweep::fuzz::check;

uint32_t fake_resolve(const std::string& name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  if (h % 5 == 0) throw UsageError("failed to resolve \"" + name + "\"");
  return h;
}

void check_ranges(const std::vector<Ipv4Range>& ranges) {
  for (size_t i = 0; i < ranges.size(); ++i) {
    check(ranges[i].first <= ranges[i].last, "a reversed range");
    if (i > 0) check(ranges[i - 1].last < ranges[i].first, "ranges overlap or are out of order");
  }
}

void check_set(const TargetSet& set) {
  check_ranges(set.ranges());
  uint64_t total = 0;
  for (const Ipv4Range& r : set.ranges()) total += r.size();
  check(total == set.size(), "size() is not the sum of the ranges");
  if (set.empty()) return;
  for (uint64_t i : {uint64_t{0}, set.size() / 3, set.size() / 2, set.size() - 1}) {
    const uint32_t a = set.at(i);
    check(set.contains(a), "at() gives an address the set does not contain");
    check(set.index_of(a) == i, "index_of() is not the inverse of at()");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(fuzz::as_text(data, size));

  fuzz::accepts([&] { check_ranges(parse_target_spec(text, fake_resolve).ranges); });
  fuzz::accepts([&] { split_exclude_list(text); });

  const size_t bar = text.find('|');
  std::istringstream words_in(text.substr(0, bar));
  std::vector<std::string> words = read_spec_words(words_in);
  std::istringstream comma_in(text);
  read_spec_words(comma_in, true);
  if (words.size() > 64) words.resize(64);  // a target list, not a stress test
  // An octet pattern with a fixed last octet is one range per address
  // (1-255.0-255.0-255.1: 16.5 M ranges, ~330 MB and seconds to index): a
  // legitimate but costly target, not worth fuzzing time. Such words go.
  std::erase_if(words, [](const std::string& w) {
    size_t n = 0;
    fuzz::accepts([&] { n = parse_target_spec(w, fake_resolve).ranges.size(); });
    return n > 4096;
  });

  TargetOptions options;
  options.specs = words;
  if (bar != std::string::npos) options.excludes.push_back(text.substr(bar + 1));
  fuzz::accepts([&] {
    const Targets t = resolve_targets(options, fake_resolve);
    check_set(t.addresses);
    for (const NamedAddress& n : t.names) check(t.addresses.contains(n.address), "a name outside the set");
  });
  return 0;
}
