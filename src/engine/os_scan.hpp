#pragma once
// -O's probe phase: nmap's OS probe set (os/os_probes.hpp) to many hosts at
// once over the scan's one PacketIo session, with nmap's timing per host,
// the replies matched to their probes and kept whole in os::OsExchanges.
// What the replies mean (tests, matching) is not the engine's business: a
// judge says after each try whether a host is done. Design note and costs
// in os_scan.cpp.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <ostream>
#include <vector>

#include "engine/sweep_config.hpp"
#include "io/packet_io.hpp"
#include "os/os_exchange.hpp"
#include "probes/probe_config.hpp"

namespace portsweep {

class PacketTracer;

// nmap's default for --max-os-tries.
inline constexpr int kDefaultMaxOsTries = 5;

struct OsScanHost {
  uint32_t ip = 0;  // IPv4, host byte order
  // 0: not known; the probes that need the port are not sent.
  uint16_t open_tcp_port = 0;
  uint16_t closed_tcp_port = 0;
  uint16_t closed_udp_port = 0;
  // The closed ports were seen closed by the port scan (not unfiltered, not
  // picked at random): nmap's fingerprint says so (SCAN's CT=/CU=).
  bool closed_tcp_from_scan = false;
  bool closed_udp_from_scan = false;
  MacAddress next_hop_mac{};  // the gateway's, or the host's own when on_link
  bool on_link = false;       // next_hop_mac is the host's (nmap's DC=D, distance 1, M=)
  uint32_t rtt_us = 0;        // a round trip the sweep measured to it; 0: none (the initial timeout serves)
};

struct OsScanConfig {
  std::vector<OsScanHost> hosts;
  MacAddress src_mac{};
  uint32_t src_ip = 0;  // host order
  uint8_t ttl = 0;      // the TCP and ICMP probes' TTL; 0: nmap's random one per probe
  // nmap's -g for OS probes: probe i goes from source_port + i, every try.
  // 0: a random base per scan, moved by 256 each try (as nmap's).
  uint16_t source_port = 0;
  int max_tries = kDefaultMaxOsTries;  // --max-os-tries: whole tries per host at most
  // Probe timeouts: srtt + 4 x rttvar per host within [min, max]; initial
  // before the host's first round trip is known. Seconds.
  RttTimeouts rtt_timeout;
  // Per host, the gap between any two probes (nmap's OS_PROBE_DELAY, 25 ms,
  // or --scan-delay if longer) and between the six SEQ probes (100 ms, or
  // --scan-delay if longer). Seconds.
  double probe_gap = 0.025;
  double seq_gap = 0.100;
  // Whole tries: the pause before a host's next one (nmap sleeps 1 s between
  // tries, 1.5 s more before the fourth). Seconds.
  double try_gap = 1.0;
  double fourth_try_extra = 1.5;
  // A probe sent this many times in the TCP/UDP/ICMP phase and unanswered
  // is given up (nmap: the first send and three retransmissions).
  int tui_sends = 4;
  // Probes a host may have unanswered at once in that phase.
  unsigned max_active_per_host = 10;
  // Hosts in their tries at once; the rest wait for a slot.
  unsigned max_hosts_at_once = 1024;
  double max_rate_pps = 0;  // --max-rate over all hosts; 0: none
  unsigned tx_queue = 0;
  uint64_t seed = 0;  // per-try sequence numbers, ICMP ids, IP IDs
  PacketTracer* trace = nullptr;  // --packet-trace
};

// Called once per host per try with what it answered; true: the host is
// done (its fingerprint matched well enough), false: another try if
// max_tries allows. Runs on a thread of its own (matching a fingerprint
// takes milliseconds; the probe loop must keep its 100 ms SEQ spacing),
// one call at a time; `x` stays untouched until it returns.
using OsTryJudge = std::function<bool(size_t host, int try_index, const os::OsExchanges& x)>;

struct OsScanHooks {
  OsTryJudge judge;                 // null: every host gets exactly max_tries tries
  std::function<void()> on_tick;    // ~every 100 ms, on the calling thread
  std::ostream* progress = nullptr;  // a progress line every progress_every_s
  double progress_every_s = 5;
};

struct OsScanReport {
  uint64_t hosts_done = 0;   // hosts whose every try ended (judged)
  uint64_t tries = 0;        // host tries run
  uint64_t probes_sent = 0;  // first sends and retransmissions
  uint64_t retransmissions = 0;
  uint64_t frames_received = 0;
  uint64_t replies = 0;   // matched to a probe of a host's current try
  uint64_t strays = 0;    // from a host being scanned, answering none of its current probes
  double seconds = 0;
  bool interrupted = false;
  std::string error;  // the packet I/O failed: why (the scan stopped)
};

// Runs the OS probes of every host of `config` over `io`, which must be open
// with a filter passing TCP and ICMP to config.src_ip and a snaplen that
// holds U1's ICMP error (at least 14 + 60 + 8 + 336 bytes). Returns when every
// host is done, or `interrupt` becomes true, or the I/O fails.
OsScanReport run_os_scan(const OsScanConfig& config, PacketIo& io, const OsScanHooks& hooks,
                         const std::atomic<bool>& interrupt);

}  // namespace portsweep
