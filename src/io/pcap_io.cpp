// The libpcap backend. Linux only in practice: TX goes through sendmmsg on the
// PF_PACKET socket under each pcap handle, one syscall per batch instead of
// one pcap_inject per frame; or (tx=ring) through an AF_PACKET transmit ring
// per queue, which lends its slots to the engine so probes are written where
// the kernel reads them (io/packet_tx_ring.hpp).
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/packet_io.hpp"
#include "io/packet_tx_ring.hpp"

namespace portsweep {

namespace {

constexpr size_t kTxBatch = 64;  // frames per sendmmsg call
constexpr int kTxSnaplen = 64;   // TX handles capture nothing; libpcap still wants one
constexpr int kTxRingBytes = 128 * 1024;
constexpr auto kStatsRefresh = std::chrono::milliseconds(200);

enum class TxMethod { SendMmsg, Inject, Ring };

// Counters have one writer (the thread that owns the queue or the RX thread)
// and are read by stats() from anywhere: a relaxed load+store is race-free and
// costs no locked instruction.
inline void bump(std::atomic<uint64_t>& counter, uint64_t n) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

inline uint64_t read(const std::atomic<uint64_t>& counter) noexcept {
  return counter.load(std::memory_order_relaxed);
}

// Errors meaning the interface is down or gone: retrying cannot help, and the
// engine must stop. Anything else is a problem with one frame.
bool is_fatal_send_error(int err) noexcept {
  return err == ENETDOWN || err == ENXIO || err == ENODEV || err == EBADF;
}

// Each queue sits on its own cache lines so two TX threads never share one.
struct alignas(64) TxQueue {
  pcap_t* handle = nullptr;
  int fd = -1;
  std::atomic<uint64_t> packets{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> queue_full{0};
  std::array<mmsghdr, kTxBatch> msgs{};
  std::array<iovec, kTxBatch> iov{};
  std::unique_ptr<PacketTxRing> ring;  // tx=ring: instead of the handle
  std::array<uint8_t*, kTxBatch> slots{};  // send_burst's copies through the ring
  std::array<uint16_t, kTxBatch> lengths{};
};

// Where pcap_dispatch's callback copies a burst.
struct RxCursor {
  RxFrame* out;
  size_t max;
  size_t count;
  uint8_t* arena;
  uint32_t stride;
  uint64_t bytes;
};

std::string activate_error(pcap_t* handle, int status) {
  std::string msg = pcap_statustostr(status);
  const char* detail = pcap_geterr(handle);
  // libpcap often repeats the status text as the detail; show it only if new.
  if (detail != nullptr && detail[0] != '\0' && msg != detail) {
    msg += " (";
    msg += detail;
    msg += ')';
  }
  if (status == PCAP_ERROR_PERM_DENIED) msg += "; portsweep needs root or CAP_NET_RAW";
  return msg;
}

class PcapIo final : public PacketIo {
 public:
  explicit PcapIo(const IoConfig& config);
  ~PcapIo() override { close(); }

  std::string_view backend() const noexcept override { return "pcap"; }
  unsigned tx_queues() const noexcept override { return static_cast<unsigned>(tx_.size()); }
  size_t send_burst(unsigned queue, const TxFrame* frames, size_t n) noexcept override;
  bool lends_tx_buffers() const noexcept override { return tx_method_ == TxMethod::Ring; }
  size_t tx_lend(unsigned queue, uint8_t** buffers, size_t n, uint16_t room) noexcept override;
  size_t tx_commit(unsigned queue, const uint16_t* lengths, size_t n) noexcept override;
  size_t recv_burst(RxFrame* out, size_t max, int timeout_ms) noexcept override;
  IoStats stats() const override;
  bool failed() const noexcept override {
    return failure_state_.load(std::memory_order_acquire) == kFailureReady;
  }
  std::string failure_message() const override;
  void close() override;

 private:
  pcap_t* open_handle(int snaplen, int buffer_bytes, bool promiscuous, const char* purpose);
  void open_rx(const IoConfig& config);
  void open_tx_queue(TxQueue& q, bool qdisc_bypass);
  size_t send_mmsg(TxQueue& q, const TxFrame* frames, size_t n) noexcept;
  size_t send_inject(TxQueue& q, const TxFrame* frames, size_t n) noexcept;
  size_t send_ring(TxQueue& q, const TxFrame* frames, size_t n) noexcept;
  size_t commit_ring(TxQueue& q, const uint16_t* lengths, size_t n) noexcept;
  // `what` is "sending on" or "capture on": the message reads "<what> \"eth0\" failed: <detail>."
  void record_failure(const char* what, const char* detail) noexcept;
  void refresh_capture_stats() noexcept;
  static void on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes);

