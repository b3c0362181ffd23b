// Design note: nmap's OS probes to hundreds of hosts at once.
//
// nmap runs OS detection in rounds over a group of hosts: every host's six
// SEQ probes (100 ms apart: the ISN and timestamp rates are measured over
// those 500 ms), then, once the last of them is answered or timed out, the
// rest (IE1, IE2, U1, a resend of any SEQ probe left unanswered for its
// OPS/WIN/T1 lines, ECN, T2-T7) at least 25 ms apart per host, each
// retransmitted up to three times when its timeout passes. A host whose
// fingerprint does not match perfectly gets another whole try 1 s later (1.5
// s more before the fourth), up to --max-os-tries (5). A group waits for its
// slowest host at every step: the next try, the next group.
//
// Here each host runs that schedule on its own clock. One loop on the
// calling thread holds a slot per host in its tries (up to
// max_hosts_at_once; the rest wait for a free slot), and each pass:
//   - steps every slot: a probe is due (its gap since the host's last probe
//     has passed), a probe's timeout has passed (the SEQ probes are dropped,
//     as nmap's; the others go to the back of the host's queue until their
//     fourth send), the try is over (nothing queued, nothing awaited);
//   - sends the due probes of all hosts in one burst;
//   - waits in recv_burst until the earliest slot deadline (or a reply);
//   - matches each reply: its source address to the host (binary search over
//     the hosts sorted by address), then os_probe_answered to the probe of
//     the host's current try; anything else is a stray.
// A finished try goes to the judge on a thread of its own (matching against
// nmap-os-db costs milliseconds a host; on this thread it would stretch other
// hosts' 100 ms SEQ gaps), which says whether the host is done; if not, its
// next try starts try_gap later. The hosts' first SEQ probes are spread
// over one SEQ gap, so hundreds of hosts do not send and answer in one burst.
//
// Source ports: probe i of a try goes from base + i, the base moved by 256
// each try as nmap moves it (a target still in SYN-RECEIVED for the last
// try's 4-tuple would ignore a new SYN on it); a late reply to an earlier
// try names a port of that try and is not taken for this one's.
//
// Cost (counted, not benchmarked): per probe, an Ethernet header and
// build_os_probe into a buffer made once, and a copy of the datagram (at most
// 336 bytes) into the host's exchange, whose buffers are reserved when its
// slot is made: no allocation per packet (a reply longer than 576 bytes,
// which no OS probe draws, would grow its buffer once). Per reply: Ethernet
// and IPv4 bounds checks, a binary search over the hosts (8 steps for 256),
// os_probe_answered, a copy. Per pass: one step per slot, a few branches
// when nothing is due; passes happen about as often as probes are due or
// replies arrive (16 probes a host a try), so the loop is far from the
// 100 ms scale it keeps: in the lab, 256 hosts at once (959 tries),
// the 4255 SEQ gaps seen on the target's side were 99.99-102.84 ms (median
// 100.63; nmap's timing ratio 1.01 at worst). The judge's queue
// takes a lock per host per try, never per packet. A slot costs ~15 KB
// (16 sent and 16 reply buffers): 15 MB at the default 1024 hosts at once.
#include "engine/os_scan.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>

#include "common/clock.hpp"
#include "engine/packet_tracer.hpp"
#include "os/os_observation.hpp"
#include "os/os_probes.hpp"

