#pragma once
// PacketIo backends for the loop benchmarks: the cheapest sink and source a
// loop can be given, so a benchmark measures the engine's loop and not the
// backend (MockIo takes a mutex and copies every frame into a vector).
//
//   NullIo    send_burst counts frames and bytes and copies nothing;
//             recv_burst returns 0 at once. No locks, no allocation. Made
//             with lend = true it lends buffers of its own (tx_lend, one
//             block per queue, allocated once) and tx_commit counts them as
//             send_burst does, so the TX loop's zero-copy path is timed too.
//   ReplayIo  a NullIo whose recv_burst hands out a prebuilt array of reply
//             frames, one burst at a time, then sets a stop flag (the RX
//             loop's stop_rx) and returns 0, so run_rx_thread returns once
//             the array has been read. rewind() replays it. With several
//             receive queues the array is dealt out over them (frame k to
//             queue k mod queues), each read by its own RX thread, and the
//             flag is set once every queue is empty.
//
// Each queue's counters have one writer (the thread driving that queue) and
// sit in their own cache line; stats() may read them from anywhere.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "io/packet_io.hpp"

namespace portsweep::bench {

class NullIo : public PacketIo {
 public:
  explicit NullIo(unsigned tx_queues, bool lend = false) : queues_(tx_queues), lend_(lend) {}

  std::string_view backend() const noexcept override { return "null"; }
  unsigned tx_queues() const noexcept override { return static_cast<unsigned>(queues_.size()); }

  size_t send_burst(unsigned queue, const TxFrame* frames, size_t n) noexcept override {
    Queue& q = queues_[queue];
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; ++i) bytes += frames[i].len;
    // One writer per queue: a plain load and store, no locked instruction.
    q.frames.store(q.frames.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    q.bytes.store(q.bytes.load(std::memory_order_relaxed) + bytes, std::memory_order_relaxed);
    q.calls.store(q.calls.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return n;
  }

  bool lends_tx_buffers() const noexcept override { return lend_; }

  size_t tx_lend(unsigned queue, uint8_t** buffers, size_t n, uint16_t room) noexcept override {
    Queue& q = queues_[queue];
    if (q.storage.size() < n * room) {
      // Once, on the first lend (the loop's burst and room do not change).
      try {
        q.storage.resize(n * room);
      } catch (...) {
        return 0;
      }
    }
    for (size_t i = 0; i < n; ++i) buffers[i] = q.storage.data() + i * room;
    q.lent = n;
    return n;
  }

  size_t tx_commit(unsigned queue, const uint16_t* lengths, size_t n) noexcept override {
    Queue& q = queues_[queue];
    n = std::min(n, q.lent);  // the first commit returns the surplus; every commit takes all
    q.lent = 0;
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; ++i) bytes += lengths[i];
    q.frames.store(q.frames.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    q.bytes.store(q.bytes.load(std::memory_order_relaxed) + bytes, std::memory_order_relaxed);
    q.calls.store(q.calls.load(std::memory_order_relaxed) + (n != 0), std::memory_order_relaxed);
    return n;
  }

  size_t recv_burst(RxFrame*, size_t, int) noexcept override { return 0; }

  IoStats stats() const override {
    IoStats s;
    for (const Queue& q : queues_) {
      s.tx_packets += q.frames.load(std::memory_order_relaxed);
      s.tx_bytes += q.bytes.load(std::memory_order_relaxed);
    }
    return s;
  }

  bool failed() const noexcept override { return false; }
  std::string failure_message() const override { return {}; }
  void close() override {}

  uint64_t frames(unsigned queue) const noexcept { return queues_[queue].frames.load(std::memory_order_relaxed); }
  uint64_t calls(unsigned queue) const noexcept { return queues_[queue].calls.load(std::memory_order_relaxed); }

 private:
  struct alignas(64) Queue {
    std::atomic<uint64_t> frames{0};
    std::atomic<uint64_t> bytes{0};
    std::atomic<uint64_t> calls{0};
    std::vector<uint8_t> storage;  // lent buffers, back to back
    size_t lent = 0;
  };
  std::vector<Queue> queues_;
  bool lend_ = false;
};

class ReplayIo final : public NullIo {
 public:
  // `frames` point into memory the caller keeps alive.
  ReplayIo(unsigned tx_queues, const std::vector<RxFrame>& frames, size_t rx_burst = IoConfig{}.rx_burst,
           unsigned rx_queues = 1)
      : NullIo(tx_queues), queues_(rx_queues), rx_burst_(rx_burst), size_(frames.size()) {
    for (size_t k = 0; k < frames.size(); ++k) queues_[k % rx_queues].frames.push_back(frames[k]);
  }

  // Starts the replay over; `done` is set when the last frame has been read.
  void rewind(std::atomic<bool>* done) noexcept {
    for (RxQueue& q : queues_) q.next = 0;
    empty_.store(0, std::memory_order_relaxed);
    done_ = done;
  }

  unsigned rx_queues() const noexcept override { return static_cast<unsigned>(queues_.size()); }

  size_t recv_queue_burst(unsigned queue, RxFrame* out, size_t max, int) noexcept override {
    RxQueue& q = queues_[queue];
    if (q.next == SIZE_MAX) return 0;
    const size_t n = std::min({max, rx_burst_, q.frames.size() - q.next});
    if (n == 0) {
      q.next = SIZE_MAX;  // this queue's first empty poll
      if (empty_.fetch_add(1, std::memory_order_relaxed) + 1 == queues_.size() && done_)
        done_->store(true, std::memory_order_relaxed);
      return 0;
    }
    std::memcpy(out, q.frames.data() + q.next, n * sizeof(RxFrame));
    q.next += n;
    return n;
  }

  size_t recv_burst(RxFrame* out, size_t max, int timeout_ms) noexcept override {
    return recv_queue_burst(0, out, max, timeout_ms);
  }

  size_t size() const noexcept { return size_; }

 private:
  struct alignas(64) RxQueue {
    std::vector<RxFrame> frames;
    size_t next = 0;  // SIZE_MAX once read to the end
  };
  std::vector<RxQueue> queues_;
  size_t rx_burst_;
  size_t size_;
  std::atomic<size_t> empty_{0};
  std::atomic<bool>* done_ = nullptr;
};

}  // namespace portsweep::bench
