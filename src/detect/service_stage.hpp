#pragma once
// Version detection as a stage of a scan: takes the open TCP ports a sweep
// (or a saved scan) put in the outputs' host table, probes them, and hands
// every finding back to the outputs, which print it in each format.
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
};

// Probes every open TCP port of outputs.hosts() and reports each to
// outputs.on_service(). Call between the last result and outputs.end().
ServiceScanStats run_service_stage(const ServiceProbeDb& db, OutputSet& outputs,
                                   const ServiceStageOptions& options);

}  // namespace portsweep