namespace portsweep {

using os::OsProbeId;

namespace {

constexpr size_t kProbes = os::kOsProbeCount;
constexpr size_t kEthHeader = 14;
constexpr size_t kFrameBytes = kEthHeader + os::kOsProbeMaxBytes;
constexpr size_t kReplyReserve = 576;  // an ICMP error is at most 576 bytes (RFC 1812); TCP replies are far smaller
constexpr size_t kTxBatch = 256;
constexpr size_t kRxBurst = 256;
constexpr int kSeqProbes = 6;
constexpr uint16_t kPortBaseLow = 33000;  // nmap's range for OS probe source ports
constexpr uint16_t kPortBaseSpan = 32261;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();



uint64_t splitmix(uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint32_t be32(const uint8_t* p) noexcept {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

constexpr uint32_t bit(OsProbeId id) noexcept { return uint32_t{1} << static_cast<unsigned>(id); }
constexpr size_t idx(OsProbeId id) noexcept { return static_cast<size_t>(id); }

// The IPv4 datagram of an Ethernet frame (VLAN tags skipped), cut to its
// total length (the frame's padding dropped), or nullptr.
const uint8_t* ipv4_of(const uint8_t* f, size_t len, size_t& ip_len) noexcept {
  size_t off = 12;
  for (int tags = 0; tags < 3; ++tags) {
    if (len < off + 2) return nullptr;
    const uint16_t type = static_cast<uint16_t>(f[off] << 8 | f[off + 1]);
    if (type == 0x0800) break;
    if (type != 0x8100 && type != 0x88A8) return nullptr;
    off += 4;
  }
  off += 2;
  if (len < off + 20 || (f[off] >> 4) != 4) return nullptr;
  const size_t total = size_t{f[off + 2]} << 8 | f[off + 3];
  const size_t ihl = size_t{f[off] & 0x0Fu} * 4;
  if (ihl < 20 || total < ihl) return nullptr;
  ip_len = std::min(total, len - off);  // a capture cut short keeps what it has
  return f + off;
}

enum class Phase : uint8_t { Free, Waiting, Seq, Tui, Judging };

struct Slot {
  size_t host = 0;
  Phase phase = Phase::Free;
  int try_index = 0;
  int64_t start_at = 0;   // Waiting: when the try begins (monotonic us)
  int64_t last_send = 0;  // the host's last probe
  int seq_sent = 0;
  uint32_t active = 0;    // sent, unanswered, within its timeout
  uint32_t sent = 0;      // sent at least once this try
  uint32_t answered = 0;
  std::array<int64_t, kProbes> sent_mono{};
  std::array<uint8_t, kProbes> tui_sends{};
  std::array<uint8_t, kProbes> queue{};  // the TCP/UDP/ICMP phase's send order
  uint8_t q_head = 0, q_len = 0;
  bool have_rtt = false;
  double srtt_us = 0, rttvar_us = 0;
  os::OsExchanges x;

  void queue_push(OsProbeId id) { queue[(q_head + q_len++) % kProbes] = static_cast<uint8_t>(id); }
  OsProbeId queue_front() const { return static_cast<OsProbeId>(queue[q_head]); }
  void queue_pop() {
    q_head = static_cast<uint8_t>((q_head + 1) % kProbes);
    --q_len;
  }
  void queue_remove(OsProbeId id) {
    uint8_t kept = 0;
    for (uint8_t k = 0; k < q_len; ++k) {
      const uint8_t v = queue[(q_head + k) % kProbes];
      if (v != static_cast<uint8_t>(id)) queue[(q_head + kept++) % kProbes] = v;
    }
    q_len = kept;
  }
};

// The judge's thread: finished tries in, verdicts out. A slot is in it at
// most once, so the queues never hold more than the slots.
class JudgeThread {
 public:
  JudgeThread(const OsTryJudge& judge, std::vector<Slot>& slots) : judge_(judge), slots_(slots) {
    if (judge_) thread_ = std::thread([this] { run(); });
  }
  ~JudgeThread() { stop(); }

  void submit(size_t slot) {
    if (!judge_) {
      done_.emplace_back(slot, false);
      ready_.store(true, std::memory_order_release);
      return;
    }
    {
      std::lock_guard lock(mu_);
      todo_.push_back(slot);
    }
    cv_.notify_one();
  }

  // Verdicts ready since the last call: (slot, done).
  template <typename F>
  void drain(F&& f) {
    if (!ready_.load(std::memory_order_acquire)) return;
    taken_.clear();
    {
      std::lock_guard lock(mu_);
      taken_.swap(done_);
      ready_.store(false, std::memory_order_relaxed);
    }
    for (const auto& [slot, done] : taken_) f(slot, done);
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      quit_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return quit_ || !todo_.empty(); });
      if (quit_) return;
      const size_t slot = todo_.front();
      todo_.pop_front();
      lock.unlock();
      const Slot& s = slots_[slot];
      bool done = true;
      try {
        done = judge_(s.host, s.try_index, s.x);
      } catch (...) {
        done = true;  // a judge that cannot judge ends the host rather than the scan
      }
      lock.lock();
      done_.emplace_back(slot, done);
      ready_.store(true, std::memory_order_release);
    }
  }

