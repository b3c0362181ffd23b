#include "targets/target_spec.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <memory>

#include "common/error.hpp"
#include "targets/ipv6.hpp"

namespace portsweep {
namespace {

struct OctetInterval {
  unsigned low;
  unsigned high;
};

using OctetValues = std::vector<OctetInterval>;  // sorted, merged

class SpecError {
 public:
  SpecError(std::string_view kind, std::string_view spec) : kind_(kind), spec_(spec) {}
  [[noreturn]] void fail(const std::string& why) const {
    throw UsageError("invalid " + std::string(kind_) + " \"" + std::string(spec_) + "\": " + why);
  }

 private:
  std::string_view kind_;
  std::string_view spec_;
};

constexpr std::array<const char*, 4> kOrdinals = {"first", "second", "third", "fourth"};

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

unsigned parse_octet_number(std::string_view text, const SpecError& err) {
  if (!is_digits(text)) err.fail("\"" + std::string(text) + "\" is not a number 0-255");
  // Stop accumulating early so absurdly long digit strings cannot overflow.
  unsigned value = 0;
  for (char c : text) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 255) err.fail("octet " + std::string(text) + " is out of range 0-255");
  }
  return value;
}

OctetValues parse_octet(std::string_view text, int position, const SpecError& err) {
  if (text.empty()) err.fail(std::string("the ") + kOrdinals[position] + " octet is empty");
  OctetValues values;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (item.empty()) {
      err.fail(std::string("the ") + kOrdinals[position] + " octet has an empty entry in its list");
    }
    OctetInterval interval{0, 255};
    if (item != "*") {
      size_t dash = item.find('-');
      if (dash == std::string_view::npos) {
        interval.low = interval.high = parse_octet_number(item, err);
      } else {
        std::string_view low = item.substr(0, dash);
        std::string_view high = item.substr(dash + 1);
        if (high.find('-') != std::string_view::npos) {
          err.fail("octet range \"" + std::string(item) + "\" has more than one '-'");
        }
        if (!low.empty()) interval.low = parse_octet_number(low, err);
        if (!high.empty()) interval.high = parse_octet_number(high, err);
        if (interval.low > interval.high) {
          err.fail("octet range " + std::string(item) + " is reversed: the start is greater than the end");
        }
      }
    }
    values.push_back(interval);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::sort(values.begin(), values.end(),
            [](const OctetInterval& a, const OctetInterval& b) { return a.low < b.low; });
  OctetValues merged;
  for (const OctetInterval& v : values) {
    if (!merged.empty() && v.low <= merged.back().high + 1) {
      merged.back().high = std::max(merged.back().high, v.high);
    } else {
      merged.push_back(v);
    }
  }
  return merged;
}

bool is_full(const OctetValues& v) { return v.size() == 1 && v[0].low == 0 && v[0].high == 255; }

// Octets after the last partial one are all 0-255, so each value combination
// of the leading octets, times each interval of the partial octet, is one
// contiguous block. This keeps 10.0-255.0-255.0-255 as a single range.
std::vector<Ipv4Range> expand_octets(const std::array<OctetValues, 4>& octets) {
  int partial = 3;
  while (partial > 0 && is_full(octets[partial])) --partial;
  const unsigned shift = 8u * static_cast<unsigned>(3 - partial);
  const uint32_t tail = (uint32_t{1} << shift) - 1;  // shift is at most 24

  std::vector<Ipv4Range> out;
  auto emit = [&](uint32_t prefix) {
    for (const OctetInterval& v : octets[partial]) {
      out.push_back({prefix | (v.low << shift), prefix | (v.high << shift) | tail});
    }
  };
  auto walk = [&](auto& self, int octet, uint32_t prefix) -> void {
    if (octet == partial) {
      emit(prefix);
      return;
    }
    for (const OctetInterval& v : octets[octet]) {
      for (unsigned value = v.low; value <= v.high; ++value) {
        self(self, octet + 1, prefix | (value << (24 - 8 * octet)));
      }
    }
  };
  walk(walk, 0, 0);
  return out;
}

Ipv4Range cidr_block(uint32_t address, unsigned prefix_length) {
  const uint32_t host_mask = prefix_length == 0 ? 0xFFFFFFFFu : (uint32_t{1} << (32 - prefix_length)) - 1;
  return {address & ~host_mask, address | host_mask};
}

