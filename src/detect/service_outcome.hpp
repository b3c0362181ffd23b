#pragma once
// The unit of version detection (one open port) and what probing it found.
#include <cstdint>
#include <optional>
#include <string_view>

#include "detect/version_match.hpp"
#include "portsweep/result.hpp"

namespace portsweep {

struct ServiceTarget {
  uint32_t ip = 0;  // IPv4, host byte order
  uint16_t port = 0;
  Proto proto = Proto::Tcp;

  bool operator==(const ServiceTarget&) const = default;
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
