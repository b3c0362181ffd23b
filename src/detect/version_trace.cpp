#include "detect/version_trace.hpp"

#include <string>

#include "output/report_text.hpp"

namespace portsweep {

void VersionTrace::line(const ServiceTarget& t, std::string_view what) {
  std::string s = "version-trace: " + ipv4_text(t.ip) + ":" + std::to_string(t.port) + "/" +
                  std::string(to_string(t.proto)) + ": ";
  s.append(what);
  s += '\n';
  std::lock_guard lock(mutex_);
  out_ << s << std::flush;
}

}  // namespace portsweep
