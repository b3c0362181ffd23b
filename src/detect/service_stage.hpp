#pragma once
// Version detection as a stage of a scan: takes the open TCP ports, and the
// open and open|filtered UDP ports, a sweep (or a saved scan) put in the
// outputs' host table, probes them, and hands every finding back to the
// outputs, which print it in each format. A UDP port that answers a probe is
// open: one left open|filtered by the sweep is reported again as open
// (udp-response) through OutputSet::on_port_update before its service.
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <ostream>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "detect/detect_options.hpp"
#include "detect/service_feed.hpp"
#include "detect/service_outcome.hpp"
#include "detect/service_probes.hpp"
#include "detect/service_scanner.hpp"
#include "detect/udp_service_scanner.hpp"
#include "output/scan_info.hpp"
#include "output/service_report.hpp"

namespace portsweep {

class HostTable;
class OutputSet;
class VersionTrace;

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

// The (address, port, protocol) of every port a stage has taken.
using ProbedPorts = std::unordered_set<ServiceTarget, ServiceTargetHash>;

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
  // Ports already probed (by a LiveServiceStage): skipped.
  const ProbedPorts* probed = nullptr;
};

// Probes every open TCP port and every open or open|filtered UDP port of
// outputs.hosts() and reports each to outputs.on_service() (a UDP port that
// stayed silent gets no report: it keeps the sweep's state). Call between the
// last result and outputs.end(). TCP and UDP ports are probed at once (UDP on
// a thread of its own). The stats are TCP's and UDP's together; `seconds` is
// the longer of the two.
ServiceScanStats run_service_stage(const ServiceProbeDb& db, OutputSet& outputs,
                                   const ServiceStageOptions& options);

// Version detection while the sweep runs (-sS -sV, -sU -sV): each open TCP
// port, and each UDP port that answered the sweep, goes to detection as soon
// as its result reaches the outputs, on a thread per protocol, so a sweep's
// detection is mostly done when its last probe's cooldown ends. What only
// the finished sweep can tell (UDP ports left open|filtered, -Pn's hosts)
// runs in finish(), as run_service_stage.
class LiveServiceStage {
 public:
  // Starts a detection thread for each protocol the sweep scans (`tcp`,
  // `udp`); with both, UDP gets up to half of the connection budget. `db`
  // and `outputs` must outlive the stage; `options` is copied (its stop flag
  // and streams must outlive it).
  LiveServiceStage(const ServiceProbeDb& db, OutputSet& outputs, ServiceStageOptions options, bool tcp = true,
                   bool udp = false);
  // abandon()s a stage finish() was not called for.
  ~LiveServiceStage();
  LiveServiceStage(const LiveServiceStage&) = delete;
  LiveServiceStage& operator=(const LiveServiceStage&) = delete;

  // The sweep's results, after the outputs have them: an open port not seen
  // before is handed to detection. Any thread.
  void on_results(std::span<const PortResult> batch);
  // The sweep is over: waits for the ports under way, says how much of the
  // detection overlapped the sweep, then runs the stage for what is left
  // (UDP ports; TCP ports the sweep never fed) with `rest`'s UDP settings.
  // Rethrows what stopped the detection thread.
  ServiceScanStats finish(ServiceStageOptions rest);
  // The scan stopped: the thread ends within 100 ms, reporting nothing more
  // (call before the outputs end). Safe to repeat, and after finish().
  void abandon();

 private:
  using Clock = std::chrono::steady_clock;

  const ServiceProbeDb& db_;
  OutputSet& outputs_;
  ServiceStageOptions options_;
  std::unique_ptr<VersionTrace> trace_;
  // One per protocol: its feed, its loop's thread, what the loop did.
  struct Lane {
    ServiceFeed feed;
    std::thread thread;
    ServiceScanStats stats;
    std::exception_ptr error;
    std::atomic<std::size_t> finished{0};
    std::size_t fed = 0;
    std::optional<Clock::time_point> first_fed;
  };
  Lane tcp_;
  Lane udp_;
  std::unique_ptr<ServiceScanner> tcp_scanner_;
  std::unique_ptr<UdpServiceScanner> udp_scanner_;
  std::mutex seen_mutex_;
  ProbedPorts seen_;
};

}  // namespace portsweep
