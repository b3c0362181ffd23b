#pragma once
// The NIC benchmark behind --bench-tx: one thread per TX queue sends a fixed
// set of prebuilt frames round and round, as fast as the I/O takes them or at
// --rate, and the rate per queue and in total is reported every second and at
// the end, like a traffic generator. Frames are built once, so this measures
// the I/O path alone: nothing is patched per packet. A backend that lends its
// TX buffers gets each frame copied into one, as the scan writes its probes
// there.
#include <atomic>
#include <cstdint>
#include <ostream>
#include <vector>

#include "io/packet_io.hpp"

namespace portsweep {

struct TxBenchConfig {
  double rate_pps = 0;      // total; <= 0 as fast as the I/O goes
  double duration_s = 10;
  unsigned threads = 1;     // one per TX queue, queues 0..threads-1
  uint32_t burst = 64;
  std::vector<std::vector<uint8_t>> frames;  // each thread starts at its own offset
};

struct TxBenchQueue {
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

struct TxBenchReport {
  double seconds = 0;
  std::vector<TxBenchQueue> queues;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  double pps = 0;
  double gbps = 0;  // frame bits (no preamble, gap or FCS), as testpmd counts them
};

// Runs the benchmark; `stop` ends it early (Ctrl-C). Lines go to `out`.
TxBenchReport run_tx_benchmark(const TxBenchConfig& config, PacketIo& io, std::ostream& out,
                               const std::atomic<bool>& stop);

// "1.234 Mpps  0.592 Gbit/s" for a count over an interval.
std::string format_rate(uint64_t packets, uint64_t bytes, double seconds);

}  // namespace portsweep
