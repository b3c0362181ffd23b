#pragma once
// -sV's options (--version-intensity, --version-light, --version-all,
// --version-trace, --allports, -T) as the detection stage takes them.
#include <string>

#include "cli/scan_options.hpp"
#include "detect/detect_options.hpp"

namespace portsweep {

DetectOptions detect_options_for(const ScanOptions& o);

// --version-intensity's value, returned unchanged when it is 0-9; throws
// UsageError naming it otherwise.
std::string check_version_intensity(const std::string& value);

}  // namespace portsweep
