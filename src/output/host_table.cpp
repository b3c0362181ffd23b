#include "output/host_table.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <tuple>

#include "ports/port_set.hpp"

namespace portsweep {

namespace {

constexpr uint8_t state_bit(PortState s) { return static_cast<uint8_t>(1u << static_cast<unsigned>(s)); }

bool same_port(const KeptPort& a, const KeptPort& b) { return a.proto == b.proto && a.port == b.port; }

bool port_order(const KeptPort& a, const KeptPort& b) {
  return std::tie(a.proto, a.port) < std::tie(b.proto, b.port);
}

// Tallies of one report being built, before they are sorted into states.
struct Tally {
  Proto proto;
  PortState state;
  Reason reason;
  uint32_t count;
  bool listed;  // its ports are known, so it may be printed port by port
};

void add_tally(std::vector<Tally>& tallies, Tally t) {
  for (Tally& x : tallies) {
    if (x.proto == t.proto && x.state == t.state && x.reason == t.reason && x.listed == t.listed) {
      x.count += t.count;
      return;
    }
  }
  tallies.push_back(t);
}

}  // namespace

const ServiceReport* HostReport::service_of(const KeptPort& p) const {
  // `services` is sorted like `listed`: by protocol, then port.
  auto it = std::lower_bound(services.begin(), services.end(), p, [](const PortService& s, const KeptPort& k) {
    return std::tie(s.proto, s.port) < std::tie(k.proto, k.port);
  });
  return it != services.end() && it->port == p.port && it->proto == p.proto ? &it->service : nullptr;
}

ReportPolicy ReportPolicy::for_scan(const ScanInfo& info) {
  ReportPolicy p;
  p.listing_limit = 25u * static_cast<uint32_t>(1 + std::max(info.verbose, 0));
  for (const ScanKind& k : info.scans) {
    p.no_response_state[proto_index(k.proto)] = k.unanswered_state();
    p.no_response_reason[proto_index(k.proto)] = k.no_response_reason;
    p.ports_per_host[proto_index(k.proto)] = k.num_services;
    // A shard probed only its share of a host's ports: what it did not hear
    // from may be another shard's, so it only counts them (merge lists them).
    std::optional<std::vector<uint16_t>> list = parse_port_ranges(k.services);
    if (list && list->size() == k.num_services && info.shard.empty())
      p.port_lists[proto_index(k.proto)] = std::move(*list);
  }
  p.open_only = info.open_only;
  return p;
}

bool may_be_open(PortState s) {
  return s == PortState::Open || s == PortState::OpenFiltered || s == PortState::Unfiltered;
}

uint32_t HostEntry::state_count(PortState s) const {
  uint32_t n = 0;
  for (const Count& c : counts) {
    if (c.state == s) n += c.count;
  }
  return n;
}

namespace {

// The count of a host's ports in one (protocol, state, reason), made at 0
// when the host has none yet. Valid until the next call.
uint32_t& tally(HostEntry& h, Proto proto, PortState state, Reason reason) {
  auto c = std::find_if(h.counts.begin(), h.counts.end(), [&](const HostEntry::Count& x) {
    return x.proto == proto && x.state == state && x.reason == reason;
  });
  if (c != h.counts.end()) return c->count;
  h.counts.push_back({0, proto, state, reason});
  return h.counts.back().count;
}

}  // namespace

HostTable::HostTable(ReportPolicy policy) : policy_(policy) {}

void HostTable::add(const PortResult& r) {
  auto [it, fresh] = hosts_.try_emplace(r.ip);
  HostEntry& h = it->second;
  // A port's answer with its round trip (a sampled probe's) is the host's
  // latency too, as for nmap; a hop's answer (traceroute) is not.
  if (r.rtt_us != 0 && r.from_ip.is_unspecified()) update_rtt(h, r.rtt_us);
  if (fresh) {
    h.first_us = h.last_us = r.time_us;
    h.up_reason = r.reason;
    h.up_ttl = r.ttl;
  } else {
    h.first_us = std::min(h.first_us, r.time_us);
    h.last_us = std::max(h.last_us, r.time_us);
  }

  ++tally(h, r.proto, r.state, r.reason);

  const KeptPort kept{r.port, r.proto, r.state, r.reason, r.ttl};
  // Grow toward the listing limit, not past it: every host of a sweep holds
  // about that many ports at once before its closed ports fold, so doubling's
  // slack would be paid once per host.
  if (h.ports.size() == h.ports.capacity() && h.ports.size() < policy_.listing_limit) {
    h.ports.reserve(std::min<std::size_t>(std::max<std::size_t>(4, 2 * h.ports.size()),
                                          policy_.listing_limit));
  }
  if (r.state == PortState::Open) {
    h.ports.push_back(kept);
    ++kept_;
    return;
  }
  if (h.dropped_states & state_bit(r.state)) return;
  if (kept_ >= policy_.kept_ports_budget && h.state_count(r.state) > policy_.listing_limit) {
    // Past the budget, a state too long to print port by port gives its ports back.
    const auto before = h.ports.size();
    std::erase_if(h.ports, [&](const KeptPort& p) { return p.state == r.state; });
    kept_ -= before - h.ports.size();
    h.ports.shrink_to_fit();
    h.dropped_states |= state_bit(r.state);
    return;
  }
  h.ports.push_back(kept);
  ++kept_;
}

bool HostTable::update(const PortResult& r) {
  auto it = hosts_.find(r.ip);
  if (it == hosts_.end()) {
    add(r);
    return true;
  }
  HostEntry& h = it->second;
  auto kept = std::find_if(h.ports.begin(), h.ports.end(),
                           [&](const KeptPort& p) { return p.proto == r.proto && p.port == r.port; });
  if (kept == h.ports.end()) {
    // Unanswered (counted as scanned minus answered), or of a state whose list
    // was given up: one answered port more either way. A given-up state keeps
    // its count; the report then counts the port in both, which only a sweep
    // far past the kept-ports budget can reach (see ReportPolicy).
    add(r);
    return true;
  }
  if (kept->state == r.state && kept->reason == r.reason) return false;
  if (uint32_t& before = tally(h, kept->proto, kept->state, kept->reason); before > 0) --before;
  ++tally(h, r.proto, r.state, r.reason);
  kept->state = r.state;
  kept->reason = r.reason;
  if (r.ttl != 0) kept->ttl = r.ttl;
  h.last_us = std::max(h.last_us, r.time_us);
  return true;
}

namespace {

// nmap sends a host's discovery probes one after another, ARP first on the
// link (neighbour discovery for IPv6), then the ICMP echo, the TCP SYNs, the TCP ACKs and the ICMP
// timestamp, and names the first reply as why the host is up. A sweep spreads
// those probes apart in time, so the reply that came first says little; the
// one of the probe nmap sends first is the one nmap would name. Lower ranks
// first. Only a SYN is answered by a SYN-ACK, so it ranks before a reset.
int up_reason_rank(Reason r) {
  switch (r) {
    case Reason::ArpResponse:
    case Reason::NdResponse: return 0;
    case Reason::EchoReply: return 1;
    case Reason::SynAck: return 2;
    case Reason::Reset: return 3;
    case Reason::TimestampReply: return 4;
    case Reason::AddressmaskReply: return 5;
    default: return 6;
  }
}

}  // namespace

void HostTable::add_host(const HostUp& up) {
  auto [it, fresh] = hosts_.try_emplace(up.ip);
  HostEntry& h = it->second;
  if (fresh) h.first_us = h.last_us = up.time_us;
  // -Pn's "user-set" is why every host is up, answered or not (nmap says so
  // for all of them); discovery's reason is set before any port result, and
  // a later discovery answer replaces it when nmap would have named that one.
  if (fresh || up.reason == Reason::UserSet ||
      (h.up_reason != Reason::UserSet && up_reason_rank(up.reason) < up_reason_rank(h.up_reason))) {
    h.up_reason = up.reason;
    h.up_ttl = up.ttl;
  }
  if (up.has_mac) {
    h.mac = up.mac;
    h.has_mac = true;
  }
  if (up.rtt_us != 0) add_rtt(up.ip, up.rtt_us);
}

void HostTable::set_trace(const IpAddress& ip, std::vector<TraceHop> hops) {
  auto it = hosts_.find(ip);
  if (it != hosts_.end()) it->second.trace = std::move(hops);
}

void HostTable::set_os(OsReport os) {
  auto it = hosts_.find(os.ip);
  if (it != hosts_.end()) it->second.os = std::make_shared<const OsReport>(std::move(os));
}

void HostTable::set_os_hint(OsHint hint) {
  auto it = hosts_.find(hint.ip);
  if (it != hosts_.end()) it->second.os_hint = std::make_shared<const OsHint>(std::move(hint));
}

void HostTable::add_rtt(const IpAddress& ip, uint32_t rtt_us) {
  auto it = hosts_.find(ip);
  if (it != hosts_.end()) update_rtt(it->second, rtt_us);
}

void HostTable::update_rtt(HostEntry& h, uint32_t rtt_us) {
  // Jacobson/Karels smoothing, as TCP (RFC 6298) and nmap do.
  if (!h.has_rtt) {
    h.srtt_us = rtt_us;
    h.rttvar_us = rtt_us / 2;
    h.has_rtt = true;
    return;
  }
  const uint32_t delta = h.srtt_us > rtt_us ? h.srtt_us - rtt_us : rtt_us - h.srtt_us;
  h.rttvar_us = static_cast<uint32_t>((3ull * h.rttvar_us + delta) / 4);
  h.srtt_us = static_cast<uint32_t>((7ull * h.srtt_us + rtt_us) / 8);
}

bool HostTable::set_service(const ServiceResult& r) {
  auto it = hosts_.find(r.ip);
  if (it == hosts_.end()) return false;
  std::vector<PortService>& services = it->second.services;
  auto same = std::find_if(services.begin(), services.end(), [&](const PortService& s) {
    return s.port == r.port && s.proto == r.proto;
  });
  if (same != services.end()) {
    same->service = r.service;
  } else {
    services.push_back({r.port, r.proto, r.service});
  }
  return true;
}

const HostEntry* HostTable::find(const IpAddress& ip) const {
  auto it = hosts_.find(ip);
  return it == hosts_.end() ? nullptr : &it->second;
}

std::vector<IpAddress> HostTable::sorted_addresses() const {
  std::vector<IpAddress> ips;
  ips.reserve(hosts_.size());
  for (const auto& [ip, entry] : hosts_) ips.push_back(ip);
  std::sort(ips.begin(), ips.end());
  return ips;
}

HostReport HostTable::report(const IpAddress& ip, const PortsPerProto& scanned) const {
  const HostEntry& h = hosts_.at(ip);
  HostReport rep;
  rep.ip = ip;
  rep.first_us = h.first_us;
  rep.last_us = h.last_us;
  rep.up_reason = h.up_reason;
  rep.up_ttl = h.up_ttl;
  if (h.has_rtt) rep.rtt = RttEstimate{h.srtt_us, h.rttvar_us};

  std::vector<HostEntry::Count> counts = h.counts;
  rep.services = h.services;
  rep.trace = h.trace;
  rep.os = h.os;
  rep.os_hint = h.os_hint;
  if (h.has_mac) rep.mac = h.mac;
  std::sort(rep.services.begin(), rep.services.end(), [](const PortService& a, const PortService& b) {
    return std::tie(a.proto, a.port) < std::tie(b.proto, b.port);
  });
  rep.listed = h.ports;
  std::stable_sort(rep.listed.begin(), rep.listed.end(), port_order);
  // A port given twice is counted once, in its later state: a duplicated
  // reply repeats the first, and a later finding (a saved file's record of a
  // port -sV's UDP response turned open, read back) supersedes it.
  for (auto it = std::adjacent_find(rep.listed.begin(), rep.listed.end(), same_port);
       it != rep.listed.end(); it = std::adjacent_find(it, rep.listed.end(), same_port)) {
    const KeptPort earlier = *it;
    for (auto& c : counts) {
      if (c.proto == earlier.proto && c.state == earlier.state && c.reason == earlier.reason && c.count > 0) {
        --c.count;
        break;
      }
    }
    it = rep.listed.erase(it);
  }

  std::vector<Tally> tallies;
  PortsPerProto answered{};
  for (const auto& c : counts) {
    if (c.count == 0) continue;
    answered[proto_index(c.proto)] += c.count;
    add_tally(tallies, {c.proto, c.state, c.reason, c.count, true});
  }
  // Unanswered probes are never delivered one by one. When every port the
  // host answered on is still kept, the unanswered ones are the port list less
  // those: listed by name when few, as nmap lists them, and named in XML's
  // extrareasons when folded. Otherwise they can only be counted.
  for (std::size_t p = 0; p < kProtoCount; ++p) {
    rep.ports_scanned += std::max(scanned[p], answered[p]);
    if (scanned[p] <= answered[p]) continue;
    const uint32_t unanswered = scanned[p] - answered[p];
    const auto proto = static_cast<Proto>(p);
    const std::vector<uint16_t>& all = policy_.port_lists[p];
    bool listed = false;
    if (h.dropped_states == 0 && all.size() == scanned[p]) {
      std::vector<uint16_t> heard;
      for (const KeptPort& k : rep.listed) {
        if (k.proto == proto) heard.push_back(k.port);  // ascending: rep.listed is sorted
      }
      std::vector<uint16_t> silent;
      std::set_difference(all.begin(), all.end(), heard.begin(), heard.end(), std::back_inserter(silent));
      if (silent.size() == unanswered) {
        for (uint16_t port : silent) {
          rep.listed.push_back({port, proto, policy_.no_response_state[p], policy_.no_response_reason[p], 0});
        }
        listed = true;
      }
    }
    add_tally(tallies, {proto, policy_.no_response_state[p], policy_.no_response_reason[p], unanswered, listed});
  }
  std::stable_sort(rep.listed.begin(), rep.listed.end(), port_order);

  constexpr std::size_t kStates = 6;
  std::array<uint32_t, kStates> totals{};
  for (const Tally& t : tallies) totals[static_cast<std::size_t>(t.state)] += t.count;
  std::array<bool, kStates> hidden{};
  for (std::size_t s = 0; s < kStates; ++s) {
    const auto state = static_cast<PortState>(s);
    hidden[s] = state != PortState::Open &&
                (totals[s] > policy_.listing_limit || (h.dropped_states & state_bit(state)) ||
                 (policy_.open_only && !may_be_open(state)));
  }
  // The ports of the states folded away, for the tallies that know them all.
  std::vector<std::pair<std::tuple<PortState, Reason, Proto>, std::vector<uint16_t>>> folded;
  for (const KeptPort& p : rep.listed) {
    if (!hidden[static_cast<std::size_t>(p.state)] || (h.dropped_states & state_bit(p.state))) continue;
    const auto key = std::make_tuple(p.state, p.reason, p.proto);
    auto f = std::find_if(folded.begin(), folded.end(), [&](const auto& x) { return x.first == key; });
    if (f == folded.end()) f = folded.insert(folded.end(), {key, {}});
    f->second.push_back(p.port);
  }
  std::erase_if(rep.listed, [&](const KeptPort& p) { return hidden[static_cast<std::size_t>(p.state)]; });

  for (const Tally& t : tallies) {
    if (t.listed && !hidden[static_cast<std::size_t>(t.state)]) continue;
    auto hs = std::find_if(rep.hidden.begin(), rep.hidden.end(),
                           [&](const HiddenState& x) { return x.state == t.state; });
    if (hs == rep.hidden.end()) {
      rep.hidden.push_back({t.state, 0, {}});
      hs = rep.hidden.end() - 1;
    }
    hs->count += t.count;
    auto rt = std::find_if(hs->reasons.begin(), hs->reasons.end(), [&](const ReasonTally& x) {
      return x.reason == t.reason && x.proto == t.proto;
    });
    if (rt == hs->reasons.end()) {
      hs->reasons.push_back({t.reason, t.proto, t.count, {}});
      rt = hs->reasons.end() - 1;
    } else {
      rt->count += t.count;
    }
    if (t.listed) {
      const auto key = std::make_tuple(t.state, t.reason, t.proto);
      auto f = std::find_if(folded.begin(), folded.end(), [&](const auto& x) { return x.first == key; });
      // Every port of the tally is known only when the list holds them all.
      if (f != folded.end() && f->second.size() == t.count) rt->ports = std::move(f->second);
    }
  }
  // nmap prints the biggest groups first; ties keep a fixed order.
  for (HiddenState& hs : rep.hidden) {
    std::sort(hs.reasons.begin(), hs.reasons.end(), [](const ReasonTally& a, const ReasonTally& b) {
      return std::make_tuple(b.count, a.proto, a.reason) < std::make_tuple(a.count, b.proto, b.reason);
    });
  }
  std::sort(rep.hidden.begin(), rep.hidden.end(), [](const HiddenState& a, const HiddenState& b) {
    return std::make_tuple(b.count, a.state) < std::make_tuple(a.count, b.state);
  });
  return rep;
}

void HostTable::for_each_report(const ScanSummary& summary,
                                const std::function<void(const HostReport&)>& fn) const {
  if (summary.each_target && !policy_.open_only) {
    // The down targets first, as nmap lists them when its host discovery
    // ends, then the hosts up; each in address order. -v's listing of a /16
    // is 65,536 reports, one at a time.
    summary.each_target([&](const IpAddress& ip) {
      if (hosts_.find(ip) != hosts_.end()) return;
      HostReport down;
      down.ip = ip;
      down.up = false;
      fn(down);
    });
    summary.each_target([&](const IpAddress& ip) {
      if (hosts_.find(ip) == hosts_.end()) return;
      const PortsPerProto scanned =
          summary.ports_scanned_for ? summary.ports_scanned_for(ip) : policy_.ports_per_host;
      fn(report(ip, scanned));
    });
    return;
  }
  for (const IpAddress& ip : sorted_addresses()) {
    const PortsPerProto scanned =
        summary.ports_scanned_for ? summary.ports_scanned_for(ip) : policy_.ports_per_host;
    HostReport rep = report(ip, scanned);
    if (policy_.open_only && rep.listed.empty()) continue;
    fn(rep);
  }
}

}  // namespace portsweep
