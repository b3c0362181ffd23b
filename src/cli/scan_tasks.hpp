#pragma once
// The stages of a scan as nmap names them in its -v task lines and XML
// <taskbegin>/<taskend>: "Ping Scan", "SYN Stealth Scan", "Service scan".
#include <cstdint>
#include <string>
#include <string_view>

#include "output/task_event.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

class OutputSet;

// The single target of a scan of one, which nmap names in its task lines
// ("Scanning 198.19.0.1 [8 ports]"); 0 for more.
uint32_t only_target(const TargetSet& targets);

// nmap's task name for a scan technique (ScanKind::type: "syn", "udp", ...).
std::string task_name(std::string_view scan_type);

// One stage reported to the outputs: begun when made, ended by end().
class ScanTask {
 public:
  // A stage over `hosts` targets (one of them: named) and `ports_per_host` each.
  ScanTask(OutputSet& outputs, std::string task, uint64_t hosts, uint32_t ports_per_host,
           uint32_t only_host = 0);
  // A stage with its own "Scanning ..." line (or none, when it is empty).
  ScanTask(OutputSet& outputs, std::string task, std::string scanning);

  void end(std::string extrainfo);
  uint32_t ports_per_host() const { return event_.ports_per_host; }

 private:
  OutputSet& outputs_;
  TaskEvent event_;
};

}  // namespace portsweep
