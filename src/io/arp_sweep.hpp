#pragma once
// Finds the MACs of many on-link addresses at once, the way nmap's ARP ping
// does: broadcast "who has A?" for every address, paced, over one packet
// socket; ask again the ones that stay silent; take each answer once.
//
// ArpSweep is the bookkeeping, with no socket and no clock of its own: it
// says which address to ask next at a given time (pacing and retries), and
// matches each received frame to a question it asked. A frame counts only as
// an ARP reply from an address we asked, sent after we asked, to the address
// we asked from: gratuitous announcements, requests, unsolicited replies and
// replies about other addresses are counted and ignored. run_arp_sweep()
// drives it over an AF_PACKET socket. Matching is a binary search over the
// sorted addresses: ~100 ns a frame; state is 32 bytes an address.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "io/mac_addr.hpp"

namespace portsweep {

struct ArpSweepOptions {
  double rate_pps = 4000;  // requests per second, retries included
  unsigned retries = 2;    // further requests to an address that stays silent
  // Time between two requests to one address, and the wait for late answers
  // after the last request.
  std::chrono::milliseconds retry_interval{250};
  // Bound on the whole sweep; 0: long enough for every request and retry at
  // rate_pps, plus the waits, plus a second.
  std::chrono::milliseconds timeout{0};
};

struct ArpSweepStats {
  uint64_t requests_sent = 0;
  uint64_t replies = 0;              // matched a question: first answer per address
  uint64_t duplicate_replies = 0;    // same address, same MAC again (answer to a retry)
  uint64_t conflicting_replies = 0;  // same address, another MAC: first one kept
  uint64_t ignored_gratuitous = 0;   // replies announcing themselves (sender == target address)
  uint64_t ignored_requests = 0;     // ARP requests (including gratuitous ones)
  uint64_t ignored_unasked = 0;      // replies from addresses we are not asking about
  uint64_t ignored_unsolicited = 0;  // replies from an address before we asked it
  uint64_t ignored_not_for_us = 0;   // replies to another address than the one we ask from
  uint64_t ignored_other = 0;        // not ARP for IPv4 over Ethernet, truncated, bad MAC
  bool timed_out = false;
};

class ArpSweep {
 public:
  struct Entry {
    uint32_t ip = 0;
    uint8_t requests = 0;        // sent so far
    bool answered = false;
    MacAddr mac;                 // when answered
    int64_t last_request_ns = 0;
    int64_t reply_ns = 0;        // when answered: the time given to on_frame
  };

  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  // `ips` in any order (duplicates are dropped). Times are nanoseconds on any
  // monotonic clock; start_ns is when the sweep begins.
  ArpSweep(std::vector<uint32_t> ips, const MacAddr& src_mac, uint32_t src_ip,
           const ArpSweepOptions& options, int64_t start_ns);

  // The address to ask about now, recorded as asked; nullopt when nothing is
  // due yet (pacing, or the next retry is not due) or nothing is left.
  std::optional<uint32_t> next_request(int64_t now_ns);
  // The request next_request just gave out could not be sent (the socket's
  // buffer was full): it goes out first at the next opportunity.
  void unsend(uint32_t ip) noexcept;
  // When next_request may next return an address; kNever when every request
  // has been sent (or every address answered).
  int64_t next_due_ns() const noexcept;
  // Every address answered, or every request sent and the last wait over, or
  // the overall timeout reached.
  bool done(int64_t now_ns) noexcept;
  // When done() turns true if no answer comes: the end of the last wait, or
  // the timeout.
  int64_t deadline_ns() const noexcept;

  // Feeds a received Ethernet frame; true when it answered a question.
  bool on_frame(const uint8_t* frame, size_t len, int64_t now_ns) noexcept;

  // The 60-byte broadcast request for ip (sender src_mac / src_ip).
  void write_request(uint32_t ip, uint8_t* out) const noexcept;

  const std::vector<Entry>& entries() const noexcept { return entries_; }  // sorted by ip
  const Entry* find(uint32_t ip) const noexcept;
  const ArpSweepStats& stats() const noexcept { return stats_; }
  size_t unanswered() const noexcept { return entries_.size() - answered_; }

 private:
  Entry* find_mut(uint32_t ip) noexcept;
  void prune() noexcept;  // drops answered addresses from the head of the retry line

  std::vector<Entry> entries_;
  MacAddr src_mac_;
  uint32_t src_ip_ = 0;
  unsigned max_requests_ = 1;
  int64_t interval_ns_ = 0;  // between two requests (pacing)
  int64_t retry_ns_ = 0;
  int64_t next_send_ns_ = 0;
  int64_t last_send_ns_ = 0;
  int64_t timeout_at_ns_ = kNever;
  size_t cursor_ = 0;           // the next address for its first request
  std::deque<uint32_t> retry_;  // entry indexes, in the order their retries fall due
  std::deque<uint32_t> unsent_; // entry indexes whose last request did not go out
  size_t answered_ = 0;
  ArpSweepStats stats_;
};

// The clocks the sweep runs on, read together: run_arp_sweep() times with
// steady_ns (CLOCK_MONOTONIC); wall_us (microseconds since the epoch) turns
// those times into the wall-clock times a report prints.
struct SweepClock {
  int64_t steady_ns = 0;
  int64_t wall_us = 0;
  static SweepClock now();
};

// Runs `sweep` (started at SweepClock::now().steady_ns) on the interface over
// one AF_PACKET socket until it is done. Throws RuntimeFailure when the socket
// cannot be opened or a send fails for another reason than a full buffer.
// `iface` names the interface in messages.
void run_arp_sweep(ArpSweep& sweep, const std::string& iface, int ifindex);

}  // namespace portsweep
