#include "detect/detect_options.hpp"

namespace portsweep {

DetectOptions DetectOptions::for_timing(int level) {
  using std::chrono::milliseconds;
  DetectOptions o;
  if (level >= 5) {
    o.wait_cap = milliseconds(1500);
    o.connect_timeout = milliseconds(2500);
    o.tls_connect_timeout = milliseconds(4000);
  } else if (level == 4) {
    o.wait_cap = milliseconds(3000);
    o.connect_timeout = milliseconds(4000);
    o.tls_connect_timeout = milliseconds(6000);
  } else if (level <= 1) {
    // Paranoid and sneaky scans are about being gentle: few connections.
    o.max_parallel = level == 0 ? 1 : 10;
  } else if (level == 2) {
    o.max_parallel = 100;
  }
  return o;
}

}  // namespace portsweep
