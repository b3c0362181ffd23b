#pragma once
// What every probe of a scan shares, fixed before the first packet: link and
// network addresses, header defaults and the cookie key.
#include <array>
#include <cstdint>

#include "engine/syn_cookie.hpp"

namespace portsweep {

using MacAddress = std::array<uint8_t, 6>;

// The source ports probes go out from: [base, base + count), count in
// [1, 65536]; wraps past 65535 back to 0 is not allowed.
struct SourcePorts {
  uint16_t base = 40000;
  uint32_t count = 1;
  bool contains(uint16_t port) const noexcept { return static_cast<uint16_t>(port - base) < count; }
};

struct ProbeConfig {
  MacAddress src_mac{};
  MacAddress dst_mac{};  // the gateway's (or the on-link target's) MAC
  uint32_t src_ip = 0;   // host byte order
  SourcePorts src_ports{};
  uint8_t ttl = 64;
  uint16_t tcp_window = 1024;  // nmap's SYN scan default
  uint16_t tcp_mss = 1460;     // sent as the only TCP option, like nmap
  CookieKey cookie_key{};
};

}  // namespace portsweep
