#pragma once
// Answers "who has <our IPv6 address>?" (a Neighbor Solicitation) for a
// backend that takes the interface from the kernel, as arp_responder.hpp
// does for IPv4: without it the next hop's neighbour entry for us goes
// stale, its unicast re-check goes unanswered, and replies stop coming.
// Pure functions on frame bytes, tested without a network.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "io/mac_addr.hpp"
#include "io/nd_frames.hpp"

namespace portsweep {

// Length of every advertisement we write.
inline constexpr size_t kNaFrameLen = nd::kFrameLen;

// Who asked, when `frame` is a valid solicitation for local_ip6: the asker's
// IPv6 address and the MAC to answer (its source link-address option, else
// the frame's Ethernet source). nullopt for anything else, including the
// solicitations of duplicate address detection (source ::), which ask
// whether an address is free rather than where it is.
struct NdAsker {
  u128 address = 0;
  MacAddr mac;
};
std::optional<NdAsker> neighbor_solicitation_for(const uint8_t* frame, size_t len,
                                                 u128 local_ip6) noexcept;

// Writes the advertisement answering `asker` into out[0..kNaFrameLen):
// unicast to it, solicited and override flags set, local_ip6 as source and
// target, local_mac in the target link-address option. Returns kNaFrameLen.
size_t write_neighbor_advertisement(const NdAsker& asker, u128 local_ip6,
                                    const MacAddr& local_mac, uint8_t* out) noexcept;

}  // namespace portsweep
