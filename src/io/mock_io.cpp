#include "io/mock_io.hpp"

#include <algorithm>
#include <chrono>
#include <string>

namespace portsweep {

namespace {

int64_t wall_clock_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::unique_ptr<PacketIo> open_mock_io(const IoConfig& config) {
  return std::make_unique<MockIo>(config.tx_queues == 0 ? 1 : config.tx_queues, config.rx_queues);
}

}  // namespace

MockIo::MockIo(unsigned tx_queues, unsigned rx_queues)
    : tx_queues_(tx_queues == 0 ? 1 : tx_queues),
      pending_(rx_queues == 0 ? 1 : rx_queues),
      delivered_(pending_.size()),
      received_(pending_.size(), 0) {}

size_t MockIo::send_burst(unsigned queue, const TxFrame* frames, size_t n) noexcept {
  size_t accepted = 0;
  {
    std::lock_guard lock(mu_);
    if (closed_ || queue >= tx_queues_) return 0;
    accepted = std::min(n, tx_accept_limit_);
    for (size_t i = 0; i < accepted; ++i) {
      if (record_sent_) {
        const uint8_t* begin = frames[i].data;
        sent_.push_back({queue, std::vector<uint8_t>(begin, begin + frames[i].len)});
      }
      counters_.tx_bytes += frames[i].len;
    }
    sent_total_ += accepted;
    counters_.tx_packets += accepted;
  }
  // Outside mu_: the responder calls queue_reply, which takes it.
  std::lock_guard lock(responder_mu_);
  if (responder_) {
    for (size_t i = 0; i < accepted; ++i) {
      responder_(queue, std::span<const uint8_t>(frames[i].data, frames[i].len), *this);
    }
  }
  return accepted;
}

size_t MockIo::tx_lend(unsigned queue, uint8_t** buffers, size_t n, uint16_t room) noexcept {
  std::lock_guard lock(mu_);
  if (!lend_tx_.load(std::memory_order_relaxed) || closed_ || queue >= tx_queues_) return 0;
  LentBuffers& l = lent_[queue];
  if (l.count > l.head) {
    failure_ = "tx_lend on queue " + std::to_string(queue) + " with " + std::to_string(l.count - l.head) +
               " buffers still lent";
    return 0;
  }
  n = std::min(n, lend_limit_);
  if (l.buffers.size() < n) l.buffers.resize(n);
  for (size_t i = 0; i < n; ++i) {
    l.buffers[i].assign(room, kLentFill);
    buffers[i] = l.buffers[i].data();
  }
  l.head = 0;
  l.count = n;
  l.room = room;
  l.fresh = true;
  lends_ += n != 0;
  return n;
}

size_t MockIo::tx_commit(unsigned queue, const uint16_t* lengths, size_t n) noexcept {
  std::vector<TxFrame> frames;
  {
    std::lock_guard lock(mu_);
    if (queue >= tx_queues_ || queue >= lent_.size()) return 0;
    LentBuffers& l = lent_[queue];
    if (l.fresh) {
      l.fresh = false;
      if (n < l.count) {  // fewer frames than buffers: the surplus goes back
        returned_ += l.count - n;
        l.count = n;
      }
    }
    if (n == 0) {
      returned_ += l.count - l.head;
      l.head = l.count = 0;
      return 0;
    }
    if (n > l.count - l.head) {
      failure_ = "tx_commit of " + std::to_string(n) + " frames on queue " + std::to_string(queue) + " with " +
                 std::to_string(l.count - l.head) + " buffers lent";
      return 0;
    }
    for (size_t k = 0; k < n; ++k) {
      if (lengths[k] > l.room) {
        failure_ = "tx_commit of a " + std::to_string(lengths[k]) + "-byte frame in a buffer of " +
                   std::to_string(l.room);
        return 0;
      }
      frames.push_back({l.buffers[l.head + k].data(), lengths[k]});
    }
  }
  // Sent as send_burst sends: the same accept limit, record and responder.
  const size_t took = send_burst(queue, frames.data(), n);
  std::lock_guard lock(mu_);
  LentBuffers& l = lent_[queue];
  l.head += took;
  if (l.head == l.count) l.head = l.count = 0;
  return took;
}

void MockIo::set_lend_tx_buffers(bool lend) {
  std::lock_guard lock(mu_);
  lent_.resize(tx_queues_);
  lend_tx_.store(lend, std::memory_order_relaxed);
}

void MockIo::set_tx_lend_limit(size_t per_lend) {
  std::lock_guard lock(mu_);
  lend_limit_ = per_lend;
}

size_t MockIo::tx_lent() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const LentBuffers& l : lent_) n += l.count - l.head;
  return n;
}

size_t MockIo::tx_returned() const {
  std::lock_guard lock(mu_);
  return returned_;
}

size_t MockIo::tx_lends() const {
  std::lock_guard lock(mu_);
  return lends_;
}

