#include "io/route_split.hpp"

#include <linux/rtnetlink.h>

#include <algorithm>
#include <optional>

namespace portsweep {

namespace {

constexpr uint64_t kAddressSpace = uint64_t{1} << 32;

uint32_t mask_of(uint8_t len) noexcept {
  return len == 0 ? 0 : ~uint32_t{0} << (32 - std::min<uint8_t>(len, 32));
}
uint32_t start_of(const netlink::Route& r) noexcept { return r.dst & mask_of(r.dst_len); }
uint32_t end_of(const netlink::Route& r) noexcept { return start_of(r) | ~mask_of(r.dst_len); }

// A stretch of the address space whose longest-prefix match is `route`
// (an index into the routes given, or -1 for none).
struct Interval {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
  int route = -1;
};

// Disjoint intervals covering the whole address space. Among routes for the
// same prefix the lowest metric wins (the first dumped on a tie), as in the
// kernel.
std::vector<Interval> flatten(std::span<const netlink::Route> routes,
                              const std::vector<int>& candidates) {
  std::vector<int> order = candidates;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const auto& x = routes[static_cast<size_t>(a)];
    const auto& y = routes[static_cast<size_t>(b)];
    if (start_of(x) != start_of(y)) return start_of(x) < start_of(y);
    if (x.dst_len != y.dst_len) return x.dst_len < y.dst_len;
    return x.metric < y.metric;
  });
  // Keep the winner of each prefix: the first of a run of equal prefixes.
  order.erase(std::unique(order.begin(), order.end(),
                          [&](int a, int b) {
                            const auto& x = routes[static_cast<size_t>(a)];
                            const auto& y = routes[static_cast<size_t>(b)];
                            return start_of(x) == start_of(y) && x.dst_len == y.dst_len;
                          }),
              order.end());

  std::vector<Interval> out;
  uint64_t pos = 0;  // the first address not yet covered
  auto emit = [&](uint64_t end_exclusive, int route) {
    if (pos >= end_exclusive) return;
    if (!out.empty() && out.back().route == route) {
      out.back().last = end_exclusive - 1;
    } else {
      out.push_back({pos, end_exclusive - 1, route});
    }
    pos = end_exclusive;
  };
  // The prefixes containing the current position, innermost last.
  std::vector<int> open;
  auto route_end = [&](int r) { return uint64_t{end_of(routes[static_cast<size_t>(r)])}; };
  for (int r : order) {
    const uint64_t start = start_of(routes[static_cast<size_t>(r)]);
    while (!open.empty() && route_end(open.back()) < start) {
      emit(route_end(open.back()) + 1, open.back());
      open.pop_back();
    }
    emit(start, open.empty() ? -1 : open.back());
    open.push_back(r);
  }
  while (!open.empty()) {
    emit(route_end(open.back()) + 1, open.back());
    open.pop_back();
  }
  emit(kAddressSpace, -1);
  return out;
}

// The local table where it has an answer, else the main table.
std::vector<Interval> overlay(const std::vector<Interval>& local,
                              const std::vector<Interval>& main) {
  std::vector<Interval> out;
  size_t i = 0, j = 0;
  uint64_t pos = 0;
  while (pos < kAddressSpace) {
    while (local[i].last < pos) ++i;
    while (main[j].last < pos) ++j;
    const uint64_t last = std::min(local[i].last, main[j].last);
    const int route = local[i].route >= 0 ? local[i].route : main[j].route;
    if (!out.empty() && out.back().route == route) {
      out.back().last = last;
    } else {
      out.push_back({pos, last, route});
    }
    pos = last + 1;
  }
  return out;
}

RouteSegment decide(const netlink::Route* r) {
  RouteSegment s;
  if (r == nullptr) {
    s.why = Unroutable::NoRoute;
    return s;
  }
  s.prefsrc = r->prefsrc;
  switch (r->type) {
    case RTN_UNICAST:
      if (r->oif == 0) {
        s.why = Unroutable::Multipath;
      } else if (r->gateway != 0) {
        s.kind = HopKind::Gateway;
        s.oif = r->oif;
        s.gateway = r->gateway;
      } else {
        s.kind = HopKind::OnLink;
        s.oif = r->oif;
        s.prefix = start_of(*r);
        s.prefix_len = r->dst_len;
      }
      break;
    case RTN_LOCAL: s.why = Unroutable::LocalAddress; break;  // prefsrc: the address itself
    default: s.why = Unroutable::RejectRoute; break;  // unreachable, blackhole, prohibit, throw, ...
  }
  if (s.kind == HopKind::Unroutable && s.why != Unroutable::LocalAddress) s.prefsrc = 0;
  return s;
}

