// A TX thread: walk the slice, build a burst, pace it, send it.
//
// Per probe: one permutation step (a Montgomery multiply, ~3 ns), the
// index → (address, slot) split (a multiply-shift division), the template
// patch with the cookie (SipHash, ~10 ns) and incremental checksums. Each
// module's prober is called once per burst with its share of the burst (a
// sweep of one scan type makes one call), so the virtual call is amortised;
// the rate limiter reads the clock once per burst. bench/engine measures the
// whole loop.
//
// Zero-copy: a backend that lends its own TX buffers (DPDK's mbufs) gets the
// probes written straight into them, one tx_lend and one tx_commit call per
// burst, instead of into our buffers and copied by send_burst. Shaped probes
// (fragments, decoys, a bad checksum) keep the copy: the shaper writes many
// frames per probe from scratch space.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "engine/packet_tracer.hpp"
#include "engine/rate_limiter.hpp"
#include "engine/sweep_state.hpp"

namespace portsweep {

namespace {

void tx_loop(SweepState& s, unsigned thread, unsigned pass, uint64_t position) {
  const SweepConfig& c = s.config;
  TxCounters& counters = s.tx[thread];
  // One prober per (module, family): group g = module + n_modules for an
  // IPv6 target's probe. A single-family sweep has n_modules groups.
  const size_t n_modules = s.layout.modules().size();
  const SweepTargets& axis = s.layout.targets();
  const bool mixed = axis.has_v4() && axis.has_v6();
  const size_t v6_group = mixed ? n_modules : 0;  // added to a module's index for its IPv6 probes
  const size_t n_groups = mixed ? 2 * n_modules : n_modules;
  std::vector<std::unique_ptr<Prober>> probers;
  size_t frame_cap = 0;
  for (size_t g = 0; g < n_groups; ++g) {
    ProbeConfig pc = c.probe;
    if (g >= n_modules || !axis.has_v4()) {
      pc.family = AddressFamily::V6;
      if (c.dst_mac6 != MacAddress{}) pc.dst_mac = c.dst_mac6;
    }
    probers.push_back(s.layout.modules()[g % n_modules]->create(pc));
    frame_cap = std::max(frame_cap, probers.back()->max_frame_size());
  }
  const FrameShaper shaper(c.evasion, frame_cap);
  const bool shaping = shaper.active();
  const size_t per_probe = shaping ? shaper.frames_per_probe() : 1;
  // Many frames a probe (8-byte fragments of a long payload) make smaller
  // bursts: a burst stays near a thousand frames.
  const uint32_t burst =
      shaping ? static_cast<uint32_t>(std::clamp<size_t>(1024 / per_probe, 1, c.burst)) : c.burst;
  const size_t shaped_cap = shaping ? shaper.max_frame_size() : 0;
  std::vector<uint8_t> scratch(shaping ? shaper.scratch_size() : 0);
  std::vector<uint8_t> shaped_storage(shaped_cap * burst * per_probe);
  std::vector<uint8_t*> shaped_ptrs(shaping ? burst * per_probe : 0);
  for (size_t k = 0; k < shaped_ptrs.size(); ++k) shaped_ptrs[k] = shaped_storage.data() + k * shaped_cap;
  std::vector<uint16_t> shaped_lengths(shaped_ptrs.size());

  // Lending: frame_ptrs point, for one burst, at the buffers the backend lent.
  const bool lending = !shaping && s.io.lends_tx_buffers();
  const auto room = static_cast<uint16_t>(std::min<size_t>(frame_cap, UINT16_MAX));
  std::vector<uint8_t> storage(lending ? 0 : frame_cap * burst);
  std::vector<uint8_t*> frame_ptrs(burst);
  for (uint32_t k = 0; k < burst && !lending; ++k) frame_ptrs[k] = storage.data() + k * frame_cap;
  std::vector<uint16_t> lengths(burst);
  std::vector<TxFrame> frames(burst * per_probe);
  std::vector<ProbeTarget> targets(burst);
  // A mixed sweep groups each burst by module: gathered[] in walk order,
  // then targets[] laid out module by module.
  std::vector<ProbeTarget> gathered(n_groups > 1 ? burst : 0);
  std::vector<uint8_t> module_of(n_groups > 1 ? burst : 0);
  std::vector<uint32_t> offset(n_groups + 1);
  // The probes whose send time is noted: the burst's first, or all of them:
  // when asked, when every probe has a slot of its own (a small scan, whose
  // few replies would otherwise leave the RTT timeout unmeasured), or when
  // the pace is slow enough that a slot lives two seconds.
  const bool sample_all = c.sample_every_probe || s.layout.space().size() <= s.rtt.slots() ||
                          (c.rate_pps > 0 && c.rate_pps * 2 <= static_cast<double>(s.rtt.slots()));
  std::vector<uint64_t> indexes(burst);

  CycleRange range = s.permutation.segment(c.shard, c.shards, thread, c.tx_threads);
  PermutationWalker walker = s.permutation.walker(range, position);
  RateLimiter limiter(c.rate_pps > 0 ? c.rate_pps / c.tx_threads : 0, burst);
  const bool skip_answered = pass > 0 && s.answered.exact();
  const bool skip_silent = pass > 0 && !c.retry_silent && s.responsive.enabled() && c.only_hosts == nullptr &&
                           !c.retry_only_silent_hosts;
  const bool skip_up = pass > 0 && c.retry_only_silent_hosts && s.responsive.enabled();
  const HostBitmap* only_hosts = c.only_hosts;
  const NextHopPlan* next_hops = c.next_hops;
  const NextHopPlan6* next_hops6 = c.next_hops6;
  const bool any_hops = next_hops != nullptr || next_hops6 != nullptr;
  const uint64_t v4_count = axis.v4_count();

  counters.position.store(walker.position(), std::memory_order_relaxed);
  while (!s.stop_tx.load(std::memory_order_relaxed)) {
    uint32_t grant = limiter.acquire(burst, &s.stop_tx);
    if (grant == 0) break;
    if (lending) {
      // Every buffer in flight: the device is behind, as with a full queue.
      size_t lent = 0;
      while ((lent = s.io.tx_lend(thread, frame_ptrs.data(), grant, room)) == 0) {
        if (s.stop_tx.load(std::memory_order_relaxed) || s.io.failed()) break;
        std::this_thread::yield();
      }
      if (lent == 0) break;
      // A short lend makes a short burst; the rest of the grant is forgone
      // (DPDK lends a whole burst or nothing).
      grant = static_cast<uint32_t>(std::min<size_t>(lent, grant));
    }
    uint32_t n = 0;
    uint64_t index = 0;
    ProbeTarget* out = n_groups > 1 ? gathered.data() : targets.data();
    uint64_t unsendable = 0;
    while (n < grant && walker.next(index)) {
      if (skip_answered && s.answered.answered(index)) continue;
      ProbeCell cell = s.layout.space().cell(index);
      if (only_hosts != nullptr && !only_hosts->test(cell.address)) continue;
      if (skip_silent && !s.responsive.answered(cell.address)) continue;
      if (skip_up && s.responsive.answered(cell.address)) continue;
      const ScanSlot slot = s.layout.slots()[cell.port];
      const bool v6 = cell.address >= v4_count;
      if (v6 ? next_hops6 != nullptr : next_hops != nullptr) {
        const MacAddr* mac =
            v6 ? next_hops6->mac_for(cell.address - v4_count) : next_hops->mac_for(cell.address);
        if (mac == nullptr) {  // unroutable, or on-link and silent to ARP / neighbour discovery
          ++unsendable;
          continue;
        }
        out[n].dst_mac = mac->bytes.data();
      } else {
        out[n].dst_mac = nullptr;
      }
      if (v6) out[n].ip6 = axis.v6_at(cell.address);
      else out[n].ip = axis.v4_at(cell.address);
      out[n].port = slot.port;
      if (n_groups > 1) module_of[n] = static_cast<uint8_t>(slot.module + (v6 ? v6_group : 0));
      if (sample_all || n == 0) indexes[n] = index;
      ++n;
    }
    if (unsendable) counters.unsendable.fetch_add(unsendable, std::memory_order_relaxed);
    if (n == 0) {  // slice done (unsendable targets are walked past, not counted)
      if (lending) s.io.tx_commit(thread, lengths.data(), 0);  // every lent buffer back
      break;
    }
    if (n_groups == 1) {
      probers[0]->write_probes(std::span<const ProbeTarget>(targets.data(), n), frame_ptrs.data(), lengths.data());
    } else {
      std::fill(offset.begin(), offset.end(), 0);
      for (uint32_t k = 0; k < n; ++k) ++offset[module_of[k] + 1];
      for (size_t m = 0; m < n_groups; ++m) offset[m + 1] += offset[m];
      // offset[m] is where module m's probes start; filling advances it to
      // where they end.
      for (uint32_t k = 0; k < n; ++k) targets[offset[module_of[k]]++] = gathered[k];
      uint32_t begin = 0;
      for (size_t m = 0; m < n_groups; ++m) {
        const uint32_t end = offset[m];
        if (end > begin)
          probers[m]->write_probes(std::span<const ProbeTarget>(targets.data() + begin, end - begin),
                                   frame_ptrs.data() + begin, lengths.data() + begin);
        begin = end;
      }
    }
    if (any_hops)
      for (uint32_t k = 0; k < n; ++k)
        if (targets[k].dst_mac != nullptr) std::memcpy(frame_ptrs[k], targets[k].dst_mac, 6);
    size_t n_frames = n;
    if (shaping) {
      n_frames = 0;
      for (uint32_t k = 0; k < n; ++k)
        n_frames += shaper.shape(frame_ptrs[k], lengths[k], scratch.data(), shaped_ptrs.data() + n_frames,
                                 shaped_lengths.data() + n_frames);
      for (size_t k = 0; k < n_frames; ++k) frames[k] = {shaped_ptrs[k], shaped_lengths[k]};
    } else if (!lending || c.trace != nullptr) {  // lent buffers go by lengths[] alone
      for (uint32_t k = 0; k < n; ++k) frames[k] = {frame_ptrs[k], lengths[k]};
    }
    if (c.trace != nullptr) c.trace->sent(frames.data(), n_frames);
    const int64_t sent_at = monotonic_ns();
    for (uint32_t k = 0, noted = sample_all ? n : 1; k < noted; ++k) s.rtt.note_sent(indexes[k], sent_at);
    if (counters.first_send_ns.load(std::memory_order_relaxed) == 0)
      counters.first_send_ns.store(sent_at, std::memory_order_relaxed);
    counters.last_send_ns.store(sent_at, std::memory_order_relaxed);
    // Back-pressure: a full queue takes part of a burst; retry the rest. A
    // lending backend's first commit also takes back the buffers beyond n.
    size_t done = 0;
    uint64_t calls = 0;
    while (done < n_frames) {
      size_t took = lending ? s.io.tx_commit(thread, lengths.data() + done, n_frames - done)
                            : s.io.send_burst(thread, frames.data() + done, n_frames - done);
      done += took;
      calls += took != 0;
      if (done < n_frames) {
        if (s.io.failed()) break;
        std::this_thread::yield();
      }
    }
    if (lending && done < n_frames) s.io.tx_commit(thread, lengths.data(), 0);  // failed: give the rest back
    // Probes, not frames: a failed send leaves part of a probe's frames unsent.
    const size_t probes_done = done == n_frames ? n : done / per_probe;
    counters.sent.fetch_add(probes_done, std::memory_order_relaxed);
    counters.send_calls.fetch_add(calls, std::memory_order_relaxed);
    counters.frames.fetch_add(done, std::memory_order_relaxed);
    counters.last_burst.store(probes_done, std::memory_order_relaxed);
    counters.position.store(walker.position(), std::memory_order_relaxed);
    if (s.io.failed()) break;
    // The slice is done: end now rather than after waiting for a grant
    // (at -T0's one probe in 300 s, a wait of 300 s) that nothing would use.
    if (walker.position() >= walker.length()) break;
  }
}

}  // namespace

void run_tx_thread(SweepState& s, unsigned thread, unsigned pass, uint64_t position) noexcept {
  // An exception must not escape a thread (std::terminate): it stops the
  // sweep, which then ends cleanly with a resume file and valid outputs.
  try {
    tx_loop(s, thread, pass, position);
  } catch (const std::exception& e) {
    s.fail(std::string("TX thread ") + std::to_string(thread) + ": " + e.what());
  } catch (...) {
    s.fail("TX thread " + std::to_string(thread) + ": unknown error");
  }
  s.tx[thread].finished.store(true, std::memory_order_release);
}

}  // namespace portsweep
