#pragma once
// The unit of version detection (one open port) and what probing it found.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "detect/version_match.hpp"
#include "portsweep/result.hpp"

namespace portsweep {

struct ServiceTarget {
  IpAddress ip;  // either family
  uint16_t port = 0;
  Proto proto = Proto::Tcp;

  bool operator==(const ServiceTarget&) const = default;
};

// A target as a hash key (the ports a live stage has taken): the address's
// hash mixed with port and protocol; a few multiplies, no allocation.
struct ServiceTargetHash {
  std::size_t operator()(const ServiceTarget& t) const noexcept {
    const uint64_t rest = (uint64_t{static_cast<uint8_t>(t.proto)} << 16) | t.port;
    return std::hash<IpAddress>{}(t.ip) ^ static_cast<std::size_t>((rest + 1) * 0xff51afd7ed558ccdull);
  }
};

enum class ServiceVerdict : uint8_t {
  Matched,      // a match line identified the service
  SoftMatched,  // only a softmatch: the service name, no version
  TcpWrapped,   // the peer closed every connection at once, before any data
  NoMatch,      // every probe ran; nothing matched
  Incomplete,   // connections failed before the probes could finish
};

std::string_view to_string(ServiceVerdict v);

struct ServiceOutcome {
  ServiceTarget target;
  ServiceVerdict verdict = ServiceVerdict::NoMatch;
  std::optional<ServiceMatch> match;  // Matched: the match; SoftMatched: the softmatch
  bool tls = false;                   // the probes that decided ran inside TLS
  unsigned probes_sent = 0;
  unsigned connections = 0;
  // UDP: a datagram came back, so the port is open (udp-response) whatever
  // the verdict; false for a port that stayed silent (TCP: unused).
  bool answered = false;
};

}  // namespace portsweep
