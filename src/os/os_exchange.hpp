#pragma once
// What one host answered to the OS probe set: each probe's datagram as sent
// and the reply it got, with both times. The active scan (engine/os_scan)
// fills it; os_observation derives nmap's tests from it. Kept whole (not
// pre-digested) so a test can be recomputed, traced or replayed from a file.
#include <array>
#include <cstdint>
#include <vector>

#include "os/os_probes.hpp"

namespace portsweep::os {

struct OsExchange {
  std::vector<uint8_t> sent;   // IPv4 datagram as sent (last try); empty: not sent
  std::vector<uint8_t> reply;  // IPv4 datagram received (header on); empty: no reply
  int64_t sent_us = 0;         // wall clock, microseconds since the epoch
  int64_t reply_us = 0;
  // Times it was sent in this try (1 + retransmissions). A SEQ probe sent
  // more than once went again after the SEQ phase, as nmap's separate
  // OPS/WIN/T1 probe: nmap takes its reply for those lines, not for SEQ's
  // rates, and a retransmitted probe's IP ID for no IP ID test.
  uint8_t sends = 0;

  bool answered() const noexcept { return !reply.empty(); }
};

struct OsExchanges {
  OsProbeParams params;
  std::array<OsExchange, kOsProbeCount> probes;  // indexed by OsProbeId
  // Hops to the host, when known (0 on-link); -1 unknown. Feeds "Network
  // Distance" and the SCAN line's DS/DC only when it comes from a traceroute
  // that reached the host (distance_from_traceroute): nmap's traceroute
  // then overrides what OS detection knew (DC=T). Otherwise nmap knows the
  // distance only as localhost, on-link (1) or from U1's quoted TTL, and
  // observe_os works it out itself.
  int distance = -1;
  bool distance_from_traceroute = false;
  bool on_link = false;  // reached by ARP on our own segment (DC=D)
  std::array<uint8_t, 6> mac{};  // its MAC when on-link (SCAN M=)
  bool has_mac = false;
  // The closed TCP port was picked at random, not seen closed by the port
  // scan: nmap then leaves unanswered T5-T7 out (no "R=N") and SCAN's CT=
  // empty.
  bool closed_tcp_port_guessed = false;
  // The closed UDP port was seen closed by the port scan (-sU): SCAN's CU=
  // names it even when U1 went unanswered.
  bool closed_udp_port_from_scan = false;

  OsExchange& at(OsProbeId id) noexcept { return probes[static_cast<size_t>(id)]; }
  const OsExchange& at(OsProbeId id) const noexcept { return probes[static_cast<size_t>(id)]; }
};

}  // namespace portsweep::os
