#include "io/mac_addr.hpp"

#include <cstdio>

namespace portsweep {

bool MacAddr::is_zero() const noexcept {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::string MacAddr::to_string() const {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5]);
  return buf;
}

}  // namespace portsweep
