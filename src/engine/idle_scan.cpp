#include "engine/idle_scan.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <thread>

#include "common/clock.hpp"
#include "engine/packet_tracer.hpp"
#include "packet/packet_decoder.hpp"
#include "probes/tcp_idle_scan.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {

std::string_view to_string(IpidClass c) noexcept {
  switch (c) {
    case IpidClass::Incremental: return "incremental";
    case IpidClass::IncrementalBy2: return "incremental by 2";
    case IpidClass::BrokenIncremental: return "broken little-endian incremental";
    case IpidClass::AllZero: return "all zeros";
    case IpidClass::Constant: return "constant";
    case IpidClass::Random: return "randomized";
    case IpidClass::NoReply: return "no reply";
  }
  return "unknown";
}

bool usable_zombie(IpidClass c) noexcept {
  return c == IpidClass::Incremental || c == IpidClass::IncrementalBy2 || c == IpidClass::BrokenIncremental;
}

namespace {

constexpr int kMaxStep = 2000;  // IDs between two reads of a usable zombie, at most

uint16_t swap16(uint16_t v) noexcept { return static_cast<uint16_t>((v << 8) | (v >> 8)); }

// 16-bit difference as a signed step (the wrap handled).
int step(uint16_t from, uint16_t to) noexcept {
  const int d = static_cast<uint16_t>(to - from);
  return d >= 32768 ? d - 65536 : d;
}

}  // namespace

IpidClass classify_ipids(std::span<const uint16_t> ids) noexcept {
  if (ids.empty()) return IpidClass::NoReply;
  if (std::all_of(ids.begin(), ids.end(), [](uint16_t v) { return v == 0; })) return IpidClass::AllZero;
  if (ids.size() < 2) return IpidClass::Random;  // one reading says nothing of a sequence
  if (std::all_of(ids.begin(), ids.end(), [&](uint16_t v) { return v == ids[0]; })) return IpidClass::Constant;
  bool incremental = true, by_two = true, broken = true, whole_bytes = true;
  int smallest = 65536;
  for (size_t i = 1; i < ids.size(); ++i) {
    const int d = step(ids[i - 1], ids[i]);
    const int s = step(swap16(ids[i - 1]), swap16(ids[i]));
    incremental &= d >= 1 && d <= kMaxStep;
    by_two &= d >= 2 && d <= 2 * kMaxStep && d % 2 == 0;
    broken &= s >= 1 && s <= kMaxStep;
    whole_bytes &= d % 256 == 0;
    smallest = std::min(smallest, d);
  }
  by_two &= smallest == 2;  // steps of 4, 6 ... are a busy incremental zombie's
  // A little-endian counter read big-endian steps by multiples of 256 until
  // its low byte carries; read byte-swapped, it steps by one.
  if (broken && (whole_bytes || !incremental)) return IpidClass::BrokenIncremental;
  if (by_two) return IpidClass::IncrementalBy2;
  if (incremental) return IpidClass::Incremental;
  return IpidClass::Random;
}

int ipid_distance(IpidClass c, uint16_t from, uint16_t to) noexcept {
  switch (c) {
    case IpidClass::Incremental: return step(from, to);
    case IpidClass::IncrementalBy2: return step(from, to) / 2;
    case IpidClass::BrokenIncremental: return step(swap16(from), swap16(to));
    default: return 0;
  }
}

