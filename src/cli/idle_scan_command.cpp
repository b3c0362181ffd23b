#include "cli/family_scope.hpp"
#include "cli/idle_scan_command.hpp"


#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "cli/discovery_plan.hpp"
#include "cli/evasion_options.hpp"
#include "cli/host_discovery.hpp"
#include "cli/host_name_lookup.hpp"
#include "cli/output_options.hpp"
#include "cli/scan_plan.hpp"
#include "cli/scan_report.hpp"
#include "cli/timing_template.hpp"
#include "common/error.hpp"
#include "detect/service_probes.hpp"
#include "engine/idle_scan.hpp"
#include "engine/packet_tracer.hpp"
#include "io/next_hop_plan.hpp"
#include "io/packet_io.hpp"
#include "output/output_set.hpp"
#include "targets/ipv4.hpp"
#include "targets/target_spec.hpp"

namespace portsweep {

namespace {

// The wait after a group's SYNs before the zombie is read, at least (the
// round trip's own estimate may ask for more), per -T template: a LAN
// answers within 10 ms at -T3.
constexpr int64_t kWaitFloorUs[] = {500'000, 200'000, 50'000, 10'000, 5'000, 2'000};

// The options an idle scan cannot honour: refused, never ignored.
void refuse_unused_options(const ScanOptions& o) {
  const auto refuse = [](const std::string& what, const std::string& why) {
    throw UsageError(what + " cannot be used with -sI: " + why);
  };
  if (o.scan_arguments.size() > 1) refuse("a second -sI", "one zombie's IP ID counts the ports");
  if (!o.scan_flags.empty()) refuse("--scanflags", "its probes are SYNs, read through the zombie");
  if (o.ping_scan) refuse("-sn", "it leaves no ports to scan");
  if (o.traceroute) refuse("--traceroute", "it would send from your own address to the targets");
  if (!o.source_ports.empty())
    refuse("--source-ports", "the spoofed SYNs come from the zombie's probe port (-g sets our zombie probes' first source port)");
  if (o.min_rate) refuse("--min-rate", "the zombie's replies pace the scan (--max-rate bounds the spoofed SYNs)");
  if (o.tx_threads != 0) refuse("--tx-threads", "one thread reads the zombie's IP ID between groups");
  if (o.rx_threads != 0) refuse("--rx-threads", "one thread reads the zombie's IP ID between groups");
  if (!o.shard.empty()) refuse("--shard", "one zombie's IP ID counter cannot be shared by shards");
  if (o.seed) refuse("--seed", "there is no probe order to seed");
  if (o.retry_silent) refuse("--retry-silent", "ports are counted, not retried");
  if (o.wait_seconds) refuse("--wait", "the wait after each group comes from the zombie's round trip and -T");
  refuse_evasion_options(o, [&](const std::string& option, const char* what) {
    refuse(option, std::string(what) + ", and the idle scan's probes are its own (spoofed SYNs, IP ID probes)");
  });
  if (const char* t = given_timing_option(o))
    refuse(t, "the idle scan's waits come from the zombie's round trip and -T, its pace from --max-rate");
}

}  // namespace

ZombieSpec parse_zombie_spec(const std::string& value) {
  ZombieSpec z;
  std::string host = value;
  const size_t colon = value.rfind(':');
  if (colon != std::string::npos) {
    host = value.substr(0, colon);
    const std::string port = value.substr(colon + 1);
    unsigned long n = 0;
    const bool digits = !port.empty() && port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) n = std::stoul(port);
    if (!digits || n == 0 || n > 65535)
      throw UsageError("invalid -sI \"" + value + "\": the probe port after ':' must be 1-65535 (ZOMBIE[:PROBEPORT])");
    z.probe_port = static_cast<uint16_t>(n);
  }
  if (host.empty()) throw UsageError("invalid -sI \"" + value + "\": no zombie before the ':' (ZOMBIE[:PROBEPORT])");
  const ParsedTarget parsed = parse_target_spec(host, resolve_hostname, "-sI zombie");
  if (parsed.ranges.size() != 1 || parsed.ranges[0].first != parsed.ranges[0].last)
    throw UsageError("invalid -sI \"" + value + "\": the zombie is one host, not a range or network");
  z.address = parsed.ranges[0].first;
  return z;
}

