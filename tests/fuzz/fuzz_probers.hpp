#pragma once
// The scans the classifier target (and its seed generator) runs: every
// registered probe module that sends raw packets (all but -sT), under two
// fixed configurations, so a reply built
// for one of their probes carries a valid cookie from one run to the next.
// One source port per configuration keeps the probes deterministic (a TCP
// prober cycles through its range), so a saved crash replays.
#include <memory>
#include <vector>

#include "probes/probe_module.hpp"
#include "probes/udp_payloads.hpp"

namespace portsweep::fuzz {

inline constexpr uint32_t kScannerIp = 0xc6120001;  // 198.18.0.1
inline constexpr uint32_t kTargetIp = 0xc6130105;   // 198.19.1.5

struct FuzzProber {
  const ProbeModule* module;
  std::unique_ptr<Prober> prober;
};

// The project's own nmap-payloads, so -sU probes carry payloads.
const UdpPayloadDb& fuzz_payloads();

// Every module with the plain configuration, then every module again with
// --scanflags FIN+ACK from another source port.
std::vector<FuzzProber> make_fuzz_probers();

}  // namespace portsweep::fuzz
