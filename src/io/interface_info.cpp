#include "io/interface_info.hpp"

#include <net/if.h>
#include <net/if_arp.h>

#include <algorithm>

#include <linux/rtnetlink.h>

#include <bit>

#include "common/error.hpp"
#include "io/netlink_route.hpp"
#include "io/netlink_route6.hpp"

namespace portsweep {

bool InterfaceInfo::is_ethernet() const noexcept { return link_type == ARPHRD_ETHER; }

std::vector<InterfaceInfo> list_interfaces() {
  auto links = netlink::dump_links();
  auto addresses = netlink::dump_ipv4_addresses();
  // A kernel without IPv6 (ipv6.disable=1) refuses the IPv6 dump; IPv4
  // scans must not fail for it.
  std::vector<netlink::Ipv6Address> addresses6;
  try {
    addresses6 = netlink::dump_ipv6_addresses();
  } catch (const RuntimeFailure&) {
    addresses6.clear();
  }
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
    for (const auto& a : addresses6) {
      if (a.ifindex == link.index) {
        info.ipv6.push_back({a.address, a.prefix_len, a.scope, a.usable(), a.deprecated()});
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

namespace {

bool is_link_local(u128 a) noexcept { return (a >> 118) == 0x3fa; }  // fe80::/10

unsigned common_prefix(u128 a, u128 b) noexcept {
  const u128 x = a ^ b;
  const auto hi = static_cast<uint64_t>(x >> 64);
  const auto lo = static_cast<uint64_t>(x);
  return hi != 0 ? static_cast<unsigned>(std::countl_zero(hi))
                 : 64 + static_cast<unsigned>(std::countl_zero(lo));
}

}  // namespace

std::optional<u128> ipv6_source_for(const InterfaceInfo& iface, u128 peer) {
  const bool want_link = is_link_local(peer);
  const InterfaceAddress6* best = nullptr;
  int best_rank = -1;
  for (const auto& a : iface.ipv6) {
    if (!a.usable) continue;
    const bool link = a.scope == RT_SCOPE_LINK || is_link_local(a.address);
    // Same scope first, then not deprecated, then the longest common prefix.
    const int rank = (link == want_link ? 1 << 9 : 0) + (a.deprecated ? 0 : 1 << 8) +
                     static_cast<int>(common_prefix(a.address, peer));
    if (rank > best_rank) {
      best_rank = rank;
      best = &a;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->address;
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
