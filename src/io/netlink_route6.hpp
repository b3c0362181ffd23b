#pragma once
// The IPv6 half of the rtnetlink queries (netlink_route.hpp holds links and
// IPv4): our IPv6 addresses, IPv6 routes of the tables a lookup consults,
// the kernel's own route lookup (which also names the source address it
// would pick), and the neighbour (Neighbor Discovery) table. Addresses are
// u128, the 16 network-order bytes read as one number (portsweep/uint128.hpp).
// Each call opens its own socket: these run a few times per scan.
#include <cstdint>
#include <optional>
#include <vector>

#include "io/mac_addr.hpp"
#include "portsweep/uint128.hpp"

namespace portsweep::netlink {

struct Ipv6Address {
  int ifindex = 0;
  u128 address = 0;
  uint8_t prefix_len = 0;
  uint8_t scope = 0;   // RT_SCOPE_UNIVERSE (global), RT_SCOPE_LINK (fe80::/10), RT_SCOPE_HOST (::1)
  uint32_t flags = 0;  // IFA_F_* (TENTATIVE, DADFAILED, DEPRECATED, TEMPORARY, ...)

  // May be a packet's source now: neither still under duplicate address
  // detection nor found to be a duplicate.
  bool usable() const noexcept;
  bool deprecated() const noexcept;
};

struct Route6 {
  u128 dst = 0;          // with dst_len 0: the default route
  uint8_t dst_len = 0;
  int oif = 0;           // 0 for multipath routes (not followed further)
  u128 gateway = 0;      // 0 (::): destination is on-link; often a link-local address
  u128 prefsrc = 0;      // 0: none named (lookup_route6 fills in the kernel's choice)
  uint32_t metric = 0;
  uint8_t type = 0;      // RTN_*
  uint32_t table = 0;    // RT_TABLE_MAIN, RT_TABLE_LOCAL
};

struct Neighbour6 {
  int ifindex = 0;
  u128 address = 0;
  std::optional<MacAddr> mac;
  uint16_t state = 0;  // NUD_*
  bool is_router = false;  // NTF_ROUTER

  // As netlink::Neighbour: REACHABLE, PERMANENT or NOARP with a MAC is taken
  // as is; STALE, DELAY or PROBE only when the address is silent to us now.
  bool is_fresh() const noexcept;
  bool is_unconfirmed() const noexcept;
};

// Every IPv6 address of every interface (ifindex 0) or of one.
std::vector<Ipv6Address> dump_ipv6_addresses(int ifindex = 0);
// IPv6 routes of the main table, as `ip -6 route` shows them.
std::vector<Route6> dump_ipv6_routes();
// IPv6 routes of the local and main tables, each tagged with its table: what
// a scan needs to route every IPv6 target in one dump (route_split6.hpp).
std::vector<Route6> dump_ipv6_lookup_routes();

// The kernel's route to dst (like `ip -6 route get`), optionally forced out
// of interface oif. prefsrc is the source address the kernel would pick.
// nullopt when the kernel has no usable route.
std::optional<Route6> lookup_route6(u128 dst, int oif = 0);

// Every IPv6 neighbour table entry on ifindex (0: every interface), in one dump.
std::vector<Neighbour6> dump_neighbours6(int ifindex);

}  // namespace portsweep::netlink
