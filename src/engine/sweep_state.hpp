#pragma once
// What the TX threads, the RX thread and the sweep's driver share. Counters a
// thread writes live in that thread's own cache line; nothing shared is
// written in the hot loops except the answered set and the result ring.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/answered_set.hpp"
#include "engine/probe_permutation.hpp"
#include "engine/probe_space.hpp"
#include "engine/result_ring.hpp"
#include "engine/rtt_sampler.hpp"
#include "engine/sweep_config.hpp"
#include "io/packet_io.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

struct alignas(64) TxCounters {
  std::atomic<uint64_t> sent{0};
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
  std::atomic<uint64_t> answers{0};
  std::atomic<uint64_t> ring_full{0};
};

struct SweepState {
  SweepState(const SweepConfig& c, PacketIo& i)
      : config(c), io(i), space(c.targets.size(), static_cast<uint32_t>(c.ports.size())),
        permutation(space.size(), c.seed), answered(space.size()), tx(c.tx_threads) {
    port_index.assign(65536, -1);
    for (size_t k = 0; k < c.ports.size(); ++k) port_index[c.ports[k]] = static_cast<int32_t>(k);
  }

  // Probe index of a reply's (address, port), or -1 if it was never probed.
  int64_t index_of(uint32_t ip, uint16_t port) const noexcept {
    int32_t p = port_index[port];
    if (p < 0) return -1;
    auto a = config.targets.index_of(ip);
    if (!a) return -1;
    return static_cast<int64_t>(space.index_of({*a, static_cast<uint32_t>(p)}));
  }

  const SweepConfig& config;
  PacketIo& io;
  ProbeSpace space;
  ProbePermutation permutation;
  AnsweredSet answered;
  RttSampler rtt;
  ResultRing ring;
  std::vector<int32_t> port_index;
  std::vector<TxCounters> tx;
  RxCounters rx;
  std::atomic<bool> stop_tx{false};
  std::atomic<bool> stop_rx{false};
};

// One TX thread's slice of one pass: `position` is where to start in it.
void run_tx_thread(SweepState& state, unsigned thread, unsigned pass, uint64_t position);
// The RX loop; answers (RSTs) go out on TX queue `answer_queue`.
void run_rx_thread(SweepState& state, unsigned answer_queue);

}  // namespace portsweep
