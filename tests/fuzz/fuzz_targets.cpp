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

// Some names get an IPv4 address, some an IPv6 one, some both.
std::vector<IpAddress> fake_resolve(const std::string& name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  if (h % 5 == 0) throw UnresolvedName(name, "unknown to the fuzzer");
  const IpAddress v6 = IpAddress::v6((u128{0x20010db8} << 96) | h);
  if (h % 3 == 0) return {v6};
  if (h % 3 == 1) return {IpAddress::v4(h), v6};
  return {IpAddress::v4(h)};
}

template <class Range>
void check_ranges(const std::vector<Range>& ranges) {
  for (size_t i = 0; i < ranges.size(); ++i) {
    check(ranges[i].first <= ranges[i].last, "a reversed range");
    if (i > 0) check(ranges[i - 1].last < ranges[i].first, "ranges overlap or are out of order");
  }
}

template <class Set>
void check_set(const Set& set) {
  check_ranges(set.ranges());
  typename Set::Size total = 0;
  for (const auto& r : set.ranges()) total += r.size();
  check(total == set.size(), "size() is not the sum of the ranges");
  if (set.empty()) return;
  const uint64_t size = static_cast<uint64_t>(set.size());  // resolve_targets keeps IPv6 below 2^64
  for (uint64_t i : {uint64_t{0}, size / 3, size / 2, size - 1}) {
    const auto a = set.at(i);
    check(set.contains(a), "at() gives an address the set does not contain");
    check(set.index_of(a) == i, "index_of() is not the inverse of at()");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(fuzz::as_text(data, size));

  fuzz::accepts([&] {
    const ParsedTarget p = parse_target_spec(text, fake_resolve);
    check_ranges(p.ranges);
    check_ranges(p.ranges6);
  });
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
    fuzz::accepts([&] {
      const ParsedTarget p = parse_target_spec(w, fake_resolve);
      n = p.ranges.size() + p.ranges6.size();
    });
    return n > 4096;
  });

  TargetOptions options;
  options.specs = words;
  if (bar != std::string::npos) options.excludes.push_back(text.substr(bar + 1));
  fuzz::accepts([&] {
    const Targets t = resolve_targets(options, fake_resolve);
    check_set(t.addresses);
    check_set(t.addresses6);
    for (const NamedAddress& n : t.names) {
      const bool in = n.address.is_v4() ? t.addresses.contains(n.address.v4_value())
                                        : t.addresses6.contains(n.address.value());
      check(in, "a name outside the set");
    }
  });
  return 0;
}
