#pragma once
// All the writers of one scan plus the HostTable they share: the one object
// the engine talks to. Every call is serialised by a mutex, so the receive
// path and a 100 ms flush timer may call from different threads.
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "output/host_names.hpp"
#include "output/host_table.hpp"
#include "output/output_format.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"

namespace portsweep {

class OutputSet {
 public:
  // Writers are added before begin().
  void add(std::unique_ptr<OutputFormat> writer);
  bool empty() const { return writers_.empty(); }
  // Where hosts' names come from (none: every host is shown by address).
  // Told of each host as it is found up; settled before the writers' end(),
  // which then find the names in ScanSummary::names_of. Set before begin().
  void set_host_names(std::shared_ptr<HostNameSource> names) { names_ = std::move(names); }

  // Sizes the host table from `info` (listing limit, ports per host) and
  // writes every header. A zero start time is taken as now.
  void begin(const ScanInfo& info);
  void on_result(const PortResult& r);
  // A host found up before (or without) any port result: it is reported
  // even when none of its ports answers.
  void on_host_up(const HostUp& h);
  // Another discovery answer from a host already reported up: the table
  // keeps the one nmap would name (HostTable::add_host). Writers that stream
  // wrote the first answer and are not told again.
  void on_host_up_again(const HostUp& h);
  // A stage begins or ends: every writer hears it (with -v, nmap's task
  // lines and XML elements).
  void on_task(const TaskEvent& t);
  // An error or warning already said on standard error, for the writers
  // that keep them too (-oN, as nmap's). Before begin(), kept until then,
  // so it follows the file's header.
  void on_message(std::string line);
  // --traceroute's route to a host already reported up.
  void on_trace(const IpAddress& ip, std::vector<TraceHop> hops);
  // A batch under one lock, for a receive loop that collects results.
  void on_results(std::span<const PortResult> batch);
  // A port's state changed after its first result (version detection's UDP
  // response: open|filtered becomes open): the table counts the port once, in
  // its new state (HostTable::update), and streaming writers get `r` as a
  // result of its own.
  // Returns false when the port already had that state and reason.
  bool on_port_update(const PortResult& r);
  // What version detection found on a port already reported open.
  void on_service(const ServiceResult& s);
  // What OS detection found on a host already reported up, and the passive
  // OS hint (from the replies the sweep already had).
  void on_os(OsReport os);
  void on_os_hint(OsHint hint);
  void flush();
  // Writes every per-host section and trailer; a zero end time is taken as
  // now. Every writer is ended even if one fails; the first failure is then
  // rethrown.
  void end(const ScanSummary& summary);

  // Valid after begin().
  const HostTable& hosts() const { return *table_; }

 private:
  void add_result(const PortResult& r);  // under mutex_

  std::mutex mutex_;
  std::vector<std::unique_ptr<OutputFormat>> writers_;
  std::optional<HostTable> table_;
  std::shared_ptr<HostNameSource> names_;
  std::vector<std::string> early_messages_;  // on_message() before begin()
};

}  // namespace portsweep
