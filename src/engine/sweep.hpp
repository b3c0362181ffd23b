#pragma once
// The stateless sweep: TX threads walk their slices of the permutation, one
// RX thread validates and classifies replies, and the calling thread drains
// results to the output stage, prints progress and runs the passes and the
// cooldown. See sweep.cpp for the pass/cooldown policy.
#include <atomic>
#include <functional>
#include <vector>
#include <ostream>
#include <span>

#include "engine/os_hints.hpp"
#include "engine/result_ring.hpp"
#include "engine/sweep_config.hpp"
#include "portsweep/result.hpp"
#include "io/packet_io.hpp"

namespace portsweep {

using ResultConsumer = std::function<void(std::span<const PortResult>)>;

struct SweepHooks {
  ResultConsumer on_results;            // called on the calling thread only
  // The same results by probe index (for a resume file); optional.
  std::function<void(std::span<const ProbeResult>)> on_probe_results;
  std::function<void()> on_tick;        // ~every 100 ms, e.g. to flush outputs
  std::ostream* progress = nullptr;     // progress lines; null for none
  double progress_every_s = 1;          // --stats-every
  // Every checkpoint_seconds: where a run that died right now (SIGKILL, power
  // loss) could resume. The position is the one seen a whole interval
  // earlier, so every probe before it has had its reply delivered (through
  // on_results) by now; the probes after it are sent again. What a resumed
  // run deduplicates against must be what was delivered (a result log), not
  // the engine's answered map, which also holds results still in the ring.
  // Called on the calling thread.
  std::function<void(const SweepPosition&)> on_checkpoint;
  double checkpoint_seconds = 5;
  // The trailing stage's results (SweepConfig::trailing_scans), as they
  // come; called on the calling thread.
  ResultConsumer on_trailing_results;
  // Asked every few milliseconds of the cooldown, with the time waited and
  // the largest round trip sampled: true ends it early (a stage whose late
  // replies the next one will still read need not wait them out).
  std::function<bool(double waited_s, double max_rtt_s)> end_cooldown;
  bool progress_is_tty = false;
  // The passive OS hints (SweepConfig::os_hints), one per host: a SYN-ACK's
  // as it comes; a RST's at the end of the sweep, for the hosts that sent
  // no SYN-ACK. Called on the calling thread.
  std::function<void(std::span<const OsHintRecord>)> on_os_hints;
};

// A further sweep of a scan (host discovery before it, traceroute after):
// the scan's targets, addresses, pace, retries and next hops, other probes,
// only `hosts` (null: all), from the start. Its progress and ticks go where
// the scan's do, its results to `on_results`.
SweepConfig stage_sweep_config(const SweepConfig& scan, std::vector<ScanPart> probes, const HostBitmap* hosts);
SweepHooks stage_sweep_hooks(const SweepHooks& scan, ResultConsumer on_results);

// One report of two sweeps of a scan run one after the other (the port
// sweep's rounds): counts add up; where it stopped, whether its first pass
// completed and the I/O counters (cumulative) are the second's.
SweepReport add_round(const SweepReport& first, SweepReport second);

// Runs the sweep. `interrupt` is polled; when it becomes true the TX threads
// stop at a burst boundary and the position is reported for resume. An
// error inside a thread or a hook stops the sweep the same way and is
// reported in SweepReport::error; only bad configuration throws.
SweepReport run_sweep(const SweepConfig& config, PacketIo& io, const SweepHooks& hooks,
                      const std::atomic<bool>& interrupt);

}  // namespace portsweep
