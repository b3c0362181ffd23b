#pragma once
// Answers "who has <our address>?" for a backend that takes the interface away
// from the kernel (DPDK over AF_XDP or a NIC bound to vfio): nobody else will,
// and once the next hop's ARP entry for us expires its replies stop coming.
// Pure functions on frame bytes, so they are tested without a network.
#include <cstddef>
#include <cstdint>

#include "io/mac_addr.hpp"

namespace portsweep {

// Length of every ARP frame we write: Ethernet's minimum, padding included
// (virtual drivers do not always pad short frames themselves).
inline constexpr size_t kArpFrameLen = 60;

// True if `frame` is an Ethernet ARP request (untagged) asking for local_ip.
// Gratuitous requests (sender address == local_ip) are not questions to us.
bool is_arp_request_for(const uint8_t* frame, size_t len, uint32_t local_ip) noexcept;

// Writes the reply to the request in `request` (checked with
// is_arp_request_for) into out[0..kArpFrameLen): unicast to the asker, saying
// local_ip is at local_mac. Returns kArpFrameLen.
size_t write_arp_reply(const uint8_t* request, uint32_t local_ip, const MacAddr& local_mac,
                       uint8_t* out) noexcept;

}  // namespace portsweep
