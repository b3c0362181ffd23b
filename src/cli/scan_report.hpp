#pragma once
// What every scan command (the sweep, -sT, `portsweep detect`) tells its
// outputs and runs after the scan: the header's ScanInfo, the service names
// of the tables, version detection. One place, so the commands cannot drift.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/scan_options.hpp"
#include "engine/sweep_targets.hpp"
#include "detect/service_probes.hpp"
#include "detect/service_stage.hpp"
#include "io/next_hop_plan.hpp"
#include "output/output_set.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"
#include "ports/services_db.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

// Wall clock, microseconds since the epoch (what the outputs print).
int64_t wall_clock_us();

// The conventional name of a port (nmap-services) or, for -sO's Proto::Ip
// results, of an IP protocol (the system's protocols database, read once).
// `services` must outlive the lookup.
ServiceLookup service_names(const ServicesDb& services);

// One <scaninfo>: module `m` probing `ports` (protocol numbers for -sO).
ScanKind scan_kind_for(const ProbeModule& m, const std::vector<uint16_t>& ports);

// Where a scan's progress lines go (null: nowhere) and how often: every
// --stats-every, else every `default_every_s`; none with --noninteractive
// unless --stats-every asks for them.
struct ProgressPlan {
  std::ostream* stream = nullptr;
  double every_s = 1;
};
ProgressPlan progress_plan(const ScanOptions& o, std::ostream& err, double default_every_s);

// XML's stylesheet when no option names one: nmap's nmap.xsl where nmap's
// data files are installed (`datadir` first), as a file:// URL; "" when
// there is none.
std::string default_xml_stylesheet(const std::string& datadir);

// The header every format starts from: the command line as typed (with
// `command` before it, "portsweep" or "portsweep detect"), now as the start,
// the output flags of `o`, and `services` for the tables' names.
ScanInfo scan_info_for(const ScanOptions& o, const std::string& command, const std::vector<std::string>& args,
                       const ServicesDb& services);

// -sV over what `outputs` holds, with `o`'s detection options; true when
// `stop` interrupted it. `sweep_complete`: every probe of the sweep went out
// and this process scanned all of it (no --shard), so a UDP port the table
// does not hold was unanswered, and open|filtered when -sU says so: those
// ports are probed too, as nmap's -sU -sV does.
// With `live`, the TCP ports the sweep fed it are probed already: this waits
// for them and probes the rest.
bool run_version_detection(const ScanOptions& o, const ServiceProbeDb& db, OutputSet& outputs, const ScanInfo& info,
                           std::ostream& err, const std::atomic<bool>& stop, bool sweep_complete = false,
                           LiveServiceStage* live = nullptr);

// -sV's stage settings from `o`: the ones a LiveServiceStage starts with
// (sweep_complete false), and the ones run_version_detection uses.
ServiceStageOptions service_stage_options(const ScanOptions& o, const ScanInfo& info, std::ostream& err,
                                          const std::atomic<bool>& stop, bool sweep_complete);

// Detection while the sweep runs, when it can: the kernel's sockets must
// see the interface's traffic, which a kernel-bypass backend (DPDK over
// AF_XDP) keeps from them until it closes (then a line says detection waits).
std::unique_ptr<LiveServiceStage> live_service_stage(const ScanOptions& o, const ServiceProbeDb& db,
                                                     OutputSet& outputs, const ScanInfo& info, std::ostream& err,
                                                     const std::atomic<bool>& stop, std::string_view backend);

// ScanSummary::each_target over `targets` (which must outlive it): every
// address in ascending order, for -v's down hosts.
std::function<void(const std::function<void(const IpAddress&)>&)> each_target_of(const SweepTargets& targets);

// How a scan by an engine of its own (-sT, -sI, -b) ended.
struct ScanEnding {
  bool interrupted = false;
  std::string error;             // why it stopped early, other than an interrupt
  bool every_port_tried = true;  // false: an unanswered port says nothing
  // -Pn: every target is up once all were tried (those `sendable` refuses
  // excepted, when given).
  bool declare_targets_up = false;
  const NextHopPlan* sendable = nullptr;
  ScanSummary summary;  // packet counts and down hosts; the rest is filled in here
};

// What every such command does after its scan: -sV unless it stopped,
// -Pn's hosts, the outputs' ends. Returns the exit status (130 for an
// interrupt, 1 for a failure).
int finish_scan(const ScanOptions& o, const std::optional<ServiceProbeDb>& probe_db, OutputSet& outputs,
                const ScanInfo& info, const TargetSet& targets, ScanEnding ending, std::ostream& err,
                const std::atomic<bool>& interrupt, LiveServiceStage* live = nullptr);

}  // namespace portsweep