int run_idle_scan_command(const ScanOptions& o, std::ostream& err, const std::atomic<bool>& interrupted) {
  const auto arg = std::find_if(o.scan_arguments.begin(), o.scan_arguments.end(),
                                [](const auto& a) { return a.first == "tcp_idle"; });
  if (arg == o.scan_arguments.end()) throw UsageError("-sI needs a zombie: -sI ZOMBIE[:PROBEPORT]");
  const ZombieSpec zombie = parse_zombie_spec(arg->second);
  refuse_unused_options(o);

  std::optional<ServiceProbeDb> probe_db;
  if (o.service_version) probe_db = ServiceProbeDb::load(o.datadir);
  const ScanScope scope = resolve_scope(o);
  refuse_ipv6_targets(scope, "an idle scan (-sI)");
  const DiscoveryPlan discovery = plan_discovery(o, scope.services);
  if (discovery.discover)
    throw UsageError("-sI needs -Pn: without it nmap pings the targets from your own address first, which an idle "
                     "scan is meant to avoid; portsweep does not (add -Pn)");
  for (const auto& w : scope.warnings) err << "WARNING: " << w << "\n";
  report_unresolved(scope.targets, err);
  if (scope.targets.addresses.empty()) throw UsageError("every target is excluded: nothing to scan");
  const std::vector<uint16_t> ports = scope.ports.ports(Proto::Tcp);

  // Opened (not yet emptied) before anything is sent.
  OutputSet outputs;
  add_outputs(o, outputs, false, err);
  log_unresolved(scope.targets, outputs);
  outputs.set_host_names(make_host_names(o, scope.targets, &err));

  // The targets' next hops (their gateway's MAC, or their own on-link), and
  // the zombie's, which must leave by the same interface: one I/O session.
  const NextHopPlan target_hops = resolve_next_hops(next_hop_request(o, scope));
  for (const auto& w : target_hops.warnings()) err << "WARNING: " << w << "\n";
  const TargetSet zombie_set({Ipv4Range{zombie.address, zombie.address}});
  NextHopRequest zreq = next_hop_request(o, scope);
  zreq.targets = &zombie_set;
  zreq.iface = target_hops.path().iface;
  const NextHopPlan zombie_hops = resolve_next_hops(zreq);
  const MacAddr* zombie_mac = zombie_hops.mac_for(0);
  if (zombie_mac == nullptr)
    throw RuntimeFailure("the zombie " + format_ipv4(zombie.address) + " cannot be reached from " +
                         target_hops.path().iface + " (no route, or no ARP answer on-link): give another -sI ZOMBIE");
  const ScanPath& path = target_hops.path();
  if (scope.targets.addresses.contains(zombie.address))
    err << "WARNING: the zombie " << format_ipv4(zombie.address) << " is also a target: its own ports read as closed|filtered\n";

  IdleScanConfig cfg;
  cfg.targets = &scope.targets.addresses;
  cfg.target_mac = [&target_hops](uint64_t i) -> const uint8_t* {
    const MacAddr* m = target_hops.mac_for(i);
    return m != nullptr ? m->bytes.data() : nullptr;
  };
  cfg.ports = ports;
  cfg.src_mac = path.src_mac.bytes;
  cfg.zombie_hop_mac = zombie_mac->bytes;
  if (const MacAddr* m = target_hops.mac_for(0)) cfg.target_hop_mac = m->bytes;
  cfg.our_ip = path.src_ip;
  cfg.zombie_ip = zombie.address;
  cfg.probe_port = zombie.probe_port;
  if (o.source_port) cfg.src_port_base = *o.source_port;
  cfg.ttl = static_cast<uint8_t>(o.ttl);
  if (o.max_parallelism) {
    cfg.max_group = std::max(1u, *o.max_parallelism);
    cfg.min_group = std::min(cfg.min_group, cfg.max_group);
  }
  if (o.max_retries) cfg.ipid_tries = std::max(1, *o.max_retries + 1);
  cfg.min_wait_us = kWaitFloorUs[std::clamp(o.timing.value_or(3), 0, 5)];
  if (o.rate) cfg.max_syn_rate = *o.rate;
  else if (o.max_rate) cfg.max_syn_rate = *o.max_rate;
  std::optional<PacketTracer> tracer;
  if (o.packet_trace) cfg.trace = &tracer.emplace(err);

  IoConfig io_cfg;
  io_cfg.backend = o.io;
  io_cfg.iface = path.iface;
  // The zombie's RSTs to our IP ID probes, nothing else.
  io_cfg.rx_filter = "tcp and src host " + format_ipv4(zombie.address) + " and src port " +
                     std::to_string(zombie.probe_port) + " and dst host " + format_ipv4(path.src_ip);
  io_cfg.tx_queues = 1;
  io_cfg.rx_snaplen = 192;
  io_cfg.rx_buffer_bytes = size_t{4} << 20;
  io_cfg.local_ip = path.src_ip;
  if (!o.dpdk_args.empty()) io_cfg.options.emplace_back("eal-args", o.dpdk_args);
  if (!o.pcap_tx.empty()) io_cfg.options.emplace_back("tx", o.pcap_tx);
  auto io = open_packet_io(io_cfg);

  ScanInfo info = scan_info_for(o, "portsweep", o.argv, scope.services);
  info.scans.push_back(scan_kind_for(*scope.modules.front(), ports));
  info.scans.back().no_response_reason = Reason::NoIpidChange;  // nmap's word for a port the IP ID did not count
  info.scans.back().xml_scaninfo = false;  // nmap writes none for -sI (nmap.dtd's scan types have no "idle")
  info.num_targets = scope.targets.addresses.size();
  info.version_scan = probe_db.has_value();
  bool begun = false;
  const auto begin = [&] {
    if (!begun) outputs.begin(info);
    begun = true;
  };

  IdleScanHooks hooks;
  hooks.on_results = [&](std::span<const PortResult> batch) {
    begin();
    outputs.on_results(batch);
  };
  hooks.on_tick = [&] {
    begin();
    outputs.flush();
  };
  // The zombie's line always; the periodic ones as progress_plan says.
  const ProgressPlan progress = progress_plan(o, err, 5);
  hooks.progress = &err;
  hooks.progress_every_s = progress.stream != nullptr ? progress.every_s : 1e12;
  const IdleScanReport report = run_idle_scan(cfg, *io, hooks, interrupted);
  const IoStats io_stats = io->stats();
  io->close();
  if (!report.refused.empty()) {
    // Nothing was scanned: no output file is written, earlier ones keep their contents.
    err << "portsweep: " << report.refused << "\n";
    return 1;
  }
  begin();
  if (!report.error.empty()) err << "portsweep: the scan stopped: " << report.error << "\n";
  // -Pn (which -sI requires): every target with a next hop is up once all
  // were scanned. Every decided port went to the outputs: a stopped scan's
  // others say nothing.
  ScanEnding ending;
  ending.interrupted = report.interrupted;
  ending.error = report.error;
  ending.declare_targets_up = true;
  ending.sendable = &target_hops;
  ending.summary.packets_sent = io_stats.tx_packets;
  ending.summary.packets_received = io_stats.rx_packets;
  ending.summary.bytes_sent = io_stats.tx_bytes;
  ending.summary.bytes_received = io_stats.rx_bytes;
  const int status = finish_scan(o, probe_db, outputs, info, scope.targets.addresses, std::move(ending), err, interrupted);
  char line[400];
  std::snprintf(line, sizeof line,
                "portsweep: idle scan: %llu hosts in %.2f s, %llu open ports; %llu counts (%llu again after a "
                "disagreement), %llu spoofed SYNs, %llu IP ID probes (%llu answered); spoofing test moved the IP ID "
                "by %d of 4; groups ended at %.1f ports, wait %.1f ms\n",
                static_cast<unsigned long long>(report.hosts_done), report.seconds,
                static_cast<unsigned long long>(report.open), static_cast<unsigned long long>(report.counts),
                static_cast<unsigned long long>(report.recounts), static_cast<unsigned long long>(report.spoofed),
                static_cast<unsigned long long>(report.ipid_probes),
                static_cast<unsigned long long>(report.ipid_replies), report.spoof_test_distance, report.final_group,
                report.final_wait_ms);
  err << line;
  if (report.hosts_skipped)
    err << "portsweep: " << report.hosts_skipped << " targets skipped: they have no next hop\n";
  if (report.interrupted) err << "portsweep: interrupted; an idle scan (-sI) cannot be resumed: run it again\n";
  return status;
}

}  // namespace portsweep
