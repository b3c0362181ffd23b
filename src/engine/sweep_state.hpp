#pragma once
// What the TX threads, the RX threads and the sweep's driver share. Counters
// a thread writes live in that thread's own cache line; nothing shared is
// written in the hot loops except the answered set and the responsive-hosts
// map (each RX thread's results go into a ring of its own).
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/answered_set.hpp"
#include "engine/os_hints.hpp"
#include "engine/probe_permutation.hpp"
#include "engine/scan_layout.hpp"
#include "engine/responsive_hosts.hpp"
#include "engine/result_ring.hpp"
#include "engine/rtt_sampler.hpp"
#include "engine/sweep_config.hpp"
#include "io/packet_io.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

struct alignas(64) TxCounters {
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> send_calls{0};
  std::atomic<uint64_t> frames{0};  // sent: probes, or their fragments and decoy copies
  std::atomic<uint64_t> unsendable{0};
  std::atomic<uint64_t> position{0};
  std::atomic<int64_t> first_send_ns{0};  // this thread's first and latest burst, for the
  std::atomic<int64_t> last_send_ns{0};   // rate actually held
  std::atomic<uint64_t> last_burst{0};
  std::atomic<bool> finished{false};
};

struct alignas(64) RxCounters {
  std::atomic<uint64_t> frames{0};
  std::atomic<uint64_t> results{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> duplicates{0};
  std::atomic<uint64_t> undecodable{0};
  std::atomic<uint64_t> bad_checksums{0};  // dropped: the IP or L4 checksum was wrong
  // Decoded (and read) without their L4 checksum checked: the capture cut
  // them short, or a local sender left the checksum to offload.
  std::atomic<uint64_t> cut_short{0};
  std::atomic<uint64_t> offloaded{0};
  std::atomic<uint64_t> answers{0};
  std::atomic<uint64_t> ring_full{0};
};

// One RX thread's own: its counters, and the rings the driver drains.
struct RxLane {
  RxLane(uint64_t targets, bool trailing, bool os_hints)
      : // Late replies of the stage before: a few thousand at most.
        trailing_ring(trailing ? std::make_unique<ResultRing>(size_t{1} << 14) : nullptr),
        os_hints(os_hints && targets <= OsHintCollector::kMaxAddresses ? std::make_unique<OsHintCollector>(targets)
                                                                        : nullptr) {}
  RxCounters counters;
  ResultRing ring;
  std::unique_ptr<ResultRing> trailing_ring;
  // The passive OS hint (SweepConfig::os_hints); null when off. With
  // several RX threads a host's replies may reach two of them, so the driver
  // keeps the first SYN-ACK capture per host.
  std::unique_ptr<OsHintCollector> os_hints;
};

struct SweepState {
  SweepState(const SweepConfig& c, PacketIo& i);

  // Stops the sweep because something failed inside a thread; the first
  // reason is kept. Off the hot path (it takes a lock).
  void fail(const std::string& why) {
    {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (error.empty()) error = why;
    }
    failed.store(true);
    stop_tx.store(true);
  }

  const SweepConfig& config;
  PacketIo& io;
  ScanLayout layout;
  // The trailing stage (SweepConfig::trailing_scans), when there is one:
  // its configuration (the layout points into it) and layout.
  std::unique_ptr<const SweepConfig> trailing_config;
  std::unique_ptr<const ScanLayout> trailing_layout;
  ProbePermutation permutation;
  AnsweredSet answered;
  ResponsiveHosts responsive;
  RttSampler rtt;
  std::vector<TxCounters> tx;
  // One RX thread per receive queue the backend gives, up to
  // SweepConfig::rx_threads and the answer queues left after the TX
  // threads': RX thread r reads receive queue r and answers on TX queue
  // tx_threads + r.
  std::vector<std::unique_ptr<RxLane>> rx;

  // A counter summed over the RX threads.
  uint64_t rx_total(std::atomic<uint64_t> RxCounters::*field) const noexcept {
    uint64_t n = 0;
    for (const auto& lane : rx) n += (lane->counters.*field).load(std::memory_order_relaxed);
    return n;
  }
  std::atomic<bool> stop_tx{false};
  std::atomic<bool> stop_rx{false};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::string error;
};

// One TX thread's slice of one pass: `position` is where to start in it.
void run_tx_thread(SweepState& state, unsigned thread, unsigned pass, uint64_t position) noexcept;
// RX thread `lane`'s loop: receive queue `lane`, answers (RSTs) on TX queue
// tx_threads + lane.
void run_rx_thread(SweepState& state, unsigned lane) noexcept;

}  // namespace portsweep
