#pragma once
// Finds the MACs of many on-link IPv6 addresses at once, the IPv6
// counterpart of arp_sweep.hpp: a Neighbor Solicitation (nd_frames.hpp) to
// every address's solicited-node group, paced, asked again while silent
// (sweep_schedule.hpp), each advertisement taken once.
//
// An advertisement counts only if it is valid ND (hop limit 255, checksum),
// solicited (S flag), addressed to the address we ask from, about an
// address we asked, after we asked it: unsolicited announcements, other
// hosts' solicitations and answers to others are counted and ignored. The
// MAC is the advertisement's target link-address option (else the frame's
// Ethernet source). Matching is a binary search over the sorted addresses:
// ~150 ns a frame with the checksum; state is ~64 bytes an address.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/arp_sweep.hpp"
#include "io/mac_addr.hpp"
#include "io/sweep_schedule.hpp"
#include "portsweep/uint128.hpp"

namespace portsweep {

struct NdSweepStats {
  uint64_t solicitations_sent = 0;
  uint64_t replies = 0;               // matched a question: first answer per address
  uint64_t duplicate_replies = 0;     // same address, same MAC again
  uint64_t conflicting_replies = 0;   // same address, another MAC: first one kept
  uint64_t ignored_solicitations = 0; // others' NS (or DAD probes) seen on the link
  uint64_t ignored_unsolicited = 0;   // NA without the S flag, or before we asked
  uint64_t ignored_unasked = 0;       // NA about an address we are not asking about
  uint64_t ignored_not_for_us = 0;    // NA to another address than the one we ask from
  uint64_t ignored_other = 0;         // any other IPv6 frame, invalid ND, a multicast MAC
  bool timed_out = false;
};

class NdSweep {
 public:
  struct Entry {
    u128 ip = 0;
    bool answered = false;
    MacAddr mac;
    int64_t reply_ns = 0;
  };

  // `ips` in any order (duplicates dropped). src_ip: the address our
  // solicitations come from and answers go to; link_local_src (0: none), the
  // interface's link-local address, used instead for link-local targets (a
  // gateway is often fe80::1), whose answers would otherwise need a route
  // back to a global address. Options as for ARP.
  NdSweep(std::vector<u128> ips, const MacAddr& src_mac, u128 src_ip, u128 link_local_src,
          const ArpSweepOptions& options, int64_t start_ns);

  std::optional<u128> next_request(int64_t now_ns);
  void unsend(u128 ip) noexcept;
  int64_t next_due_ns() const noexcept { return schedule_.next_due_ns(); }
  int64_t deadline_ns() const noexcept { return schedule_.deadline_ns(); }
  bool done(int64_t now_ns) noexcept { return schedule_.done(now_ns); }

  // Feeds a received Ethernet frame; true when it answered a question.
  bool on_frame(const uint8_t* frame, size_t len, int64_t now_ns) noexcept;
  // The nd::kFrameLen-byte solicitation for ip.
  void write_request(u128 ip, uint8_t* out) const noexcept;

  const std::vector<Entry>& entries() const noexcept { return entries_; }  // sorted by ip
  const Entry* find(u128 ip) const noexcept;
  unsigned requests(const Entry& e) const noexcept { return schedule_.requests(index_of(e)); }
  int64_t last_request_ns(const Entry& e) const noexcept { return schedule_.last_request_ns(index_of(e)); }
  NdSweepStats stats() const noexcept;

 private:
  uint32_t index_of(const Entry& e) const noexcept { return static_cast<uint32_t>(&e - entries_.data()); }
  Entry* find_mut(u128 ip) noexcept;

  std::vector<Entry> entries_;
  MacAddr src_mac_;
  u128 src_ip_ = 0;
  u128 link_local_src_ = 0;
  SweepSchedule schedule_;
  NdSweepStats stats_;
};

// Runs `sweep` (started at SweepSocket::now_ns()) on the interface over one
// AF_PACKET socket until it is done. Throws RuntimeFailure when the socket
// cannot be opened or a send fails for another reason than a full buffer.
void run_nd_sweep(NdSweep& sweep, const std::string& iface, int ifindex);

}  // namespace portsweep
