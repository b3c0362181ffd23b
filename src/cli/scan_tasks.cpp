#include "cli/scan_tasks.hpp"

#include <utility>

#include "cli/scan_report.hpp"
#include "output/output_set.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

uint32_t only_target(const TargetSet& targets) { return targets.size() == 1 ? targets.at(0) : 0; }

std::string task_name(std::string_view scan_type) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"syn", "SYN Stealth Scan"}, {"connect", "Connect Scan"}, {"ack", "ACK Scan"},
      {"window", "Window Scan"},   {"fin", "FIN Scan"},         {"null", "NULL Scan"},
      {"xmas", "XMAS Scan"},       {"maimon", "Maimon Scan"},   {"udp", "UDP Scan"},
      {"ipproto", "IPProto Scan"}, {"bounce", "Bounce Scan"},   {"idle", "Idle Scan"},
  };
  for (const auto& [type, name] : kNames) {
    if (type == scan_type) return std::string(name);
  }
  return std::string(scan_type) + " scan";
}

ScanTask::ScanTask(OutputSet& outputs, std::string task, uint64_t hosts, uint32_t ports_per_host,
                   uint32_t only_host)
    : outputs_(outputs) {
  event_.task = std::move(task);
  event_.hosts = hosts;
  event_.ports_per_host = ports_per_host;
  if (hosts == 1 && only_host != 0) event_.only_host = only_host;
  begin();
}

ScanTask::ScanTask(OutputSet& outputs, std::string task, std::string scanning) : outputs_(outputs) {
  event_.task = std::move(task);
  event_.scanning = std::move(scanning);
  begin();
}

void ScanTask::begin() {
  event_.time_us = wall_clock_us();
  outputs_.on_task(event_);
}

void ScanTask::end(std::string extrainfo) {
  TaskEvent done;
  done.task = event_.task;
  done.end = true;
  done.time_us = wall_clock_us();
  done.elapsed_s = static_cast<double>(done.time_us - event_.time_us) / 1e6;
  done.extrainfo = std::move(extrainfo);
  outputs_.on_task(done);
}

}  // namespace portsweep
