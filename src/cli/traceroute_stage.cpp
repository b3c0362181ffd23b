#include "cli/traceroute_stage.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "probes/trace_probe.hpp"

namespace portsweep {

uint8_t hops_from_ttl(uint8_t ttl) noexcept {
  if (ttl == 0) return 0;
  for (unsigned initial : {32u, 64u, 128u, 255u})
    if (ttl <= initial) return static_cast<uint8_t>(initial - ttl + 1);
  return 0;
}

void TracePlan::note(const PortResult& r) {
  // --traceroute is refused for IPv6 targets: every result here is IPv4.
  if (!r.ip.is_v4()) return;
  if (const auto index = targets_->index_of(r.ip.v4_value())) answered_.set(*index);
  farthest_ = std::max(farthest_, hops_from_ttl(r.ttl));
  if (r.proto == Proto::Tcp && r.state == PortState::Open) ++open_tcp_[r.port];
}

uint8_t TracePlan::max_ttl() const noexcept {
  return farthest_ ? static_cast<uint8_t>(std::min<int>(farthest_ + 1, kDefaultTraceTtls)) : kDefaultTraceTtls;
}

uint16_t TracePlan::tcp_port() const noexcept {
  uint16_t port = 0;
  uint32_t most = 0;
  for (const auto& [p, n] : open_tcp_)
    if (n > most || (n == most && p < port)) std::tie(port, most) = std::pair{p, n};
  return port;
}

SweepReport trace_routes(const SweepConfig& base, const HostBitmap& hosts, uint8_t max_ttl, uint16_t tcp_port,
                         PacketIo& io, OutputSet& outputs, const SweepHooks& hooks, const std::atomic<bool>& interrupt) {
  max_ttl = std::clamp<uint8_t>(max_ttl, 1, static_cast<uint8_t>(kMaxTraceTtl));
  std::vector<uint16_t> ttls;
  for (uint16_t t = 1; t <= max_ttl; ++t) ttls.push_back(t);
  std::vector<ScanPart> probes = {{"icmp_traceroute", ttls}};
  if (tcp_port != 0) probes.push_back({"tcp_traceroute", ttls});
  SweepConfig cfg = stage_sweep_config(base, std::move(probes), &hosts);
  cfg.probe.trace_tcp_port = tcp_port;
  cfg.retry_only_silent_hosts = false;
  cfg.retry_silent = true;  // every host traced is up: a silent TTL is worth a second probe
  // The TCP probes carry no send time: each one's is noted, so a hop found
  // by a SYN has its round trip as one found by an echo does.
  cfg.sample_every_probe = true;
  // A shard (--shard) traces every host it saw up, not a share of their
  // (host, TTL) cells: a route split over machines is whole in none of the
  // shards' files, and merging would have to stitch hops together.
  cfg.shard = 0;
  cfg.shards = 1;

  std::unordered_map<IpAddress, std::vector<TraceHop>> routes;
  const SweepHooks h = stage_sweep_hooks(hooks, [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) {
      // The host's own SYN-ACK or RST: the TCP probe reached it.
      const bool by_tcp = r.reason == Reason::SynAck || r.reason == Reason::Reset;
      routes[r.ip].push_back({static_cast<uint8_t>(r.port), r.from_ip, r.rtt_us, by_tcp ? tcp_port : uint16_t{0}});
    }
  });
  const SweepReport report = run_sweep(cfg, io, h, interrupt);
  if (report.stopped_early) return report;  // a partial route would mislead
  for (auto& [ip, hops] : routes) {
    const IpAddress target = ip;  // a copy: clang 14 cannot capture a structured binding
    // Both probes may answer at one TTL: the first answer serves.
    std::stable_sort(hops.begin(), hops.end(), [](const TraceHop& a, const TraceHop& b) { return a.ttl < b.ttl; });
    hops.erase(std::unique(hops.begin(), hops.end(), [](const TraceHop& a, const TraceHop& b) { return a.ttl == b.ttl; }),
               hops.end());
    // Every TTL past the host's distance is answered by the host too.
    const auto reached = std::find_if(hops.begin(), hops.end(), [&](const TraceHop& x) { return x.ip == target; });
    if (reached != hops.end()) hops.erase(reached + 1, hops.end());
    outputs.on_trace(target, std::move(hops));
  }
  return report;
}

}  // namespace portsweep