namespace {

constexpr int kQualifyReads = 6;
constexpr int64_t kNoiseWindowUs = 250'000;  // the quiet window over which the zombie's own traffic is measured
constexpr int kSpoofTestPackets = 4;
constexpr int kCountAttempts = 10;  // counts out of range in a row before the zombie is given up
constexpr int64_t kMinTimeoutUs = 100'000;  // a read's timeout floor (nmap's --min-rtt-timeout)
constexpr int64_t kMaxTimeoutUs = 2'000'000;
constexpr int64_t kMaxWaitUs = 2'000'000;
constexpr int64_t kMaxSendDelayUs = 100'000;
constexpr double kNoisyPerCount = 0.02;     // expected foreign IDs per count from which counts read a fresh base
constexpr double kTooBusyPerCount = 0.5;    // ... and from which the zombie is refused
constexpr size_t kRxBurst = 64;
constexpr uint16_t kProbePortSpan = 256;    // our IP ID probes' source ports cycle over this many



class IdleScanner {
 public:
  IdleScanner(const IdleScanConfig& cfg, PacketIo& io, const IdleScanHooks& hooks, const std::atomic<bool>& interrupt,
              IdleScanReport& report)
      : cfg_(cfg), io_(io), hooks_(hooks), interrupt_(interrupt), report_(report), frames_(frame_config(cfg)) {
    std::random_device rd;
    std::mt19937 rng(rd());
    token_ = rng();
    syn_seq_ = rng();
    sport_base_ = cfg.src_port_base != 0 ? cfg.src_port_base : static_cast<uint16_t>(40000 + rng() % 20000);
    const size_t max_group = std::max<size_t>(cfg.max_group, 1);
    buffers_.resize(std::max<size_t>(max_group, kSpoofTestPackets));
    tx_.resize(buffers_.size());
    for (size_t i = 0; i < buffers_.size(); ++i) tx_[i].data = buffers_[i].data();
    open_.assign(cfg.ports.size(), 0);
    results_.reserve(max_group);
    group_ = std::clamp(30.0, double(std::max(1u, cfg.min_group)), double(max_group));
  }

  bool qualify();
  bool spoof_test();
  void scan();

 private:
  static IdleFrameConfig frame_config(const IdleScanConfig& c) {
    IdleFrameConfig f;
    f.src_mac = c.src_mac;
    f.zombie_hop_mac = c.zombie_hop_mac;
    f.target_hop_mac = c.target_hop_mac;
    f.our_ip = c.our_ip;
    f.zombie_ip = c.zombie_ip;
    f.probe_port = c.probe_port;
    f.spoof_test_src = c.targets != nullptr && !c.targets->empty() ? c.targets->at(0) : 0;
    f.ttl = c.ttl;
    return f;
  }

  bool stopped() {
    if (!stop_ && interrupt_.load(std::memory_order_relaxed)) {
      stop_ = true;
      report_.interrupted = true;
    }
    return stop_;
  }
  void fail(std::string why) {
    if (report_.error.empty()) report_.error = std::move(why);
    stop_ = true;
  }
  // Sleeps until `until_us` (monotonic), waking for an interrupt.
  void sleep_until(int64_t until_us) {
    for (int64_t now = mono_us(); now < until_us && !stopped(); now = mono_us())
      std::this_thread::sleep_for(std::chrono::microseconds(std::min<int64_t>(until_us - now, 50'000)));
  }
  bool send(size_t n);
  int64_t timeout_us() const {
    if (!have_rtt_) return cfg_.first_timeout_us;
    return std::clamp<int64_t>(static_cast<int64_t>(srtt_us_ + 4 * rttvar_us_), kMinTimeoutUs, kMaxTimeoutUs);
  }
  int64_t base_wait_us() const {
    return std::max<int64_t>(cfg_.min_wait_us, static_cast<int64_t>(2 * srtt_us_ + 4 * rttvar_us_));
  }
  void note_rtt(int64_t rtt_us);
  bool read_ipid(uint16_t& id, int& sent, int64_t* reply_at = nullptr, int tries = 0);
  int count(size_t lo, size_t n);
  int settle(size_t lo, size_t n, int seen, bool& deep);
  int split(size_t lo, size_t n, int seen);
  void mark(size_t lo, size_t n, uint8_t v) { std::fill(open_.begin() + lo, open_.begin() + lo + n, v); }
  void pace(int counted, int found);
  bool quiet() const { return !noisy_; }

  const IdleScanConfig& cfg_;
  PacketIo& io_;
  const IdleScanHooks& hooks_;
  const std::atomic<bool>& interrupt_;
  IdleScanReport& report_;
  IdleScanFrames frames_;

  std::vector<std::array<uint8_t, IdleScanFrames::kFrameSize>> buffers_;
  std::vector<TxFrame> tx_;
  std::array<uint8_t, IdleScanFrames::kFrameSize> probe_frame_{};
  std::array<RxFrame, kRxBurst> rx_{};
  std::vector<uint8_t> open_;        // per port of the current target: found open
  std::vector<PortResult> results_;  // a group's open ports, for the hook

  IpidClass class_ = IpidClass::NoReply;
  uint32_t token_ = 0;
  uint32_t syn_seq_ = 0;
  uint16_t sport_base_ = 0;
  uint16_t sport_cursor_ = 0;
  bool have_rtt_ = false;
  double srtt_us_ = 0, rttvar_us_ = 0;
  uint16_t latest_id_ = 0;
  int64_t latest_at_us_ = 0;  // 0: stale, read a fresh base
  double group_ = 30;
  int64_t wait_us_ = 0;
  int64_t send_delay_us_ = 0;
  double noise_pps_ = 0;
  bool noisy_ = false;
  int confirmations_ = 0;  // extra counts a lone open port needs (noisy zombies)
  bool stop_ = false;
  uint32_t target_ip_ = 0;
  const uint8_t* target_mac_ = nullptr;
};

bool IdleScanner::send(size_t n) {
  if (cfg_.trace != nullptr) cfg_.trace->sent(tx_.data(), n);
  size_t done = 0;
  while (done < n) {
    done += io_.send_burst(0, tx_.data() + done, n - done);
    if (io_.failed()) {
      fail("packet I/O failed: " + io_.failure_message());
      return false;
    }
  }
  return true;
}

void IdleScanner::note_rtt(int64_t rtt_us) {
  const double r = static_cast<double>(std::max<int64_t>(rtt_us, 1));
  if (!have_rtt_) {
    srtt_us_ = r;
    rttvar_us_ = r / 2;
    have_rtt_ = true;
  } else {
    rttvar_us_ = 0.75 * rttvar_us_ + 0.25 * std::fabs(srtt_us_ - r);
    srtt_us_ = 0.875 * srtt_us_ + 0.125 * r;
  }
}

// One reading of the zombie's IP ID: up to cfg.ipid_tries SYN-ACKs, each
// waited for a timeout; the first RST answering any of them gives the ID.
// `sent` is how many probes went out (each one the zombie got spent an ID).
bool IdleScanner::read_ipid(uint16_t& id, int& sent, int64_t* reply_at, int max_tries) {
  sent = 0;
  const uint32_t first = token_;
  int64_t sent_at[8] = {};
  const int tries = std::clamp(max_tries > 0 ? max_tries : cfg_.ipid_tries, 1, 8);
  for (int t = 0; t < tries && !stopped(); ++t) {
    const uint32_t token = token_++;
    const uint16_t sport = static_cast<uint16_t>(sport_base_ + sport_cursor_);
    sport_cursor_ = static_cast<uint16_t>((sport_cursor_ + 1) % kProbePortSpan);
    TxFrame f{probe_frame_.data(), static_cast<uint16_t>(frames_.write_ipid_probe(probe_frame_.data(), sport, token))};
    if (cfg_.trace != nullptr) cfg_.trace->sent(&f, 1);
    while (io_.send_burst(0, &f, 1) == 0) {
      if (io_.failed()) {
        fail("packet I/O failed: " + io_.failure_message());
        return false;
      }
    }
    sent_at[t] = mono_us();
    ++sent;
    ++report_.ipid_probes;
    const int64_t deadline = sent_at[t] + timeout_us();
    for (int64_t now = mono_us(); !stopped(); now = mono_us()) {
      const int64_t left = deadline - now;
      const int ms = left <= 0 ? 0 : static_cast<int>((left + 999) / 1000);
      const size_t n = io_.recv_burst(rx_.data(), rx_.size(), std::min(ms, 50));
      if (io_.failed()) {
        fail("packet I/O failed: " + io_.failure_message());
        return false;
      }
      if (n != 0 && cfg_.trace != nullptr) cfg_.trace->received(rx_.data(), n);
      const int64_t got = mono_us();
      for (size_t i = 0; i < n; ++i) {
        DecodedPacket p;
        if (decode_ethernet(rx_[i].data, rx_[i].len, p, {.wire_len = rx_[i].wire_len}) != DecodeStatus::Ok) continue;
        const auto reply = frames_.read_reply(p);
        if (!reply) continue;
        const uint32_t k = reply->token - first;  // which try of this reading it answers
        if (k > static_cast<uint32_t>(t)) {
          // A reply to an earlier reading, come late: the timeout is short.
          rttvar_us_ *= 1.2;
          continue;
        }
        ++report_.ipid_replies;
        note_rtt(got - sent_at[k]);
        id = reply->ip_id;
        if (reply_at != nullptr) *reply_at = got;
        if (sent > 1) {
          // A probe or its reply was lost: slow the groups' SYNs down a little.
          send_delay_us_ = std::min(send_delay_us_ + 5'000, kMaxSendDelayUs);
          group_ = std::max<double>(cfg_.min_group, std::min(group_, 500'000.0 / double(send_delay_us_ + 1)));
        }
        return true;
      }
      if (left <= 0) break;
    }
  }
  return false;
}

bool IdleScanner::qualify() {
  // Six reads back to back: between two of them the zombie sends only our
  // RST (and whatever it sends of its own meanwhile, little in so short a
  // time), so their steps show its class.
  uint16_t ids[kQualifyReads];
  int64_t at[kQualifyReads];
  int index[kQualifyReads];
  int got = 0, probes = 0;
  for (int r = 0; r < kQualifyReads && !stopped(); ++r) {
    int sent = 0;
    uint16_t id = 0;
    int64_t when = 0;
    const bool ok = read_ipid(id, sent, &when, 1);  // six single probes, each one sample
    probes += sent;
    if (stop_) return false;
    if (ok) {
      ids[got] = id;
      at[got] = when;
      index[got] = probes - 1;
      ++got;
    }
  }
  char line[400];
  const std::string zombie = format_ipv4(cfg_.zombie_ip) + ":" + std::to_string(cfg_.probe_port);
  class_ = classify_ipids(std::span<const uint16_t>(ids, static_cast<size_t>(got)));
  report_.ipid_class = class_;
  if (got == 0) {
    report_.refused = "the zombie " + zombie + " answered none of " + std::to_string(probes) +
                      " SYN-ACKs (down, filtered, or its port drops them): give another -sI ZOMBIE[:PROBEPORT]";
    return false;
  }
  if (!usable_zombie(class_)) {
    std::snprintf(line, sizeof line,
                  "the zombie %s cannot be used: its IP IDs are %s (", zombie.c_str(), std::string(to_string(class_)).c_str());
    std::string why = line;
    for (int i = 0; i < got; ++i) {
      if (i != 0) why += ' ';
      why += std::to_string(ids[i]);
    }
    why += "), so they do not count its packets: give another -sI ZOMBIE";
    report_.refused = why;
    return false;
  }
  report_.zombie_srtt_ms = srtt_us_ / 1000;
  // Its own traffic: one more read after a quiet window; the IDs it spent
  // meanwhile beyond our probes, per second.
  sleep_until(at[got - 1] + kNoiseWindowUs);
  uint16_t later = 0;
  int sent = 0;
  int64_t later_at = 0;
  if (!read_ipid(later, sent, &later_at)) {
    if (!stop_) report_.refused = "the zombie " + zombie + " stopped answering our probes";
    return false;
  }
  const int spent = ipid_distance(class_, ids[0], later) - (probes - index[0]) - (sent - 1);
  noise_pps_ = std::max(0, spent) * 1e6 / double(std::max<int64_t>(later_at - at[0], 1));
  report_.zombie_noise_pps = noise_pps_;
  latest_id_ = later;
  latest_at_us_ = later_at;
  wait_us_ = base_wait_us();
  if (got < kQualifyReads) group_ = std::max<double>(cfg_.min_group, std::min(group_, 12.0));
  // Foreign IDs one count expects: its wait, two round trips.
  const double count_s = double(wait_us_ + 2 * srtt_us_) / 1e6;
  const double per_count = noise_pps_ * count_s;
  if (per_count >= kTooBusyPerCount) {
    std::snprintf(line, sizeof line,
                  "the zombie %s is not idle: it sends ~%.0f packets/s of its own, ~%.1f in each %.0f ms count, which "
                  "would hide the open ports: give an idler -sI ZOMBIE",
                  zombie.c_str(), noise_pps_, per_count, count_s * 1e3);
    report_.refused = line;
    return false;
  }
  // A lone port counted open must be counted so again until a foreign ID
  // in every one of those counts is less likely than 1 in 1000.
  const double phantom = 1 - std::exp(-per_count);
  confirmations_ = phantom <= 1e-3 ? 0 : std::clamp(int(std::ceil(std::log(1e-3) / std::log(phantom))) - 1, 1, 8);
  noisy_ = per_count >= kNoisyPerCount;
  if (hooks_.progress != nullptr) {
    std::snprintf(line, sizeof line,
                  "portsweep: idle scan using zombie %s; class: %s; round trip %.3f ms; its own traffic %.1f packets/s%s\n",
                  zombie.c_str(), std::string(to_string(class_)).c_str(), srtt_us_ / 1000, noise_pps_,
                  noisy_ ? " (each count reads a fresh base)" : "");
    *hooks_.progress << line;
  }
  return true;
}

bool IdleScanner::spoof_test() {
  int sent = 0;
  uint16_t base = 0;
  if (!read_ipid(base, sent)) {
    if (!stop_) report_.refused = "the zombie " + format_ipv4(cfg_.zombie_ip) + " stopped answering our probes";
    return false;
  }
  for (int i = 0; i < kSpoofTestPackets; ++i) {
    tx_[i].len = static_cast<uint16_t>(frames_.write_spoof_test(
        buffers_[i].data(), static_cast<uint16_t>(sport_base_ + kProbePortSpan + i), syn_seq_++));
  }
  if (!send(kSpoofTestPackets)) return false;
  report_.spoofed += kSpoofTestPackets;
  sleep_until(mono_us() + wait_us_);
  uint16_t id = 0;
  if (!read_ipid(id, sent)) {
    if (!stop_) report_.refused = "the zombie " + format_ipv4(cfg_.zombie_ip) + " stopped answering our probes";
    return false;
  }
  const int moved = ipid_distance(class_, base, id) - sent;
  report_.spoof_test_distance = moved;
  latest_id_ = id;
  latest_at_us_ = mono_us();
  if (moved <= 0) {
    report_.refused = "the zombie " + format_ipv4(cfg_.zombie_ip) + "'s IP ID did not move for " +
                      std::to_string(kSpoofTestPackets) + " packets spoofed from " + format_ipv4(frames_.config().spoof_test_src) +
                      " (it keeps one IP ID per peer, or spoofed packets are filtered on the way): give another -sI ZOMBIE";
    return false;
  }
  return true;
}

// How many of ports[lo, lo+n) of the current target are open, by one
// count; -1 when the scan stops.
int IdleScanner::count(size_t lo, size_t n) {
  for (int attempt = 0; attempt < kCountAttempts; ++attempt) {
    if (stopped()) return -1;
    int sent = 0;
    if (noisy_ || latest_at_us_ == 0 || mono_us() - latest_at_us_ > 1'000'000) {
      if (!read_ipid(latest_id_, sent)) {
        if (!stop_) fail("the zombie " + format_ipv4(cfg_.zombie_ip) + " stopped answering our probes");
        return -1;
      }
    }
    const uint16_t base = latest_id_;
    const int64_t delay = std::max<int64_t>(send_delay_us_, cfg_.max_syn_rate > 0 ? int64_t(1e6 / cfg_.max_syn_rate) : 0);
    for (size_t i = 0; i < n; ++i) {
      tx_[i].len = static_cast<uint16_t>(
          frames_.write_spoofed_syn(buffers_[i].data(), target_ip_, cfg_.ports[lo + i], syn_seq_++, target_mac_));
    }
    if (delay == 0) {
      if (!send(n)) return -1;
    } else {
      for (size_t i = 0; i < n; ++i) {
        if (i != 0) sleep_until(mono_us() + delay);
        if (stopped()) return -1;
        std::swap(tx_[0], tx_[i]);
        const bool ok = send(1);
        std::swap(tx_[0], tx_[i]);
        if (!ok) return -1;
      }
    }
    report_.spoofed += n;
    sleep_until(mono_us() + wait_us_);
    if (stopped()) return -1;
    uint16_t id = 0;
    if (!read_ipid(id, sent)) {
      if (!stop_) fail("the zombie " + format_ipv4(cfg_.zombie_ip) + " stopped answering our probes");
      return -1;
    }
    ++report_.counts;
    const int c = ipid_distance(class_, base, id) - sent;
    latest_id_ = id;
    latest_at_us_ = mono_us();
    if (c >= 0 && c <= static_cast<int>(n)) return c;
    // More IDs than SYNs (the zombie talked to someone else) or fewer than
    // nothing (a probe lost): pause, then count again from a fresh base.
    group_ = std::max<double>(cfg_.min_group, group_ * 0.8);
    latest_at_us_ = 0;
    sleep_until(mono_us() + std::min(10'000 * (attempt + 1), 100'000));
  }
  if (!stop_)
    fail("the zombie " + format_ipv4(cfg_.zombie_ip) + "'s IP ID no longer counts our probes (" +
         std::to_string(kCountAttempts) + " counts in a row out of range): is it still idle?");
  return -1;
}

// Decides ports[lo, lo+n) from a count `seen` of them; returns the open
// ports found (-1: stopped). `deep` tells whether it took more counts.
int IdleScanner::settle(size_t lo, size_t n, int seen, bool& deep) {
  deep = false;
  if (seen <= 0) return 0;
  if (n == 1) {
    // A lone ID on a talkative zombie may be its own: count it again until
    // a phantom in every count is unlikely.
    for (int k = 0; k < confirmations_; ++k) {
      const int again = count(lo, 1);
      if (again < 0) return -1;
      ++report_.recounts;
      if (again == 0) return 0;
    }
    open_[lo] = 1;
    return 1;
  }
  if (seen >= static_cast<int>(n) && quiet()) {
    mark(lo, n, 1);
    return static_cast<int>(n);
  }
  deep = true;
  return split(lo, n, seen);
}

int IdleScanner::split(size_t lo, size_t n, int seen) {
  const size_t half[2] = {(n + 1) / 2, n / 2};
  const size_t start[2] = {lo, lo + half[0]};
  int found[2] = {0, 0};
  bool deep[2] = {false, false};
  for (int h = 0; h < 2; ++h) {
    const int c = count(start[h], half[h]);
    if (c < 0) return -1;
    found[h] = settle(start[h], half[h], c, deep[h]);
    if (found[h] < 0) return -1;
  }
  int total = found[0] + found[1];
  if (total != seen) {
    // The halves disagree with their parent: count again the halves one
    // count decided (a deeper search has checked itself).
    for (int h = 0; h < 2; ++h) {
      if (deep[h]) continue;
      const int c = count(start[h], half[h]);
      if (c < 0) return -1;
      ++report_.recounts;
      if (c == found[h]) continue;
      mark(start[h], half[h], 0);
      bool d = false;
      found[h] = settle(start[h], half[h], c, d);
      if (found[h] < 0) return -1;
    }
    const int checked = found[0] + found[1];
    pace(seen, checked);
    return checked;
  }
  pace(seen, total);
  return total;
}

// A count `counted` that the deeper counts found to be `found`.
void IdleScanner::pace(int counted, int found) {
  const double min_group = std::max(1u, cfg_.min_group);
  const double max_group = std::max<double>(min_group, cfg_.max_group);
  if (found > counted) {
    // Replies came after the read, or were lost: wait longer, send fewer.
    wait_us_ = std::min<int64_t>(wait_us_ * 3 / 2 + 1'000, kMaxWaitUs);
    group_ = std::max(min_group, group_ * 0.8);
  } else if (found < counted) {
    // Phantom IDs: the zombie is not idle. Smaller groups fit between its packets.
    group_ = std::max(min_group, group_ * 0.8);
  } else {
    group_ = std::min(max_group, group_ * 1.1);
    wait_us_ = std::max(base_wait_us(), wait_us_ * 19 / 20);
    send_delay_us_ = send_delay_us_ * 9 / 10;
    if (send_delay_us_ < 500) send_delay_us_ = 0;
    if (send_delay_us_ > 0) group_ = std::max(min_group, std::min(group_, 500'000.0 / double(send_delay_us_)));
  }
}

void IdleScanner::scan() {
  const TargetSet& targets = *cfg_.targets;
  const size_t nports = cfg_.ports.size();
  const auto progress_us = static_cast<int64_t>(hooks_.progress_every_s * 1e6);
  int64_t next_progress = mono_us() + progress_us;
  for (uint64_t t = 0; t < targets.size() && !stopped(); ++t) {
    target_ip_ = targets.at(t);
    target_mac_ = cfg_.target_mac ? cfg_.target_mac(t) : nullptr;
    if (cfg_.target_mac && target_mac_ == nullptr) {
      ++report_.hosts_skipped;
      continue;
    }
    report_.partial_host = target_ip_;
    report_.partial_ports = 0;
    mark(0, nports, 0);
    for (size_t lo = 0; lo < nports && !stopped();) {
      const size_t g = std::min(nports - lo, static_cast<size_t>(std::max(1.0, std::round(group_))));
      const int c = count(lo, g);
      if (c < 0) break;
      bool deep = false;
      if (settle(lo, g, c, deep) < 0) break;
      results_.clear();
      const int64_t now = wall_us();
      size_t opened = 0;
      for (size_t i = lo; i < lo + g; ++i) {
        // Every decided port, as nmap lists them: the IP ID moved for it, or not.
        PortResult r;
        r.ip = IpAddress::v4(target_ip_);
        r.port = cfg_.ports[i];
        r.proto = Proto::Tcp;
        r.state = open_[i] ? PortState::Open : PortState::ClosedFiltered;
        r.reason = open_[i] ? Reason::IpidChange : Reason::NoIpidChange;
        r.time_us = now;
        opened += open_[i];
        results_.push_back(r);
      }
      report_.open += opened;
      if (hooks_.on_results) hooks_.on_results(results_);
      lo += g;
      report_.partial_ports = static_cast<uint32_t>(lo);
      if (hooks_.on_tick) hooks_.on_tick();
    }
    if (stop_) break;
    ++report_.hosts_done;
    report_.partial_ports = 0;
    if (hooks_.progress != nullptr && mono_us() >= next_progress) {
      next_progress = mono_us() + progress_us;
      char line[200];
      std::snprintf(line, sizeof line, "portsweep: idle scan: %llu of %llu hosts done, %llu open ports\n",
                    static_cast<unsigned long long>(report_.hosts_done),
                    static_cast<unsigned long long>(targets.size()), static_cast<unsigned long long>(report_.open));
      *hooks_.progress << line;
    }
  }
  report_.final_group = group_;
  report_.final_wait_ms = double(wait_us_) / 1000;
}

}  // namespace

IdleScanReport run_idle_scan(const IdleScanConfig& config, PacketIo& io, const IdleScanHooks& hooks,
                             const std::atomic<bool>& interrupt) {
  IdleScanReport report;
  const int64_t start = mono_us();
  IdleScanner scanner(config, io, hooks, interrupt, report);
  if (scanner.qualify() && scanner.spoof_test()) scanner.scan();
  report.seconds = double(mono_us() - start) / 1e6;
  return report;
}

}  // namespace portsweep
