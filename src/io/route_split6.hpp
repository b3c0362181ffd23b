#pragma once
// Splits IPv6 targets by the route the kernel would use for each, as a pure
// function of one routing-table dump: route_split.hpp's algorithm over
// 128-bit addresses. The tables flatten once into disjoint intervals with one
// longest-prefix winner each (the local table laid over the main one), and
// the sorted target ranges walk them: O(routes log routes + target ranges).
// Interval ends are inclusive, since 2^128 does not fit in a u128.
//
// Not modelled, as for IPv4: policy rules and other tables, multipath
// routes (unroutable), source-specific routes. Link-local targets (fe80::/10)
// match the fe80::/64 route of whichever interface the scan uses (-e).
#include <cstdint>
#include <span>
#include <vector>

#include "io/netlink_route6.hpp"
#include "io/route_split.hpp"
#include "portsweep/uint128.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

// Inclusive range of target addresses: the target set's own range type, so
// a TargetSet6's ranges() are the target list as they stand (sorted,
// disjoint; target index i is TargetSet6::at(i)).
using NextHopRange6 = Ipv6Range;

// A run of consecutive target indexes with one next-hop decision.
struct RouteSegment6 {
  uint64_t first_index = 0;
  uint64_t count = 0;
  u128 first_address = 0;
  HopKind kind = HopKind::Unroutable;
  Unroutable why = Unroutable::None;
  int oif = 0;
  u128 gateway = 0;         // Gateway
  u128 prefix = 0;          // OnLink: the route's prefix
  uint8_t prefix_len = 0;
  u128 prefsrc = 0;         // the route's preferred source, 0 if none

  bool same_hop(const RouteSegment6& o) const noexcept {
    return kind == o.kind && why == o.why && oif == o.oif && gateway == o.gateway &&
           prefix == o.prefix && prefix_len == o.prefix_len;
  }
};

// The number of addresses in `targets`; throws UsageError when it does not
// fit in a 64-bit index (more than 2^64 - 1 addresses: a /64 and more).
uint64_t count_targets6(std::span<const NextHopRange6> targets);
// The address at `index` (< count_targets6), by a walk over the ranges: for
// set-up, not the per-probe path.
u128 target_at6(std::span<const NextHopRange6> targets, uint64_t index);

// As split_by_route: with ifindex != 0, unicast routes through other
// interfaces are skipped.
std::vector<RouteSegment6> split_by_route6(std::span<const netlink::Route6> routes,
                                           std::span<const NextHopRange6> targets, int ifindex = 0);
void restrict_to_interface6(std::vector<RouteSegment6>& segments, int ifindex);
void reach_local_addresses6(std::vector<RouteSegment6>& segments, int loopback_ifindex);

}  // namespace portsweep
