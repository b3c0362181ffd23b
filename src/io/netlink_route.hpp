#pragma once
// Queries to the kernel's routing subsystem over rtnetlink (NETLINK_ROUTE):
// links, IPv4 addresses, routes and the neighbour (ARP) table of the network
// namespace the calling thread is in, through libmnl (netlink_request.hpp).
// Each call opens its own socket: these run a few times per scan, not per packet.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/mac_addr.hpp"

namespace portsweep::netlink {

struct Link {
  int index = 0;
  std::string name;
  uint16_t type = 0;     // ARPHRD_* (ARPHRD_ETHER, ARPHRD_LOOPBACK, ...)
  unsigned flags = 0;    // IFF_* (IFF_UP, IFF_LOOPBACK, IFF_NOARP, ...)
  unsigned mtu = 0;
  std::optional<MacAddr> mac;  // absent on links without a hardware address
};

struct Ipv4Address {
  int ifindex = 0;
  uint32_t address = 0;  // host order
  uint8_t prefix_len = 0;
  std::string label;     // "eth0" or an alias such as "eth0:1"
};

struct Route {
  uint32_t dst = 0;      // host order; 0 with dst_len 0 is the default route
  uint8_t dst_len = 0;
  int oif = 0;           // 0 for multipath routes (not followed further)
  uint32_t gateway = 0;  // 0: destination is on-link
  uint32_t prefsrc = 0;  // 0: kernel did not name one
  uint32_t metric = 0;
  uint8_t type = 0;      // RTN_*
  uint32_t table = 0;    // RT_TABLE_* (RT_TABLE_MAIN, RT_TABLE_LOCAL, ...)
};

struct Neighbour {
  int ifindex = 0;
  uint32_t address = 0;
  std::optional<MacAddr> mac;
  uint16_t state = 0;    // NUD_*

  // The kernel vouches for the MAC right now (REACHABLE, PERMANENT, NOARP).
  // A STALE entry's MAC may be out of date (the kernel would re-check it
  // before its own next use), and a scanner bypasses the kernel, so it
  // checks such an entry itself.
  bool is_fresh() const noexcept;
  // STALE, DELAY or PROBE: heard from recently but not confirmed; worth
  // using only when the address does not answer ARP now.
  bool is_unconfirmed() const noexcept;
};

std::vector<Link> dump_links();
std::vector<Ipv4Address> dump_ipv4_addresses();
// IPv4 routes of the main table, as `ip route` shows them.
std::vector<Route> dump_ipv4_routes();
// IPv4 routes of the local and main tables, the two the kernel's default
// rules consult (local first, for our own and broadcast addresses), each
// tagged with its table: what a scan needs to route every target in one dump.
std::vector<Route> dump_ipv4_lookup_routes();

// Asks the kernel which route it would use to reach dst (like `ip route get`),
// optionally forced out of interface oif, in which case a destination without
// a route is treated as on-link. nullopt when the kernel has no usable route.
std::optional<Route> lookup_route(uint32_t dst, int oif = 0);

// The neighbour table entry for ip on ifindex, whatever its state.
std::optional<Neighbour> find_neighbour(int ifindex, uint32_t ip);
// Every IPv4 neighbour table entry on ifindex (0: on every interface), in one dump.
std::vector<Neighbour> dump_neighbours(int ifindex);

}  // namespace portsweep::netlink
