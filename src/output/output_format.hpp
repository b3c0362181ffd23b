#pragma once
// The interface every output format implements. A writer is made for one
// destination and driven through one scan:
//   begin(info)            once, before the first probe: headers go out now;
//   on_host_up(h)          for every host discovery found up (or -Pn
//                          declared up), before that host's results;
//   on_result(r)           for every classified result, in arrival order;
//   on_service(s)          with -sV, what version detection found on a port
//                          (after that port's on_result);
//   on_task(t)             a stage begins or ends (nmap's -v task lines);
//   flush()                about every 100 ms, so a killed scan keeps its lines;
//   end(hosts, summary)    once, also after an interrupt: per-host sections
//                          and the trailer, leaving a complete file.
// Writers flush on end() and on destruction, so written data is never lost.
#include <string_view>
#include <vector>

#include "output/host_report.hpp"
#include "output/task_event.hpp"
#include "portsweep/result.hpp"

namespace portsweep {

struct ServiceResult;
struct OsReport;
struct OsHint;
struct ScanInfo;
struct ScanSummary;
class HostTable;

class OutputFormat {
 public:
  virtual ~OutputFormat() = default;

  virtual void begin(const ScanInfo& info) = 0;
  // Only streaming formats care; the others print from the HostTable at end().
  virtual void on_result(const PortResult& r) { (void)r; }
  virtual void on_host_up(const HostUp& h) { (void)h; }
  // --traceroute's route to a host, once it is known (the table keeps it
  // for the formats that print at end()).
  virtual void on_trace(const IpAddress& ip, const std::vector<TraceHop>& hops) {
    (void)ip;
    (void)hops;
  }
  // Likewise: the host table keeps services for the formats that print at end().
  virtual void on_service(const ServiceResult& s) { (void)s; }
  // -O's findings on a host, and the passive OS hint: likewise kept in the table.
  virtual void on_os(const OsReport& os) { (void)os; }
  virtual void on_os_hint(const OsHint& hint) { (void)hint; }
  virtual void on_task(const TaskEvent& t) { (void)t; }
  // An error or warning line the terminal got on standard error (nmap also
  // writes those to its normal output file); no newline.
  virtual void on_message(std::string_view line) { (void)line; }
  virtual void flush() {}
  virtual void end(const HostTable& hosts, const ScanSummary& summary) = 0;
};

// How a writer is made, beyond its path.
struct WriterOptions {
  // The normal format on the terminal: nmap's "Starting ..." / "Nmap done:"
  // wording instead of the "# ..." comment lines -oN writes (also for -oN -).
  bool interactive = false;
  // --append-output: written after what the file already holds.
  bool append = false;
  // -oS: the text scrambled as nmap's script kiddie output.
  bool skid = false;
};

}  // namespace portsweep