  std::string iface_;
  TxMethod tx_method_ = TxMethod::SendMmsg;
  bool qdisc_bypass_ = false;

  pcap_t* rx_ = nullptr;
  int rx_fd_ = -1;
  uint32_t rx_stride_ = 0;
  size_t rx_burst_ = 0;
  std::unique_ptr<uint8_t[]> rx_arena_;
  std::chrono::steady_clock::time_point last_stats_{};

  std::vector<std::unique_ptr<TxQueue>> tx_;

  std::atomic<uint64_t> rx_packets_{0};
  std::atomic<uint64_t> rx_bytes_{0};
  std::atomic<uint64_t> rx_dropped_{0};
  std::atomic<uint64_t> rx_if_dropped_{0};

  // The first fatal error, written once without locking or allocating so the
  // burst functions can report it from their noexcept paths.
  static constexpr int kFailureNone = 0, kFailureWriting = 1, kFailureReady = 2;
  std::atomic<int> failure_state_{kFailureNone};
  char failure_[320] = {};
};

PcapIo::PcapIo(const IoConfig& config) : iface_(config.iface) {
  if (iface_.empty()) throw UsageError("the pcap I/O backend needs an interface name.");
  if (config.tx_queues == 0) throw UsageError("the pcap I/O backend needs at least one TX queue.");
  for (const auto& [key, value] : config.options) {
    if (key == "tx" && value == "sendmmsg") {
      tx_method_ = TxMethod::SendMmsg;
    } else if (key == "tx" && value == "inject") {
      tx_method_ = TxMethod::Inject;
    } else if (key == "tx" && value == "ring") {
      tx_method_ = TxMethod::Ring;
    } else if (key == "tx") {
      throw UsageError("bad value \"" + value +
                       "\" for the pcap I/O option tx: expected sendmmsg, inject or ring.");
    } else {
      throw UsageError("unknown pcap I/O option \"" + key + "\": the only one is tx.");
    }
  }
  qdisc_bypass_ = config.qdisc_bypass;

  // On failure part-way, the destructor is not run: close what is open.
  try {
    open_rx(config);
    tx_.reserve(config.tx_queues);
    for (unsigned i = 0; i < config.tx_queues; ++i) {
      tx_.push_back(std::make_unique<TxQueue>());
      open_tx_queue(*tx_.back(), config.qdisc_bypass);
    }
  } catch (...) {
    close();
    throw;
  }
}

pcap_t* PcapIo::open_handle(int snaplen, int buffer_bytes, bool promiscuous, const char* purpose) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* h = pcap_create(iface_.c_str(), errbuf);
  if (h == nullptr) {
    throw RuntimeFailure("cannot open interface \"" + iface_ + "\" " + purpose + ": " + errbuf);
  }
  pcap_set_snaplen(h, snaplen);
  pcap_set_promisc(h, promiscuous ? 1 : 0);
  // Replies must reach the engine as they arrive, not when a block fills:
  // its timeouts and rate feedback depend on it.
  pcap_set_immediate_mode(h, 1);
  pcap_set_buffer_size(h, buffer_bytes);
  int status = pcap_activate(h);
  if (status < 0) {
    std::string msg = activate_error(h, status);
    pcap_close(h);
    throw RuntimeFailure("cannot open interface \"" + iface_ + "\" " + purpose + ": " + msg + ".");
  }
  if (pcap_datalink(h) != DLT_EN10MB) {
    const char* name = pcap_datalink_val_to_name(pcap_datalink(h));
    pcap_close(h);
    throw RuntimeFailure("interface \"" + iface_ + "\" is not an Ethernet interface (link type " +
                         (name != nullptr ? name : "unknown") +
                         "); portsweep sends and receives Ethernet frames.");
  }
  return h;
}

void PcapIo::open_rx(const IoConfig& config) {
  uint32_t snaplen = std::max<uint32_t>(config.rx_snaplen, 64);
  size_t buffer = std::min<size_t>(config.rx_buffer_bytes, size_t{1} << 30);
  rx_ = open_handle(static_cast<int>(snaplen), static_cast<int>(buffer), config.promiscuous,
                    "for capture");
  // Our own probes would otherwise pass through the capture filter once each.
  // PACKET_IGNORE_OUTGOING drops them before the filter runs (Linux 4.20+);
  // setdirection is the portable fallback.
  int one = 1;
  rx_fd_ = pcap_get_selectable_fd(rx_);
  if (rx_fd_ < 0 || setsockopt(rx_fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0) {
    pcap_setdirection(rx_, PCAP_D_IN);
  }
  if (!config.rx_filter.empty()) {
    bpf_program prog{};
    if (pcap_compile(rx_, &prog, config.rx_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      throw RuntimeFailure("cannot compile the capture filter \"" + config.rx_filter + "\" for \"" +
                           iface_ + "\": " + pcap_geterr(rx_) + ".");
    }
    int rc = pcap_setfilter(rx_, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
      throw RuntimeFailure("cannot set the capture filter on \"" + iface_ + "\": " +
                           pcap_geterr(rx_) + ".");
    }
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  if (pcap_setnonblock(rx_, 1, errbuf) != 0) {
    throw RuntimeFailure("cannot make the capture on \"" + iface_ + "\" non-blocking: " +
                         errbuf + ".");
  }
  rx_stride_ = snaplen;
  rx_burst_ = std::max<size_t>(config.rx_burst, 1);
  rx_arena_ = std::make_unique<uint8_t[]>(rx_burst_ * rx_stride_);
  last_stats_ = std::chrono::steady_clock::now();
}

void PcapIo::open_tx_queue(TxQueue& q, bool qdisc_bypass) {
  if (tx_method_ == TxMethod::Ring) {
    const unsigned ifindex = if_nametoindex(iface_.c_str());
    if (ifindex == 0) throw RuntimeFailure("no interface \"" + iface_ + "\" to send on.");
    q.ring = std::make_unique<PacketTxRing>(iface_, static_cast<int>(ifindex), qdisc_bypass);
    return;
  }
  // A handle per queue: threads never share a socket or libpcap's state.
  q.handle = open_handle(kTxSnaplen, kTxRingBytes, false, "for sending");
  q.fd = pcap_fileno(q.handle);
  // The socket is there to send. A filter that accepts nothing keeps the
  // kernel from copying inbound traffic into its ring, and ignoring outgoing
  // frames spares it a filter run per frame the other queues send.
  bpf_insn reject_all = {BPF_RET | BPF_K, 0, 0, 0};
  bpf_program prog{1, &reject_all};
  if (pcap_setfilter(q.handle, &prog) != 0) {
    throw RuntimeFailure("cannot set up the sending socket on \"" + iface_ + "\": " +
                         pcap_geterr(q.handle) + ".");
  }
  int one = 1;
  (void)setsockopt(q.fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  if (qdisc_bypass &&
      setsockopt(q.fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0) {
    throw RuntimeFailure("cannot bypass the queueing discipline on \"" + iface_ +
                         "\": " + std::strerror(errno) + ".");
  }
  for (size_t i = 0; i < kTxBatch; ++i) {
    q.msgs[i].msg_hdr.msg_iov = &q.iov[i];
    q.msgs[i].msg_hdr.msg_iovlen = 1;
  }
}

size_t PcapIo::send_burst(unsigned queue, const TxFrame* frames, size_t n) noexcept {
  if (queue >= tx_.size()) return 0;
  TxQueue& q = *tx_[queue];
  if (q.ring) return send_ring(q, frames, n);
  if (q.fd < 0) return 0;
  return tx_method_ == TxMethod::SendMmsg ? send_mmsg(q, frames, n) : send_inject(q, frames, n);
}

size_t PcapIo::tx_lend(unsigned queue, uint8_t** buffers, size_t n, uint16_t room) noexcept {
  if (queue >= tx_.size() || !tx_[queue]->ring) return 0;
  TxQueue& q = *tx_[queue];
  if (room > PacketTxRing::kSlotRoom) {
    record_failure("sending on", "a probe is longer than a transmit ring slot");
    return 0;
  }
  uint64_t rejected = 0;
  const size_t k = q.ring->lend(buffers, n, rejected);
  if (rejected != 0) bump(q.errors, rejected);
  if (k == 0) bump(q.queue_full, 1);
  return k;
}

size_t PcapIo::tx_commit(unsigned queue, const uint16_t* lengths, size_t n) noexcept {
  if (queue >= tx_.size() || !tx_[queue]->ring) return 0;
  return commit_ring(*tx_[queue], lengths, n);
}

size_t PcapIo::commit_ring(TxQueue& q, const uint16_t* lengths, size_t n) noexcept {
  uint64_t bytes = 0;
  int err = 0;
  n = q.ring->commit(lengths, n, bytes, err);
  if (err != 0 && is_fatal_send_error(err)) {
    record_failure("sending on", std::strerror(err));
    bump(q.errors, n);
    return n;
  }
  // The kernel takes every queued slot; one it finds malformed comes back
  // marked, and the next lend counts it.
  bump(q.packets, n);
  bump(q.bytes, bytes);
  return n;
}

// A copying send through the ring: the RX thread's RSTs, shaped probes.
size_t PcapIo::send_ring(TxQueue& q, const TxFrame* frames, size_t n) noexcept {
  size_t done = 0;
  while (done < n) {
    // The frames up to the first one no slot holds; that one is skipped.
    size_t chunk = 0;
    while (chunk < std::min(n - done, kTxBatch) && frames[done + chunk].len <= PacketTxRing::kSlotRoom) ++chunk;
    if (chunk == 0) {
      bump(q.errors, 1);
      done += 1;
      continue;
    }
    uint64_t rejected = 0;
    const size_t k = q.ring->lend(q.slots.data(), chunk, rejected);
    if (rejected != 0) bump(q.errors, rejected);
    if (k == 0) {
      bump(q.queue_full, 1);
      break;
    }
    for (size_t i = 0; i < k; ++i) {
      std::memcpy(q.slots[i], frames[done + i].data, frames[done + i].len);
      q.lengths[i] = frames[done + i].len;
    }
    done += commit_ring(q, q.lengths.data(), k);
  }
  return done;
}

size_t PcapIo::send_mmsg(TxQueue& q, const TxFrame* frames, size_t n) noexcept {
  size_t done = 0;
  uint64_t sent = 0, bytes = 0, errors = 0;
  while (done < n) {
    size_t chunk = std::min(n - done, kTxBatch);
    for (size_t i = 0; i < chunk; ++i) {
      q.iov[i].iov_base = const_cast<uint8_t*>(frames[done + i].data);
      q.iov[i].iov_len = frames[done + i].len;
    }
    // The socket is bound to the interface, so no destination address is needed.
    int r = sendmmsg(q.fd, q.msgs.data(), static_cast<unsigned>(chunk), 0);
    if (r > 0) {
      for (int i = 0; i < r; ++i) bytes += frames[done + i].len;
      sent += static_cast<uint64_t>(r);
      done += static_cast<size_t>(r);
      continue;  // a short count means frame `done` failed: the next call says why
    }
    int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
      // The device queue is full and the frame was not sent: hand it back.
      bump(q.queue_full, 1);
      break;
    }
    if (is_fatal_send_error(err)) {
      record_failure("sending on", std::strerror(err));
      errors += n - done;
      done = n;
      break;
    }
    // Something wrong with this one frame (too long, too short): skip it.
    errors += 1;
    done += 1;
  }
  bump(q.packets, sent);
  bump(q.bytes, bytes);
  if (errors != 0) bump(q.errors, errors);
  return done;
}

size_t PcapIo::send_inject(TxQueue& q, const TxFrame* frames, size_t n) noexcept {
  size_t done = 0;
  uint64_t sent = 0, bytes = 0, errors = 0;
  for (; done < n; ++done) {
    if (pcap_inject(q.handle, frames[done].data, frames[done].len) >= 0) {
      sent += 1;
      bytes += frames[done].len;
      continue;
    }
    int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
      bump(q.queue_full, 1);
      break;
    }
    if (is_fatal_send_error(err)) {
      record_failure("sending on", pcap_geterr(q.handle));
      errors += n - done;
      done = n;
      break;
    }
    errors += 1;
  }
  bump(q.packets, sent);
  bump(q.bytes, bytes);
  if (errors != 0) bump(q.errors, errors);
  return done;
}

void PcapIo::on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto* cur = reinterpret_cast<RxCursor*>(user);
  if (cur->count >= cur->max) return;
  uint32_t len = std::min(header->caplen, cur->stride);
  uint8_t* dst = cur->arena + cur->count * cur->stride;
  std::memcpy(dst, bytes, len);
  cur->out[cur->count] = RxFrame{
      dst, len,
      static_cast<int64_t>(header->ts.tv_sec) * 1000000 + static_cast<int64_t>(header->ts.tv_usec),
      header->len};
  cur->count += 1;
  cur->bytes += len;
}

size_t PcapIo::recv_burst(RxFrame* out, size_t max, int timeout_ms) noexcept {
  if (rx_ == nullptr || max == 0) return 0;
  RxCursor cur{out, std::min(max, rx_burst_), 0, rx_arena_.get(), rx_stride_, 0};
  auto* user = reinterpret_cast<u_char*>(&cur);
  int r = pcap_dispatch(rx_, static_cast<int>(cur.max), &PcapIo::on_packet, user);
  if (r == 0 && timeout_ms > 0) {
    pollfd pfd{rx_fd_, POLLIN, 0};
    int pr = poll(&pfd, 1, timeout_ms);
    if (pr > 0 && (pfd.revents & POLLERR) != 0) {
      // The kernel flags the socket when the interface goes down; libpcap in
      // non-blocking mode would not notice, and poll would spin.
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(rx_fd_, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) record_failure("capture on", std::strerror(err));
    }
    if (pr > 0 && (pfd.revents & POLLIN) != 0) {
      r = pcap_dispatch(rx_, static_cast<int>(cur.max), &PcapIo::on_packet, user);
    }
  }
  if (r < 0 && r != PCAP_ERROR_BREAK) {
    record_failure("capture on", pcap_geterr(rx_));
  }
  if (cur.count != 0) {
    bump(rx_packets_, cur.count);
    bump(rx_bytes_, cur.bytes);
  }
  auto now = std::chrono::steady_clock::now();
  if (now - last_stats_ >= kStatsRefresh) {
    last_stats_ = now;
    refresh_capture_stats();
  }
  return cur.count;
}

void PcapIo::refresh_capture_stats() noexcept {
  // Called from the RX thread only: libpcap's handle is not thread-safe.
  pcap_stat ps{};
  if (rx_ != nullptr && pcap_stats(rx_, &ps) == 0) {
    rx_dropped_.store(ps.ps_drop, std::memory_order_relaxed);
    rx_if_dropped_.store(ps.ps_ifdrop, std::memory_order_relaxed);
  }
}

void PcapIo::record_failure(const char* what, const char* detail) noexcept {
  int expected = kFailureNone;
  if (!failure_state_.compare_exchange_strong(expected, kFailureWriting,
                                              std::memory_order_acq_rel)) {
    return;  // keep the first error: later ones are usually its consequences
  }
  std::snprintf(failure_, sizeof failure_, "%s \"%s\" failed: %s.", what, iface_.c_str(),
                detail != nullptr && detail[0] != '\0' ? detail : "unknown error");
  failure_state_.store(kFailureReady, std::memory_order_release);
}

std::string PcapIo::failure_message() const {
  if (!failed()) return {};
  return failure_;
}

IoStats PcapIo::stats() const {
  IoStats s;
  uint64_t queue_full = 0;
  for (const auto& q : tx_) {
    s.tx_packets += read(q->packets);
    s.tx_bytes += read(q->bytes);
    s.tx_errors += read(q->errors);
    queue_full += read(q->queue_full);
  }
  s.rx_packets = read(rx_packets_);
  s.rx_bytes = read(rx_bytes_);
  s.rx_dropped = read(rx_dropped_);
  s.rx_if_dropped = read(rx_if_dropped_);
  s.extra.push_back({"tx_queue_full", queue_full});
  s.extra.push_back({"qdisc_bypass", qdisc_bypass_ ? 1u : 0u});
  return s;
}

void PcapIo::close() {
  if (rx_ != nullptr) {
    refresh_capture_stats();
    pcap_close(rx_);
    rx_ = nullptr;
    rx_fd_ = -1;
  }
  for (auto& q : tx_) {
    q->ring.reset();
    if (q->handle != nullptr) {
      pcap_close(q->handle);
      q->handle = nullptr;
      q->fd = -1;
    }
  }
}

std::unique_ptr<PacketIo> open_pcap_io(const IoConfig& config) {
  return std::make_unique<PcapIo>(config);
}

}  // namespace

}  // namespace portsweep

PORTSWEEP_REGISTER_IO_BACKEND(pcap, "pcap", &portsweep::open_pcap_io)
