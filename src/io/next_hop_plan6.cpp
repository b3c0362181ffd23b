#include "io/next_hop_plan6.hpp"

#include <algorithm>
#include <chrono>

#include "common/error.hpp"
#include "io/interface_info.hpp"
#include "io/sweep_socket.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep {

namespace {

using Clock = std::chrono::steady_clock;

double micros_since(Clock::time_point t) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string text(u128 a) { return IpAddress::v6(a).to_string(); }

std::string why_unroutable(u128 address, Unroutable why, const std::string& iface) {
  const std::string a = text(address);
  switch (why) {
    case Unroutable::NoRoute: return a + " has no route" + (iface.empty() ? "" : " through " + iface);
    case Unroutable::LocalAddress: return a + " is one of this host's own addresses";
    case Unroutable::OtherInterface: return a + " is routed through another interface than " + iface;
    default: return a + " has " + unroutable_reason(why);
  }
}

const FoundMac6* find_found(std::span<const FoundMac6> found, u128 address) {
  auto it = std::lower_bound(found.begin(), found.end(), address,
                             [](const FoundMac6& f, u128 a) { return f.address < a; });
  return it != found.end() && it->address == address ? &*it : nullptr;
}

// Target index -> address for indexes asked in increasing order: one step
// per range crossed, not a walk from the start each time.
class AddressCursor {
 public:
  explicit AddressCursor(std::span<const NextHopRange6> ranges) : ranges_(ranges) {}
  u128 at(uint64_t index) noexcept {
    while (range_ < ranges_.size()) {
      const u128 size = ranges_[range_].last - ranges_[range_].first + 1;
      if (index - first_index_ < size) return ranges_[range_].first + (index - first_index_);
      first_index_ += static_cast<uint64_t>(size);
      ++range_;
    }
    return 0;
  }

 private:
  std::span<const NextHopRange6> ranges_;
  size_t range_ = 0;
  uint64_t first_index_ = 0;
};

}  // namespace

std::vector<std::string> NextHopPlan6::warnings() const {
  std::vector<std::string> out;
  const auto& c = counts_;
  if (c.unroutable != 0) {
    out.push_back(plural(c.unroutable, "target", "targets") + " cannot be sent to from " + path_.iface +
                  " and " + (c.unroutable == 1 ? "is" : "are") + " skipped (" +
                  why_unroutable(c.unroutable_example, c.unroutable_why, path_.iface) + ").");
  }
  if (c.on_link_silent != 0) {
    out.push_back(plural(c.on_link_silent, "on-link target", "on-link targets") + " on " + path_.iface +
                  " did not answer Neighbor Solicitation (" +
                  plural(c.nd_requests_per_address, "solicitation", "solicitations") + " each) and " +
                  (c.on_link_silent == 1 ? "is" : "are") + " skipped (e.g. " + text(c.silent_example) + ")" +
                  (c.nd.timed_out ? ", the sweep having timed out before its last solicitations." : "."));
  }
  return out;
}

