#include "cli/service_options.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace portsweep {

DetectOptions detect_options_for(const ScanOptions& o) {
  DetectOptions d = DetectOptions::for_timing(o.timing.value_or(3));
  // As in nmap, --version-light and --version-all are shorthands for an
  // intensity; an explicit --version-intensity wins over both.
  if (o.version_light) d.intensity = 2;
  if (o.version_all) d.intensity = 9;
  if (o.version_intensity) d.intensity = *o.version_intensity;
  d.trace = o.version_trace;
  d.all_ports = o.all_ports;
  if (o.max_parallelism) d.max_parallel = *o.max_parallelism;
  if (o.min_parallelism) d.max_parallel = std::max(d.max_parallel, *o.min_parallelism);
  if (o.version_parallel) d.lanes = *o.version_parallel;
  return d;
}

std::string check_version_intensity(const std::string& value) {
  if (value.size() != 1 || value[0] < '0' || value[0] > '9') {
    throw UsageError("invalid --version-intensity \"" + value + "\": expected a whole number from 0 to 9");
  }
  return value;
}

}  // namespace portsweep