  const OsTryJudge& judge_;
  std::vector<Slot>& slots_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<size_t> todo_;
  std::vector<std::pair<size_t, bool>> done_, taken_;
  std::atomic<bool> ready_{false};
  bool quit_ = false;
  std::thread thread_;
};

class OsScanner {
 public:
  OsScanner(const OsScanConfig& cfg, PacketIo& io, const OsScanHooks& hooks, const std::atomic<bool>& interrupt,
            OsScanReport& report)
      : cfg_(cfg), io_(io), hooks_(hooks), interrupt_(interrupt), report_(report),
        slots_(std::min<size_t>(cfg.hosts.size(), std::max(1u, cfg.max_hosts_at_once))),
        judge_(hooks.judge, slots_) {
    by_ip_.reserve(cfg.hosts.size());
    for (size_t h = 0; h < cfg.hosts.size(); ++h) by_ip_.emplace_back(cfg.hosts[h].ip, h);
    std::sort(by_ip_.begin(), by_ip_.end());
    slot_of_.assign(cfg.hosts.size(), kNoSlot);
    for (Slot& s : slots_) {
      for (os::OsExchange& e : s.x.probes) {
        e.sent.reserve(os::kOsProbeMaxBytes);
        e.reply.reserve(kReplyReserve);
      }
    }
    tx_buffers_.resize(kTxBatch);
    const uint64_t r = splitmix(cfg.seed ^ 0x05CA11ull);
    port_base_ = static_cast<uint16_t>(kPortBaseLow + r % kPortBaseSpan);
    gap_us_ = static_cast<int64_t>(cfg.probe_gap * 1e6);
    seq_gap_us_ = static_cast<int64_t>(cfg.seq_gap * 1e6);
    send_interval_us_ = cfg.max_rate_pps > 0 ? 1e6 / cfg.max_rate_pps : 0;
  }

  void run();

 private:
  static constexpr size_t kNoSlot = SIZE_MAX;

  bool stopped() {
    if (!stop_ && interrupt_.load(std::memory_order_relaxed)) {
      stop_ = true;
      report_.interrupted = true;
    }
    return stop_;
  }
  int64_t timeout_us(const Slot& s) const {
    const RttTimeouts& t = cfg_.rtt_timeout;
    const double us = s.have_rtt ? s.srtt_us + 4 * s.rttvar_us : t.initial * 1e6;
    return static_cast<int64_t>(std::clamp(us, t.min * 1e6, t.max * 1e6));
  }
  void note_rtt(Slot& s, int64_t rtt) {
    const double r = static_cast<double>(std::max<int64_t>(rtt, 1));
    if (!s.have_rtt) {
      s.srtt_us = r;
      s.rttvar_us = r / 2;
      s.have_rtt = true;
    } else {
      s.rttvar_us = 0.75 * s.rttvar_us + 0.25 * std::abs(s.srtt_us - r);
      s.srtt_us = 0.875 * s.srtt_us + 0.125 * r;
    }
  }
  bool rate_allows(int64_t now) const {
    return send_interval_us_ <= 0 ||
           static_cast<double>(now - start_) * 1.0 >= static_cast<double>(report_.probes_sent) * send_interval_us_;
  }

