#include "cli/family_scope.hpp"
#include "cli/ftp_bounce_command.hpp"


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
#include "engine/ftp_bounce_scan.hpp"
#include "output/output_set.hpp"
#include "ports/port_set.hpp"

namespace portsweep {

namespace {

// Control connections when --max-parallelism does not say: a few sessions
// overlap the 12 s a filtered port costs without looking like an attack to
// the FTP server (vsftpd's default max_per_ip is 50).
constexpr unsigned kDefaultSessions = 8;

// One line for the first option -b would ignore.
void refuse_unusable_options(const ScanOptions& o) {
  const auto refuse = [](const std::string& option, const std::string& why) {
    throw UsageError(option + " " + why + ", and -b sends none: the FTP server makes the connections");
  };
  const char* pace = "sets the pace of raw probes";
  if (o.rate) refuse("--rate", pace);
  if (o.min_rate) refuse("--min-rate", pace);
  if (o.max_rate) refuse("--max-rate", pace);
  if (o.timing) refuse("-T", "sets the timing of raw probes");
  if (const char* t = given_timing_option(o)) refuse(t, "sets the timing of raw probes or -sT's connects");
  if (o.max_retries) refuse("--max-retries", "retries unanswered probes");
  if (o.retry_silent) refuse("--retry-silent", "retries unanswered probes");
  if (o.wait_seconds) refuse("--wait", "waits for late replies to raw probes");
  if (o.tx_threads != 0) refuse("--tx-threads", "sets the threads that send raw probes");
  if (o.rx_threads != 0) refuse("--rx-threads", "sets the threads that read replies to raw probes");
  if (o.seed) refuse("--seed", "seeds the raw probes' order and cookies");
  if (!o.shard.empty()) refuse("--shard", "splits the raw probes' order");
  if (o.io != "pcap") refuse("--io " + o.io, "selects the packet I/O");
  if (!o.pcap_tx.empty()) refuse("--pcap-tx", "selects how raw probes are sent");
  if (!o.interface.empty()) refuse("-e", "picks the interface raw probes leave by");
  if (!o.source_ip.empty()) refuse("-S", "sets the source address of raw probes");
  if (o.source_port) refuse("-g", "sets the source port of raw probes");
  if (!o.source_ports.empty()) refuse("--source-ports", "sets the source ports of raw probes");
  if (o.ttl != 64) refuse("--ttl", "sets the TTL of raw probes");
  refuse_evasion_options(o, [&](const std::string& option, const char* what) { refuse(option, what); });
  if (o.traceroute) refuse("--traceroute", "sends raw packets (ICMP with each TTL)");
  if (o.packet_trace) refuse("--packet-trace", "shows raw packets");
  if (any_probe_option(o)) refuse("the -P probe options", "select host discovery probes, which are raw packets");
}

}  // namespace

int run_ftp_bounce_command(const ScanOptions& o, std::ostream& err, const std::atomic<bool>& interrupted) {
  refuse_unusable_options(o);
  std::string spec;
  int given = 0;
  for (const auto& [module, value] : o.scan_arguments) {
    if (module != "ftp_bounce") continue;
    spec = value;
    ++given;
  }
  if (given != 1) throw UsageError("-b takes one FTP server: give it once, e.g. -b anonymous:x@198.18.3.21");
  FtpBounceConfig cfg;
  cfg.relay = parse_ftp_relay(spec);

  std::optional<ServiceProbeDb> probe_db;
  if (o.service_version) probe_db = ServiceProbeDb::load(o.datadir);
  const ScanScope scope = resolve_scope(o);
  refuse_ipv6_targets(scope, "an FTP bounce scan (-b)");
  (void)plan_discovery(o, scope.services);  // its contradictions (-Pn with -sn, ...) hold here too
  for (const auto& w : scope.warnings) err << "WARNING: " << w << "\n";
  report_unresolved(scope.targets, err);
  if (scope.targets.addresses.empty()) throw UsageError("every target is excluded: nothing to scan");
  cfg.relay_ip = resolve_ftp_relay(cfg.relay);
  cfg.targets = &scope.targets.addresses;
  cfg.ports = scope.ports.ports(Proto::Tcp);
  cfg.max_parallel = o.max_parallelism.value_or(kDefaultSessions);

  OutputSet outputs;
  add_outputs(o, outputs, false, err);
  log_unresolved(scope.targets, outputs);
  outputs.set_host_names(make_host_names(o, scope.targets, &err));
  ScanInfo info = scan_info_for(o, "portsweep", o.argv, scope.services);
  info.scans.push_back(scan_kind_for(*scope.modules.front(), cfg.ports));
  info.num_targets = scope.targets.addresses.size();
  info.version_scan = probe_db.has_value();
  outputs.begin(info);

  FtpBounceHooks hooks;
  hooks.on_results = [&](std::span<const PortResult> batch) { outputs.on_results(batch); };
  hooks.on_tick = [&] { outputs.flush(); };
  const ProgressPlan progress = progress_plan(o, err, 5);
  hooks.progress = progress.stream;
  hooks.progress_every_s = progress.every_s;
  const FtpBounceReport report = run_ftp_bounce_scan(cfg, hooks, interrupted);
  for (const std::string& w : report.warnings) err << "WARNING: " << w << "\n";
  if (!report.error.empty()) err << "portsweep: the FTP bounce scan stopped: " << report.error << "\n";
  ScanEnding ending;
  ending.interrupted = report.interrupted;
  ending.error = report.error;
  ending.every_port_tried = report.finished == report.probes;
  ending.declare_targets_up = o.skip_discovery;
  ending.summary.packets_sent = 0;  // the FTP server's connects, not ours
  const int status = finish_scan(o, probe_db, outputs, info, scope.targets.addresses, std::move(ending), err, interrupted);
  char line[400];
  std::snprintf(line, sizeof line,
                "portsweep: ftp bounce scan via %s:%u: %llu probes in %.2f s: %llu open, %llu closed, %llu filtered "
                "(no reply in time), %llu skipped; %llu logins, %llu reconnects, at most %u sessions (asked %u, "
                "%u retired)\n",
                cfg.relay.server.c_str(), cfg.relay.port, static_cast<unsigned long long>(report.probes),
                report.seconds, static_cast<unsigned long long>(report.open),
                static_cast<unsigned long long>(report.closed), static_cast<unsigned long long>(report.filtered),
                static_cast<unsigned long long>(report.skipped), static_cast<unsigned long long>(report.logins),
                static_cast<unsigned long long>(report.reconnects), report.peak_sessions, report.parallel_limit,
                report.retired);
  err << line;
  if (report.interrupted) err << "portsweep: interrupted; an FTP bounce scan (-b) cannot be resumed: run it again\n";
  return status;
}

}  // namespace portsweep
