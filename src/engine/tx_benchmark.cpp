#include "engine/tx_benchmark.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "engine/rate_limiter.hpp"

namespace portsweep {

namespace {

struct alignas(64) QueueCounters {
  std::atomic<uint64_t> packets{0};
  std::atomic<uint64_t> bytes{0};
};

// send_loop for a backend that lends its TX buffers, as the scan sends
// through it: each frame is written into a lent buffer (a copy of the
// prebuilt frame, where the scan patches its template) and committed.
void lend_loop(const TxBenchConfig& c, const std::vector<TxFrame>& ring, PacketIo& io, unsigned queue,
               QueueCounters& counters, const std::atomic<bool>& stop, RateLimiter& limiter, size_t pos) {
  const size_t n = c.frames.size();
  const uint32_t burst = static_cast<uint32_t>(std::min<size_t>(c.burst, n));
  size_t longest = 0;
  for (const auto& f : c.frames) longest = std::max(longest, f.size());
  const auto room = static_cast<uint16_t>(std::min<size_t>(longest, UINT16_MAX));
  std::vector<uint8_t*> buffers(burst);
  std::vector<uint16_t> lengths(burst);
  uint64_t packets = 0, bytes = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    uint32_t grant = limiter.acquire(burst, &stop);
    if (grant == 0) break;
    size_t lent = 0;
    while ((lent = io.tx_lend(queue, buffers.data(), grant, room)) == 0) {
      if (stop.load(std::memory_order_relaxed) || io.failed()) return;
      std::this_thread::yield();
    }
    for (size_t k = 0; k < lent; ++k) {
      const TxFrame& f = ring[pos + k];
      std::memcpy(buffers[k], f.data, f.len);
      lengths[k] = f.len;
    }
    size_t done = 0;
    while (done < lent && !stop.load(std::memory_order_relaxed)) {
      size_t sent = io.tx_commit(queue, lengths.data() + done, lent - done);
      for (size_t k = 0; k < sent; ++k) bytes += lengths[done + k];
      done += sent;
      if (sent == 0) {
        if (io.failed()) break;
        std::this_thread::yield();
      }
    }
    if (done < lent) io.tx_commit(queue, lengths.data(), 0);  // stopped: the rest go back unsent
    packets += done;
    pos = (pos + done) % n;
    counters.packets.store(packets, std::memory_order_relaxed);
    counters.bytes.store(bytes, std::memory_order_relaxed);
    if (io.failed()) return;
  }
}

void send_loop(const TxBenchConfig& c, PacketIo& io, unsigned queue, QueueCounters& counters,
               const std::atomic<bool>& stop) {
  // The frames as TxFrames, twice over, so a burst starting anywhere in the
  // set is one contiguous array: no wrap-around inside the hot loop.
  const size_t n = c.frames.size();
  std::vector<TxFrame> ring(2 * n);
  for (size_t i = 0; i < 2 * n; ++i) {
    const auto& f = c.frames[i % n];
    ring[i] = {f.data(), static_cast<uint16_t>(f.size())};
  }
  const uint32_t burst = static_cast<uint32_t>(std::min<size_t>(c.burst, n));
  RateLimiter limiter(c.rate_pps > 0 ? c.rate_pps / c.threads : 0, burst);
  size_t pos = (n / c.threads) * queue;
  uint64_t packets = 0, bytes = 0;
  if (io.lends_tx_buffers()) return lend_loop(c, ring, io, queue, counters, stop, limiter, pos);
  while (!stop.load(std::memory_order_relaxed)) {
    uint32_t grant = limiter.acquire(burst, &stop);
    if (grant == 0) break;
    size_t done = 0;
    while (done < grant && !stop.load(std::memory_order_relaxed)) {
      size_t sent = io.send_burst(queue, ring.data() + pos + done, grant - done);
      for (size_t k = 0; k < sent; ++k) bytes += ring[pos + done + k].len;
      done += sent;
      if (sent == 0) {
        if (io.failed()) return;
        std::this_thread::yield();
      }
    }
    packets += done;
    pos = (pos + done) % n;
    // Published per burst: the reporter reads them once a second.
    counters.packets.store(packets, std::memory_order_relaxed);
    counters.bytes.store(bytes, std::memory_order_relaxed);
  }
}

}  // namespace

std::string format_rate(uint64_t packets, uint64_t bytes, double seconds) {
  char buf[64];
  double pps = seconds > 0 ? static_cast<double>(packets) / seconds : 0;
  double gbps = seconds > 0 ? static_cast<double>(bytes) * 8 / seconds / 1e9 : 0;
  std::snprintf(buf, sizeof buf, "%8.3f Mpps %7.3f Gbit/s", pps / 1e6, gbps);
  return buf;
}

TxBenchReport run_tx_benchmark(const TxBenchConfig& c, PacketIo& io, std::ostream& out,
                               const std::atomic<bool>& stop) {
  using Clock = std::chrono::steady_clock;
  TxBenchReport report;
  if (c.frames.empty() || c.threads == 0) return report;
  std::vector<QueueCounters> counters(c.threads);
  std::atomic<bool> halt{false};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (unsigned q = 0; q < c.threads; ++q) {
    threads.emplace_back([&, q] { send_loop(c, io, q, counters[q], halt); });
  }

  std::vector<TxBenchQueue> last(c.threads);
  auto last_t = start;
  const auto end = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(c.duration_s));
  auto next = start + std::chrono::seconds(1);
  for (;;) {
    auto wake = std::min(next, end);
    while (Clock::now() < wake && !stop.load() && !io.failed()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    auto now = Clock::now();
    double dt = std::chrono::duration<double>(now - last_t).count();
    double t = std::chrono::duration<double>(now - start).count();
    char head[32];
    std::snprintf(head, sizeof head, "[%6.1f s]", t);
    out << head;
    uint64_t tp = 0, tb = 0;
    for (unsigned q = 0; q < c.threads; ++q) {
      TxBenchQueue cur{counters[q].packets.load(), counters[q].bytes.load()};
      uint64_t dp = cur.packets - last[q].packets, db = cur.bytes - last[q].bytes;
      if (c.threads > 1) out << "  q" << q << format_rate(dp, db, dt);
      tp += dp;
      tb += db;
      last[q] = cur;
    }
    out << "  total" << format_rate(tp, tb, dt) << "\n" << std::flush;
    last_t = now;
    next += std::chrono::seconds(1);
    if (now >= end || stop.load() || io.failed()) break;
  }
  halt.store(true);
  for (auto& th : threads) th.join();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (unsigned q = 0; q < c.threads; ++q) {
    TxBenchQueue r{counters[q].packets.load(), counters[q].bytes.load()};
    report.queues.push_back(r);
    report.packets += r.packets;
    report.bytes += r.bytes;
  }
  report.pps = static_cast<double>(report.packets) / report.seconds;
  report.gbps = static_cast<double>(report.bytes) * 8 / report.seconds / 1e9;
  out << "bench-tx: " << report.packets << " frames in " << report.seconds << " s:";
  for (unsigned q = 0; q < c.threads && c.threads > 1; ++q) {
    out << "  q" << q << format_rate(report.queues[q].packets, report.queues[q].bytes,
                                    report.seconds);
  }
  out << "  total" << format_rate(report.packets, report.bytes, report.seconds) << "\n";
  return report;
}

}  // namespace portsweep