NextHopPlan6 plan_next_hops6(std::span<const NextHopRange6> targets, std::vector<RouteSegment6> segments,
                             const ScanPath6& path, bool uses_nd, std::span<const FoundMac6> found) {
  NextHopPlan6 plan;
  plan.path_ = path;
  NextHopCounts6& c = plan.counts_;
  c.targets = count_targets6(targets);
  std::vector<u128> gateways;
  AddressCursor cursor(targets);
  for (const RouteSegment6& s : segments) {
    switch (s.kind) {
      case HopKind::Unroutable:
        if (c.unroutable == 0) {
          c.unroutable_example = s.first_address;
          c.unroutable_why = s.why;
        }
        c.unroutable += s.count;
        plan.lookup_.add_none(s.first_index);
        break;
      case HopKind::Gateway: {
        MacAddr mac;
        if (uses_nd) {
          const FoundMac6* f = find_found(found, s.gateway);
          if (f == nullptr) {
            throw RuntimeFailure("no Neighbor Advertisement from the gateway " + text(s.gateway) + " on " +
                                 path.iface + ", which " + text(s.first_address) +
                                 " and other targets are routed through.");
          }
          mac = f->mac;
        }
        c.via_gateway += s.count;
        if (std::find(gateways.begin(), gateways.end(), s.gateway) == gateways.end()) {
          gateways.push_back(s.gateway);
        }
        plan.lookup_.add_mac(s.first_index, mac);
        break;
      }
      case HopKind::OnLink: {
        c.on_link += s.count;
        if (!uses_nd) {
          c.on_link_known += s.count;
          plan.lookup_.add_mac(s.first_index, MacAddr{});
          break;
        }
        plan.lookup_.add_slots(s.first_index, s.count);
        for (uint64_t k = 0; k < s.count; ++k) {
          const uint64_t index = s.first_index + k;
          const u128 address = cursor.at(index);
          const FoundMac6* f = find_found(found, address);
          if (f == nullptr) {
            if (c.on_link_silent++ == 0) c.silent_example = address;
            plan.lookup_.push_silent();
            continue;
          }
          plan.lookup_.push_mac(f->mac);
          plan.hosts_.push_back({index, address, f->mac, f->source, f->reply_time_us, f->latency_us});
          ++(f->source == OnLinkHost::Source::ArpReply ? c.on_link_answered : c.on_link_known);
        }
        break;
      }
    }
  }
  c.gateways = static_cast<unsigned>(gateways.size());
  plan.lookup_.finish(c.targets);
  if (const MacAddr* mac = plan.lookup_.uniform_mac();
      mac != nullptr && c.unroutable == 0 && gateways.size() == 1 && c.on_link == 0) {
    plan.path_.via_gateway = true;
    plan.path_.next_hop_ip = gateways[0];
    plan.path_.next_hop_mac = *mac;
  }
  plan.segments_ = std::move(segments);
  return plan;
}

