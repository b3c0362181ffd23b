#pragma once
// An Ethernet MAC address. IPv4 addresses are uint32_t in host byte order
// throughout the scanner (targets/ipv4.hpp formats and parses them).
#include <array>
#include <cstdint>
#include <string>

namespace portsweep {

struct MacAddr {
  std::array<uint8_t, 6> bytes{};

  bool is_zero() const noexcept;
  bool operator==(const MacAddr&) const = default;
  // "02:00:c6:12:07:01" (lower case; print_iflist upper-cases for nmap's look).
  std::string to_string() const;
};

}  // namespace portsweep
