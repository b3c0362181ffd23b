#pragma once
// Test double for PacketIo: records what the engine sends and hands back
// replies the test queued, or that a responder made up for each sent frame,
// so the engine can be tested end to end without a network. Thread-safe with
// a mutex; speed is not its job.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "io/packet_io.hpp"

namespace portsweep {

class MockIo final : public PacketIo {
 public:
  struct SentFrame {
    unsigned queue = 0;
    std::vector<uint8_t> bytes;
  };
  // Sees every accepted frame (the bytes are valid only during the call) and
  // may call queue_reply to simulate the target. Calls are serialised, so a
  // responder needs no locking of its own.
  using Responder = std::function<void(unsigned queue, std::span<const uint8_t> frame, MockIo&)>;

  // rx_queues > 1: replies are spread over that many receive queues by a
  // hash of their addresses and ports (as RSS spreads flows), each read by
  // recv_queue_burst; recv_burst reads them all.
  explicit MockIo(unsigned tx_queues = 1, unsigned rx_queues = 1);

  std::string_view backend() const noexcept override { return "mock"; }
  unsigned tx_queues() const noexcept override { return tx_queues_; }
  size_t send_burst(unsigned queue, const TxFrame* frames, size_t n) noexcept override;
  bool lends_tx_buffers() const noexcept override { return lend_tx_.load(std::memory_order_relaxed); }
  size_t tx_lend(unsigned queue, uint8_t** buffers, size_t n, uint16_t room) noexcept override;
  size_t tx_commit(unsigned queue, const uint16_t* lengths, size_t n) noexcept override;
  size_t recv_burst(RxFrame* out, size_t max, int timeout_ms) noexcept override;
  unsigned rx_queues() const noexcept override { return static_cast<unsigned>(pending_.size()); }
  size_t recv_queue_burst(unsigned queue, RxFrame* out, size_t max, int timeout_ms) noexcept override;
  IoStats stats() const override;
  bool failed() const noexcept override;
  std::string failure_message() const override;
  void close() override;

  // --- test side ---
  // time_us 0 stamps the reply with the wall clock when it is received.
  void queue_reply(std::span<const uint8_t> frame, int64_t time_us = 0);
  // The reply on this receive queue, whatever its hash says (a duplicate
  // that reaches another RX thread).
  void queue_reply_on(unsigned queue, std::span<const uint8_t> frame, int64_t time_us = 0);
  // Frames handed out per receive queue so far.
  std::vector<uint64_t> received_per_queue() const;
  void set_responder(Responder responder);
  // Accept at most this many frames per send_burst (0: none), to exercise the
  // engine's "device queue full, retry" path. SIZE_MAX (the default) accepts all.
  void set_tx_accept_limit(size_t per_burst);
  // Keep only the counters, not the bytes, for scans of millions of probes.
  void set_record_sent(bool record);
  // Simulates an unrecoverable device error.
  void fail(std::string message);
  // Shown as rx_dropped in stats(), to test how the summary reports losses.
  void set_rx_dropped(uint64_t n);

  // Zero-copy transmit: lend buffers of the mock's own (tx_lend) and take
  // them back through tx_commit, which sends them as send_burst would (same
  // record, accept limit and responder). Each lend fills its buffers with
  // kLentFill, so a probe writer that leaves bytes unwritten shows. A broken
  // contract (a lend with buffers still lent, a commit of more than is lent
  // or of a frame longer than the room asked for) makes failed() true.
  static constexpr uint8_t kLentFill = 0xA5;
  void set_lend_tx_buffers(bool lend);
  // Lend at most this many buffers per tx_lend (SIZE_MAX, the default: all asked).
  void set_tx_lend_limit(size_t per_lend);
  size_t tx_lent() const;      // buffers lent now, over every queue
  size_t tx_returned() const;  // buffers given back unsent (surplus, or n = 0)
  size_t tx_lends() const;     // tx_lend calls that lent something

  std::vector<SentFrame> sent_frames() const;
  size_t sent_count() const;
  void clear_sent();
  size_t pending_replies() const;
  bool closed() const;

 private:
  struct Reply {
    std::vector<uint8_t> bytes;
    int64_t time_us = 0;
  };

  const unsigned tx_queues_;
  mutable std::mutex mu_;
  std::condition_variable reply_ready_;
  std::vector<SentFrame> sent_;
  size_t sent_total_ = 0;
  // Per receive queue: replies waiting, and those backing the RxFrames of
  // that queue's last burst (recv_burst uses queue 0's).
  std::vector<std::deque<Reply>> pending_;
  std::vector<std::vector<Reply>> delivered_;
  std::vector<uint64_t> received_;
  size_t take(unsigned queue, size_t max, RxFrame* out, size_t at, std::vector<Reply>& into);
  size_t tx_accept_limit_ = SIZE_MAX;
  bool record_sent_ = true;
  bool closed_ = false;
  std::string failure_;
  IoStats counters_;

  std::mutex responder_mu_;
  Responder responder_;

  // Zero-copy transmit, per queue; under mu_.
  struct LentBuffers {
    std::vector<std::vector<uint8_t>> buffers;
    size_t head = 0;   // [head, count) are lent
    size_t count = 0;
    uint16_t room = 0;
    bool fresh = false;  // no commit since the lend
  };
  std::atomic<bool> lend_tx_{false};
  std::vector<LentBuffers> lent_;
  size_t lend_limit_ = SIZE_MAX;
  size_t returned_ = 0;
  size_t lends_ = 0;
};

}  // namespace portsweep
