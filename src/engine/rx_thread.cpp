// An RX thread: receive a burst, decode, let each probe module of the sweep
// check cookies and classify (one call per module per burst), answer
// SYN-ACKs with a RST, drop duplicates, queue results by probe index.
// Nothing here blocks on output: results go into a ring the driver drains.
//
// Several RX threads (one per receive queue) share nothing per reply but the
// answered set and the responsive-hosts map, which they then mark with a
// locked fetch_or (exactly one thread sees a probe's first reply, so
// duplicates are dropped exactly across queues), and the RTT table, which
// only thread 0 turns into the timeout estimate. Each has its own rings,
// counters, answer queue and OS-hint captures.
// Replies no module of the sweep took go to the trailing stage's modules
// (discovery's late answers while the port sweep runs), under their own
// cookie key: one more virtual call per trailing module per burst.
#include <exception>
#include <thread>
#include <vector>

#include "engine/packet_tracer.hpp"
#include "engine/rate_limiter.hpp"
#include "engine/sweep_state.hpp"
#include "packet/packet_decoder.hpp"

namespace portsweep {

namespace {

constexpr uint8_t kNobody = 0xff;

// The probe index of a result module `k` of `layout` classified, or -1.
// Discovery's -PS and -PA both carry the cookie in the sequence number, so
// an ICMP error quoting either is taken by whichever classifies first: it
// belongs to the module of that protocol that probed that port.
int64_t probe_index(const ScanLayout& layout, size_t k, const PortResult& r) noexcept {
  int64_t index = layout.index_of(k, r.ip, r.port);
  for (size_t other = 0; index < 0 && other < layout.modules().size(); ++other)
    if (other != k && layout.modules()[other]->proto == layout.modules()[k]->proto)
      index = layout.index_of(other, r.ip, r.port);
  return index;
}

// A traceroute hop's address, as the ring's 32-bit slot holds it (hops are
// IPv4 only: --traceroute is refused for IPv6 targets).
uint32_t hop_of(const PortResult& r) noexcept { return r.from_ip.is_v4() ? r.from_ip.v4_value() : 0; }

void rx_loop(SweepState& s, unsigned lane) {
  RxLane& own = *s.rx[lane];
  const unsigned answer_queue = s.config.tx_threads + lane;
  const bool shared = s.rx.size() > 1;
  const bool estimate_rtt = lane == 0;
  constexpr size_t kBurst = 256;
  // One prober per module and family the sweep has, the sweep's modules
  // first, then the trailing stage's: a reply's owner indexes this list,
  // and module_of[] / trailing_of[] say whose it is. A prober skips the
  // other family's replies (BatchProber), so a mixed sweep pays one compare
  // per reply per extra prober.
  std::vector<std::unique_ptr<Prober>> probers;
  std::vector<uint8_t> module_of;
  std::vector<bool> trailing_of;
  size_t answer_cap = 0;
  const SweepTargets& axis = s.layout.targets();
  const auto add = [&](const ProbeModule* m, const ProbeConfig& base, const MacAddress& dst_mac6, size_t module,
                       bool trailing) {
    for (const AddressFamily f : {AddressFamily::V4, AddressFamily::V6}) {
      if (f == AddressFamily::V4 ? !axis.has_v4() : !axis.has_v6()) continue;
      ProbeConfig c = base;
      c.family = f;
      if (f == AddressFamily::V6 && dst_mac6 != MacAddress{}) c.dst_mac = dst_mac6;
      probers.push_back(m->create(c));
      module_of.push_back(static_cast<uint8_t>(module));
      trailing_of.push_back(trailing);
      answer_cap = std::max(answer_cap, probers.back()->max_frame_size());
    }
  };
  const size_t n_modules = s.layout.modules().size();
  for (size_t k = 0; k < n_modules; ++k) add(s.layout.modules()[k], s.config.probe, s.config.dst_mac6, k, false);
  if (s.trailing_layout)
    for (size_t k = 0; k < s.trailing_layout->modules().size(); ++k)
      add(s.trailing_layout->modules()[k], s.trailing_config->probe, s.trailing_config->dst_mac6, k, true);
  const size_t n_probers = probers.size();
  std::vector<RxFrame> frames(kBurst);
  std::vector<DecodedPacket> decoded(kBurst);
  std::vector<ReplyOutcome> outcomes(kBurst);
  std::unique_ptr<bool[]> done(new bool[kBurst]);
  std::vector<uint8_t> owner(kBurst);
  std::vector<uint8_t> answer_storage(answer_cap * kBurst);
  std::vector<TxFrame> answers(kBurst);
  RxCounters& rx = own.counters;

  while (!s.stop_rx.load(std::memory_order_relaxed)) {
    size_t got = shared ? s.io.recv_queue_burst(lane, frames.data(), kBurst, 10)
                        : s.io.recv_burst(frames.data(), kBurst, 10);
    if (got == 0) {
      if (s.io.failed()) break;
      continue;
    }
    rx.frames.fetch_add(got, std::memory_order_relaxed);
    if (s.config.trace != nullptr) s.config.trace->received(frames.data(), got);
    size_t m = 0;
    uint64_t bad_checksums = 0, cut_short = 0, offloaded = 0;
    for (size_t i = 0; i < got; ++i) {
      const DecodeStatus st =
          decode_ethernet(frames[i].data, frames[i].len, decoded[m], {.wire_len = frames[i].wire_len});
      if (st == DecodeStatus::Ok) {
        cut_short += decoded[m].l4_checksum == L4Checksum::CutShort;
        offloaded += decoded[m].l4_checksum == L4Checksum::Offloaded;
        ++m;
      } else {
        bad_checksums += st == DecodeStatus::BadChecksum;
      }
    }
    rx.undecodable.fetch_add(got - m - bad_checksums, std::memory_order_relaxed);
    if (bad_checksums) rx.bad_checksums.fetch_add(bad_checksums, std::memory_order_relaxed);
    if (cut_short) rx.cut_short.fetch_add(cut_short, std::memory_order_relaxed);
    if (offloaded) rx.offloaded.fetch_add(offloaded, std::memory_order_relaxed);
    const int64_t now_us = frames[0].time_us;
    std::fill(done.get(), done.get() + m, false);
    for (size_t j = 0; j < m; ++j) outcomes[j].verdict = ReplyVerdict::Ignored;
    std::fill(owner.begin(), owner.begin() + static_cast<long>(m), kNobody);
    for (size_t k = 0; k < n_probers; ++k) {
      probers[k]->classify(std::span<const DecodedPacket>(decoded.data(), m), now_us, outcomes.data(), done.get());
      if (n_probers > 1)
        for (size_t j = 0; j < m; ++j)
          if (done[j] && owner[j] == kNobody) owner[j] = static_cast<uint8_t>(k);
    }

    size_t n_answers = 0;
    uint64_t rejected = 0, duplicates = 0, results = 0;
    // Counters once per burst: each is a locked add on a shared line.
    const auto count = [&] {
      if (rejected) rx.rejected.fetch_add(rejected, std::memory_order_relaxed);
      if (duplicates) rx.duplicates.fetch_add(duplicates, std::memory_order_relaxed);
      rx.results.fetch_add(results, std::memory_order_relaxed);
    };
    const int64_t now_ns = monotonic_ns();
    for (size_t j = 0; j < m; ++j) {
      ReplyOutcome& o = outcomes[j];
      if (!done[j]) {  // no module took it: a cookie none of them made, or not a reply at all
        rejected += o.verdict == ReplyVerdict::Rejected;
        continue;
      }
      const size_t g = n_probers > 1 ? owner[j] : 0;
      // Answer every SYN-ACK, duplicates included: a retransmitted SYN-ACK
      // means our earlier RST was lost.
      if (o.needs_answer) {
        uint8_t* buf = answer_storage.data() + n_answers * answer_cap;
        size_t len = probers[g]->write_answer(decoded[j], buf);
        if (len) answers[n_answers++] = {buf, static_cast<uint16_t>(len)};
      }
      const PortResult& r = o.result;
      const size_t k = module_of[g];
      if (trailing_of[g]) {  // the trailing stage's: its consumer deduplicates
        const int64_t index = probe_index(*s.trailing_layout, k, r);
        if (index < 0) continue;
        const ProbeResult result{static_cast<uint64_t>(index), r.time_us, r.state, r.reason, r.ttl, r.rtt_us, hop_of(r)};
        while (!own.trailing_ring->push(result)) {
          rx.ring_full.fetch_add(1, std::memory_order_relaxed);
          if (s.stop_rx.load(std::memory_order_relaxed)) return count();
          std::this_thread::yield();
        }
        continue;
      }
      const int64_t index = probe_index(s.layout, k, r);
      if (index < 0) continue;  // a valid cookie for something we did not probe: ignore
      if (shared ? s.answered.mark_shared(static_cast<uint64_t>(index)) : s.answered.mark(static_cast<uint64_t>(index))) {
        ++duplicates;
        continue;
      }
      const uint32_t sampled_rtt = s.rtt.note_reply(static_cast<uint64_t>(index), now_ns, estimate_rtt);
      const uint64_t address = s.layout.space().cell(static_cast<uint64_t>(index)).address;
      if (shared) s.responsive.mark_shared(address);
      else s.responsive.mark(address);
      // The passive OS hint: a bit test per reply, the read once per host.
      if (own.os_hints && r.from_ip.is_unspecified() && decoded[j].ip_version == 4)
        own.os_hints->note(decoded[j], address);
      // The probe's own send time, where it carries one, beats the sampler's
      // (which also counts the time the reply waited for this thread).
      const ProbeResult result{static_cast<uint64_t>(index), r.time_us, r.state, r.reason, r.ttl,
                               r.rtt_us != 0 ? r.rtt_us : sampled_rtt, hop_of(r)};
      while (!own.ring.push(result)) {
        rx.ring_full.fetch_add(1, std::memory_order_relaxed);
        if (s.stop_rx.load(std::memory_order_relaxed)) return count();
        std::this_thread::yield();
      }
      ++results;
    }
    count();
    if (n_answers && s.config.trace != nullptr) s.config.trace->sent(answers.data(), n_answers);
    if (n_answers) {
      size_t sent = 0;
      for (int tries = 0; sent < n_answers && tries < 64; ++tries)
        sent += s.io.send_burst(answer_queue, answers.data() + sent, n_answers - sent);
      rx.answers.fetch_add(sent, std::memory_order_relaxed);
    }
  }
}

}  // namespace

void run_rx_thread(SweepState& s, unsigned lane) noexcept {
  try {
    rx_loop(s, lane);
  } catch (const std::exception& e) {
    s.fail("RX thread " + std::to_string(lane) + ": " + e.what());
  } catch (...) {
    s.fail("RX thread " + std::to_string(lane) + ": unknown error");
  }
}

}  // namespace portsweep
