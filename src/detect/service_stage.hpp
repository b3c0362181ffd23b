#pragma once
// Version detection as a stage of a scan: takes the open TCP ports, and the
// open and open|filtered UDP ports, a sweep (or a saved scan) put in the
// outputs' host table, probes them, and hands every finding back to the
// outputs, which print it in each format. A UDP port that answers a probe is
// open: one left open|filtered by the sweep is reported again as open
// (udp-response) through OutputSet::on_port_update before its service.
#include <atomic>
#include <ostream>
#include <string_view>
#include <vector>

#include "detect/detect_options.hpp"
#include "detect/service_outcome.hpp"
#include "detect/service_probes.hpp"
#include "detect/service_scanner.hpp"
#include "output/scan_info.hpp"
#include "output/service_report.hpp"

namespace portsweep {

class HostTable;
class OutputSet;

// The open TCP ports of every host in `hosts`, in address then port order,
// less those the database's Exclude directive names (unless --allports).
std::vector<ServiceTarget> service_targets(const HostTable& hosts, const ServiceProbeDb& db,
                                           const DetectOptions& options);

// The UDP ports to probe, as nmap orders them: every open one (address then
// port order), then every open|filtered one. Open|filtered ports are those
// the table lists so (a saved nmap report), and, when `unanswered` names the
// ports whose unanswered probes the sweep reports open|filtered, every such
// port of a host that the table neither lists nor lost the list of.
// `skipped_hosts` counts hosts whose unanswered ports could not be told
// (a state's port list given up past the table's budget); `open_count` is
// how many of the targets (the first ones) the table lists open.
std::vector<ServiceTarget> udp_service_targets(const HostTable& hosts, const ServiceProbeDb& db,
                                               const DetectOptions& options,
                                               const std::vector<uint16_t>& unanswered,
                                               std::size_t* skipped_hosts = nullptr,
                                               std::size_t* open_count = nullptr);

// An outcome in the outputs' terms: a probed match keeps every field with
// confidence 10, tcpwrapped is its own name, and a port nothing identified
// keeps the table's name (`table_name`, may be empty) with confidence 3.
ServiceReport service_report(const ServiceOutcome& outcome, std::string_view table_name);

struct ServiceStageOptions {
  DetectOptions detect;
  ServiceLookup table_name;          // nmap-services names; optional
  std::ostream* trace = nullptr;     // --version-trace lines
  std::ostream* progress = nullptr;  // one summary line when done
  const std::atomic<bool>* stop = nullptr;
  // The UDP ports the sweep probed whose unanswered probes mean open|filtered
  // (ascending): they are probed on every host up that left them unanswered.
  // Empty when there was no UDP sweep, or its unanswered ports say nothing
  // (an interrupted scan, a shard of one).
  std::vector<uint16_t> udp_unanswered;
};

// Probes every open TCP port and every open or open|filtered UDP port of
// outputs.hosts() and reports each to outputs.on_service() (a UDP port that
// stayed silent gets no report: it keeps the sweep's state). Call between the
// last result and outputs.end(). TCP and UDP ports are probed at once (UDP on
// a thread of its own). The stats are TCP's and UDP's together; `seconds` is
// the longer of the two.
ServiceScanStats run_service_stage(const ServiceProbeDb& db, OutputSet& outputs,
                                   const ServiceStageOptions& options);

}  // namespace portsweep
