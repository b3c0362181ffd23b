#pragma once
// The machine's network interfaces as the scanner needs them: one record per
// link with its IPv4 addresses, read through rtnetlink.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/mac_addr.hpp"

namespace portsweep {

struct InterfaceAddress {
  uint32_t address = 0;  // host order
  uint8_t prefix_len = 0;
  std::string label;     // the link name, or an alias such as "eth0:1"
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

  bool is_ethernet() const noexcept;
};

// Every interface of the current network namespace, ordered by index.
std::vector<InterfaceInfo> list_interfaces();
std::optional<InterfaceInfo> find_interface(std::string_view name);
std::optional<InterfaceInfo> find_interface(int index);

// "ethernet", "loopback", "point2point" or "other", for --iflist.
std::string_view interface_type_name(const InterfaceInfo& iface);

}  // namespace portsweep
