#include "io/next_hop_plan.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "common/error.hpp"
#include "io/interface_info.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {

namespace {

using Clock = std::chrono::steady_clock;

double micros_since(Clock::time_point t) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "198.20.0.1 has no route", "198.18.0.1 is our own address", ...
std::string why_unroutable(uint32_t address, Unroutable why, const std::string& iface) {
  const std::string a = format_ipv4(address);
  switch (why) {
    case Unroutable::NoRoute:
      return a + " has no route" + (iface.empty() ? "" : " through " + iface);
    case Unroutable::LocalAddress: return a + " is one of this host's own addresses";
    case Unroutable::OtherInterface: return a + " is routed through another interface than " + iface;
    default: return a + " has " + unroutable_reason(why);
  }
}

const FoundMac* find_found(std::span<const FoundMac> found, uint32_t address) {
  auto it = std::lower_bound(found.begin(), found.end(), address,
                             [](const FoundMac& f, uint32_t a) { return f.address < a; });
  return it != found.end() && it->address == address ? &*it : nullptr;
}

uint64_t mac_key(const MacAddr& m) {
  uint64_t k = 0;
  for (uint8_t b : m.bytes) k = k << 8 | b;
  return k;
}

}  // namespace

const NextHopPlan::Lookup* NextHopPlan::lookup_of(uint64_t target_index) const noexcept {
  if (target_index >= counts_.targets || lookups_.empty()) return nullptr;
  auto it = std::upper_bound(lookups_.begin(), lookups_.end(), target_index,
                             [](uint64_t i, const Lookup& l) { return i < l.first_index; });
  return &*(it - 1);  // lookups_[0].first_index is 0
}

const MacAddr* NextHopPlan::segmented_mac_for(uint64_t target_index) const noexcept {
  const Lookup* l = lookup_of(target_index);
  if (l == nullptr) return nullptr;
  if (l->mode == kMac) return &macs_[l->ref];
  if (l->mode == kSlots) {
    const uint32_t slot = slots_[l->ref + (target_index - l->first_index)];
    return slot >= kFirstMac ? &macs_[slot - kFirstMac] : nullptr;
  }
  return nullptr;
}

bool NextHopPlan::was_asked(uint64_t target_index) const noexcept {
  const Lookup* l = lookup_of(target_index);
  return l != nullptr && l->mode == kSlots &&
         slots_[l->ref + (target_index - l->first_index)] != kNotAsked;
}

size_t NextHopPlan::lookup_bytes() const noexcept {
  return lookups_.capacity() * sizeof(Lookup) + slots_.capacity() * sizeof(uint32_t) +
         macs_.capacity() * sizeof(MacAddr);
}

std::vector<std::string> NextHopPlan::warnings() const {
  std::vector<std::string> out;
  const auto& c = counts_;
  if (c.unroutable != 0) {
    out.push_back(plural(c.unroutable, "target", "targets") + " cannot be sent to from " +
                  path_.iface + " and " + (c.unroutable == 1 ? "is" : "are") + " skipped (" +
                  why_unroutable(c.unroutable_example, c.unroutable_why, path_.iface) + ").");
  }
  if (c.on_link_silent != 0) {
    out.push_back(plural(c.on_link_silent, "on-link target", "on-link targets") + " on " +
                  path_.iface + " did not answer ARP (" +
                  plural(c.arp_requests_per_address, "request", "requests") + " each) and " +
                  (c.on_link_silent == 1 ? "is" : "are") + " skipped (e.g. " +
                  format_ipv4(c.silent_example) + ")" +
                  (c.arp.timed_out ? ", the ARP sweep having timed out before its last requests."
                                   : "."));
  }
  if (c.on_link_not_asked != 0) {
    out.push_back(plural(c.on_link_not_asked, "target is", "targets are") +
                  " the network or broadcast address of " +
                  (c.on_link_not_asked == 1 ? "its" : "their") +
                  " link, not asked by ARP and skipped (e.g. " +
                  format_ipv4(c.not_asked_example) + ").");
  }
  return out;
}

