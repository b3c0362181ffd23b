#pragma once
// -O, after the port sweep: which ports each host's OS probes use (nmap's
// rules, from the sweep's results), the probes to every host at once
// (engine/os_scan), each try's fingerprint matched against nmap-os-db on the
// engine's judge thread, and an OsReport per host to the outputs.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/scan_options.hpp"
#include "engine/host_bitmap.hpp"
#include "engine/os_scan.hpp"
#include "io/next_hop_plan.hpp"
#include "os/os_db.hpp"
#include "output/output_set.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

// The path of nmap-os-db: --datadir's first, then nmap's installed copies.
// Throws RuntimeFailure naming the places looked in when there is none.
std::string os_db_path(const std::string& datadir);

// What the sweep said of each host's ports, for nmap's choice of the OS
// probes' ports. Notes every result; holds a few bytes per host that answered.
class OsPlan {
 public:
  struct HostPorts {
    // The lowest port in each state (0: none seen), as nmap walks a host's
    // ports in order.
    uint16_t open_tcp = 0;
    uint16_t closed_tcp = 0;
    uint16_t unfiltered_tcp = 0;  // -sA's: a closed port will do
    uint16_t closed_udp = 0;
    uint32_t rtt_us = 0;          // a round trip measured to it; 0: none
  };

  void note(const PortResult& r);
  void note(const HostUp& h);
  // nullptr: nothing noted for ip.
  const HostPorts* find(uint32_t ip) const;
  // The targets that answered the sweep (-Pn's hosts to fingerprint).
  HostBitmap answered(const TargetSet& targets) const;

  // nmap's choice for a host: its first open TCP port; its first closed
  // TCP port, else its first unfiltered one, else a random one in
  // 30000-44780; its first closed UDP port, else a random one there too.
  // `known_*` say which came from the scan (nmap reports only those as
  // "portused", and trusts a fingerprint only with them).
  struct Choice {
    OsScanHost host;
    bool closed_tcp_known = false;  // a closed port of the scan (not unfiltered, not random)
    bool closed_udp_known = false;
    bool reliable = false;  // an open TCP port and a closed (or unfiltered) one: nmap's condition
  };
  Choice choose(uint32_t ip, std::mt19937_64& rng) const;

 private:
  std::unordered_map<uint32_t, HostPorts> hosts_;
};

struct OsStageRequest {
  const ScanOptions* options = nullptr;
  const TargetSet* targets = nullptr;
  const HostBitmap* hosts = nullptr;  // the targets to fingerprint
  const OsPlan* plan = nullptr;
  const NextHopPlan* next_hops = nullptr;
  const os::OsDb* db = nullptr;
  MacAddress src_mac{};
  uint32_t src_ip = 0;
  RttTimeouts rtt_timeout;
  double scan_delay = 0;   // seconds, --scan-delay
  bool timing_insane = false;  // -T5: nmap keeps no fingerprint for submission then
  bool udp_scanned = false;    // -sU ran: a missing U1 answer is the host's, not our choice of port
  uint64_t seed = 0;
  PacketTracer* trace = nullptr;
  std::ostream* progress = nullptr;
  double progress_every_s = 5;
  std::function<void()> on_tick;
};

struct OsStageOutcome {
  OsScanReport scan;
  uint64_t hosts = 0;    // hosts probed
  uint64_t skipped = 0;  // left out by --osscan-limit or for want of a next hop
  uint64_t perfect = 0;  // hosts with a perfect match
};

// Runs -O over `io` (the scan's session: its filter passes TCP and ICMP) and
// sends each host's OsReport to `outputs` once every host is done.
OsStageOutcome run_os_stage(const OsStageRequest& request, PacketIo& io, OutputSet& outputs, std::ostream& err,
                            const std::atomic<bool>& interrupt);

// The BPF expression and capture length -O's replies need (OR-ed into the
// scan's filter, max-ed into its snaplen).
inline constexpr const char* kOsRxFilter = "tcp or icmp";
inline constexpr uint32_t kOsRxSnaplen = 512;

}  // namespace portsweep
