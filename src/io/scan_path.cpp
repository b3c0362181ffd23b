#include "io/scan_path.hpp"

#include "common/error.hpp"
#include "io/arp_resolver.hpp"
#include "io/interface_info.hpp"
#include "io/netlink_route.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {

namespace {

std::string interface_names() {
  std::string names;
  for (const auto& i : list_interfaces()) {
    if (!names.empty()) names += ", ";
    names += i.name;
  }
  return names;
}


MacAddr next_hop_mac(const InterfaceInfo& iface, uint32_t src_ip, uint32_t next_hop) {
  if (!iface.uses_arp) return MacAddr{};
  auto entry = netlink::find_neighbour(iface.index, next_hop);
  if (entry && entry->is_fresh()) return *entry->mac;
  ArpQuery query{iface.name, iface.index, iface.mac.value_or(MacAddr{}), src_ip, next_hop};
  const auto timeout = std::chrono::seconds(1);
  const unsigned attempts = 3;
  if (auto mac = try_arp_resolve(query, timeout, attempts)) return *mac;
  // The host did not answer our ARP just now, but the kernel heard from it
  // recently: better to use that than to give up (ARP replies get rate-limited).
  if (entry && entry->is_unconfirmed()) return *entry->mac;
  throw no_arp_reply(query, timeout, attempts);
}

}  // namespace

InterfaceInfo usable_interface(const std::string& name) {
  auto info = find_interface(name);
  if (!info) {
    throw RuntimeFailure("there is no interface named \"" + name + "\"; the interfaces are: " +
                         interface_names() + ".");
  }
  if (!info->up) {
    throw RuntimeFailure("interface \"" + info->name +
                         "\" is down; bring it up or pick another with -e.");
  }
  return std::move(*info);
}

namespace {

// Throws unless iface can carry the scan's frames.
void check_frames_fit(const InterfaceInfo& iface) {
  if (iface.uses_arp && !iface.mac) {
    throw RuntimeFailure("interface \"" + iface.name +
                         "\" has no MAC address; give another with -e.");
  }
  if (!iface.loopback && !iface.is_ethernet()) {
    throw RuntimeFailure("interface \"" + iface.name +
                         "\" is not an Ethernet interface; portsweep writes Ethernet frames, "
                         "so give another with -e.");
  }
}

}  // namespace

ScanPath interface_path(const InterfaceInfo& iface, std::optional<uint32_t> src_ip,
                        uint32_t preferred_src) {
  check_frames_fit(iface);
  ScanPath path;
  path.iface = iface.name;
  path.ifindex = iface.index;
  path.mtu = iface.mtu;
  path.src_mac = iface.mac.value_or(MacAddr{});

  if (src_ip) {
    path.src_ip = *src_ip;
  } else if (preferred_src != 0) {
    path.src_ip = preferred_src;
  } else if (!iface.ipv4.empty()) {
    path.src_ip = iface.ipv4.front().address;
  } else {
    throw RuntimeFailure("interface \"" + iface.name + "\" has no IPv4 address: give -S ADDR.");
  }
  return path;
}

ScanPath6 interface_path6(const InterfaceInfo& iface, std::optional<u128> src_ip, u128 preferred_src,
                          u128 peer) {
  check_frames_fit(iface);
  ScanPath6 path;
  path.iface = iface.name;
  path.ifindex = iface.index;
  path.mtu = iface.mtu;
  path.src_mac = iface.mac.value_or(MacAddr{});
  for (const auto& a : iface.ipv6) {
    if (a.usable && (a.address >> 118) == 0x3fa) {  // fe80::/10
      path.link_local_src = a.address;
      break;
    }
  }
  if (src_ip) {
    path.src_ip = *src_ip;
  } else if (preferred_src != 0) {
    path.src_ip = preferred_src;
  } else if (auto best = ipv6_source_for(iface, peer)) {
    path.src_ip = *best;
  } else {
    throw RuntimeFailure("interface \"" + iface.name + "\" has no usable IPv6 address: give -S ADDR.");
  }
  return path;
}

ScanPath resolve_scan_path(const ScanPathRequest& request) {
  const uint32_t target = request.first_target;
  std::optional<InterfaceInfo> iface;
  if (request.iface) iface = usable_interface(*request.iface);

  // With -e the kernel is asked for a route out of that interface; it treats
  // a target it has no route for there as on-link, which is what -e means.
  auto route = netlink::lookup_route(target, iface ? iface->index : 0);
  if (!route || route->oif == 0) {
    if (iface) {
      throw RuntimeFailure("no route to " + format_ipv4(target) + " through \"" + iface->name +
                           "\" (is it up and does it have a carrier?).");
    }
    throw RuntimeFailure("no route to " + format_ipv4(target) + ": give -e IFACE.");
  }
  if (!iface) {
    iface = find_interface(route->oif);
    if (!iface) {
      throw RuntimeFailure("the route to " + format_ipv4(target) + " uses interface index " +
                           std::to_string(route->oif) + ", which has gone away; give -e IFACE.");
    }
  }

  ScanPath path = interface_path(*iface, request.src_ip, route->prefsrc);
  path.via_gateway = route->gateway != 0;
  path.next_hop_ip = path.via_gateway ? route->gateway : target;
  path.next_hop_mac = next_hop_mac(*iface, path.src_ip, path.next_hop_ip);
  return path;
}

}  // namespace portsweep
