#include "io/route_split6.hpp"

#include <linux/rtnetlink.h>

#include <algorithm>

#include "common/error.hpp"

namespace portsweep {

namespace {

constexpr u128 kMax = ~u128{0};

u128 mask_of(uint8_t len) noexcept {
  return len == 0 ? 0 : kMax << (128 - std::min<uint8_t>(len, 128));
}
u128 start_of(const netlink::Route6& r) noexcept { return r.dst & mask_of(r.dst_len); }
u128 end_of(const netlink::Route6& r) noexcept { return start_of(r) | ~mask_of(r.dst_len); }

struct Interval {
  u128 first = 0;
  u128 last = 0;  // inclusive
  int route = -1;
};

// Disjoint intervals covering the whole address space, each with its
// longest-prefix route (lowest metric among equal prefixes).
std::vector<Interval> flatten(std::span<const netlink::Route6> routes, std::vector<int> order) {
  auto route = [&](int i) -> const netlink::Route6& { return routes[static_cast<size_t>(i)]; };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const auto& x = route(a);
    const auto& y = route(b);
    if (start_of(x) != start_of(y)) return start_of(x) < start_of(y);
    if (x.dst_len != y.dst_len) return x.dst_len < y.dst_len;
    return x.metric < y.metric;
  });
  order.erase(std::unique(order.begin(), order.end(),
                          [&](int a, int b) {
                            return start_of(route(a)) == start_of(route(b)) &&
                                   route(a).dst_len == route(b).dst_len;
                          }),
              order.end());

  std::vector<Interval> out;
  u128 pos = 0;       // the first address not yet covered...
  bool full = false;  // ... unless every address is
  auto emit = [&](u128 last, int r) {  // covers [pos, last] with r
    if (full || pos > last) return;
    if (!out.empty() && out.back().route == r) {
      out.back().last = last;
    } else {
      out.push_back({pos, last, r});
    }
    if (last == kMax) full = true;
    else pos = last + 1;
  };
  std::vector<int> open;  // the prefixes containing pos, innermost last
  for (int r : order) {
    const u128 start = start_of(route(r));
    while (!open.empty() && end_of(route(open.back())) < start) {
      emit(end_of(route(open.back())), open.back());
      open.pop_back();
    }
    if (start > 0) emit(start - 1, open.empty() ? -1 : open.back());
    open.push_back(r);
  }
  while (!open.empty()) {
    emit(end_of(route(open.back())), open.back());
    open.pop_back();
  }
  emit(kMax, -1);
  return out;
}

// The local table where it has an answer, else the main table.
std::vector<Interval> overlay(const std::vector<Interval>& local, const std::vector<Interval>& main) {
  std::vector<Interval> out;
  size_t i = 0, j = 0;
  u128 pos = 0;
  for (;;) {
    while (local[i].last < pos) ++i;
    while (main[j].last < pos) ++j;
    const u128 last = std::min(local[i].last, main[j].last);
    const int r = local[i].route >= 0 ? local[i].route : main[j].route;
    if (!out.empty() && out.back().route == r) {
      out.back().last = last;
    } else {
      out.push_back({pos, last, r});
    }
    if (last == kMax) return out;
    pos = last + 1;
  }
}

RouteSegment6 decide(const netlink::Route6* r) {
  RouteSegment6 s;
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
    case RTN_LOCAL: s.why = Unroutable::LocalAddress; break;
    // Multicast (ff00::/8 in the local table), anycast, unreachable,
    // blackhole, prohibit: nothing a scan sends one probe to one host through.
    default: s.why = Unroutable::RejectRoute; break;
  }
  if (s.kind == HopKind::Unroutable && s.why != Unroutable::LocalAddress) s.prefsrc = 0;
  return s;
}

void append(std::vector<RouteSegment6>& out, const RouteSegment6& s) {
  if (!out.empty() && out.back().same_hop(s) && out.back().first_index + out.back().count == s.first_index) {
    out.back().count += s.count;
    return;
  }
  out.push_back(s);
}

}  // namespace

uint64_t count_targets6(std::span<const NextHopRange6> targets) {
  uint64_t total = 0;
  for (const auto& r : targets) {
    const u128 size = r.last - r.first + 1;  // 0: all 2^128 addresses
    if (size == 0 || size > UINT64_MAX - total) {
      throw UsageError("too many IPv6 targets: at most 2^64 - 1 addresses can be scanned at once.");
    }
    total += static_cast<uint64_t>(size);
  }
  return total;
}

u128 target_at6(std::span<const NextHopRange6> targets, uint64_t index) {
  for (const auto& r : targets) {
    const u128 size = r.last - r.first + 1;
    if (index < size) return r.first + index;
    index -= static_cast<uint64_t>(size);
  }
  return 0;
}

std::vector<RouteSegment6> split_by_route6(std::span<const netlink::Route6> routes,
                                           std::span<const NextHopRange6> targets, int ifindex) {
  std::vector<int> local, main;
  for (size_t i = 0; i < routes.size(); ++i) {
    const auto& r = routes[i];
    const int idx = static_cast<int>(i);
    if (r.table == RT_TABLE_LOCAL) {
      local.push_back(idx);
    } else if (ifindex == 0 || r.type != RTN_UNICAST || r.oif == ifindex) {
      main.push_back(idx);
    }
  }
  const auto intervals = overlay(flatten(routes, local), flatten(routes, main));

  std::vector<RouteSegment6> out;
  size_t k = 0;
  uint64_t index = 0;
  for (const auto& range : targets) {
    u128 a = range.first;
    for (;;) {
      while (intervals[k].last < a) ++k;
      const u128 b = std::min(range.last, intervals[k].last);
      const int r = intervals[k].route;
      RouteSegment6 s = decide(r >= 0 ? &routes[static_cast<size_t>(r)] : nullptr);
      s.first_index = index;
      s.count = static_cast<uint64_t>(b - a + 1);
      s.first_address = a;
      append(out, s);
      index += s.count;
      if (b == range.last) break;
      a = b + 1;
    }
  }
  return out;
}

void restrict_to_interface6(std::vector<RouteSegment6>& segments, int ifindex) {
  std::vector<RouteSegment6> out;
  out.reserve(segments.size());
  for (RouteSegment6 s : segments) {
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

void reach_local_addresses6(std::vector<RouteSegment6>& segments, int loopback_ifindex) {
  for (RouteSegment6& s : segments) {
    if (s.kind == HopKind::Unroutable && s.why == Unroutable::LocalAddress) {
      s.kind = HopKind::OnLink;
      s.why = Unroutable::None;
      s.oif = loopback_ifindex;
      s.prefix = s.first_address;
      s.prefix_len = 128;
    }
  }
}

}  // namespace portsweep
