#pragma once
// Finds a next hop's MAC address by asking on the wire: the scanner writes its
// own Ethernet headers, so it cannot leave ARP to the kernel. Used when the
// kernel's neighbour table has no fresh entry.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "io/mac_addr.hpp"

namespace portsweep {

struct ArpQuery {
  std::string iface;   // for messages
  int ifindex = 0;
  MacAddr src_mac;
  uint32_t src_ip = 0;     // host order; the address the request says it is from
  uint32_t target_ip = 0;  // host order
};

// Broadcasts "who has target_ip?" up to `attempts` times, spread over
// `timeout`, and returns the MAC of the first answer; nullopt when nobody
// answered. Throws RuntimeFailure when the packet socket cannot be opened.
std::optional<MacAddr> try_arp_resolve(const ArpQuery& query,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(1),
                                       unsigned attempts = 3);

// The error for a query nobody answered:
// "no ARP reply from 198.18.0.2 on eth0 (3 requests over 1000 ms)."
RuntimeFailure no_arp_reply(const ArpQuery& query, std::chrono::milliseconds timeout,
                            unsigned attempts);

// Same as try_arp_resolve, but throws no_arp_reply(...) when nobody answered.
MacAddr arp_resolve(const ArpQuery& query,
                    std::chrono::milliseconds timeout = std::chrono::seconds(1),
                    unsigned attempts = 3);

}  // namespace portsweep