// Moves up to `max` of queue's replies into `into` (reserved beforehand, so
// the pointers handed out stay put) and out[at...]. Under mu_.
size_t MockIo::take(unsigned queue, size_t max, RxFrame* out, size_t at, std::vector<Reply>& into) {
  std::deque<Reply>& q = pending_[queue];
  const size_t n = std::min(max, q.size());
  for (size_t i = 0; i < n; ++i) {
    into.push_back(std::move(q.front()));
    q.pop_front();
    Reply& r = into.back();
    out[at + i] = RxFrame{r.bytes.data(), static_cast<uint32_t>(r.bytes.size()),
                          r.time_us != 0 ? r.time_us : wall_clock_us(), static_cast<uint32_t>(r.bytes.size())};
    counters_.rx_packets += 1;
    counters_.rx_bytes += r.bytes.size();
  }
  received_[queue] += n;
  return n;
}

size_t MockIo::recv_burst(RxFrame* out, size_t max, int timeout_ms) noexcept {
  std::unique_lock lock(mu_);
  const auto any = [&] {
    for (const auto& q : pending_)
      if (!q.empty()) return true;
    return false;
  };
  delivered_[0].clear();
  if (!any() && timeout_ms > 0 && !closed_)
    reply_ready_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return any() || closed_; });
  if (closed_) return 0;
  size_t total = 0;
  for (const auto& q : pending_) total += q.size();
  delivered_[0].reserve(std::min(max, total));
  size_t n = 0;
  for (unsigned q = 0; q < pending_.size() && n < max; ++q) n += take(q, max - n, out, n, delivered_[0]);
  return n;
}

size_t MockIo::recv_queue_burst(unsigned queue, RxFrame* out, size_t max, int timeout_ms) noexcept {
  if (queue >= pending_.size()) return 0;
  std::unique_lock lock(mu_);
  std::deque<Reply>& q = pending_[queue];
  delivered_[queue].clear();
  if (q.empty() && timeout_ms > 0 && !closed_)
    reply_ready_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !q.empty() || closed_; });
  if (closed_) return 0;
  delivered_[queue].reserve(std::min(max, q.size()));
  return take(queue, max, out, 0, delivered_[queue]);
}

IoStats MockIo::stats() const {
  std::lock_guard lock(mu_);
  IoStats s = counters_;
  size_t waiting = 0;
  for (const auto& q : pending_) waiting += q.size();
  s.extra.push_back({"mock_pending_replies", waiting});
  return s;
}

bool MockIo::failed() const noexcept {
  std::lock_guard lock(mu_);
  return !failure_.empty();
}

std::string MockIo::failure_message() const {
  std::lock_guard lock(mu_);
  return failure_;
}

void MockIo::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  reply_ready_.notify_all();
}

namespace {

// A flow's receive queue, as RSS picks one: a hash of the IPv4 or IPv6
// addresses and the first 4 bytes after them (the ports of TCP and UDP).
unsigned flow_queue(std::span<const uint8_t> f, unsigned queues) {
  if (queues == 1 || f.size() < 14) return 0;
  const uint16_t type = static_cast<uint16_t>(f[12] << 8 | f[13]);
  size_t from = 0, len = 0;
  if (type == 0x0800 && f.size() >= 14 + 20 + 4) {
    from = 14 + 12;
    len = 8 + 4;
    if ((f[14] & 0x0f) != 5) len = 8;  // options: the addresses only
  } else if (type == 0x86dd && f.size() >= 14 + 40 + 4) {
    from = 14 + 8;
    len = 32 + 4;
  }
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = from; i < from + len; ++i) h = (h ^ f[i]) * 0x100000001b3ull;
  return static_cast<unsigned>(h % queues);
}

}  // namespace

void MockIo::queue_reply(std::span<const uint8_t> frame, int64_t time_us) {
  queue_reply_on(flow_queue(frame, static_cast<unsigned>(pending_.size())), frame, time_us);
}

void MockIo::queue_reply_on(unsigned queue, std::span<const uint8_t> frame, int64_t time_us) {
  {
    std::lock_guard lock(mu_);
    pending_[queue % pending_.size()].push_back({std::vector<uint8_t>(frame.begin(), frame.end()), time_us});
  }
  reply_ready_.notify_all();
}

std::vector<uint64_t> MockIo::received_per_queue() const {
  std::lock_guard lock(mu_);
  return received_;
}

void MockIo::set_responder(Responder responder) {
  std::lock_guard lock(responder_mu_);
  responder_ = std::move(responder);
}

void MockIo::set_tx_accept_limit(size_t per_burst) {
  std::lock_guard lock(mu_);
  tx_accept_limit_ = per_burst;
}

void MockIo::set_record_sent(bool record) {
  std::lock_guard lock(mu_);
  record_sent_ = record;
}

void MockIo::fail(std::string message) {
  std::lock_guard lock(mu_);
  failure_ = std::move(message);
}

void MockIo::set_rx_dropped(uint64_t n) {
  std::lock_guard lock(mu_);
  counters_.rx_dropped = n;
}

std::vector<MockIo::SentFrame> MockIo::sent_frames() const {
  std::lock_guard lock(mu_);
  return sent_;
}

size_t MockIo::sent_count() const {
  std::lock_guard lock(mu_);
  return sent_total_;
}

void MockIo::clear_sent() {
  std::lock_guard lock(mu_);
  sent_.clear();
  sent_total_ = 0;
}

size_t MockIo::pending_replies() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& q : pending_) n += q.size();
  return n;
}

bool MockIo::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

}  // namespace portsweep

PORTSWEEP_REGISTER_IO_BACKEND(mock, "mock", &portsweep::open_mock_io)
