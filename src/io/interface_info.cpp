#include "io/interface_info.hpp"

#include <net/if.h>
#include <net/if_arp.h>

#include <algorithm>

#include "io/netlink_route.hpp"

namespace portsweep {

bool InterfaceInfo::is_ethernet() const noexcept { return link_type == ARPHRD_ETHER; }

std::vector<InterfaceInfo> list_interfaces() {
  auto links = netlink::dump_links();
  auto addresses = netlink::dump_ipv4_addresses();
  std::vector<InterfaceInfo> out;
  out.reserve(links.size());
  for (const auto& link : links) {
    InterfaceInfo info;
    info.name = link.name;
    info.index = link.index;
    info.link_type = link.type;
    info.up = (link.flags & IFF_UP) != 0;
    info.loopback = (link.flags & IFF_LOOPBACK) != 0 || link.type == ARPHRD_LOOPBACK;
    info.uses_arp = !info.loopback && (link.flags & IFF_NOARP) == 0 && link.type == ARPHRD_ETHER;
    info.mtu = link.mtu;
    info.mac = link.mac;
    for (const auto& a : addresses) {
      if (a.ifindex == link.index) {
        info.ipv4.push_back({a.address, a.prefix_len, a.label.empty() ? link.name : a.label});
      }
    }
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(),
            [](const InterfaceInfo& a, const InterfaceInfo& b) { return a.index < b.index; });
  return out;
}

std::optional<InterfaceInfo> find_interface(std::string_view name) {
  for (auto& info : list_interfaces()) {
    if (info.name == name) return std::move(info);
  }
  return std::nullopt;
}

std::optional<InterfaceInfo> find_interface(int index) {
  for (auto& info : list_interfaces()) {
    if (info.index == index) return std::move(info);
  }
  return std::nullopt;
}

std::string_view interface_type_name(const InterfaceInfo& iface) {
  if (iface.loopback) return "loopback";
  switch (iface.link_type) {
    case ARPHRD_ETHER: return "ethernet";
    case ARPHRD_PPP:
    case ARPHRD_NONE:  // tun devices and the like: point-to-point, no link header
      return "point2point";
    default: return "other";
  }
}

}  // namespace portsweep
