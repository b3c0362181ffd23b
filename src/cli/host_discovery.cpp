#include "cli/host_discovery.hpp"

#include <algorithm>
#include <cstdio>

#include "cli/scan_report.hpp"
#include "common/error.hpp"
#include "output/report_text.hpp"
#include "packet/probe_cookie.hpp"

namespace portsweep {

DiscoveryOutcome discover_hosts(const SweepConfig& base, const DiscoveryPlan& plan, const SweepHops& next_hops,
                                PacketIo& io, OutputSet& outputs, const SweepHooks& hooks,
                                const std::atomic<bool>& interrupt, bool hand_off) {
  const SweepTargets targets(base.targets, base.targets6);
  DiscoveryOutcome out{HostBitmap(targets.size()), {}, {}, false};
  // Targets still to be asked: all but the on-link ones ARP found (nmap
  // sends those no IP probe).
  HostBitmap to_probe(targets.size());
  to_probe.set_all();
  if (plan.arp) {
    const auto found = [&](uint64_t index, const HostUp& up) {
      out.up.set(index);
      to_probe.clear(index);
      out.hosts.push_back(up);
      outputs.on_host_up(up);
    };
    if (next_hops.v4 != nullptr)
      for (const OnLinkHost& h : next_hops.v4->on_link_hosts())
        if (h.source == OnLinkHost::Source::ArpReply)
          found(h.target_index, {IpAddress::v4(h.address), Reason::ArpResponse, 0, h.reply_time_us, h.latency_us,
                                 h.mac.bytes, true});
    if (next_hops.v6 != nullptr)
      for (const OnLinkHost6& h : next_hops.v6->on_link_hosts())
        if (h.source == OnLinkHost::Source::ArpReply)
          found(next_hops.v4_count + h.target_index, {IpAddress::v6(h.address), Reason::NdResponse, 0,
                                                      h.reply_time_us, h.latency_us, h.mac.bytes, true});
  }
  // Nothing reaches a target without a next hop (unroutable, or on-link and
  // silent to ARP or neighbour discovery): it is down without a probe.
  if (!next_hops.all_sendable())
    for (uint64_t i = 0; i < targets.size(); ++i)
      if (!next_hops.sendable(i)) to_probe.clear(i);
  if (plan.probes.empty() || to_probe.count() == 0) return out;

  SweepConfig cfg = stage_sweep_config(base, plan.probes, &to_probe);
  cfg.probe.cookie_key = stage_cookie_key(base.probe.cookie_key, kDiscoveryStage);
  cfg.retry_only_silent_hosts = true;
  cfg.sample_every_probe = true;  // every host's latency, whatever found it
  // Discovery is not sharded: each shard (--shard) asks every target, then
  // sweeps its share of the up hosts' ports. A shard that found up only the
  // hosts of its own discovery cells would skip its port cells of every host
  // another shard's probes found, and the merged scan would miss them.
  // Discovery is a few probes a host, a small price beside the port sweep.
  cfg.shard = 0;
  cfg.shards = 1;
  cfg.retry_silent = false;
  SweepHooks h = stage_sweep_hooks(hooks, [&](std::span<const PortResult> batch) {
    note_hosts_up(batch, targets, out.up, out.hosts, outputs, nullptr);
  });
  if (hand_off) {
    // Four round trips after the last probe (at least 20 ms) bring nearly
    // every answer; the port sweep reads the rest. With no host up yet the
    // whole cooldown is waited: there is nothing to sweep.
    h.end_cooldown = [&out](double waited_s, double max_rtt_s) {
      return !out.hosts.empty() && waited_s >= std::max(0.02, 4 * max_rtt_s);
    };
  }
  out.report = run_sweep(cfg, io, h, interrupt);
  out.ran_sweep = true;
  return out;
}

void note_hosts_up(std::span<const PortResult> batch, const SweepTargets& targets, HostBitmap& up,
                   std::vector<HostUp>& hosts, OutputSet& outputs, HostBitmap* also) {
  for (const PortResult& r : batch) {
    if (!says_host_up(r)) continue;
    const auto index = targets.index_of(r.ip);
    if (!index) continue;
    const HostUp found{r.ip, r.reason, r.ttl, r.time_us, r.rtt_us, {}, false};
    if (up.test(*index)) {  // a further answer from a host already up
      outputs.on_host_up_again(found);
      continue;
    }
    up.set(*index);
    if (also != nullptr) also->set(*index);
    hosts.push_back(found);
    outputs.on_host_up(hosts.back());
  }
}

void trail_discovery(SweepConfig& port_sweep, const DiscoveryPlan& plan) {
  port_sweep.trailing_scans = plan.probes;
  port_sweep.trailing_cookie_key = stage_cookie_key(port_sweep.probe.cookie_key, kDiscoveryStage);
}

void print_discovery_summary(const DiscoveryOutcome& found, const std::vector<HostUp>& hosts, uint64_t targets,
                             std::ostream& err) {
  const auto by_arp =
      std::count_if(hosts.begin(), hosts.end(), [](const HostUp& h) { return h.reason == Reason::ArpResponse; });
  const auto by_nd =
      std::count_if(hosts.begin(), hosts.end(), [](const HostUp& h) { return h.reason == Reason::NdResponse; });
  char line[160];
  std::snprintf(line, sizeof line, "portsweep: host discovery: %zu of %llu hosts up", hosts.size(),
                static_cast<unsigned long long>(targets));
  err << line;
  if (by_arp) err << " (" << by_arp << " by ARP)";
  if (by_nd) err << " (" << by_nd << " by neighbour discovery)";
  if (found.ran_sweep) {
    std::snprintf(line, sizeof line, "; %llu probes in %.2f s", static_cast<unsigned long long>(found.report.probes_sent),
                  found.report.elapsed_s);
    err << line;
  }
  err << "\n";
}

void declare_targets_up(const SweepTargets& targets, const SweepHops* sendable, OutputSet& outputs, std::ostream& err) {
  // As nmap does; but every listed host costs the host table ~150 bytes.
  if (targets.size() > kMaxListedUnansweredHosts) {
    err << "WARNING: -Pn with " << targets.size() << " targets: only the hosts that answer are listed (every target "
        << "is listed up to " << kMaxListedUnansweredHosts << ")\n";
    return;
  }
  const int64_t now = wall_clock_us();
  for (uint64_t i = 0; i < targets.size(); ++i)
    if (sendable == nullptr || sendable->sendable(i))
      outputs.on_host_up({targets.address(i), Reason::UserSet, 0, now, 0, {}, false});
}

HostBitmap up_hosts_bitmap(const SweepTargets& targets, const std::vector<HostUp>& hosts, const std::string& origin) {
  HostBitmap up(targets.size());
  for (const HostUp& h : hosts) {
    const auto index = targets.index_of(h.ip);
    if (!index)
      throw UsageError("resume file \"" + origin + "\" names " + h.ip.to_string() + " as up, which is not a target of its scan");
    up.set(*index);
  }
  return up;
}

}  // namespace portsweep
