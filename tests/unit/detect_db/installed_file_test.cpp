// The real nmap-service-probes from Debian's nmap-common parses completely.
#include <gtest/gtest.h>

#include <cstdio>

#include "detect/service_probes.hpp"

namespace portsweep {
namespace {

TEST(InstalledFile, Parses) {
  ServiceProbeDb db = ServiceProbeDb::load_file("/usr/share/nmap/nmap-service-probes");
  const ServiceProbeStats& s = db.stats();
  std::printf("probes %zu matches %zu soft %zu jitted %zu failures %zu parse %lld us compile %lld us\n", s.probes,
              s.matches, s.softmatches, s.jitted, s.regex_failures.size(),
              static_cast<long long>(s.parse_time.count()), static_cast<long long>(s.compile_time.count()));
  for (const RegexFailure& f : s.regex_failures) std::printf("  line %zu %s: %s\n", f.line, f.service.c_str(), f.message.c_str());
}

}  // namespace
}  // namespace portsweep
