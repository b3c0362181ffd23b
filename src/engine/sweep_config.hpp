#pragma once
// A sweep with every decision already made: the CLI resolves options, routes
// and MACs into this, and the engine only executes it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/host_bitmap.hpp"
#include "io/next_hop_plan.hpp"
#include "io/next_hop_plan6.hpp"
#include "io/packet_io.hpp"
#include "probes/frame_shaper.hpp"
#include "probes/probe_config.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

class PacketTracer;
namespace os {
class PassiveClassifier;
}

// One scan type of the sweep and the ports (for -sO: protocol numbers) it
// probes. `-sS -sU -p T:22,U:53` is two of these, permuted in one pass.
struct ScanPart {
  std::string module = "tcp_syn";  // a registered probe module's name
  std::vector<uint16_t> ports;
};

struct RttTimeouts {
  double min = 0.1, max = 10, initial = 1;  // nmap's -T3
};

struct SweepConfig {
  // IPv4 targets, then IPv6 ones: one address axis (engine/sweep_targets.hpp).
  // Every scan module must have an IPv6 prober when targets6 is not empty.
  TargetSet targets;
  TargetSet6 targets6;
  std::vector<ScanPart> scans;
  ProbeConfig probe;
  // -f, -D, --data, --ip-options, --badsum: what becomes of each probe the
  // modules build (probes/frame_shaper.hpp); inactive by default.
  EvasionPlan evasion;
  // Per-target destination MACs (on-link targets, several routes); null when
  // probe.dst_mac serves every target. A target it has no MAC for is skipped.
  const NextHopPlan* next_hops = nullptr;
  // The same for the IPv6 targets (indexes into targets6), and the MAC
  // their frames go to when one serves them all (probe.dst_mac is IPv4's).
  const NextHopPlan6* next_hops6 = nullptr;
  MacAddress dst_mac6{};
  // Only these targets are probed (host discovery's live hosts for a port
  // sweep, the hosts ARP did not already find for discovery); null: all.
  // Retry passes then resend to every one of them, answered or not: they
  // are known to be there.
  const HostBitmap* only_hosts = nullptr;
  // Host discovery's retries: a retry pass resends only to addresses that
  // have answered nothing yet (one answer is all discovery asks of a host).
  bool retry_only_silent_hosts = false;
  // Note every probe's send time (RttSampler), not one a burst, so each
  // answer has its round trip: host discovery's latency for hosts found by
  // TCP or UDP. Costs two stores a probe.
  bool sample_every_probe = false;
  // A stage before this one whose late replies this sweep still reads, its
  // probes under its own cookie key: host discovery's, while the port sweep
  // of the hosts it has found so far already runs (the pipeline). Nothing
  // of it is sent; its results go to SweepHooks::on_trailing_results,
  // not deduplicated.
  std::vector<ScanPart> trailing_scans;
  CookieKey trailing_cookie_key{};
  // --packet-trace: every frame sent and received, one line each; null: off.
  PacketTracer* trace = nullptr;
  // --os-hint: each host's first SYN-ACK (else its first RST) is classified
  // with these p0f signatures (engine/os_hints.hpp); null: off. A stage
  // sweep (stage_sweep_config) starts without it.
  const os::PassiveClassifier* os_hints = nullptr;

  double rate_pps = 0;       // <= 0: as fast as the I/O goes
  unsigned tx_threads = 1;
  // RX threads wanted: one per receive queue the backend gives, at most
  // this many (SweepState says how many run).
  unsigned rx_threads = 1;
  uint32_t burst = 64;
  uint32_t shard = 0;        // 0-based
  uint32_t shards = 1;
  uint64_t seed = 0;
  int max_retries = 0;
  // Retry passes also resend to addresses that answered nothing so far.
  bool retry_silent = false;
  std::optional<double> wait_seconds;  // cooldown; unset = adaptive: rtt_timeout
  // The adaptive cooldown and the gap before each retry pass: nmap's
  // timeout, srtt + 4 x rttvar of the sampled replies within [min, max],
  // initial before any sample (RttSampler). Seconds.
  RttTimeouts rtt_timeout;
  // A pass waits at least this long before it starts (--scan-delay: the
  // pace's spacing holds across passes too). Seconds.
  double min_retry_gap = 0;
  // --host-timeout: the sweep stops this many seconds after it began; 0:
  // never. SweepReport::timed_out says it did.
  double deadline_seconds = 0;

  // Resume point: the pass and each TX thread's position within it.
  unsigned start_pass = 0;
  std::vector<uint64_t> start_positions;
  std::vector<uint64_t> start_answered;  // the interrupted run's exact answered map, if any
};

// Where a sweep stopped, enough to continue it exactly.
struct SweepPosition {
  unsigned pass = 0;
  std::vector<uint64_t> positions;  // per TX thread
};

struct SweepReport {
  uint64_t probes_sent = 0;
  uint64_t send_calls = 0;    // send_burst calls that took frames: frames / calls = frames per call
  uint64_t frames_sent = 0;   // probes_sent, or more with -f/-D (a probe's fragments and decoy copies)
  uint64_t frames_received = 0;
  unsigned rx_threads = 1;    // one per receive queue read
  uint64_t results = 0;
  uint64_t rejected_cookies = 0;
  uint64_t duplicates = 0;
  uint64_t undecodable = 0;
  uint64_t bad_checksums = 0;       // dropped: IP or L4 checksum wrong
  uint64_t checksums_cut_short = 0;  // read unchecked: the capture cut the segment short
  uint64_t checksums_offloaded = 0;  // read unchecked: a local sender left the checksum to offload
  uint64_t answers_sent = 0;  // RSTs for SYN-ACKs
  uint64_t ring_full_waits = 0;
  uint64_t os_hints = 0;      // passive OS hints delivered (SweepHooks::on_os_hints)
  uint64_t rtt_samples = 0;
  uint64_t unsendable = 0;    // probes skipped: their target has no next hop
  double max_rtt_ms = 0;
  double cooldown_s = 0;
  double elapsed_s = 0;
  double send_seconds = 0;
  double measured_pps = 0;  // (probes - bursts' worth) / (last burst - first burst), pass 0
  uint64_t probe_space = 0;
  bool exact_dedupe = false;
  bool interrupted = false;   // by the caller's interrupt flag (Ctrl-C)
  // SweepConfig::deadline_seconds came: the sweep stopped there, without a
  // resume point (not stopped_early). first_pass_complete says whether every
  // probe had gone out once.
  bool timed_out = false;
  bool stopped_early = false;  // interrupted, or a failure: stopped_at says where
  // Every probe was sent at least once: an unanswered port is known to be
  // unanswered. False after an interrupt or a failure inside the first pass,
  // when some ports were never probed and must not be reported.
  bool first_pass_complete = false;
  std::string error;          // a thread or the output stage failed: why (the sweep stopped)
  SweepPosition stopped_at;
  std::vector<uint64_t> answered;  // exact answered map at the stop, for the resume file
  IoStats io;
};

}  // namespace portsweep
