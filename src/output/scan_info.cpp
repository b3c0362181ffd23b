#include "output/scan_info.hpp"

#include <array>

namespace portsweep {

PortState no_response_state_for(std::string_view scan_type) {
  // These techniques read silence as "maybe open"; the rest as "filtered".
  static constexpr std::array<std::string_view, 7> kSilenceMayBeOpen = {
      "udp", "fin", "null", "xmas", "maimon", "ipproto", "sctpcookieecho"};
  for (std::string_view t : kSilenceMayBeOpen) {
    if (t == scan_type) return PortState::OpenFiltered;
  }
  return PortState::Filtered;
}

}  // namespace portsweep
