#pragma once
// -sT's host discovery, as nmap does it without raw packets: a connect() to
// ports 80 and 443 of every target. A host that completes the handshake or
// refuses it (a RST) is up, with that answer's reason and round trip; then
// only the hosts up get their ports scanned. No probe of it is a raw packet,
// so it needs no privilege, like the connect scan itself.
#include <atomic>
#include <cstdint>
#include <vector>

#include "engine/connect_scan.hpp"
#include "output/output_set.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

inline constexpr uint16_t kConnectPingPorts[] = {80, 443};

struct ConnectDiscovery {
  std::vector<HostUp> hosts;  // in the order found
  TargetSet up;               // the same hosts, for the port scan
  ConnectScanReport report;
};

// `scan` is the port scan's configuration (targets, pace, parallelism,
// retries); each host found is reported to `outputs` as it is found.
ConnectDiscovery connect_discover(const ConnectScanConfig& scan, OutputSet& outputs, const std::atomic<bool>& interrupt);

}  // namespace portsweep