NextHopPlan6 resolve_next_hops6(const NextHopRequest6& request) {
  const auto start = Clock::now();
  const auto targets = request.targets;
  if (targets.empty()) throw RuntimeFailure("there are no IPv6 targets to find next hops for.");
  count_targets6(targets);  // refuses sets too big to index
  const auto routes = netlink::dump_ipv6_lookup_routes();
  std::optional<InterfaceInfo> iface;
  if (request.iface) iface = usable_interface(*request.iface);

  const auto split_start = Clock::now();
  auto segments = split_by_route6(routes, targets, iface ? iface->index : 0);
  auto first_sendable = [&](bool local_too) {
    return std::find_if(segments.begin(), segments.end(), [&](const RouteSegment6& s) {
      return s.kind != HopKind::Unroutable || (local_too && s.why == Unroutable::LocalAddress);
    });
  };
  auto first = first_sendable(iface && iface->loopback);
  if (first == segments.end() && !iface) first = first_sendable(true);
  if (first == segments.end()) {
    const RouteSegment6& s = segments.front();
    throw RuntimeFailure("cannot send to any target: " + why_unroutable(s.first_address, s.why, iface ? iface->name : "") +
                         (segments.size() > 1 || s.count > 1 ? ", and so have the others." : "."));
  }
  // Without -e the scan leaves through the interface of the first target it
  // can route (else loopback), as for IPv4.
  if (!iface) {
    if (first->kind == HopKind::Unroutable) {  // a local address
      for (auto& i : list_interfaces()) {
        if (i.loopback && i.up) {
          iface = std::move(i);
          break;
        }
      }
      if (!iface) {
        throw RuntimeFailure(text(first->first_address) +
                             " is one of this host's own addresses, and there is no loopback "
                             "interface up to reach it through.");
      }
    } else {
      iface = find_interface(first->oif);
      if (!iface) {
        throw RuntimeFailure("the route to " + text(first->first_address) + " uses interface index " +
                             std::to_string(first->oif) + ", which has gone away; give -e IFACE.");
      }
    }
  }
  if (iface->loopback) reach_local_addresses6(segments, iface->index);
  restrict_to_interface6(segments, iface->index);
  const double split_us = micros_since(split_start);
  first = first_sendable(false);
  if (first == segments.end()) throw RuntimeFailure("cannot send to any target through " + iface->name + ".");

  // The source: -S, else the route's preferred source, else the address the
  // kernel would pick for the first target, else the interface's best.
  const u128 next_hop = first->kind == HopKind::Gateway ? first->gateway : first->first_address;
  u128 preferred = first->prefsrc;
  if (preferred == 0 && !request.src_ip) {
    if (auto r = netlink::lookup_route6(first->first_address, iface->index)) preferred = r->prefsrc;
  }
  const ScanPath6 path = interface_path6(*iface, request.src_ip, preferred, next_hop);

  uint64_t on_link = 0;
  for (const auto& s : segments) {
    if (s.kind == HopKind::OnLink) on_link += s.count;
  }
  if (on_link > request.max_on_link_targets) {
    const auto s = std::find_if(segments.begin(), segments.end(),
                                [](const RouteSegment6& x) { return x.kind == HopKind::OnLink; });
    throw UsageError(std::to_string(on_link) + " targets are on-link on " + iface->name + " (first " +
                     text(s->first_address) +
                     "), each needing its own Neighbor Discovery answer; portsweep resolves at most " +
                     std::to_string(request.max_on_link_targets) + " at once: scan the link in parts.");
  }

  std::vector<FoundMac6> found;
  NdSweepStats nd_stats;
  double nd_ms = 0;
  if (iface->uses_arp) {
    std::vector<u128> gateways, wanted;
    AddressCursor cursor(targets);
    for (const auto& s : segments) {
      if (s.kind == HopKind::Gateway) {
        gateways.push_back(s.gateway);
      } else if (s.kind == HopKind::OnLink) {
        for (uint64_t k = 0; k < s.count; ++k) {
          const u128 a = cursor.at(s.first_index + k);
          // Asking for our own address would be duplicate address detection.
          if (a != path.src_ip && a != path.link_local_src) wanted.push_back(a);
        }
      }
    }
    std::sort(gateways.begin(), gateways.end());
    gateways.erase(std::unique(gateways.begin(), gateways.end()), gateways.end());
    wanted.insert(wanted.end(), gateways.begin(), gateways.end());
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());

    auto neighbours = netlink::dump_neighbours6(iface->index);
    std::sort(neighbours.begin(), neighbours.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
    auto neighbour = [&](u128 a) -> const netlink::Neighbour6* {
      auto it = std::lower_bound(neighbours.begin(), neighbours.end(), a,
                                 [](const netlink::Neighbour6& n, u128 v) { return n.address < v; });
      return it != neighbours.end() && it->address == a ? &*it : nullptr;
    };
    std::vector<u128> ask;
    for (u128 a : wanted) {
      const auto* n = neighbour(a);
      if (n != nullptr && n->is_fresh()) {
        found.push_back({a, *n->mac, OnLinkHost::Source::NeighbourTable, 0, 0});
      } else {
        ask.push_back(a);
      }
    }

    const SweepClock clock = SweepClock::now();
    NdSweep sweep(std::move(ask), path.src_mac, path.src_ip, path.link_local_src, request.nd, clock.steady_ns);
    const auto nd_start = Clock::now();
    run_nd_sweep(sweep, iface->name, iface->index);
    nd_ms = micros_since(nd_start) / 1000;
    for (const auto& e : sweep.entries()) {
      if (e.answered) {
        found.push_back({e.ip, e.mac, OnLinkHost::Source::ArpReply,
                         clock.wall_us + (e.reply_ns - clock.steady_ns) / 1000,
                         static_cast<uint32_t>((e.reply_ns - sweep.last_request_ns(e)) / 1000)});
      } else if (std::binary_search(gateways.begin(), gateways.end(), e.ip)) {
        // A gateway silent just now that the kernel heard from recently.
        const auto* n = neighbour(e.ip);
        if (n != nullptr && n->is_unconfirmed()) {
          found.push_back({e.ip, *n->mac, OnLinkHost::Source::NeighbourTable, 0, 0});
        } else {
          throw RuntimeFailure("no Neighbor Advertisement from the gateway " + text(e.ip) + " on " + iface->name +
                               " (" + plural(sweep.requests(e), "solicitation", "solicitations") + ", " +
                               std::to_string(request.nd.retry_interval.count()) +
                               " ms apart); the targets routed through it cannot be reached.");
        }
      }
    }
    std::sort(found.begin(), found.end(), [](const FoundMac6& a, const FoundMac6& b) { return a.address < b.address; });
    nd_stats = sweep.stats();
  }

  NextHopPlan6 plan = plan_next_hops6(targets, std::move(segments), path, iface->uses_arp, found);
  plan.counts_.nd = nd_stats;
  plan.counts_.nd_requests_per_address = 1 + request.nd.retries;
  plan.counts_.route_split_us = split_us;
  plan.counts_.nd_ms = nd_ms;
  plan.counts_.total_ms = micros_since(start) / 1000;
  return plan;
}

}  // namespace portsweep
