#include "targets/target_spec.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <memory>

#include "common/error.hpp"

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

bool is_hostname_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

std::vector<uint32_t> resolve_hostname(const std::string& hostname) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(hostname.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) throw UnresolvedName(hostname, rc != 0 ? gai_strerror(rc) : "no IPv4 address");
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
  std::vector<uint32_t> addresses;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const uint32_t ip = ntohl(reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr.s_addr);
    if (std::find(addresses.begin(), addresses.end(), ip) == addresses.end()) addresses.push_back(ip);
  }
  return addresses;
}

ParsedTarget parse_target_spec(std::string_view spec, const HostResolver& resolve, std::string_view kind) {
  const SpecError err(kind, spec);
  if (spec.empty()) err.fail("the " + std::string(kind) + " is empty");
  if (spec.find(':') != std::string_view::npos) err.fail("IPv6 targets are not supported yet");

  std::string_view base = spec;
  std::optional<unsigned> prefix_length;
  if (size_t slash = spec.find('/'); slash != std::string_view::npos) {
    base = spec.substr(0, slash);
    std::string_view bits = spec.substr(slash + 1);
    if (base.empty()) err.fail("there is no address before the '/'");
    if (!is_digits(bits) || bits.size() > 3) {
      err.fail("expected a prefix length 0-32 after the '/', not \"" + std::string(bits) + "\"");
    }
    unsigned value = static_cast<unsigned>(std::stoul(std::string(bits)));
    if (value > 32) err.fail("prefix length " + std::to_string(value) + " is out of range 0-32");
    prefix_length = value;
  }

  ParsedTarget result;
  const bool numeric = std::all_of(base.begin(), base.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == ',' || c == '-' || c == '*';
  });
  if (numeric) {
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
  std::string hostname(base);
  std::vector<uint32_t> addresses = resolve(hostname);
  if (addresses.empty()) throw UnresolvedName(hostname, "no IPv4 address");
  const uint32_t address = addresses.front();
  result.ranges.push_back(prefix_length ? cidr_block(address, *prefix_length) : Ipv4Range{address, address});
  addresses.erase(addresses.begin());
  result.name = NamedAddress{address, std::move(hostname), std::move(addresses)};
  return result;
}

}  // namespace portsweep
