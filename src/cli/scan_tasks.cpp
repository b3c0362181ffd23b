#include "cli/scan_tasks.hpp"

#include <utility>

#include "cli/scan_report.hpp"
#include "output/output_set.hpp"

namespace portsweep {

std::optional<IpAddress> only_target(const SweepTargets& targets) {
  if (targets.size() != 1) return std::nullopt;
  return targets.address(0);
}

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
                   std::optional<IpAddress> only_host)
    : outputs_(outputs), event_(TaskEvent::begins(std::move(task), wall_clock_us(), hosts, ports_per_host)) {
  if (hosts == 1 && only_host) event_.only_host = only_host;
  outputs_.on_task(event_);
}

ScanTask::ScanTask(OutputSet& outputs, std::string task, std::string scanning)
    : outputs_(outputs), event_(TaskEvent::begins(std::move(task), wall_clock_us(), 0, 0)) {
  event_.scanning = std::move(scanning);
  outputs_.on_task(event_);
}

void ScanTask::end(std::string extrainfo) {
  const int64_t now = wall_clock_us();
  outputs_.on_task(TaskEvent::ends(event_.task, now, static_cast<double>(now - event_.time_us) / 1e6,
                                   std::move(extrainfo)));
}

}  // namespace portsweep
