#include "detect/service_stage.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "detect/udp_service_scanner.hpp"
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

std::vector<ServiceTarget> udp_service_targets(const HostTable& hosts, const ServiceProbeDb& db,
                                               const DetectOptions& options,
                                               const std::vector<uint16_t>& unanswered,
                                               std::size_t* skipped_hosts) {
  std::vector<ServiceTarget> open;
  std::vector<ServiceTarget> open_filtered;
  std::size_t skipped = 0;
  auto wanted = [&](uint16_t port) { return options.all_ports || !db.excluded(port, Proto::Udp); };
  std::vector<uint16_t> listed;
  for (uint32_t ip : hosts.sorted_addresses()) {
    const HostEntry* h = hosts.find(ip);
    listed.clear();
    std::vector<ServiceTarget> host_open;
    std::vector<ServiceTarget> host_of;
    for (const KeptPort& p : h->ports) {
      if (p.proto != Proto::Udp) continue;
      listed.push_back(p.port);
      if (!wanted(p.port)) continue;
      if (p.state == PortState::Open) host_open.push_back({ip, p.port, Proto::Udp});
      if (p.state == PortState::OpenFiltered) host_of.push_back({ip, p.port, Proto::Udp});
    }
    if (!unanswered.empty()) {
      if (h->dropped_states != 0) {
        ++skipped;  // which ports answered is no longer known
      } else {
        std::sort(listed.begin(), listed.end());
        for (uint16_t port : unanswered) {
          if (wanted(port) && !std::binary_search(listed.begin(), listed.end(), port))
            host_of.push_back({ip, port, Proto::Udp});
        }
      }
    }
    for (auto* v : {&host_open, &host_of}) {
      std::sort(v->begin(), v->end(), [](const ServiceTarget& a, const ServiceTarget& b) { return a.port < b.port; });
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    open.insert(open.end(), host_open.begin(), host_open.end());
    open_filtered.insert(open_filtered.end(), host_of.begin(), host_of.end());
  }
  if (skipped_hosts != nullptr) *skipped_hosts = skipped;
  open.insert(open.end(), open_filtered.begin(), open_filtered.end());
  return open;
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

namespace {

// Whether the table lists the port open (the sweep had a UDP reply from it).
bool udp_listed_open(const HostTable& hosts, const ServiceTarget& t) {
  const HostEntry* h = hosts.find(t.ip);
  if (h == nullptr) return false;
  return std::any_of(h->ports.begin(), h->ports.end(), [&](const KeptPort& p) {
    return p.proto == Proto::Udp && p.port == t.port && p.state == PortState::Open;
  });
}

void add_stats(ServiceScanStats& into, const ServiceScanStats& s) {
  into.ports += s.ports;
  into.matched += s.matched;
  into.softmatched += s.softmatched;
  into.tcpwrapped += s.tcpwrapped;
  into.no_match += s.no_match;
  into.incomplete += s.incomplete;
  into.silent += s.silent;
  into.opened += s.opened;
  into.connections += s.connections;
  into.probes += s.probes;
  into.matches += s.matches;
  into.match_batches += s.match_batches;
  into.match_seconds += s.match_seconds;
  into.seconds += s.seconds;
  into.parallel = std::max(into.parallel, s.parallel);
  into.interrupted = into.interrupted || s.interrupted;
}

ServiceScanner::OnProgress progress_printer(const ServiceStageOptions& options, const char* what) {
  return [&options, what](std::size_t finished, std::size_t total) {
    if (options.progress == nullptr) return;
    char line[160];
    std::snprintf(line, sizeof line, "portsweep: %s %5.1f%% done, %zu of %zu ports\n", what,
                  total == 0 ? 100.0 : 100.0 * static_cast<double>(finished) / static_cast<double>(total),
                  finished, total);
    *options.progress << line << std::flush;
  };
}

}  // namespace

ServiceScanStats run_service_stage(const ServiceProbeDb& db, OutputSet& outputs,
                                   const ServiceStageOptions& options) {
  const std::vector<ServiceTarget> targets = service_targets(outputs.hosts(), db, options.detect);
  std::size_t skipped_hosts = 0;
  const std::vector<ServiceTarget> udp_targets =
      udp_service_targets(outputs.hosts(), db, options.detect, options.udp_unanswered, &skipped_hosts);
  std::unique_ptr<VersionTrace> trace;
  if (options.trace != nullptr) trace = std::make_unique<VersionTrace>(*options.trace);
  auto table_name = [&](const ServiceTarget& t) {
    return options.table_name ? options.table_name(t.port, t.proto) : std::string_view();
  };

  ServiceScanStats stats;
  if (!targets.empty() || udp_targets.empty()) {
    ServiceScanner scanner(db, options.detect, trace.get());
    stats = scanner.run(
        targets,
        [&](const ServiceOutcome& o) {
          outputs.on_service({o.target.ip, o.target.port, o.target.proto, now_us(), service_report(o, table_name(o.target))});
        },
        options.stop, progress_printer(options, "version detection"));
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
  }
  if (udp_targets.empty() || stats.interrupted) return stats;

  if (skipped_hosts != 0 && options.progress != nullptr) {
    *options.progress << "portsweep: warning: the unanswered UDP ports of " << skipped_hosts
                      << " hosts are not known (their results outgrew the host table's port lists); "
                         "only their listed UDP ports get version detection\n";
  }
  UdpServiceScanner udp(db, options.detect, trace.get());
  std::size_t opened = 0;
  ServiceScanStats u = udp.run(
      udp_targets,
      [&](const ServiceOutcome& o) {
        const int64_t now = now_us();
        if (o.answered) {
          // Any datagram proves the port open, as nmap says after -sV.
          PortResult r;
          r.ip = o.target.ip;
          r.port = o.target.port;
          r.proto = Proto::Udp;
          r.state = PortState::Open;
          r.reason = Reason::UdpResponse;
          r.time_us = now;
          if (outputs.on_port_update(r)) ++opened;
        } else if (!udp_listed_open(outputs.hosts(), o.target)) {
          return;  // silent: the port keeps the sweep's state, with no service of its own
        }
        outputs.on_service({o.target.ip, o.target.port, Proto::Udp, now, service_report(o, table_name(o.target))});
      },
      options.stop, progress_printer(options, "UDP version detection"));
  u.opened = opened;
  if (options.progress != nullptr) {
    char line[512];
    std::snprintf(line, sizeof line,
                  "portsweep: UDP version detection of %zu ports in %.2f s (%u at once): %zu matched, "
                  "%zu softmatched, %zu answered unidentified, %zu silent, %zu incomplete; %zu open|filtered "
                  "ports found open; %zu probes, %zu responses matched in %.2f s\n",
                  u.ports, u.seconds, u.parallel, u.matched, u.softmatched, u.no_match, u.silent, u.incomplete,
                  u.opened, u.probes, u.matches, u.match_seconds);
    *options.progress << line;
  }
  add_stats(stats, u);
  return stats;
}

}  // namespace portsweep
