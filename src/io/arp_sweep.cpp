#include "io/arp_sweep.hpp"
#include "packet/wire.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "io/sweep_socket.hpp"

namespace portsweep {

namespace {

constexpr size_t kEthHeader = 14;
constexpr size_t kArpBody = 28;
constexpr size_t kRequestLen = 60;  // Ethernet's minimum, padding included
constexpr uint16_t kOpRequest = 1;
constexpr uint16_t kOpReply = 2;
// After a stall (a slow poll wake-up), send at most this many requests at once
// to catch up, rather than the whole backlog in one burst.
constexpr int64_t kMaxBurst = 8;

using wire::load_be16, wire::load_be32, wire::store_be16, wire::store_be32;

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ArpSweep::ArpSweep(std::vector<uint32_t> ips, const MacAddr& src_mac, uint32_t src_ip,
                   const ArpSweepOptions& options, int64_t start_ns)
    : src_mac_(src_mac), src_ip_(src_ip) {
  std::sort(ips.begin(), ips.end());
  ips.erase(std::unique(ips.begin(), ips.end()), ips.end());
  entries_.reserve(ips.size());
  for (uint32_t ip : ips) {
    Entry e;
    e.ip = ip;
    entries_.push_back(e);
  }
  max_requests_ = 1 + std::min(options.retries, 254u);
  const double rate = options.rate_pps > 0 ? options.rate_pps : 1e9;
  interval_ns_ = static_cast<int64_t>(1e9 / rate);
  retry_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(options.retry_interval).count();
  next_send_ns_ = start_ns;
  last_send_ns_ = start_ns;
  int64_t timeout_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(options.timeout).count();
  if (timeout_ns <= 0) {
    const double sending = static_cast<double>(entries_.size()) * max_requests_ / rate;
    timeout_ns = static_cast<int64_t>(std::ceil(sending * 1e9)) +
                 int64_t{max_requests_} * retry_ns_ + 1'000'000'000;
  }
  timeout_at_ns_ = start_ns + timeout_ns;
}

ArpSweep::Entry* ArpSweep::find_mut(uint32_t ip) noexcept {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), ip,
                             [](const Entry& e, uint32_t v) { return e.ip < v; });
  return it != entries_.end() && it->ip == ip ? &*it : nullptr;
}

const ArpSweep::Entry* ArpSweep::find(uint32_t ip) const noexcept {
  return const_cast<ArpSweep*>(this)->find_mut(ip);
}

void ArpSweep::prune() noexcept {
  while (!retry_.empty() && entries_[retry_.front()].answered) retry_.pop_front();
}

std::optional<uint32_t> ArpSweep::next_request(int64_t now_ns) {
  prune();
  if (now_ns < next_send_ns_ || now_ns >= timeout_at_ns_) return std::nullopt;
  auto take = [&](uint32_t index) {
    Entry& e = entries_[index];
    e.requests = static_cast<uint8_t>(e.requests + 1);
    e.last_request_ns = now_ns;
    if (e.requests < max_requests_) retry_.push_back(index);
    ++stats_.requests_sent;
    last_send_ns_ = now_ns;
    next_send_ns_ = std::max(next_send_ns_ + interval_ns_, now_ns - kMaxBurst * interval_ns_);
    return e.ip;
  };
  // Requests the socket refused first, then due retries, then first requests.
  while (!unsent_.empty()) {
    const uint32_t index = unsent_.front();
    unsent_.pop_front();
    if (!entries_[index].answered) return take(index);
  }
  if (!retry_.empty() && entries_[retry_.front()].last_request_ns + retry_ns_ <= now_ns) {
    const uint32_t index = retry_.front();
    retry_.pop_front();
    return take(index);
  }
  while (cursor_ < entries_.size() && entries_[cursor_].answered) ++cursor_;
  if (cursor_ < entries_.size()) return take(static_cast<uint32_t>(cursor_++));
  return std::nullopt;
}

void ArpSweep::unsend(uint32_t ip) noexcept {
  Entry* e = find_mut(ip);
  if (e == nullptr || e->requests == 0) return;
  // Undo the request's bookkeeping (called right after next_request gave it
  // out, so its retry, if one was queued, is the last in line).
  const auto index = static_cast<uint32_t>(e - entries_.data());
  if (!retry_.empty() && retry_.back() == index) retry_.pop_back();
  e->requests = static_cast<uint8_t>(e->requests - 1);
  --stats_.requests_sent;
  unsent_.push_back(index);
}

int64_t ArpSweep::next_due_ns() const noexcept {
  if (answered_ == entries_.size()) return kNever;
  if (!unsent_.empty() || cursor_ < entries_.size()) return next_send_ns_;
  for (uint32_t index : retry_) {
    const Entry& e = entries_[index];
    if (!e.answered) return std::max(next_send_ns_, e.last_request_ns + retry_ns_);
  }
  return kNever;
}

