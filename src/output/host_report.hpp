#pragma once
// The finished picture of one host, as every format prints it: the ports to
// list one per line and the counts nmap folds into "Not shown:".
#include <array>
#include <cstdint>
#include <optional>
#include <memory>
#include <vector>

#include "output/service_report.hpp"
#include "output/os_report.hpp"
#include "portsweep/result.hpp"

namespace portsweep {

// One answered port as the host table keeps it; 6 bytes, since a sweep keeps
// millions of these.
struct KeptPort {
  uint16_t port = 0;
  Proto proto = Proto::Tcp;
  PortState state = PortState::Closed;
  Reason reason = Reason::Reset;
  uint8_t ttl = 0;
};

// Ports of one hidden state that share a protocol and a reason.
struct ReasonTally {
  Reason reason = Reason::NoResponse;
  Proto proto = Proto::Tcp;
  uint32_t count = 0;
  // The ports, ascending, when every one is known (nmap 7.9x lists them in
  // XML); empty when they are not (unanswered, or past the table's budget).
  std::vector<uint16_t> ports;
};

// A state whose ports are counted rather than listed. Tallies are ordered the
// way nmap prints them: largest first.
struct HiddenState {
  PortState state = PortState::Closed;
  uint32_t count = 0;
  std::vector<ReasonTally> reasons;
};

// One hop of a host's traceroute; a TTL nobody answered has no hop.
struct TraceHop {
  uint8_t ttl = 0;
  IpAddress ip;          // who answered at this TTL (the host itself at the last)
  uint32_t rtt_us = 0;   // 0: not measured
  uint16_t tcp_port = 0;  // the probe that got the answer: a SYN to this port, or (0) an echo request
};

// Smoothed round-trip time, as nmap's <times> element reports it.
struct RttEstimate {
  uint32_t srtt_us = 0;
  uint32_t rttvar_us = 0;
};

struct HostReport {
  IpAddress ip;  // either family
  // False for a target discovery found down, listed with -v as nmap lists
  // it ("[host down]"): nothing below is set then.
  bool up = true;
  int64_t first_us = 0;        // first reply from the host
  int64_t last_us = 0;         // last reply from the host
  Reason up_reason = Reason::SynAck;  // the first reply is why the host is up
  uint8_t up_ttl = 0;
  std::optional<RttEstimate> rtt;
  uint64_t ports_scanned = 0;  // listed plus hidden, all protocols
  std::vector<KeptPort> listed;       // by protocol, then port
  std::vector<HiddenState> hidden;    // largest state first
  // What version detection found, by protocol then port; empty without -sV.
  std::vector<PortService> services;
  std::optional<std::array<uint8_t, 6>> mac;  // an on-link host's, found by ARP
  // --traceroute's hops by TTL, the host last; empty when not traced.
  std::vector<TraceHop> trace;
  // -O's findings and the passive OS hint; null when not found.
  std::shared_ptr<const OsReport> os;
  std::shared_ptr<const OsHint> os_hint;

  // The service report of a listed port; nullptr when detection did not run on it.
  const ServiceReport* service_of(const KeptPort& p) const;
};

}  // namespace portsweep
