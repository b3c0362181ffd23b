#pragma once
// The two clocks the engines read: the wall clock for what the outputs
// print (results' times, nmap's SCAN line), the monotonic one for deadlines
// and spacing, which a clock step must not stretch or cut short.
#include <chrono>
#include <cstdint>

namespace portsweep {

// Microseconds since the epoch.
inline int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Microseconds on the steady clock (an arbitrary origin).
inline int64_t mono_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace portsweep
