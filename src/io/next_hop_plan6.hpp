#pragma once
// The destination MAC of every IPv6 target, resolved once before the sweep:
// next_hop_plan.hpp for IPv6, with Neighbor Discovery in place of ARP.
//
// resolve_next_hops6() dumps the IPv6 routes once and splits the targets by
// longest prefix (route_split6.hpp), takes fresh entries of the kernel's
// IPv6 neighbour table as they are, and asks the rest of the gateways and
// on-link targets with one paced Neighbor Solicitation sweep (nd_sweep.hpp).
// The answer is a NextHopLookup: one MAC for every target of a routed scan
// (O(1), no memory touched per target), else a binary search over a few runs
// and one 4-byte slot per on-link target. An on-link target that does not
// answer is unsendable, as an ARP-silent one is for IPv4.
//
// It opens its own AF_PACKET socket: run it before the packet I/O is opened
// (a kernel-bypass backend takes the interface from the kernel).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/arp_sweep.hpp"
#include "io/mac_addr.hpp"
#include "io/nd_sweep.hpp"
#include "io/next_hop_lookup.hpp"
#include "io/next_hop_plan.hpp"
#include "io/netlink_route6.hpp"
#include "io/route_split6.hpp"
#include "io/scan_path.hpp"
#include "portsweep/uint128.hpp"

namespace portsweep {

struct NextHopRequest6 {
  std::span<const NextHopRange6> targets;  // sorted, disjoint; must outlive the call only
  std::optional<std::string> iface;        // -e IFACE
  std::optional<u128> src_ip;              // -S ADDR
  ArpSweepOptions nd;                      // pacing, retries, timeout of the ND sweep
  uint64_t max_on_link_targets = kMaxOnLinkTargets;
};

// An on-link target whose MAC was found. Source: ArpReply means "answered
// our Neighbor Solicitation" (nmap's reason "nd-response").
struct OnLinkHost6 {
  uint64_t target_index = 0;
  u128 address = 0;
  MacAddr mac;
  OnLinkHost::Source source = OnLinkHost::Source::ArpReply;
  int64_t reply_time_us = 0;
  uint32_t latency_us = 0;
};

// A MAC found for a gateway or an on-link target (plan_next_hops6's input).
struct FoundMac6 {
  u128 address = 0;
  MacAddr mac;
  OnLinkHost::Source source = OnLinkHost::Source::ArpReply;
  int64_t reply_time_us = 0;
  uint32_t latency_us = 0;
};

struct NextHopCounts6 {
  uint64_t targets = 0;
  uint64_t via_gateway = 0;
  uint64_t on_link = 0;            // the three below together
  uint64_t on_link_answered = 0;   // answered our solicitation
  uint64_t on_link_known = 0;      // fresh in the kernel's neighbour table (or a link without ND)
  uint64_t on_link_silent = 0;     // asked, no answer
  uint64_t unroutable = 0;
  u128 unroutable_example = 0;
  Unroutable unroutable_why = Unroutable::None;
  u128 silent_example = 0;
  unsigned gateways = 0;
  NdSweepStats nd;
  unsigned nd_requests_per_address = 0;
  double route_split_us = 0;
  double nd_ms = 0;
  double total_ms = 0;
};

class NextHopPlan6 {
 public:
  // The destination MAC for the target at `target_index`, or nullptr when
  // the scan cannot send to it. Uniform plans: ~1 ns.
  const MacAddr* mac_for(uint64_t target_index) const noexcept { return lookup_.mac_for(target_index); }
  bool uniform() const noexcept { return lookup_.uniform(); }
  const ScanPath6& path() const noexcept { return path_; }
  const NextHopCounts6& counts() const noexcept { return counts_; }
  const std::vector<RouteSegment6>& segments() const noexcept { return segments_; }
  const std::vector<OnLinkHost6>& on_link_hosts() const noexcept { return hosts_; }
  bool was_asked(uint64_t target_index) const noexcept { return lookup_.was_asked(target_index); }
  size_t lookup_bytes() const noexcept { return lookup_.bytes(); }
  // One line per category the user should hear about, without "WARNING: ".
  std::vector<std::string> warnings() const;

 private:
  friend NextHopPlan6 plan_next_hops6(std::span<const NextHopRange6>, std::vector<RouteSegment6>,
                                      const ScanPath6&, bool, std::span<const FoundMac6>);
  friend NextHopPlan6 resolve_next_hops6(const NextHopRequest6&);

  NextHopLookup lookup_;
  ScanPath6 path_;
  NextHopCounts6 counts_;
  std::vector<RouteSegment6> segments_;
  std::vector<OnLinkHost6> hosts_;
};

// Everything resolved from the kernel and the wire. Throws RuntimeFailure
// when no target can be routed, the interface is unusable or has no IPv6
// address, a gateway does not answer, or the packet socket cannot be opened;
// UsageError when more than max_on_link_targets targets are on-link or the
// targets do not fit 64-bit indexes.
NextHopPlan6 resolve_next_hops6(const NextHopRequest6& request);

// The pure part, for tests: the plan from segments (already restricted to
// the scan's interface), the path and the MACs found (sorted by address; an
// on-link address missing from it was silent). uses_nd false (loopback,
// NOARP links): every routable target gets the all-zero MAC. Throws
// RuntimeFailure for a gateway missing from `found`.
NextHopPlan6 plan_next_hops6(std::span<const NextHopRange6> targets, std::vector<RouteSegment6> segments,
                             const ScanPath6& path, bool uses_nd, std::span<const FoundMac6> found);

}  // namespace portsweep
