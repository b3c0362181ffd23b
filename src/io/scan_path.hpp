#pragma once
// Where the scan's frames go out and what their Ethernet and IP headers say:
// interface, our addresses, and the next hop's MAC. Resolved once before the
// scan from -e, -S and the route to the first target.
#include <cstdint>
#include <optional>
#include <string>

#include "io/interface_info.hpp"
#include "io/mac_addr.hpp"

namespace portsweep {

struct ScanPath {
  std::string iface;
  int ifindex = 0;
  MacAddr src_mac;
  uint32_t src_ip = 0;       // host order
  uint32_t next_hop_ip = 0;  // the gateway, or the target itself when on-link
  MacAddr next_hop_mac;      // all zero on links without ARP (loopback)
  unsigned mtu = 0;
  bool via_gateway = false;
};

// The same for an IPv6 scan: addresses are u128 (portsweep/uint128.hpp).
struct ScanPath6 {
  std::string iface;
  int ifindex = 0;
  MacAddr src_mac;
  u128 src_ip = 0;
  u128 link_local_src = 0;  // the interface's link-local address (0: none), for ND with fe80:: neighbours
  u128 next_hop_ip = 0;     // Uniform plans through a gateway only
  MacAddr next_hop_mac;
  unsigned mtu = 0;
  bool via_gateway = false;
};

struct ScanPathRequest {
  std::optional<std::string> iface;  // -e IFACE
  std::optional<uint32_t> src_ip;    // -S ADDR, host order; may be any address (spoofing)
  uint32_t first_target = 0;         // host order
};

// Throws RuntimeFailure with a sentence that tells the user what to give,
// e.g. "no route to 198.19.0.1: give -e IFACE." or
// "no ARP reply from 198.18.0.2 on ps-scan0 ...".
ScanPath resolve_scan_path(const ScanPathRequest& request);

// The two halves of resolve_scan_path that do not depend on a next hop, for
// resolvers that find next hops their own way (io/next_hop_plan.hpp).
//
// The interface named by -e: it must exist and be up.
InterfaceInfo usable_interface(const std::string& name);
// Checks that iface can carry the scan's frames (Ethernet or loopback, a MAC
// where ARP is used) and fills iface, ifindex, src_mac, mtu and src_ip: src_ip
// (-S) if given, else preferred_src if not 0, else the interface's first
// address. Leaves the next-hop fields alone.
ScanPath interface_path(const InterfaceInfo& iface, std::optional<uint32_t> src_ip,
                        uint32_t preferred_src);
// The same for IPv6: src_ip (-S) if given, else preferred_src if not 0, else
// the interface's best address for reaching `peer` (ipv6_source_for).
ScanPath6 interface_path6(const InterfaceInfo& iface, std::optional<u128> src_ip, u128 preferred_src,
                          u128 peer);

}  // namespace portsweep
