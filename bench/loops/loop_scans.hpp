#pragma once
// The sweeps the loop benchmarks run: the lab's class-B (198.19.0.0/16, one
// address range) times six ports per scan type, as `portsweep -sS -p ...`
// would configure them. TCP scan types probe the lab sweep's six ports; -sU
// probes six ports that all have a payload in the project's own
// data/portsweep-payloads (so every probe copies a template with a
// payload, the dearer case), read from the source tree for reproducibility.
// A spec such as "-sS -sU" gives a mixed sweep: 12 slots, one permutation.
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sweep_config.hpp"
#include "portsweep_config.h"
#include "probes/probe_module.hpp"
#include "probes/udp_payloads.hpp"

namespace portsweep::bench {

inline constexpr uint32_t kScanner = 0xC6120001;  // 198.18.0.1
inline constexpr uint32_t kLabNet = 0xC6130000;   // 198.19.0.0/16
inline const std::vector<uint16_t> kTcpPorts = {21, 22, 53, 80, 443, 8080};
inline const std::vector<uint16_t> kUdpPorts = {53, 69, 123, 137, 161, 1900};

inline const UdpPayloadDb& bench_payloads() {
  static const UdpPayloadDb db = UdpPayloadDb::load_file(std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-payloads");
  return db;
}

// "-sS", "-sU", "-sS -sU", ...: one ScanPart per option, ports by protocol.
inline std::vector<ScanPart> scan_parts(std::string_view spec) {
  std::vector<ScanPart> parts;
  std::istringstream words{std::string(spec)};
  std::string option;
  while (words >> option) {
    const ProbeModule* m = find_probe_module(option);
    if (m == nullptr) throw std::invalid_argument("no probe module for " + option);
    parts.push_back({std::string(m->name), m->proto == Proto::Udp ? kUdpPorts : kTcpPorts});
  }
  return parts;
}

// One TX thread (queue 0; the RX thread's RSTs go on queue 1), the CLI's
// defaults otherwise: bursts of 64, a 4096-port source window, no rate limit.
inline SweepConfig loop_config(std::string_view spec) {
  SweepConfig c;
  c.targets = TargetSet({{kLabNet, kLabNet + 0xffff}});
  c.scans = scan_parts(spec);
  c.probe.src_mac = {0x02, 0, 0, 0, 0, 0x01};
  c.probe.dst_mac = {0x02, 0, 0, 0, 0, 0x02};
  c.probe.src_ip = kScanner;
  c.probe.src_ports = {40000, 4096};
  c.probe.cookie_key = {0x0123456789abcdefull, 0xfedcba9876543210ull};
  c.probe.udp_payloads = &bench_payloads();
  c.rate_pps = 0;
  c.tx_threads = 1;
  c.seed = 12345;
  return c;
}

}  // namespace portsweep::bench
