#include "detect/service_stage.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "detect/version_trace.hpp"
#include "output/host_table.hpp"
#include "output/output_set.hpp"

namespace portsweep {

namespace {

constexpr std::string_view kTcpWrapped = "tcpwrapped";

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<ServiceTarget> service_targets(const HostTable& hosts, const ServiceProbeDb& db,
                                           const DetectOptions& options) {
  std::vector<ServiceTarget> targets;
  for (uint32_t ip : hosts.sorted_addresses()) {
    const HostEntry* h = hosts.find(ip);
    std::vector<ServiceTarget> ports;
    for (const KeptPort& p : h->ports) {
      // UDP version detection needs the UDP scan, which is not there yet.
      if (p.state != PortState::Open || p.proto != Proto::Tcp) continue;
      if (!options.all_ports && db.excluded(p.port, p.proto)) continue;
      ports.push_back({ip, p.port, p.proto});
    }
    std::sort(ports.begin(), ports.end(), [](const ServiceTarget& a, const ServiceTarget& b) { return a.port < b.port; });
    // A port reported twice (a duplicated reply) is probed once.
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    targets.insert(targets.end(), ports.begin(), ports.end());
  }
  return targets;
}

ServiceReport service_report(const ServiceOutcome& outcome, std::string_view table_name) {
  ServiceReport r;
  r.ssl_tunnel = outcome.tls;
  switch (outcome.verdict) {
    case ServiceVerdict::Matched:
    case ServiceVerdict::SoftMatched:
      if (outcome.match) {
        const ServiceMatch& m = *outcome.match;
        r.name = m.service;
        r.product = m.product;
        r.version = m.version;
        r.extrainfo = m.info;
        r.hostname = m.hostname;
        r.ostype = m.ostype;
        r.devicetype = m.devicetype;
        r.cpe = m.cpe;
        r.method = ServiceMethod::Probed;
        r.conf = kConfProbed;
        return r;
      }
      break;
    case ServiceVerdict::TcpWrapped:
      r.name = kTcpWrapped;
      r.method = ServiceMethod::Probed;
      r.conf = kConfTcpWrapped;
      return r;
    case ServiceVerdict::NoMatch:
    case ServiceVerdict::Incomplete:
      break;
  }
  r.name = table_name;
  r.method = ServiceMethod::Table;
  r.conf = kConfTable;
  return r;
}

ServiceScanStats run_service_stage(const ServiceProbeDb& db, OutputSet& outputs,
                                   const ServiceStageOptions& options) {
  const std::vector<ServiceTarget> targets = service_targets(outputs.hosts(), db, options.detect);
  std::unique_ptr<VersionTrace> trace;
  if (options.trace != nullptr) trace = std::make_unique<VersionTrace>(*options.trace);
  ServiceScanner scanner(db, options.detect, trace.get());
  const ServiceScanStats stats = scanner.run(
      targets,
      [&](const ServiceOutcome& o) {
        std::string_view table;
        if (options.table_name) table = options.table_name(o.target.port, o.target.proto);
        outputs.on_service({o.target.ip, o.target.port, o.target.proto, now_us(), service_report(o, table)});
      },
      options.stop,
      [&](std::size_t finished, std::size_t total) {
        if (options.progress == nullptr) return;
        char line[160];
        std::snprintf(line, sizeof line, "portsweep: version detection %5.1f%% done, %zu of %zu ports\n",
                      total == 0 ? 100.0 : 100.0 * static_cast<double>(finished) / static_cast<double>(total),
                      finished, total);
        *options.progress << line << std::flush;
      });
  if (options.progress != nullptr) {
    char line[512];
    std::snprintf(line, sizeof line,
                  "portsweep: version detection of %zu ports in %.2f s (%u at once): %zu matched, "
                  "%zu softmatched, %zu tcpwrapped, %zu unidentified, %zu incomplete; %zu connections, "
                  "%zu probes, %zu responses matched in %.2f s\n",
                  stats.ports, stats.seconds, stats.parallel, stats.matched, stats.softmatched,
                  stats.tcpwrapped, stats.no_match, stats.incomplete, stats.connections, stats.probes, stats.matches, stats.match_seconds);
    *options.progress << line;
  }
  return stats;
}

}  // namespace portsweep
