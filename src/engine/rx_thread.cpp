// The RX thread: receive a burst, decode, let the probe module check cookies
// and classify, answer SYN-ACKs with a RST, drop duplicates, queue results.
// Nothing here blocks on output: results go into a ring the driver drains.
#include <thread>
#include <vector>

#include "engine/rate_limiter.hpp"
#include "engine/sweep_state.hpp"
#include "probes/packet_decoder.hpp"

namespace portsweep {

void run_rx_thread(SweepState& s, unsigned answer_queue) {
  constexpr size_t kBurst = 256;
  auto prober = find_probe_module(s.config.probe_module)->create(s.config.probe);
  std::vector<RxFrame> frames(kBurst);
  std::vector<DecodedPacket> decoded(kBurst);
  std::vector<ReplyOutcome> outcomes(kBurst);
  const size_t answer_cap = prober->max_frame_size();
  std::vector<uint8_t> answer_storage(answer_cap * kBurst);
  std::vector<TxFrame> answers(kBurst);
  RxCounters& rx = s.rx;

  while (!s.stop_rx.load(std::memory_order_relaxed)) {
    size_t got = s.io.recv_burst(frames.data(), kBurst, 10);
    if (got == 0) {
      if (s.io.failed()) break;
      continue;
    }
    rx.frames.fetch_add(got, std::memory_order_relaxed);
    size_t m = 0;
    for (size_t i = 0; i < got; ++i) {
      if (decode_ethernet(frames[i].data, frames[i].len, decoded[m])) ++m;
    }
    rx.undecodable.fetch_add(got - m, std::memory_order_relaxed);
    const int64_t now_us = frames[0].time_us;
    prober->classify(std::span<const DecodedPacket>(decoded.data(), m), now_us, outcomes.data());

    size_t n_answers = 0;
    const int64_t now_ns = monotonic_ns();
    for (size_t j = 0; j < m; ++j) {
      ReplyOutcome& o = outcomes[j];
      if (o.verdict == ReplyVerdict::Rejected) {
        rx.rejected.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      if (o.verdict != ReplyVerdict::Result) continue;
      // Answer every SYN-ACK, duplicates included: a retransmitted SYN-ACK
      // means our earlier RST was lost.
      if (o.needs_answer) {
        uint8_t* buf = answer_storage.data() + n_answers * answer_cap;
        size_t len = prober->write_answer(decoded[j], buf);
        if (len) answers[n_answers++] = {buf, static_cast<uint16_t>(len)};
      }
      const PortResult& r = o.result;
      int64_t index = s.index_of(r.ip, r.port);
      if (index < 0) continue;  // a valid cookie for something we did not probe: ignore
      uint64_t key = (uint64_t{r.ip} << 24) | (uint64_t{static_cast<uint8_t>(r.proto)} << 16) | r.port;
      if (s.answered.mark(static_cast<uint64_t>(index), key)) {
        rx.duplicates.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      s.rtt.note_reply(static_cast<uint64_t>(index), now_ns);
      while (!s.ring.push(r)) {
        rx.ring_full.fetch_add(1, std::memory_order_relaxed);
        std::this_thread::yield();
      }
      rx.results.fetch_add(1, std::memory_order_relaxed);
    }
    if (n_answers) {
      size_t sent = 0;
      for (int tries = 0; sent < n_answers && tries < 64; ++tries)
        sent += s.io.send_burst(answer_queue, answers.data() + sent, n_answers - sent);
      rx.answers.fetch_add(sent, std::memory_order_relaxed);
    }
  }
}

}  // namespace portsweep