Ipv6Range cidr_block6(u128 address, unsigned prefix_length) {
  const u128 host_mask = prefix_length == 0 ? ~u128{0} : (u128{1} << (128 - prefix_length)) - 1;
  return {address & ~host_mask, address | host_mask};
}

// An IPv6 range as the targets it names: the part inside ::ffff:0:0/96 is
// IPv4 (IpAddress holds IPv4 there), the parts either side stay IPv6.
void add_ipv6_range(Ipv6Range r, ParsedTarget& out) {
  if (r.first < kIpv4MappedFirst) out.ranges6.push_back({r.first, std::min(r.last, kIpv4MappedFirst - 1)});
  if (r.first <= kIpv4MappedLast && r.last >= kIpv4MappedFirst) {
    out.ranges.push_back({static_cast<uint32_t>(std::max(r.first, kIpv4MappedFirst) - kIpv4MappedFirst),
                          static_cast<uint32_t>(std::min(r.last, kIpv4MappedLast) - kIpv4MappedFirst)});
  }
  if (r.last > kIpv4MappedLast) out.ranges6.push_back({std::max(r.first, kIpv4MappedLast + 1), r.last});
}

// The digits after a '/': 0-`most`.
unsigned parse_prefix_length(std::string_view bits, unsigned most, const SpecError& err) {
  const std::string expected = "0-" + std::to_string(most);
  if (!is_digits(bits) || bits.size() > 3) {
    err.fail("expected a prefix length " + expected + " after the '/', not \"" + std::string(bits) + "\"");
  }
  const unsigned value = static_cast<unsigned>(std::stoul(std::string(bits)));
  if (value > most) err.fail("prefix length " + std::to_string(value) + " is out of range " + expected);
  return value;
}

// Anything with a ':' is IPv6: an address, a CIDR block or a range.
ParsedTarget parse_ipv6_spec(std::string_view spec, const SpecError& err) {
  if (size_t percent = spec.find('%'); percent != std::string_view::npos) {
    const size_t end = spec.find('/', percent);
    err.fail("a scoped address (zone \"" + std::string(spec.substr(percent, end - percent)) +
             "\") cannot be scanned; give the address without its zone, and -e for the interface");
  }
  std::string_view base = spec;
  std::optional<unsigned> prefix_length;
  if (size_t slash = spec.find('/'); slash != std::string_view::npos) {
    base = spec.substr(0, slash);
    if (base.empty()) err.fail("there is no address before the '/'");
    prefix_length = parse_prefix_length(spec.substr(slash + 1), 128, err);
  }
  Ipv6Range range;
  if (size_t dash = base.find('-'); dash != std::string_view::npos) {
    if (prefix_length) err.fail("a /prefix length cannot be combined with an IPv6 range");
    const std::string_view low = base.substr(0, dash), high = base.substr(dash + 1);
    const std::optional<u128> first = parse_ipv6(low), last = parse_ipv6(high);
    for (const auto& [text, value] : {std::pair{low, first}, std::pair{high, last}}) {
      if (!value) {
        err.fail("\"" + std::string(text) +
                 "\" is not an IPv6 address; an IPv6 range is two whole addresses, first-last");
      }
    }
    if (*first > *last) err.fail("the range is reversed: the first address is greater than the last");
    range = {*first, *last};
  } else {
    const std::optional<u128> address = parse_ipv6(base);
    if (!address) err.fail("\"" + std::string(base) + "\" is not a valid IPv6 address");
    range = prefix_length ? cidr_block6(*address, *prefix_length) : Ipv6Range{*address, *address};
  }
  ParsedTarget result;
  add_ipv6_range(range, result);
  return result;
}

bool is_hostname_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

std::vector<IpAddress> resolve_hostname(const std::string& hostname) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(hostname.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) throw UnresolvedName(hostname, rc != 0 ? gai_strerror(rc) : "no address");
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
  std::vector<IpAddress> addresses;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    IpAddress ip;
    if (a->ai_family == AF_INET) {
      ip = IpAddress::v4(ntohl(reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr.s_addr));
    } else if (a->ai_family == AF_INET6) {
      ip = IpAddress::v6(reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr.s6_addr);
    } else {
      continue;
    }
    if (std::find(addresses.begin(), addresses.end(), ip) == addresses.end()) addresses.push_back(ip);
  }
  if (addresses.empty()) throw UnresolvedName(hostname, "no IPv4 or IPv6 address");
  return addresses;
}

