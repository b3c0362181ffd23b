#include "io/nd_sweep.hpp"

#include <algorithm>
#include <array>

#include "io/nd_frames.hpp"
#include "io/sweep_socket.hpp"

namespace portsweep {

namespace {

std::vector<NdSweep::Entry> entries_of(std::vector<u128> ips) {
  std::sort(ips.begin(), ips.end());
  ips.erase(std::unique(ips.begin(), ips.end()), ips.end());
  std::vector<NdSweep::Entry> out(ips.size());
  for (size_t i = 0; i < ips.size(); ++i) out[i].ip = ips[i];
  return out;
}

}  // namespace

NdSweep::NdSweep(std::vector<u128> ips, const MacAddr& src_mac, u128 src_ip, u128 link_local_src,
                 const ArpSweepOptions& options, int64_t start_ns)
    : entries_(entries_of(std::move(ips))),
      src_mac_(src_mac),
      src_ip_(src_ip),
      link_local_src_(link_local_src),
      schedule_(entries_.size(), options, start_ns) {}

NdSweep::Entry* NdSweep::find_mut(u128 ip) noexcept {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), ip,
                             [](const Entry& e, u128 v) { return e.ip < v; });
  return it != entries_.end() && it->ip == ip ? &*it : nullptr;
}

const NdSweep::Entry* NdSweep::find(u128 ip) const noexcept {
  return const_cast<NdSweep*>(this)->find_mut(ip);
}

std::optional<u128> NdSweep::next_request(int64_t now_ns) {
  const auto index = schedule_.next_request(now_ns);
  if (!index) return std::nullopt;
  return entries_[*index].ip;
}

void NdSweep::unsend(u128 ip) noexcept {
  if (const Entry* e = find(ip)) schedule_.unsend(index_of(*e));
}

NdSweepStats NdSweep::stats() const noexcept {
  NdSweepStats s = stats_;
  s.solicitations_sent = schedule_.requests_sent();
  s.timed_out = schedule_.timed_out();
  return s;
}

bool NdSweep::on_frame(const uint8_t* frame, size_t len, int64_t now_ns) noexcept {
  const auto m = nd::parse_nd(frame, len);
  if (!m) {
    ++stats_.ignored_other;
    return false;
  }
  if (m->type == nd::kTypeSolicitation) {
    ++stats_.ignored_solicitations;
    return false;
  }
  if ((m->flags & nd::kFlagSolicited) == 0) {
    ++stats_.ignored_unsolicited;
    return false;
  }
  if (m->destination != src_ip_ && (link_local_src_ == 0 || m->destination != link_local_src_)) {
    ++stats_.ignored_not_for_us;
    return false;
  }
  const MacAddr mac = m->link_address.value_or(m->eth_source);
  if (mac.is_zero() || (mac.bytes[0] & 1) != 0) {  // no host is at a multicast MAC
    ++stats_.ignored_other;
    return false;
  }
  Entry* e = find_mut(m->target);
  if (e == nullptr) {
    ++stats_.ignored_unasked;
    return false;
  }
  const uint32_t index = index_of(*e);
  if (schedule_.requests(index) == 0) {
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
  schedule_.answer(index);
  ++stats_.replies;
  return true;
}

void NdSweep::write_request(u128 ip, uint8_t* out) const noexcept {
  const bool link_local = (ip >> 118) == 0x3fa;  // fe80::/10
  nd::write_solicitation(ip, link_local && link_local_src_ != 0 ? link_local_src_ : src_ip_, src_mac_, out);
}

void run_nd_sweep(NdSweep& sweep, const std::string& iface, int ifindex) {
  if (sweep.entries().empty()) return;
  SweepSocket sock(iface, ifindex, nd::kEtherTypeIpv6, "Neighbor Solicitations");
  auto feed = [&](const uint8_t* f, size_t len, int64_t at) { sweep.on_frame(f, len, at); };
  std::array<uint8_t, nd::kFrameLen> frame{};
  for (;;) {
    int64_t now = SweepSocket::now_ns();
    sock.drain(feed);
    if (sweep.done(now)) break;
    while (auto ip = sweep.next_request(now)) {
      sweep.write_request(*ip, frame.data());
      if (!sock.send(frame.data(), frame.size())) {
        sweep.unsend(*ip);
        break;
      }
    }
    now = SweepSocket::now_ns();
    const int64_t until = std::min(sweep.next_due_ns(), sweep.deadline_ns());
    // Sleep until the next request is due, the wait ends, or a frame comes.
    sock.wait(std::clamp<int64_t>(until - now, 100'000, 1'000'000'000));
  }
  sock.drain(feed);
}

}  // namespace portsweep