void append(std::vector<RouteSegment>& out, RouteSegment s) {
  if (!out.empty() && out.back().same_hop(s) &&
      out.back().first_index + out.back().count == s.first_index) {
    out.back().count += s.count;
    return;
  }
  out.push_back(s);
}

}  // namespace

std::vector<RouteSegment> split_by_route(std::span<const netlink::Route> routes,
                                         const TargetSet& targets, int ifindex) {
  std::vector<int> local, main;
  for (size_t i = 0; i < routes.size(); ++i) {
    const auto& r = routes[i];
    const int idx = static_cast<int>(i);
    if (r.table == RT_TABLE_LOCAL) {
      // Broadcast entries name the network and broadcast addresses of each
      // link; the on-link prefix already tells those apart, and counting them
      // with the link's other silent addresses reads better than "unroutable".
      if (r.type != RTN_BROADCAST) local.push_back(idx);
    } else if (ifindex == 0 || r.type != RTN_UNICAST || r.oif == ifindex) {
      main.push_back(idx);
    }
  }
  const auto intervals = overlay(flatten(routes, local), flatten(routes, main));

  std::vector<RouteSegment> out;
  size_t k = 0;
  uint64_t index = 0;
  for (const auto& range : targets.ranges()) {
    uint64_t a = range.first;
    for (;;) {
      while (intervals[k].last < a) ++k;
      const uint64_t b = std::min<uint64_t>(range.last, intervals[k].last);
      const int r = intervals[k].route;
      RouteSegment s = decide(r >= 0 ? &routes[static_cast<size_t>(r)] : nullptr);
      s.first_index = index;
      s.count = b - a + 1;
      s.first_address = static_cast<uint32_t>(a);
      append(out, s);
      index += s.count;
      if (b == range.last) break;
      a = b + 1;
    }
  }
  return out;
}

void restrict_to_interface(std::vector<RouteSegment>& segments, int ifindex) {
  std::vector<RouteSegment> out;
  out.reserve(segments.size());
  for (RouteSegment s : segments) {
    if (s.kind != HopKind::Unroutable && s.oif != ifindex) {
      s.kind = HopKind::Unroutable;
      s.why = Unroutable::OtherInterface;
      s.gateway = 0;
      s.prefix = 0;
      s.prefix_len = 0;
      s.prefsrc = 0;
    }
    append(out, s);
  }
  segments = std::move(out);
}

void reach_local_addresses(std::vector<RouteSegment>& segments, int loopback_ifindex) {
  for (RouteSegment& s : segments) {
    if (s.kind == HopKind::Unroutable && s.why == Unroutable::LocalAddress) {
      s.kind = HopKind::OnLink;
      s.why = Unroutable::None;
      s.oif = loopback_ifindex;
      s.prefix = s.first_address;
      s.prefix_len = 32;  // no network or broadcast address to skip
    }
  }
}

bool is_network_or_broadcast(uint32_t address, uint32_t prefix, uint8_t prefix_len) noexcept {
  if (prefix_len > 30) return false;
  const uint32_t host = ~mask_of(prefix_len);
  return (address & ~host) == (prefix & ~host) &&
         ((address & host) == 0 || (address & host) == host);
}

std::string unroutable_reason(Unroutable why) {
  switch (why) {
    case Unroutable::None: return "routable";
    case Unroutable::NoRoute: return "no route";
    case Unroutable::RejectRoute: return "an unreachable, blackhole or prohibit route";
    case Unroutable::OtherInterface: return "a route through another interface";
    case Unroutable::LocalAddress: return "our own address";
    case Unroutable::Multipath: return "a multipath route, which portsweep does not follow";
  }
  return "unknown";
}

}  // namespace portsweep
