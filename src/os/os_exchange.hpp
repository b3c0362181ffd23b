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
  // Distance" and the SCAN line's DS/DC.
  int distance = -1;
  bool on_link = false;  // reached by ARP on our own segment (DC=D)
  std::array<uint8_t, 6> mac{};  // its MAC when on-link (SCAN M=)
  bool has_mac = false;

  OsExchange& at(OsProbeId id) noexcept { return probes[static_cast<size_t>(id)]; }
  const OsExchange& at(OsProbeId id) const noexcept { return probes[static_cast<size_t>(id)]; }
};

}  // namespace portsweep::os
