// A TX thread: walk the slice, build a burst, pace it, send it.
//
// Per probe: one permutation step (a Montgomery multiply, ~3 ns), the
// index → (address, port) split (a multiply-shift division), the template
// patch with the cookie (SipHash, ~10 ns) and incremental checksums. The
// prober is called once per burst, so its virtual call is amortised; the rate
// limiter reads the clock once per burst. See bench/engine for the figures.
#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "engine/rate_limiter.hpp"
#include "engine/sweep_state.hpp"

namespace portsweep {

void run_tx_thread(SweepState& s, unsigned thread, unsigned pass, uint64_t position) {
  const SweepConfig& c = s.config;
  TxCounters& counters = s.tx[thread];
  auto prober = find_probe_module(c.probe_module)->create(c.probe);
  const size_t frame_cap = prober->max_frame_size();
  const uint32_t burst = c.burst;

  std::vector<uint8_t> storage(frame_cap * burst);
  std::vector<uint8_t*> frame_ptrs(burst);
  for (uint32_t k = 0; k < burst; ++k) frame_ptrs[k] = storage.data() + k * frame_cap;
  std::vector<uint16_t> lengths(burst);
  std::vector<TxFrame> frames(burst);
  std::vector<ProbeTarget> targets(burst);

  CycleRange range = s.permutation.segment(c.shard, c.shards, thread, c.tx_threads);
  PermutationWalker walker = s.permutation.walker(range, position);
  RateLimiter limiter(c.rate_pps > 0 ? c.rate_pps / c.tx_threads : 0, burst);
  const bool skip_answered = pass > 0 && s.answered.exact();
  const TargetSet& addresses = c.targets;

  counters.position.store(walker.position(), std::memory_order_relaxed);
  while (!s.stop_tx.load(std::memory_order_relaxed)) {
    uint32_t grant = limiter.acquire(burst, &s.stop_tx);
    if (grant == 0) break;
    uint32_t n = 0;
    uint64_t index = 0;
    uint64_t sampled = UINT64_MAX;
    while (n < grant && walker.next(index)) {
      if (skip_answered && s.answered.answered(index)) continue;
      ProbeCell cell = s.space.cell(index);
      targets[n].ip = addresses.at(cell.address);
      targets[n].port = c.ports[cell.port];
      if (n == 0) sampled = index;
      ++n;
    }
    if (n == 0) break;  // slice done
    prober->write_probes(std::span<const ProbeTarget>(targets.data(), n), frame_ptrs.data(),
                         lengths.data());
    for (uint32_t k = 0; k < n; ++k) frames[k] = {frame_ptrs[k], lengths[k]};
    const int64_t sent_at = monotonic_ns();
    s.rtt.note_sent(sampled, sent_at);
    if (counters.first_send_ns.load(std::memory_order_relaxed) == 0)
      counters.first_send_ns.store(sent_at, std::memory_order_relaxed);
    counters.last_send_ns.store(sent_at, std::memory_order_relaxed);
    // Back-pressure: a full queue takes part of a burst; retry the rest.
    size_t done = 0;
    while (done < n) {
      done += s.io.send_burst(thread, frames.data() + done, n - done);
      if (done < n) {
        if (s.io.failed()) break;
        std::this_thread::yield();
      }
    }
    counters.sent.fetch_add(done, std::memory_order_relaxed);
    counters.last_burst.store(done, std::memory_order_relaxed);
    counters.position.store(walker.position(), std::memory_order_relaxed);
    if (s.io.failed()) break;
  }
  counters.finished.store(true, std::memory_order_release);
}

}  // namespace portsweep