NextHopPlan plan_next_hops(const TargetSet& targets, std::vector<RouteSegment> segments,
                           const ScanPath& path, bool uses_arp, std::span<const FoundMac> found) {
  NextHopPlan plan;
  plan.path_ = path;
  NextHopCounts& c = plan.counts_;
  c.targets = targets.size();

  std::unordered_map<uint64_t, uint32_t> mac_index;
  auto intern = [&](const MacAddr& mac) {
    auto [it, added] = mac_index.try_emplace(mac_key(mac), static_cast<uint32_t>(plan.macs_.size()));
    if (added) plan.macs_.push_back(mac);
    return it->second;
  };
  std::vector<uint32_t> gateways;
  uint64_t on_link_slots = 0;
  for (const RouteSegment& s : segments) {
    if (s.kind == HopKind::OnLink && uses_arp) on_link_slots += s.count;
  }
  plan.slots_.reserve(on_link_slots);
  plan.lookups_.reserve(segments.size());

  for (const RouteSegment& s : segments) {
    NextHopPlan::Lookup l;
    l.first_index = s.first_index;
    switch (s.kind) {
      case HopKind::Unroutable:
        if (c.unroutable == 0) {
          c.unroutable_example = s.first_address;
          c.unroutable_why = s.why;
        }
        c.unroutable += s.count;
        l.mode = NextHopPlan::kNone;
        break;
      case HopKind::Gateway: {
        MacAddr mac;
        if (uses_arp) {
          const FoundMac* f = find_found(found, s.gateway);
          if (f == nullptr) {
            throw RuntimeFailure("no ARP reply from the gateway " + format_ipv4(s.gateway) +
                                 " on " + path.iface + ", which " + format_ipv4(s.first_address) +
                                 " and other targets are routed through.");
          }
          mac = f->mac;
        }
        c.via_gateway += s.count;
        if (std::find(gateways.begin(), gateways.end(), s.gateway) == gateways.end()) {
          gateways.push_back(s.gateway);
        }
        l.mode = NextHopPlan::kMac;
        l.ref = intern(mac);
        break;
      }
      case HopKind::OnLink: {
        c.on_link += s.count;
        if (!uses_arp) {
          c.on_link_known += s.count;
          l.mode = NextHopPlan::kMac;
          l.ref = intern(MacAddr{});
          break;
        }
        l.mode = NextHopPlan::kSlots;
        l.ref = static_cast<uint32_t>(plan.slots_.size());
        for (uint64_t k = 0; k < s.count; ++k) {
          const uint64_t index = s.first_index + k;
          const uint32_t address = targets.at(index);
          if (is_network_or_broadcast(address, s.prefix, s.prefix_len)) {
            if (c.on_link_not_asked++ == 0) c.not_asked_example = address;
            plan.slots_.push_back(NextHopPlan::kNotAsked);
            continue;
          }
          const FoundMac* f = find_found(found, address);
          if (f == nullptr) {
            if (c.on_link_silent++ == 0) c.silent_example = address;
            plan.slots_.push_back(NextHopPlan::kSilent);
            continue;
          }
          plan.slots_.push_back(NextHopPlan::kFirstMac + intern(f->mac));
          plan.hosts_.push_back(
              {index, address, f->mac, f->source, f->reply_time_us, f->latency_us});
          ++(f->source == OnLinkHost::Source::ArpReply ? c.on_link_answered : c.on_link_known);
        }
        break;
      }
    }
    plan.lookups_.push_back(l);
  }
  c.gateways = static_cast<unsigned>(gateways.size());

  // Uniform when every target gets the same answer without a per-target slot.
  const auto& ls = plan.lookups_;
  const bool uniform =
      ls.empty() || std::all_of(ls.begin(), ls.end(), [&](const NextHopPlan::Lookup& l) {
        return l.mode != NextHopPlan::kSlots && l.mode == ls[0].mode && l.ref == ls[0].ref;
      });
  plan.kind_ = uniform ? NextHopPlan::Kind::Uniform : NextHopPlan::Kind::Segmented;
  if (uniform && !ls.empty() && ls[0].mode == NextHopPlan::kMac) {
    plan.uniform_sendable_ = true;
    plan.uniform_mac_ = plan.macs_[ls[0].ref];
    if (c.unroutable == 0 && gateways.size() == 1 && c.on_link == 0) {
      plan.path_.via_gateway = true;
      plan.path_.next_hop_ip = gateways[0];
      plan.path_.next_hop_mac = plan.uniform_mac_;
    }
  }
  plan.segments_ = std::move(segments);
  return plan;
}

