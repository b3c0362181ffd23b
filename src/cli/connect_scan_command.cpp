#include "cli/family_scope.hpp"
#include "cli/connect_scan_command.hpp"


#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
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
#include "cli/connect_discovery.hpp"
#include "engine/connect_scan.hpp"
#include "output/output_set.hpp"
#include "output/report_text.hpp"
#include "ports/port_set.hpp"

namespace portsweep {

namespace {

constexpr int kCapNetRaw = 13;  // linux/capability.h

// Connects in flight when --max-parallelism does not say: the kernel handles
// this many half-open sockets easily, and it stays within the common hard
// RLIMIT_NOFILE of 4096 once the process's own files are set aside.
constexpr unsigned kDefaultParallel = 4000;

}  // namespace

bool has_raw_socket_privilege() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    const unsigned long long caps = std::strtoull(line.c_str() + 7, nullptr, 16);
    return (caps >> kCapNetRaw) & 1;
  }
  return false;
}

EngineChoice choose_scan_engine(ScanOptions& o) {
  if (o.privileged && o.unprivileged) throw UsageError("--privileged and --unprivileged contradict each other");
  EngineChoice choice;
  if (o.list_scan) return choice;  // -sL sends nothing
  if ((o.ping_scan || any_probe_option(o)) && o.scan_types.empty() && (o.unprivileged || (!o.privileged && !has_raw_socket_privilege())))
    throw UsageError(std::string(o.ping_scan ? "-sn" : "host discovery with the -P probe options") +
                     " sends raw packets, which needs root or CAP_NET_RAW" +
                     (o.unprivileged ? " (--unprivileged says there is none)" : "") + ": use -Pn, or --privileged");
  if (o.scan_types.empty()) {
    if (o.unprivileged || (!o.privileged && !has_raw_socket_privilege())) {
      o.scan_types = {"tcp_connect"};
      choice.runner = ScanRunner::Connect;
      choice.fallback_note = o.unprivileged
          ? "portsweep: --unprivileged: using a connect scan (-sT) instead of -sS"
          : "portsweep: no raw-socket privilege (root or CAP_NET_RAW): falling back to a connect scan (-sT)";
    }
    return choice;
  }
  const std::vector<const ProbeModule*> modules = scan_modules(o);  // -sS -sT conflict here
  const auto own = std::find_if(modules.begin(), modules.end(),
                                [](const ProbeModule* m) { return m->runner != ScanRunner::Sweep; });
  if (own != modules.end()) {
    const ProbeModule& m = **own;
    if (modules.size() > 1) {
      const ProbeModule* other = modules[own == modules.begin() ? 1 : 0];
      const char* how = m.runner == ScanRunner::Connect ? " runs on the kernel's sockets"
                        : m.runner == ScanRunner::FtpBounce ? " is carried out by an FTP server"
                                                             : " runs an engine of its own";
      throw UsageError(std::string(m.nmap_option) + how + " and cannot share a scan with " +
                       std::string(other->nmap_option) + ": run them separately");
    }
    if (!o.scan_flags.empty() && !m.raw_packets)
      throw UsageError("--scanflags sets raw TCP flags: " + std::string(m.nmap_option) +
                       (m.runner == ScanRunner::Connect ? "'s connects use the kernel's" : " sends no raw packets"));
    // -sI sends raw packets from its own engine: it needs the privilege too.
    if (m.raw_packets && (o.unprivileged || (!o.privileged && !has_raw_socket_privilege())))
      throw UsageError(std::string(m.nmap_option) + " sends raw packets, which needs root or CAP_NET_RAW" +
                       (o.unprivileged ? " (--unprivileged says there is none)" : "") +
                       ": use -sT, or --privileged to try anyway");
    choice.runner = m.runner;
    return choice;
  }
  if (o.unprivileged || (!o.privileged && !has_raw_socket_privilege()))
    throw UsageError(std::string(modules.front()->nmap_option) +
                     " sends raw packets, which needs root or CAP_NET_RAW" +
                     (o.unprivileged ? " (--unprivileged says there is none)" : "") +
                     ": use -sT, or --privileged to try anyway");
  return choice;
}