int64_t ArpSweep::deadline_ns() const noexcept {
  const int64_t due = next_due_ns();
  if (due != kNever) return timeout_at_ns_;
  return std::min(timeout_at_ns_, last_send_ns_ + retry_ns_);
}

bool ArpSweep::done(int64_t now_ns) noexcept {
  if (answered_ == entries_.size()) return true;
  prune();
  if (now_ns >= timeout_at_ns_) {
    if (next_due_ns() != kNever) stats_.timed_out = true;
    return true;
  }
  return next_due_ns() == kNever && now_ns >= last_send_ns_ + retry_ns_;
}

bool ArpSweep::on_frame(const uint8_t* f, size_t len, int64_t now_ns) noexcept {
  if (len < kEthHeader + kArpBody || load_be16(f + 12) != ETH_P_ARP) {
    ++stats_.ignored_other;
    return false;
  }
  const uint8_t* a = f + kEthHeader;
  if (load_be16(a) != 1 || load_be16(a + 2) != ETH_P_IP || a[4] != 6 || a[5] != 4) {
    ++stats_.ignored_other;
    return false;
  }
  const uint16_t op = load_be16(a + 6);
  const uint32_t sender_ip = load_be32(a + 14);
  const uint32_t target_ip = load_be32(a + 24);
  if (op != kOpReply) {
    ++stats_.ignored_requests;
    return false;
  }
  if (sender_ip == target_ip) {
    ++stats_.ignored_gratuitous;
    return false;
  }
  if (target_ip != src_ip_) {
    ++stats_.ignored_not_for_us;
    return false;
  }
  MacAddr mac;
  std::memcpy(mac.bytes.data(), a + 8, 6);
  if (mac.is_zero() || (mac.bytes[0] & 1) != 0) {  // no host is at a multicast MAC
    ++stats_.ignored_other;
    return false;
  }
  Entry* e = find_mut(sender_ip);
  if (e == nullptr) {
    ++stats_.ignored_unasked;
    return false;
  }
  if (e->requests == 0) {
    ++stats_.ignored_unsolicited;
    return false;
  }
  if (e->answered) {
    ++(e->mac == mac ? stats_.duplicate_replies : stats_.conflicting_replies);
    return false;
  }
  e->answered = true;
  e->mac = mac;
  e->reply_ns = now_ns;
  ++answered_;
  ++stats_.replies;
  return true;
}

void ArpSweep::write_request(uint32_t ip, uint8_t* f) const noexcept {
  std::memset(f, 0, kRequestLen);
  std::memset(f, 0xff, 6);  // broadcast
  std::memcpy(f + 6, src_mac_.bytes.data(), 6);
  store_be16(f + 12, ETH_P_ARP);
  uint8_t* a = f + kEthHeader;
  store_be16(a + 0, 1);         // hardware: Ethernet
  store_be16(a + 2, ETH_P_IP);  // protocol: IPv4
  a[4] = 6;
  a[5] = 4;
  store_be16(a + 6, kOpRequest);
  std::memcpy(a + 8, src_mac_.bytes.data(), 6);
  store_be32(a + 14, src_ip_);
  // the target hardware address stays zero: that is the question
  store_be32(a + 24, ip);
}

SweepClock SweepClock::now() {
  SweepClock c;
  c.steady_ns = steady_now_ns();
  c.wall_us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count();
  return c;
}

void run_arp_sweep(ArpSweep& sweep, const std::string& iface, int ifindex) {
  if (sweep.entries().empty()) return;
  SweepSocket sock(iface, ifindex, ETH_P_ARP, "ARP");
  auto feed = [&](const uint8_t* f, size_t len, int64_t at) { sweep.on_frame(f, len, at); };
  std::array<uint8_t, kRequestLen> frame{};
  for (;;) {
    int64_t now = steady_now_ns();
    sock.drain(feed);
    if (sweep.done(now)) break;
    while (auto ip = sweep.next_request(now)) {
      sweep.write_request(*ip, frame.data());
      if (!sock.send(frame.data(), frame.size())) {
        sweep.unsend(*ip);
        break;
      }
    }
    now = steady_now_ns();
    const int64_t until = std::min(sweep.next_due_ns(), sweep.deadline_ns());
    // Sleep until the next request is due, the wait ends, or a frame comes.
    // With a full send buffer next_due_ns() may already be past: yield 100 µs.
    sock.wait(std::clamp<int64_t>(until - now, 100'000, 1'000'000'000));
  }
  sock.drain(feed);
}

}  // namespace portsweep
