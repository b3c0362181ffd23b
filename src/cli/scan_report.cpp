#include "cli/scan_report.hpp"

#include <netdb.h>

#include <array>
#include <chrono>
#include <filesystem>

#include "cli/host_discovery.hpp"
#include "cli/scan_tasks.hpp"
#include "cli/service_options.hpp"
#include "detect/service_stage.hpp"
#include "output/mac_vendors.hpp"
#include "ports/port_set.hpp"
#include "ports/port_spec.hpp"

namespace portsweep {

namespace {

// IP protocol names ("icmp", as nmap-protocols spells them too), read from
// /etc/protocols once, on first use.
const std::array<std::string, 256>& ip_protocol_names() {
  static const std::array<std::string, 256> names = [] {
    std::array<std::string, 256> n;
    for (int p = 0; p < 256; ++p) {
      protoent entry{};
      protoent* found = nullptr;
      char buf[1024];
      if (getprotobynumber_r(p, &entry, buf, sizeof buf, &found) == 0 && found != nullptr)
        n[static_cast<size_t>(p)] = found->p_name;
    }
    return n;
  }();
  return names;
}

}  // namespace

int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ServiceLookup service_names(const ServicesDb& services) {
  const std::array<std::string, 256>& protocols = ip_protocol_names();
  return [&services, &protocols](uint16_t port, Proto proto) {
    if (proto == Proto::Ip) return port < 256 ? std::string_view(protocols[port]) : std::string_view();
    return services.name_of(port, proto).value_or(std::string_view{});
  };
}

ScanKind scan_kind_for(const ProbeModule& m, const std::vector<uint16_t>& ports) {
  ScanKind kind;
  kind.type = std::string(m.scan_type);
  kind.proto = m.proto;
  kind.services = format_port_ranges(ports);
  kind.num_services = static_cast<uint32_t>(ports.size());
  kind.no_response_state = m.no_response;
  return kind;
}

ProgressPlan progress_plan(const ScanOptions& o, std::ostream& err, double default_every_s) {
  ProgressPlan plan;
  plan.every_s = o.stats_every.value_or(default_every_s);
  if (!o.noninteractive || o.stats_every) plan.stream = &err;
  return plan;
}

std::string default_xml_stylesheet(const std::string& datadir) {
  // nmap names the nmap.xsl installed beside its data files, so a browser
  // opening the XML shows it as HTML; nmap-common installs the same file.
  for (const std::string& path : {datadir.empty() ? std::string() : datadir + "/nmap.xsl",
                                  std::string("/usr/share/nmap/nmap.xsl"), std::string("/usr/local/share/nmap/nmap.xsl")}) {
    std::error_code ec;
    if (!path.empty() && std::filesystem::is_regular_file(path, ec)) {
      return "file://" + std::filesystem::absolute(path, ec).lexically_normal().string();
    }
  }
  return {};
}

ScanInfo scan_info_for(const ScanOptions& o, const std::string& command, const std::vector<std::string>& args,
                       const ServicesDb& services) {
  ScanInfo info;
  info.args = command;
  for (const std::string& a : args) info.args += " " + a;
  info.start_time_us = wall_clock_us();
  info.verbose = o.verbose;
  info.debugging = o.debug;
  info.reason = o.reason || o.verbose > 1;  // -vv shows the reasons too, as nmap's does
  info.open_only = o.open_only;
  info.xml_stylesheet = o.webxml ? std::string(kWebXmlStylesheet)
                        : !o.stylesheet.empty() ? o.stylesheet
                        : o.no_stylesheet ? std::string()
                                          : default_xml_stylesheet(o.datadir);
  info.service_name = service_names(services);
  if (!services.source().empty()) info.data_dir = std::filesystem::path(services.source()).parent_path().string();
  // Read the first time an on-link host's MAC is printed, then kept.
  info.mac_vendor = [datadir = o.datadir](const std::array<uint8_t, 6>& mac) -> std::string_view {
    static const MacVendors vendors = MacVendors::load(datadir);
    return vendors.vendor(mac);
  };
  return info;
}

ServiceStageOptions service_stage_options(const ScanOptions& o, const ScanInfo& info, std::ostream& err,
                                          const std::atomic<bool>& stop, bool sweep_complete) {
  ServiceStageOptions stage;
  if (sweep_complete && info.shard.empty()) {
    for (const ScanKind& k : info.scans) {
      if (k.proto != Proto::Udp || k.unanswered_state() != PortState::OpenFiltered || k.services.empty()) continue;
      const PortSpec spec = parse_port_spec("U:" + k.services, "-p", {Proto::Udp}, ServicesDb());
      stage.udp_unanswered = spec.ports(Proto::Udp);
    }
  }
  stage.detect = detect_options_for(o);
  stage.table_name = info.service_name;
  if (stage.detect.trace) stage.trace = &err;
  stage.progress = &err;
  stage.stop = &stop;
  return stage;
}

bool run_version_detection(const ScanOptions& o, const ServiceProbeDb& db, OutputSet& outputs, const ScanInfo& info,
                           std::ostream& err, const std::atomic<bool>& stop, bool sweep_complete,
                           LiveServiceStage* live) {
  ServiceStageOptions stage = service_stage_options(o, info, err, stop, sweep_complete);
  ScanTask task(outputs, "Service scan", "");
  const ServiceScanStats stats =
      live != nullptr ? live->finish(std::move(stage)) : run_service_stage(db, outputs, stage);
  std::size_t hosts = 0;
  for (const IpAddress& ip : outputs.hosts().sorted_addresses()) hosts += outputs.hosts().find(ip)->services.empty() ? 0 : 1;
  task.end(std::to_string(stats.ports) + (stats.ports == 1 ? " service on " : " services on ") +
           std::to_string(hosts) + (hosts == 1 ? " host" : " hosts"));
  return stats.interrupted;
}

std::unique_ptr<LiveServiceStage> live_service_stage(const ScanOptions& o, const ServiceProbeDb& db,
                                                     OutputSet& outputs, const ScanInfo& info, std::ostream& err,
                                                     const std::atomic<bool>& stop, std::string_view backend) {
  if (backend == "dpdk") {
    err << "portsweep: version detection starts when the sweep ends: DPDK keeps the interface's traffic from "
           "the kernel's sockets while it runs\n";
    return nullptr;
  }
  bool tcp = false, udp = false;
  for (const ScanKind& k : info.scans) {
    tcp = tcp || k.proto == Proto::Tcp;
    udp = udp || k.proto == Proto::Udp;
  }
  if (!tcp && !udp) return nullptr;
  return std::make_unique<LiveServiceStage>(db, outputs, service_stage_options(o, info, err, stop, false), tcp, udp);
}

std::function<void(const std::function<void(const IpAddress&)>&)> each_target_of(const SweepTargets& targets) {
  return [targets](const std::function<void(const IpAddress&)>& visit) {
    for (uint64_t i = 0; i < targets.size(); ++i) visit(targets.address(i));
  };
}

int finish_scan(const ScanOptions& o, const std::optional<ServiceProbeDb>& probe_db, OutputSet& outputs,
                const ScanInfo& info, const TargetSet& targets, ScanEnding ending, std::ostream& err,
                const std::atomic<bool>& interrupt, LiveServiceStage* live) {
  const bool stopped = ending.interrupted || !ending.error.empty();
  bool detection_interrupted = false;
  // -Pn's hosts are up before -sV runs, so it probes their open|filtered UDP ports too.
  static const TargetSet6 kNoIpv6;  // these engines (-sT, -sI, -b) reach IPv4 targets only
  const SweepTargets axis(targets, kNoIpv6);
  const SweepHops hops{ending.sendable, nullptr, targets.size()};
  if (ending.declare_targets_up && ending.every_port_tried && !stopped)
    declare_targets_up(axis, ending.sendable != nullptr ? &hops : nullptr, outputs, err);
  if (live != nullptr && stopped) live->abandon();
  if (probe_db && !stopped)
    detection_interrupted =
        run_version_detection(o, *probe_db, outputs, info, err, interrupt, ending.every_port_tried, live);
  ScanSummary& summary = ending.summary;
  summary.end_time_us = wall_clock_us();
  summary.hosts_total = targets.size();
  // A stopped scan did not try every port: an unanswered one says nothing.
  if (!ending.every_port_tried || stopped) summary.ports_scanned_for = [](const IpAddress&) { return PortsPerProto{}; };
  if (ending.interrupted) summary.error = "interrupted";
  else if (!ending.error.empty()) summary.error = ending.error;
  else if (detection_interrupted) summary.error = "interrupted during version detection";
  int status = stopped ? (ending.interrupted ? 130 : 1) : 0;
  try {
    outputs.end(summary);
  } catch (const std::exception& e) {
    err << "portsweep: writing the outputs failed: " << e.what() << "\n";
    status = 1;
  }
  return status;
}

}  // namespace portsweep
