#pragma once
// --version-trace: what version detection does, one line per event, on a
// stream (stderr): probes sent, matches, TLS upgrades, verdicts.
#include <mutex>
#include <ostream>
#include <string_view>

#include "detect/service_outcome.hpp"

namespace portsweep {

class VersionTrace {
 public:
  explicit VersionTrace(std::ostream& out) : out_(out) {}

  // "version-trace: 198.19.0.1:22/tcp: WHAT"
  void line(const ServiceTarget& t, std::string_view what);

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

}  // namespace portsweep