ParsedTarget parse_target_spec(std::string_view spec, const HostResolver& resolve, std::string_view kind,
                               std::optional<AddressFamily> family) {
  const SpecError err(kind, spec);
  if (spec.empty()) err.fail("the " + std::string(kind) + " is empty");
  if (spec.find(':') != std::string_view::npos) return parse_ipv6_spec(spec, err);

  std::string_view base = spec;
  std::optional<std::string_view> bits;
  if (size_t slash = spec.find('/'); slash != std::string_view::npos) {
    base = spec.substr(0, slash);
    bits = spec.substr(slash + 1);
    if (base.empty()) err.fail("there is no address before the '/'");
  }

  ParsedTarget result;
  const bool numeric = std::all_of(base.begin(), base.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == ',' || c == '-' || c == '*';
  });
  if (numeric) {
    std::optional<unsigned> prefix_length;
    if (bits) prefix_length = parse_prefix_length(*bits, 32, err);
    std::array<OctetValues, 4> octets;
    const size_t dots = static_cast<size_t>(std::count(base.begin(), base.end(), '.'));
    if (dots != 3) {
      err.fail("expected four dot-separated octets like 192.168.0.1, found " + std::to_string(dots + 1));
    }
    size_t start = 0;
    for (int i = 0; i < 4; ++i) {
      size_t dot = base.find('.', start);
      std::string_view part = base.substr(start, dot == std::string_view::npos ? base.npos : dot - start);
      octets[static_cast<size_t>(i)] = parse_octet(part, i, err);
      start = dot + 1;
    }
    const bool single = std::all_of(octets.begin(), octets.end(), [](const OctetValues& v) {
      return v.size() == 1 && v[0].low == v[0].high;
    });
    const bool pattern = base.find_first_of(",-*") != std::string_view::npos;
    if (prefix_length && pattern) {
      err.fail("a /prefix length cannot be combined with octet ranges, lists or '*'");
    }
    if (prefix_length && single) {
      uint32_t address = 0;
      for (const OctetValues& v : octets) address = (address << 8) | v[0].low;
      result.ranges.push_back(cidr_block(address, *prefix_length));
    } else {
      result.ranges = expand_octets(octets);
    }
    return result;
  }

  auto bad = std::find_if_not(base.begin(), base.end(), is_hostname_char);
  if (bad != base.end()) {
    err.fail(std::string("'") + *bad + "' cannot appear in an address or hostname");
  }
  // The family, and so the largest prefix length, is known once resolved.
  std::optional<unsigned> prefix_length;
  if (bits) prefix_length = parse_prefix_length(*bits, 128, err);
  std::string hostname(base);
  std::vector<IpAddress> addresses = resolve(hostname);
  auto chosen = addresses.begin();
  if (family) {
    chosen = std::find_if(addresses.begin(), addresses.end(),
                          [family](const IpAddress& a) { return a.family() == *family; });
  }
  if (chosen == addresses.end()) {
    if (addresses.empty()) throw UnresolvedName(hostname, "no address");
    throw UnresolvedName(hostname, family == AddressFamily::V4
                                       ? "no IPv4 address (it has IPv6 ones, which -6 scans)"
                                       : "no IPv6 address (it has IPv4 ones, which a scan without -6 takes)");
  }
  auto add = [&](const IpAddress& a) {
    if (a.is_v4()) {
      if (prefix_length && *prefix_length > 32) {
        err.fail("prefix length " + std::to_string(*prefix_length) + " is out of range 0-32 for " + hostname +
                 "'s IPv4 address");
      }
      const uint32_t v4 = a.v4_value();
      result.ranges.push_back(prefix_length ? cidr_block(v4, *prefix_length) : Ipv4Range{v4, v4});
    } else {
      const u128 v6 = a.value();
      add_ipv6_range(prefix_length ? cidr_block6(v6, *prefix_length) : Ipv6Range{v6, v6}, result);
    }
  };
  const IpAddress address = *chosen;
  addresses.erase(chosen);
  add(address);
  if (!family) {
    for (const IpAddress& a : addresses) add(a);
    // Ascending and disjoint, as for every other form.
    result.ranges = TargetSet(std::move(result.ranges)).ranges();
    result.ranges6 = TargetSet6(std::move(result.ranges6)).ranges();
  }
  result.name = NamedAddress{address, std::move(hostname), std::move(addresses)};
  return result;
}

}  // namespace portsweep