NextHopPlan resolve_next_hops(const NextHopRequest& request) {
  const auto start = Clock::now();
  if (request.targets == nullptr || request.targets->empty()) {
    throw RuntimeFailure("there are no targets to find next hops for.");
  }
  const TargetSet& targets = *request.targets;
  const auto routes = netlink::dump_ipv4_lookup_routes();
  std::optional<InterfaceInfo> iface;
  if (request.iface) iface = usable_interface(*request.iface);

  const auto split_start = Clock::now();
  auto segments = split_by_route(routes, targets, iface ? iface->index : 0);
  // Our own addresses are reached through loopback: sendable when the scan
  // goes out of it (-e lo, or no -e and nothing but local targets to send to;
  // scanning 192.168.1.1-254 from .1 must still go out of the LAN's interface).
  auto first_sendable = [&](bool local_too) {
    return std::find_if(segments.begin(), segments.end(), [&](const RouteSegment& s) {
      return s.kind != HopKind::Unroutable || (local_too && s.why == Unroutable::LocalAddress);
    });
  };
  auto first = first_sendable(iface && iface->loopback);
  if (first == segments.end() && !iface) first = first_sendable(true);
  if (first == segments.end()) {
    const RouteSegment& s = segments.front();
    throw RuntimeFailure("cannot send to any target: " +
                         why_unroutable(s.first_address, s.why, iface ? iface->name : "") +
                         (targets.size() > 1 ? ", and so have the others." : "."));
  }
  // Without -e the scan leaves through the interface of the first target it
  // can route (else loopback); targets routed through other interfaces are
  // skipped.
  if (!iface) {
    if (first->kind == HopKind::Unroutable) {  // a local address
      for (auto& i : list_interfaces()) {
        if (i.loopback && i.up) {
          iface = std::move(i);
          break;
        }
      }
      if (!iface) {
        throw RuntimeFailure(format_ipv4(first->first_address) +
                             " is one of this host's own addresses, and there is no loopback "
                             "interface up to reach it through.");
      }
    } else {
      iface = find_interface(first->oif);
      if (!iface) {
        throw RuntimeFailure("the route to " + format_ipv4(first->first_address) +
                             " uses interface index " + std::to_string(first->oif) +
                             ", which has gone away; give -e IFACE.");
      }
    }
  }
  if (iface->loopback) reach_local_addresses(segments, iface->index);
  restrict_to_interface(segments, iface->index);
  const double split_us = micros_since(split_start);
  first = first_sendable(false);
  if (first == segments.end()) {
    throw RuntimeFailure("cannot send to any target through " + iface->name + ".");
  }

  // The source: -S, else the route's preferred source, else the interface's
  // address on the next hop's subnet, else its first address.
  uint32_t preferred = first->prefsrc;
  const uint32_t next_hop = first->kind == HopKind::Gateway ? first->gateway : first->first_address;
  for (const auto& a : iface->ipv4) {
    if (preferred != 0) break;
    const uint32_t mask = a.prefix_len == 0 ? 0 : ~uint32_t{0} << (32 - a.prefix_len);
    if ((a.address & mask) == (next_hop & mask)) preferred = a.address;
  }
  const ScanPath path = interface_path(*iface, request.src_ip, preferred);

  uint64_t on_link = 0;
  for (const auto& s : segments) {
    if (s.kind == HopKind::OnLink) on_link += s.count;
  }
  if (on_link > request.max_on_link_targets) {
    throw UsageError(std::to_string(on_link) + " targets are on-link on " + iface->name +
                     " (first " + format_ipv4(std::find_if(segments.begin(), segments.end(),
                                                           [](const RouteSegment& s) {
                                                             return s.kind == HopKind::OnLink;
                                                           })->first_address) +
                     "), each needing its own ARP answer; portsweep resolves at most " +
                     std::to_string(request.max_on_link_targets) +
                     " at once: scan the link in parts.");
  }

  std::vector<FoundMac> found;
  ArpSweepStats arp_stats;
  double arp_ms = 0;
  if (iface->uses_arp) {
    std::vector<uint32_t> gateways, wanted;
    for (const auto& s : segments) {
      if (s.kind == HopKind::Gateway) {
        gateways.push_back(s.gateway);
      } else if (s.kind == HopKind::OnLink) {
        for (uint64_t k = 0; k < s.count; ++k) {
          const uint32_t a = targets.at(s.first_index + k);
          // Asking "who has A, tell A" would be a gratuitous ARP: -S on a target.
          if (!is_network_or_broadcast(a, s.prefix, s.prefix_len) && a != path.src_ip) {
            wanted.push_back(a);
          }
        }
      }
    }
    std::sort(gateways.begin(), gateways.end());
    gateways.erase(std::unique(gateways.begin(), gateways.end()), gateways.end());
    wanted.insert(wanted.end(), gateways.begin(), gateways.end());
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());

    auto neighbours = netlink::dump_neighbours(iface->index);
    std::sort(neighbours.begin(), neighbours.end(),
              [](const auto& a, const auto& b) { return a.address < b.address; });
    auto neighbour = [&](uint32_t a) -> const netlink::Neighbour* {
      auto it = std::lower_bound(neighbours.begin(), neighbours.end(), a,
                                 [](const netlink::Neighbour& n, uint32_t v) { return n.address < v; });
      return it != neighbours.end() && it->address == a ? &*it : nullptr;
    };
    std::vector<uint32_t> ask;
    for (uint32_t a : wanted) {
      const auto* n = neighbour(a);
      if (n != nullptr && n->is_fresh()) {
        found.push_back({a, *n->mac, OnLinkHost::Source::NeighbourTable});
      } else {
        ask.push_back(a);
      }
    }

    const SweepClock clock = SweepClock::now();
    ArpSweep sweep(std::move(ask), path.src_mac, path.src_ip, request.arp, clock.steady_ns);
    const auto arp_start = Clock::now();
    run_arp_sweep(sweep, iface->name, iface->index);
    arp_ms = micros_since(arp_start) / 1000;
    for (const auto& e : sweep.entries()) {
      if (e.answered) {
        found.push_back({e.ip, e.mac, OnLinkHost::Source::ArpReply,
                         clock.wall_us + (e.reply_ns - clock.steady_ns) / 1000,
                         static_cast<uint32_t>((e.reply_ns - e.last_request_ns) / 1000)});
      } else if (std::binary_search(gateways.begin(), gateways.end(), e.ip)) {
        // A gateway silent just now that the kernel heard from recently:
        // better to use its MAC than to give up (ARP answers get rate-limited).
        const auto* n = neighbour(e.ip);
        if (n != nullptr && n->is_unconfirmed()) {
          found.push_back({e.ip, *n->mac, OnLinkHost::Source::NeighbourTable});
        } else {
          const auto& o = request.arp;
          throw RuntimeFailure("no ARP reply from the gateway " + format_ipv4(e.ip) + " on " +
                               iface->name + " (" + plural(e.requests, "request", "requests") +
                               ", " + std::to_string(o.retry_interval.count()) +
                               " ms apart); the targets routed through it cannot be reached.");
        }
      }
    }
    std::sort(found.begin(), found.end(),
              [](const FoundMac& a, const FoundMac& b) { return a.address < b.address; });
    arp_stats = sweep.stats();
  }

  NextHopPlan plan = plan_next_hops(targets, std::move(segments), path, iface->uses_arp, found);
  plan.counts_.arp = arp_stats;
  plan.counts_.arp_requests_per_address = 1 + request.arp.retries;
  plan.counts_.route_split_us = split_us;
  plan.counts_.arp_ms = arp_ms;
  plan.counts_.total_ms = micros_since(start) / 1000;
  return plan;
}

}  // namespace portsweep
