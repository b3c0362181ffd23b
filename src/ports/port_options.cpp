#include "ports/port_options.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>

#include "common/error.hpp"
#include "ports/port_spec.hpp"

namespace portsweep {
namespace {

const std::vector<Proto> kPortProtos = {Proto::Tcp, Proto::Udp, Proto::Sctp};

std::string upper(std::string_view s) {
  std::string out;
  std::transform(s.begin(), s.end(), std::back_inserter(out),
                 [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); });
  return out;
}

char prefix_letter(Proto proto) {
  switch (proto) {
    case Proto::Tcp: return 'T';
    case Proto::Udp: return 'U';
    default: return 'S';
  }
}

const char* scan_flag(Proto proto) {
  switch (proto) {
    case Proto::Tcp: return "-sS, -sT or another TCP scan";
    case Proto::Udp: return "-sU";
    default: return "-sY or -sZ";
  }
}

}  // namespace

int parse_top_ports(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1) {
    throw UsageError("invalid --top-ports \"" + std::string(text) + "\": expected a whole number 1 or greater");
  }
  return value;
}

double parse_port_ratio(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !(value >= 0.0 && value < 1.0)) {
    throw UsageError("invalid --port-ratio \"" + std::string(text) +
                     "\": expected a number from 0 up to (but not including) 1");
  }
  return value;
}

PortSet resolve_ports(const PortOptions& options, const std::vector<Proto>& scanned, const ServicesDb& services,
                      std::vector<std::string>& warnings) {
  if (options.fast && options.spec) {
    throw UsageError(
        "-F (fast scan) cannot be combined with -p; use --top-ports or --port-ratio to narrow a -p list");
  }
  if (options.top_ports && options.port_ratio) {
    throw UsageError("--top-ports and --port-ratio cannot be used together; choose one");
  }
  std::optional<int> top;
  std::optional<double> ratio;
  if (options.top_ports) {
    top = parse_top_ports(*options.top_ports);
  } else if (options.port_ratio) {
    ratio = parse_port_ratio(*options.port_ratio);
  } else if (options.fast) {
    top = kFastTopPorts;
  } else if (!options.spec) {
    top = kDefaultTopPorts;
  }

  std::vector<Proto> protos;
  for (Proto proto : kPortProtos) {
    if (std::find(scanned.begin(), scanned.end(), proto) != scanned.end()) protos.push_back(proto);
  }
  // With nothing to scan the lists are still checked, so a typo is reported
  // even by a ping-only run.
  const std::vector<Proto>& unprefixed = protos.empty() ? kPortProtos : protos;

  std::optional<PortSpec> wanted;
  if (options.spec) wanted = parse_port_spec(*options.spec, "-p", unprefixed, services);
  std::optional<PortSpec> unwanted;
  if (options.exclude_spec) {
    unwanted = parse_port_spec(*options.exclude_spec, "--exclude-ports", kPortProtos, services);
  }

  if (wanted) {
    for (Proto proto : kPortProtos) {
      if (wanted->prefixed(proto) && std::find(protos.begin(), protos.end(), proto) == protos.end()) {
        warnings.push_back("-p includes " + upper(to_string(proto)) + " ports (" + prefix_letter(proto) +
                           ":) but no " + upper(to_string(proto)) + " scan was requested with " +
                           scan_flag(proto) + "; they are ignored");
      }
    }
  }

  PortSet result;
  result.set_sequential(options.sequential);
  for (Proto proto : protos) {
    auto allowed = [&](uint16_t port) {
      return (!wanted || wanted->has(proto, port)) && !(unwanted && unwanted->has(proto, port));
    };
    std::vector<uint16_t> ports;
    if (top) {
      ports = services.top_ports(proto, static_cast<size_t>(*top), allowed);
    } else if (ratio) {
      ports = services.ports_with_ratio(proto, *ratio, allowed);
    } else {
      for (uint16_t port : wanted->ports(proto)) {
        if (allowed(port)) ports.push_back(port);
      }
    }
    if (ports.empty()) {
      warnings.push_back("a " + upper(to_string(proto)) + " scan was requested but no " +
                         upper(to_string(proto)) + " ports were selected, so it is skipped");
    }
    result.set_ports(proto, std::move(ports));
  }
  return result;
}

}  // namespace portsweep
