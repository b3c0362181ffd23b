#pragma once
// What every probe of a scan shares, fixed before the first packet: link and
// network addresses, header defaults, the cookie key, and the per-scan
// choices a module reads (--scanflags, the UDP payloads).
#include <array>
#include <cstdint>
#include <optional>

#include "packet/probe_cookie.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep {

using MacAddress = std::array<uint8_t, 6>;
class UdpPayloadDb;

struct ProbeConfig {
  MacAddress src_mac{};
  MacAddress dst_mac{};  // the gateway's (or a single on-link target's) MAC
  // The family every probe of this prober has: a module's create() builds
  // its IPv6 prober for V6 (ProbeModule::families must say it has one).
  AddressFamily family = AddressFamily::V4;
  uint32_t src_ip = 0;   // host byte order
  std::array<uint8_t, 16> src_ip6{};  // V6: our address on the interface
  SourcePorts src_ports{};
  uint8_t ttl = 64;  // the hop limit for IPv6
  uint16_t tcp_window = 1024;  // nmap's raw-scan default
  uint16_t tcp_mss = 1460;     // sent as the only TCP option of a SYN, like nmap
  // --scanflags: TCP flags to send instead of the module's own; the module's
  // rules still read the replies (nmap: the base scan type decides).
  std::optional<uint8_t> tcp_flags;
  // -sU payloads by destination port; null: every datagram is empty.
  const UdpPayloadDb* udp_payloads = nullptr;
  // --traceroute's TCP probe: the open port it sends its SYNs to (0: none).
  uint16_t trace_tcp_port = 0;
  CookieKey cookie_key{};
};

}  // namespace portsweep
