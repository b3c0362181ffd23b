#include "detect/version_trace.hpp"

#include <string>

namespace portsweep {

void VersionTrace::line(const ServiceTarget& t, std::string_view what) {
  // An IPv6 address in brackets ([2001:db8::1]:80), so the port stays apart.
  const bool v6 = !t.ip.is_v4();
  std::string s = "version-trace: ";
  if (v6) s += '[';
  s += t.ip.to_string();
  if (v6) s += ']';
  s += ':';
  s += std::to_string(t.port);
  s += '/';
  s += to_string(t.proto);
  s += ": ";
  s.append(what);
  s += '\n';
  std::lock_guard lock(mutex_);
  out_ << s << std::flush;
}

}  // namespace portsweep
