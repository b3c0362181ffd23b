#pragma once
// Splits a scan's targets by the route the kernel would use for each, as a
// pure function of one routing-table dump: no per-address netlink query.
//
// Prefixes nest or are disjoint, so the table flattens, once, into disjoint
// address intervals that each have one longest-prefix winner (a sweep over the
// prefixes sorted by start, with a stack of the prefixes still open). The local
// table is flattened the same way and laid over the main table, as the kernel's
// first rule consults it first. The target ranges (sorted) and the intervals
// (sorted) are then walked together: O(routes log routes + target ranges), a
// few microseconds for a /16 or a class A under one route. Adjacent pieces with
// the same next hop merge, so a /16 under one route is one segment.
//
// Not modelled: policy rules and tables other than local and main, multipath
// routes (reported as unroutable), TOS-specific routes.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/netlink_route.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

enum class HopKind : uint8_t {
  Gateway,     // send to the route's gateway
  OnLink,      // send to the target itself: each address needs its own MAC
  Unroutable,  // cannot be sent from this scan
};

enum class Unroutable : uint8_t {
  None,
  NoRoute,         // no route matches (with -e: none through that interface)
  RejectRoute,     // unreachable, blackhole, prohibit or throw route
  OtherInterface,  // the route leaves through an interface the scan does not use
  LocalAddress,    // one of our own addresses (local table), unless the scan uses loopback
  Multipath,       // an ECMP route, whose next hops are not followed
};

// A run of consecutive target indexes with one next-hop decision.
struct RouteSegment {
  uint64_t first_index = 0;  // as in TargetSet::at()
  uint64_t count = 0;
  uint32_t first_address = 0;  // at(first_index), for messages
  HopKind kind = HopKind::Unroutable;
  Unroutable why = Unroutable::None;
  int oif = 0;               // Gateway, OnLink, OtherInterface
  uint32_t gateway = 0;      // Gateway
  uint32_t prefix = 0;       // OnLink: the link's prefix (its network and
  uint8_t prefix_len = 0;    // broadcast addresses are never asked by ARP)
  uint32_t prefsrc = 0;      // the route's preferred source, 0 if none (or unroutable,
                             // but for LocalAddress)

  bool same_hop(const RouteSegment& o) const noexcept {
    return kind == o.kind && why == o.why && oif == o.oif && gateway == o.gateway &&
           prefix == o.prefix && prefix_len == o.prefix_len;
  }
};

// The segments covering every target in index order. With ifindex != 0 the
// scan is bound to that interface (-e): unicast routes through other
// interfaces are skipped, as the kernel skips them for a socket bound to a
// device, so a less specific route through ifindex may win. With 0, every
// route counts and restrict_to_interface() decides later.
std::vector<RouteSegment> split_by_route(std::span<const netlink::Route> routes,
                                         const TargetSet& targets, int ifindex = 0);

// Marks Gateway and OnLink segments leaving through any other interface than
// ifindex as Unroutable(OtherInterface), merging neighbours that become equal.
void restrict_to_interface(std::vector<RouteSegment>& segments, int ifindex);

// For a scan out of the loopback interface: our own addresses are reached
// through it, as the kernel reaches them, so LocalAddress segments become
// OnLink on loopback_ifindex (a link without ARP).
void reach_local_addresses(std::vector<RouteSegment>& segments, int loopback_ifindex);

// True for the network and broadcast addresses of an on-link prefix, which
// are never asked by ARP (prefixes longer than /30 have neither).
bool is_network_or_broadcast(uint32_t address, uint32_t prefix, uint8_t prefix_len) noexcept;

// "no route", "an unreachable route", "a route through another interface", ...
std::string unroutable_reason(Unroutable why);

}  // namespace portsweep