  void admit(int64_t now);
  void begin_try(Slot& s, int64_t now);
  void start_tui(Slot& s);
  int64_t step(size_t k, int64_t now, int64_t wall);
  bool send(Slot& s, OsProbeId id, int64_t now, int64_t wall);
  void flush();
  void receive(size_t n, int64_t now);
  void end_try(size_t k);
  void verdict(size_t k, bool done, int64_t now);
  void progress_line(int64_t now);

  const OsScanConfig& cfg_;
  PacketIo& io_;
  const OsScanHooks& hooks_;
  const std::atomic<bool>& interrupt_;
  OsScanReport& report_;
  std::vector<Slot> slots_;
  JudgeThread judge_;
  std::vector<std::pair<uint32_t, size_t>> by_ip_;  // (address, host), sorted
  std::vector<size_t> slot_of_;                      // host -> its slot while in its tries
  size_t next_host_ = 0;                             // hosts before it have had a slot
  std::vector<std::array<uint8_t, kFrameBytes>> tx_buffers_;
  std::array<TxFrame, kTxBatch> tx_{};
  size_t tx_n_ = 0;
  std::array<RxFrame, kRxBurst> rx_{};
  uint16_t port_base_ = kPortBaseLow;
  int64_t gap_us_ = 25'000, seq_gap_us_ = 100'000;
  double send_interval_us_ = 0;
  int64_t start_ = 0;
  bool stop_ = false;
};

void OsScanner::admit(int64_t now) {
  // Hosts taking a slot at the start are spread over one SEQ gap; later ones
  // start as slots free up, which spreads them already.
  const size_t first_wave = slots_.size();
  for (size_t k = 0; k < slots_.size() && next_host_ < cfg_.hosts.size(); ++k) {
    Slot& s = slots_[k];
    if (s.phase != Phase::Free) continue;
    s.host = next_host_;
    slot_of_[next_host_] = k;
    s.try_index = 0;
    s.have_rtt = false;
    if (const uint32_t rtt = cfg_.hosts[next_host_].rtt_us; rtt != 0) note_rtt(s, rtt);
    s.phase = Phase::Waiting;
    s.start_at = now;
    if (next_host_ < first_wave && first_wave > 1)
      s.start_at += seq_gap_us_ * static_cast<int64_t>(next_host_) / static_cast<int64_t>(first_wave);
    ++next_host_;
  }
}

void OsScanner::begin_try(Slot& s, int64_t now) {
  const OsScanHost& h = cfg_.hosts[s.host];
  os::OsProbeParams& p = s.x.params;
  p.src_ip = cfg_.src_ip;
  p.dst_ip = h.ip;
  p.open_tcp_port = h.open_tcp_port;
  p.closed_tcp_port = h.closed_tcp_port;
  p.closed_udp_port = h.closed_udp_port;
  p.src_port_base = cfg_.source_port != 0
                        ? cfg_.source_port
                        : static_cast<uint16_t>(kPortBaseLow + (port_base_ - kPortBaseLow + 256u * s.try_index) % kPortBaseSpan);
  const uint64_t r = splitmix(cfg_.seed ^ (uint64_t{h.ip} << 20) ^ static_cast<uint64_t>(s.try_index));
  p.seq_base = static_cast<uint32_t>(r);
  p.icmp_id = static_cast<uint16_t>(r >> 32);
  p.ip_id = static_cast<uint16_t>(r >> 48);
  p.ttl = cfg_.ttl;
  for (os::OsExchange& e : s.x.probes) {
    e.sent.clear();
    e.reply.clear();
    e.sent_us = e.reply_us = 0;
    e.sends = 0;
  }
  s.x.on_link = h.on_link;
  s.x.has_mac = h.on_link;
  s.x.mac = h.on_link ? h.next_hop_mac : MacAddress{};
  s.x.distance = -1;
  s.x.closed_tcp_port_guessed = !h.closed_tcp_from_scan;
  s.x.closed_udp_port_from_scan = h.closed_udp_from_scan;
  s.active = s.sent = s.answered = 0;
  s.tui_sends.fill(0);
  s.q_head = s.q_len = 0;
  s.seq_sent = 0;
  s.last_send = now - std::max(gap_us_, seq_gap_us_);
  ++report_.tries;
  if (os::os_probe_possible(OsProbeId::Seq1, p)) {
    s.phase = Phase::Seq;
  } else {
    start_tui(s);
  }
}

// nmap's order for the rest, which its IP ID tests rely on: after the SEQ
// probes' TCP replies, the ICMP ones (IE1, IE2, U1's error), then OPS/WIN/T1
// again for SEQ probes left unanswered, ECN, T2-T7.
void OsScanner::start_tui(Slot& s) {
  s.phase = Phase::Tui;
  const os::OsProbeParams& p = s.x.params;
  static constexpr OsProbeId kOrder[] = {OsProbeId::Ie1,  OsProbeId::Ie2,  OsProbeId::U1,   OsProbeId::Seq1,
                                         OsProbeId::Seq2, OsProbeId::Seq3, OsProbeId::Seq4, OsProbeId::Seq5,
                                         OsProbeId::Seq6, OsProbeId::Ecn,  OsProbeId::T2,   OsProbeId::T3,
                                         OsProbeId::T4,   OsProbeId::T5,   OsProbeId::T6,   OsProbeId::T7};
  for (OsProbeId id : kOrder) {
    if (s.answered & bit(id)) continue;
    if (!os::os_probe_possible(id, p)) continue;
    s.active &= ~bit(id);  // a SEQ probe still awaited is sent again, as nmap's TOPS probe
    s.queue_push(id);
  }
}

bool OsScanner::send(Slot& s, OsProbeId id, int64_t now, int64_t wall) {
  if (!rate_allows(now)) return false;
  if (tx_n_ == kTxBatch) flush();
  uint8_t* f = tx_buffers_[tx_n_].data();
  const OsScanHost& h = cfg_.hosts[s.host];
  std::memcpy(f, h.next_hop_mac.data(), 6);
  std::memcpy(f + 6, cfg_.src_mac.data(), 6);
  f[12] = 0x08;
  f[13] = 0x00;
  const size_t len = os::build_os_probe(id, s.x.params, f + kEthHeader);
  tx_[tx_n_] = {f, static_cast<uint16_t>(kEthHeader + len)};
  ++tx_n_;
  os::OsExchange& e = s.x.at(id);
  e.sent.assign(f + kEthHeader, f + kEthHeader + len);
  e.sent_us = wall;
  ++e.sends;
  if (s.sent & bit(id)) ++report_.retransmissions;
  s.sent |= bit(id);
  s.active |= bit(id);
  s.sent_mono[idx(id)] = now;
  s.last_send = now;
  ++report_.probes_sent;
  return true;
}

void OsScanner::flush() {
  if (tx_n_ == 0) return;
  if (cfg_.trace != nullptr) cfg_.trace->sent(tx_.data(), tx_n_);
  size_t done = 0;
  while (done < tx_n_) {
    done += io_.send_burst(cfg_.tx_queue, tx_.data() + done, tx_n_ - done);
    if (io_.failed()) {
      if (report_.error.empty()) report_.error = "packet I/O failed: " + io_.failure_message();
      stop_ = true;
      break;
    }
  }
  tx_n_ = 0;
}

// Sends what slot k has due and returns when it next needs a look.
int64_t OsScanner::step(size_t k, int64_t now, int64_t wall) {
  Slot& s = slots_[k];
  if (s.phase == Phase::Waiting) {
    if (now < s.start_at) return s.start_at;
    begin_try(s, now);
  }
  if (s.phase == Phase::Seq) {
    if (s.seq_sent < kSeqProbes) {
      const int64_t due = s.seq_sent == 0 ? now : s.last_send + seq_gap_us_;
      if (now < due) return due;
      if (!send(s, static_cast<OsProbeId>(static_cast<int>(OsProbeId::Seq1) + s.seq_sent), now, wall))
        return now + 1000;
      ++s.seq_sent;
      if (s.seq_sent < kSeqProbes) return now + seq_gap_us_;
    }
    // All six sent: the phase ends when each is answered or timed out (a SEQ
    // probe is not retransmitted: a late copy would skew the rates).
    const int64_t to = timeout_us(s);
    int64_t next = kNever;
    for (int i = 0; i < kSeqProbes; ++i) {
      const auto id = static_cast<OsProbeId>(static_cast<int>(OsProbeId::Seq1) + i);
      if (!(s.active & bit(id))) continue;
      const int64_t expiry = s.sent_mono[idx(id)] + to;
      if (now >= expiry) s.active &= ~bit(id);
      else next = std::min(next, expiry);
    }
    if (next != kNever) return next;
    start_tui(s);
  }
  if (s.phase == Phase::Tui) {
    const int64_t to = timeout_us(s);
    int64_t next = kNever;
    for (size_t i = 0; i < kProbes; ++i) {
      const auto id = static_cast<OsProbeId>(i);
      if (!(s.active & bit(id))) continue;
      const int64_t expiry = s.sent_mono[i] + to;
      if (now < expiry) {
        next = std::min(next, expiry);
        continue;
      }
      s.active &= ~bit(id);
      if (s.tui_sends[i] < cfg_.tui_sends) s.queue_push(id);  // retransmitted from the back of the queue
    }
    if (s.q_len != 0) {
      const int64_t due = s.last_send + gap_us_;
      const bool room = static_cast<unsigned>(__builtin_popcount(s.active)) < cfg_.max_active_per_host;
      if (now >= due && room) {
        const OsProbeId id = s.queue_front();
        if (send(s, id, now, wall)) {
          s.queue_pop();
          ++s.tui_sends[idx(id)];
          next = std::min(next, s.q_len != 0 ? now + gap_us_ : kNever);
          next = std::min(next, now + to);
        } else {
          next = std::min(next, now + 1000);
        }
      } else if (room) {
        next = std::min(next, due);
      }
    }
    if (s.q_len == 0 && s.active == 0) {
      end_try(k);
      return kNever;
    }
    return next;
  }
  return kNever;
}

void OsScanner::end_try(size_t k) {
  Slot& s = slots_[k];
  const OsScanHost& h = cfg_.hosts[s.host];
  s.x.distance = h.on_link ? 1 : os::u1_distance(s.x);
  s.phase = Phase::Judging;
  judge_.submit(k);
}

void OsScanner::verdict(size_t k, bool done, int64_t now) {
  Slot& s = slots_[k];
  if (done || s.try_index + 1 >= cfg_.max_tries) {
    slot_of_[s.host] = kNoSlot;
    s.phase = Phase::Free;
    ++report_.hosts_done;
    return;
  }
  ++s.try_index;
  s.phase = Phase::Waiting;
  double gap = cfg_.try_gap;
  if (s.try_index == 3) gap += cfg_.fourth_try_extra;
  s.start_at = now + static_cast<int64_t>(gap * 1e6);
}

void OsScanner::receive(size_t n, int64_t now) {
  const int64_t wall = wall_us();
  for (size_t i = 0; i < n; ++i) {
    size_t ip_len = 0;
    const uint8_t* ip = ipv4_of(rx_[i].data, rx_[i].len, ip_len);
    if (ip == nullptr) continue;
    const uint32_t from = be32(ip + 12);
    const auto it = std::lower_bound(by_ip_.begin(), by_ip_.end(), std::pair<uint32_t, size_t>{from, 0});
    if (it == by_ip_.end() || it->first != from) continue;  // not from a host of this scan
    // Several hosts may share an address only if the caller listed one twice;
    // the one holding a slot is the one scanned.
    size_t k = kNoSlot;
    for (auto j = it; j != by_ip_.end() && j->first == from && k == kNoSlot; ++j) k = slot_of_[j->second];
    if (k == kNoSlot) {
      ++report_.strays;
      continue;
    }
    Slot& s = slots_[k];
    if (s.phase != Phase::Seq && s.phase != Phase::Tui) {
      ++report_.strays;
      continue;
    }
    const auto id = os::os_probe_answered(s.x.params, ip, ip_len);
    if (!id || !(s.sent & bit(*id)) || (s.answered & bit(*id))) {
      ++report_.strays;
      continue;
    }
    const uint32_t b = bit(*id);
    os::OsExchange& e = s.x.at(*id);
    e.reply.assign(ip, ip + ip_len);
    e.reply_us = rx_[i].time_us != 0 ? rx_[i].time_us : wall;
    if (s.active & b) note_rtt(s, now - s.sent_mono[idx(*id)]);
    s.active &= ~b;
    s.answered |= b;
    s.queue_remove(*id);
    ++report_.replies;
  }
}

void OsScanner::progress_line(int64_t now) {
  char line[200];
  std::snprintf(line, sizeof line, "portsweep: OS detection: %llu of %zu hosts done, %llu probes sent, %.1f s\n",
                static_cast<unsigned long long>(report_.hosts_done), cfg_.hosts.size(),
                static_cast<unsigned long long>(report_.probes_sent), double(now - start_) / 1e6);
  *hooks_.progress << line << std::flush;
}

void OsScanner::run() {
  start_ = mono_us();
  int64_t next_tick = start_ + 100'000;
  const int64_t progress_us = static_cast<int64_t>(hooks_.progress_every_s * 1e6);
  int64_t next_progress = start_ + progress_us;
  admit(start_);
  while (!stopped()) {
    const int64_t now = mono_us();
    judge_.drain([&](size_t k, bool done) { verdict(k, done, now); });
    admit(now);
    const int64_t wall = wall_us();
    int64_t deadline = kNever;
    bool busy = false, judging = false;
    for (size_t k = 0; k < slots_.size(); ++k) {
      if (slots_[k].phase == Phase::Free) continue;
      busy = true;
      deadline = std::min(deadline, step(k, now, wall));
      judging |= slots_[k].phase == Phase::Judging;
    }
    flush();
    if (stop_) break;
    if (!busy && next_host_ >= cfg_.hosts.size()) break;  // every host done
    // Wait for the earliest deadline or a reply; a few milliseconds at most
    // while the judge works, 50 ms at most to tick and see an interrupt.
    const int64_t after = mono_us();
    int64_t wait = deadline == kNever ? 50'000 : deadline - after;
    if (judging) wait = std::min<int64_t>(wait, 2'000);
    wait = std::clamp<int64_t>(wait, 0, 50'000);
    const size_t n = io_.recv_burst(rx_.data(), rx_.size(), static_cast<int>((wait + 999) / 1000));
    if (io_.failed()) {
      if (report_.error.empty()) report_.error = "packet I/O failed: " + io_.failure_message();
      break;
    }
    if (n != 0) {
      if (cfg_.trace != nullptr) cfg_.trace->received(rx_.data(), n);
      report_.frames_received += n;
      receive(n, mono_us());
    }
    const int64_t t = mono_us();
    if (t >= next_tick) {
      next_tick = t + 100'000;
      if (hooks_.on_tick) hooks_.on_tick();
    }
    if (hooks_.progress != nullptr && progress_us > 0 && t >= next_progress) {
      next_progress = t + progress_us;
      progress_line(t);
    }
  }
  judge_.stop();
  report_.seconds = double(mono_us() - start_) / 1e6;
}

}  // namespace

OsScanReport run_os_scan(const OsScanConfig& config, PacketIo& io, const OsScanHooks& hooks,
                         const std::atomic<bool>& interrupt) {
  OsScanReport report;
  if (config.hosts.empty()) return report;
  OsScanner scanner(config, io, hooks, interrupt, report);
  scanner.run();
  return report;
}

}  // namespace portsweep
