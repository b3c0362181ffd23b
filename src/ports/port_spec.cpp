#include "ports/port_spec.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/error.hpp"

namespace portsweep {
namespace {

size_t index_of(Proto proto) {
  if (proto == Proto::Ip) throw std::invalid_argument("PortSpec: Proto::Ip has no ports");
  return static_cast<size_t>(proto);
}

std::string_view trim(std::string_view s) {
  size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  size_t last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

bool is_range_text(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

std::string quoted(std::string_view s) {
  // Built by appending: g++ 12 flags `"\"" + std::string(s)` with a false -Wrestrict.
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '"').append(s).append(1, '"');
  return out;
}

std::string proto_list(const std::vector<Proto>& protos) {
  std::string out;
  for (size_t i = 0; i < protos.size(); ++i) {
    if (i > 0) out += i + 1 == protos.size() ? " or " : ", ";
    std::string_view name = to_string(protos[i]);
    std::transform(name.begin(), name.end(), std::back_inserter(out),
                   [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); });
  }
  return out;
}

struct PortRange {
  uint16_t first;
  uint16_t last;
};

class SpecParser {
 public:
  SpecParser(std::string_view option, const ServicesDb& services) : option_(option), services_(services) {}

  [[noreturn]] void fail(std::string_view what, std::string_view value, const std::string& why) const {
    throw UsageError("invalid " + std::string(what) + " " + quoted(value) + " in " + std::string(option_) +
                     ": " + why);
  }

  uint16_t number(std::string_view digits) const {
    // Long inputs are rejected by length before they could overflow.
    if (digits.size() > 5 || std::stoul(std::string(digits)) > 65535) {
      fail("port", digits, "ports are 0-65535");
    }
    return static_cast<uint16_t>(std::stoul(std::string(digits)));
  }

  // An open start means 1, not 0: port 0 is scanned only when named.
  PortRange range(std::string_view text) const {
    size_t dash = text.find('-');
    if (dash == std::string_view::npos) {
      uint16_t port = number(text);
      return {port, port};
    }
    if (text.find('-', dash + 1) != std::string_view::npos) {
      fail("port range", text, "expected a single START-END range");
    }
    std::string_view low = text.substr(0, dash);
    std::string_view high = text.substr(dash + 1);
    PortRange r{1, 65535};
    if (!low.empty()) r.first = number(low);
    if (!high.empty()) r.last = number(high);
    if (r.first > r.last) fail("port range", text, "the start is greater than the end");
    return r;
  }

  void entry(std::string_view text, const std::vector<Proto>& protos, PortSpec& out) const {
    if (text.front() == '[') {
      if (text.size() < 2 || text.back() != ']') fail("port range", text, "a '[' needs a closing ']'");
      std::string_view inner = trim(text.substr(1, text.size() - 2));
      if (inner.empty() || !is_range_text(inner)) {
        fail("port range", text, "expected a range of numbers inside the brackets, like [1-1024]");
      }
      PortRange r = range(inner);
      for (Proto proto : protos) {
        for (const ServiceEntry& e : services_.entries()) {
          if (e.proto == proto && e.port >= r.first && e.port <= r.last) out.add(proto, e.port, e.port);
        }
      }
      return;
    }
    if (is_range_text(text)) {
      PortRange r = range(text);
      for (Proto proto : protos) out.add(proto, r.first, r.last);
      return;
    }
    bool matched = false;
    for (Proto proto : protos) {
      for (uint16_t port : services_.ports_named(text, proto)) {
        out.add(proto, port, port);
        matched = true;
      }
    }
    if (!matched) {
      throw UsageError("unknown service " + quoted(text) + " in " + std::string(option_) + ": nothing in " +
                       services_.source() + " matches it for " + proto_list(protos));
    }
  }

 private:
  std::string_view option_;
  const ServicesDb& services_;
};

}  // namespace

PortSpec::PortSpec() {
  for (std::vector<bool>& bits : ports_) bits.assign(65536, false);
}

bool PortSpec::has(Proto proto, uint16_t port) const {
  return proto != Proto::Ip && ports_[static_cast<size_t>(proto)][port];
}

std::vector<uint16_t> PortSpec::ports(Proto proto) const {
  std::vector<uint16_t> out;
  if (proto == Proto::Ip) return out;
  const std::vector<bool>& bits = ports_[static_cast<size_t>(proto)];
  for (uint32_t port = 0; port < 65536; ++port) {
    if (bits[port]) out.push_back(static_cast<uint16_t>(port));
  }
  return out;
}

bool PortSpec::prefixed(Proto proto) const { return proto != Proto::Ip && prefixed_[index_of(proto)]; }

void PortSpec::add(Proto proto, uint16_t first, uint16_t last) {
  std::vector<bool>& bits = ports_[index_of(proto)];
  for (uint32_t port = first; port <= last; ++port) bits[port] = true;
}

void PortSpec::mark_prefixed(Proto proto) { prefixed_[index_of(proto)] = true; }

PortSpec parse_port_spec(std::string_view spec, std::string_view option,
                         const std::vector<Proto>& unprefixed_protos, const ServicesDb& services) {
  const SpecParser parser(option, services);
  if (trim(spec).empty()) {
    throw UsageError(std::string(option) + " was given an empty port list; expected ports like 22,80,1000-2000");
  }
  PortSpec out;
  std::vector<Proto> protos = unprefixed_protos;
  size_t start = 0;
  while (true) {
    size_t comma = spec.find(',', start);
    std::string_view text = trim(spec.substr(start, comma == std::string_view::npos ? spec.npos : comma - start));
    if (text.empty()) parser.fail("port list", spec, "it has an empty entry between commas");
    if (text.size() >= 2 && text[1] == ':') {
      std::optional<Proto> prefix;
      switch (text[0]) {
        case 'T': case 't': prefix = Proto::Tcp; break;
        case 'U': case 'u': prefix = Proto::Udp; break;
        case 'S': case 's': prefix = Proto::Sctp; break;
        case 'P': case 'p': parser.fail("port list", spec, "IP protocol numbers (P:) are not supported");
        default: break;  // a service name such as "X11:1"
      }
      if (prefix) {
        out.mark_prefixed(*prefix);
        protos = {*prefix};
        std::string head(text.substr(0, 2));
        text = trim(text.substr(2));
        if (text.empty()) parser.fail("port list", spec, quoted(head) + " is not followed by a port");
      }
    }
    parser.entry(text, protos, out);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace portsweep
