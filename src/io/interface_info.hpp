#pragma once
// The machine's network interfaces as the scanner needs them: one record per
// link with its IPv4 and IPv6 addresses, read through rtnetlink.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/mac_addr.hpp"
#include "portsweep/uint128.hpp"

namespace portsweep {

struct InterfaceAddress {
  uint32_t address = 0;  // host order
  uint8_t prefix_len = 0;
  std::string label;     // the link name, or an alias such as "eth0:1"
};

struct InterfaceAddress6 {
  u128 address = 0;
  uint8_t prefix_len = 0;
  uint8_t scope = 0;       // RT_SCOPE_UNIVERSE (global), RT_SCOPE_LINK, RT_SCOPE_HOST
  bool usable = true;      // not tentative (DAD under way) nor a duplicate
  bool deprecated = false; // still valid, but not to be picked for new traffic
};

struct InterfaceInfo {
  std::string name;
  int index = 0;
  uint16_t link_type = 0;  // ARPHRD_*
  bool up = false;         // administratively up (IFF_UP)
  bool loopback = false;
  bool uses_arp = true;    // false for loopback and IFF_NOARP links: no next-hop MAC to find
  unsigned mtu = 0;
  std::optional<MacAddr> mac;
  std::vector<InterfaceAddress> ipv4;
  std::vector<InterfaceAddress6> ipv6;  // in the kernel's order

  bool is_ethernet() const noexcept;
};

// Every interface of the current network namespace, ordered by index.
std::vector<InterfaceInfo> list_interfaces();
std::optional<InterfaceInfo> find_interface(std::string_view name);
std::optional<InterfaceInfo> find_interface(int index);

// The interface's best IPv6 source address for reaching `peer`: a usable,
// not deprecated address of the peer's scope (link-local for fe80::/10
// peers, else global) sharing the longest prefix with it, then any usable
// one; nullopt when the interface has none (RFC 6724's rules, the few that
// matter for one interface).
std::optional<u128> ipv6_source_for(const InterfaceInfo& iface, u128 peer);

// "ethernet", "loopback", "point2point" or "other", for --iflist.
std::string_view interface_type_name(const InterfaceInfo& iface);

}  // namespace portsweep
