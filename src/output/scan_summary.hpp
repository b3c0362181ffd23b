#pragma once
// What the output formats are told when the scan is over, completed or not.
#include <cstdint>
#include <functional>
#include <string>

#include "output/host_names.hpp"
#include "output/scan_info.hpp"

namespace portsweep {

struct ScanSummary {
  int64_t end_time_us = 0;     // wall clock, microseconds since the epoch
  double elapsed_s = -1;       // negative: computed from the start and end times
  uint64_t hosts_total = 0;    // addresses scanned; 0 means ScanInfo::num_targets
  uint64_t packets_sent = 0;
  uint64_t packets_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  // Why the scan stopped early ("interrupted" after SIGINT); empty when it ran
  // to completion. Every format still writes a complete, valid file.
  std::string error;
  // Ports probed on one host, per protocol. Unset: every host got each scan's
  // full port list (ScanKind::num_services). An interrupted scan that knows
  // better sets it, since the count of unanswered ports is derived from it.
  std::function<PortsPerProto(const IpAddress& ip)> ports_scanned_for;
  // Set when the down hosts are listed (-v, after a complete host
  // discovery, as nmap lists them): calls its argument with every target
  // address, in ascending order (IpAddress's: IPv4 before IPv6); those not
  // up are reported down.
  std::function<void(const std::function<void(const IpAddress& ip)>&)> each_target;
  // A host's names (target name, reverse DNS); unset: none known.
  std::function<HostNames(const IpAddress& ip)> names_of;

  HostNames names(const IpAddress& ip) const { return names_of ? names_of(ip) : HostNames{}; }
};

}  // namespace portsweep