int run_connect_scan_command(const ScanOptions& o, const EngineChoice& choice, std::ostream& err,
                             const std::atomic<bool>& interrupted, const ScanScope* resolved) {
  std::optional<ServiceProbeDb> probe_db;
  if (o.service_version) probe_db = ServiceProbeDb::load(o.datadir);
  const ScanScope scope = resolved != nullptr ? *resolved : resolve_scope(o);
  refuse_ipv6_targets(scope, "a connect scan (-sT)");
  // Discovery is nmap's unprivileged one (connect() to 80 and 443), raw
  // probes being what -sT does without: the -P options are refused.
  const DiscoveryPlan discovery = plan_discovery(o, scope.services);
  if (o.traceroute && !o.aggressive)
    throw UsageError("--traceroute sends raw packets (ICMP with each TTL), and -sT sends none: use -sS");
  if (o.aggressive) err << "portsweep: -A with -sT traces no route: --traceroute sends raw packets, -sT none\n";
  if (o.packet_trace)
    throw UsageError("--packet-trace shows raw packets, and -sT sends none (its connects are the kernel's): use -sS");
  // What steers raw probes has nothing to steer here: refused rather than
  // accepted and ignored.
  // (Also when -sT was not asked for: without privilege, or for 127/8.)
  const auto refuse = [](const std::string& option, const char* what) {
    throw UsageError(option + " " + what +
                     ", and this scan is a connect scan (-sT), which sends none: its connects are the kernel's");
  };
  if (!o.source_ip.empty()) refuse("-S", "sets the source address of raw probes");
  if (o.source_port) refuse("-g", "sets the source port of raw probes");
  if (!o.source_ports.empty()) refuse("--source-ports", "sets the source ports of raw probes");
  if (o.ttl != 64) refuse("--ttl", "sets the TTL of raw probes");
  refuse_evasion_options(o, refuse);
  if (!o.interface.empty()) refuse("-e", "picks the interface raw probes leave by");
  if (o.io != "pcap") refuse("--io " + o.io, "selects the packet I/O of raw probes");
  if (!o.pcap_tx.empty()) refuse("--pcap-tx", "selects how raw probes are sent");
  if (o.tx_threads != 0) refuse("--tx-threads", "sets the threads that send raw probes");
  if (o.rx_threads != 0) refuse("--rx-threads", "sets the threads that read replies to raw probes");
  if (!o.shard.empty()) refuse("--shard", "splits the raw probes' order");
  if (o.seed) refuse("--seed", "seeds the raw probes' order and cookies");
  if (o.retry_silent) refuse("--retry-silent", "widens the raw probes' retries");
  if (o.wait_seconds) refuse("--wait", "waits for late replies to raw probes");
  if (o.min_rate) refuse("--min-rate", "sets a floor under the raw probes' rate");
  if (discovery.discover && any_probe_option(o))
    throw UsageError("-sT discovers hosts with connect() to ports 80 and 443: the -P probe options send raw packets; "
                     "use them with a raw scan (-sS), or -Pn to skip discovery");
  for (const auto& w : scope.warnings) err << "WARNING: " << w << "\n";
  report_unresolved(scope.targets, err);
  if (scope.targets.addresses.empty()) throw UsageError("every target is excluded: nothing to scan");
  if (!choice.fallback_note.empty()) err << choice.fallback_note << "\n";

  ConnectScanConfig cfg;
  cfg.targets = &scope.targets.addresses;
  cfg.ports = scope.ports.ports(Proto::Tcp);
  // -T and the timing options (cli/timing_template.hpp): paced only by
  // --rate, --max-rate or a scan delay; the bound on sockets in flight paces
  // it otherwise. Each connect waits the initial RTT timeout.
  const ResolvedTiming timing = resolve_timing(o);
  cfg.rate = timing.connect_rate;
  cfg.max_parallel = timing.connect_parallel != 0 ? timing.connect_parallel
                                                  : std::max(kDefaultParallel, o.min_parallelism.value_or(0));
  cfg.max_retries = timing.retry_passes;
  cfg.timeout_ms = timing.connect_timeout_ms;

  OutputSet outputs;
  add_outputs(o, outputs, false, err);
  log_unresolved(scope.targets, outputs);
  outputs.set_host_names(make_host_names(o, scope.targets, &err));
  ScanInfo info = scan_info_for(o, "portsweep", o.argv, scope.services);
  info.scans.push_back(scan_kind_for(*scope.modules.front(), cfg.ports));
  info.num_targets = scope.targets.addresses.size();
  info.version_scan = probe_db.has_value();
  outputs.begin(info);

  // Discovery first (not with -Pn): the port scan then covers the hosts up.
  std::optional<ConnectDiscovery> found;
  const auto scan_start = std::chrono::steady_clock::now();
  if (discovery.discover) {
    found = connect_discover(cfg, outputs, interrupted);
    char line[200];
    std::snprintf(line, sizeof line, "portsweep: host discovery (connect to 80, 443): %zu of %llu hosts up; %llu connects in %.2f s\n",
                  found->hosts.size(), static_cast<unsigned long long>(scope.targets.addresses.size()),
                  static_cast<unsigned long long>(found->report.connects), found->report.seconds);
    err << line;
    cfg.targets = &found->up;
  }
  // A discovery that stopped ends the scan: its ports were never tried.
  const ConnectScanReport* stopped_discovery =
      found && (found->report.interrupted || !found->report.error.empty()) ? &found->report : nullptr;
  ConnectScanReport report;
  if (stopped_discovery != nullptr) {
    report.interrupted = stopped_discovery->interrupted;
    report.error = stopped_discovery->error;
  } else if (!found || !found->hosts.empty()) {
    ConnectScanHooks hooks;
    hooks.on_results = [&](std::span<const PortResult> batch) { outputs.on_results(batch); };
    hooks.on_tick = [&] { outputs.flush(); };
    const ProgressPlan progress = progress_plan(o, err, 5);
    hooks.progress = progress.stream;
    hooks.progress_every_s = progress.every_s;
    // --host-timeout counts from the scan's start, discovery included.
    if (timing.host_timeout > 0)
      cfg.deadline_seconds = std::max(
          1e-3, timing.host_timeout - std::chrono::duration<double>(std::chrono::steady_clock::now() - scan_start).count());
    report = run_connect_scan(cfg, hooks, interrupted);
    for (const uint32_t ip : report.skipped_hosts) {
      const std::string line = "Skipping host " + ipv4_text(ip) + " due to host timeout";
      err << line << "\n";
      outputs.on_message(line);
    }
  } else {
    err << "portsweep: no host is up; if they are, but refuse nothing on ports 80 and 443, try -Pn\n";
  }
  if (!report.error.empty()) err << "portsweep: the scan stopped: " << report.error << "\n";
  ScanEnding ending;
  ending.interrupted = report.interrupted;
  ending.error = report.error;
  ending.every_port_tried = stopped_discovery == nullptr && report.finished == report.probes;
  ending.declare_targets_up = o.skip_discovery;
  ending.summary.packets_sent = report.connects + (found ? found->report.connects : 0);
  // -v lists the hosts discovery found down, once it asked every one.
  if (o.verbose > 0 && found && found->report.finished == found->report.probes)
    ending.summary.each_target = each_target_of(SweepTargets(scope.targets.addresses, scope.targets.addresses6));
  const int status = finish_scan(o, probe_db, outputs, info, scope.targets.addresses, std::move(ending), err, interrupted);
  char line[400];
  std::snprintf(line, sizeof line,
                "portsweep: connect scan: %llu connects for %llu probes in %.2f s: %llu open, %llu closed, "
                "%llu filtered by an error, %llu timeouts; at most %u in flight (bound %u)\n",
                static_cast<unsigned long long>(report.connects), static_cast<unsigned long long>(report.probes),
                report.seconds, static_cast<unsigned long long>(report.open),
                static_cast<unsigned long long>(report.closed), static_cast<unsigned long long>(report.filtered),
                static_cast<unsigned long long>(report.timeouts), report.peak_in_flight, report.parallel_limit);
  err << line;
  if (report.interrupted)
    err << "portsweep: interrupted; a connect scan (-sT) cannot be resumed: run it again\n";
  return status;
}

}  // namespace portsweep
