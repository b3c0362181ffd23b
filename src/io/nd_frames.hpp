#pragma once
// Neighbor Discovery (RFC 4861) frames, the IPv6 stand-in for ARP: the
// Neighbor Solicitation we send to find an on-link address's MAC, the
// Neighbor Advertisement that answers it, and the reverse pair for a backend
// that must answer for our own address (nd_responder.hpp). Pure functions on
// frame bytes, tested without a network.
//
// A solicitation for target T goes to T's solicited-node multicast group,
// ff02::1:ff00:0 with T's low 24 bits, at the Ethernet multicast MAC
// 33:33:ff:<T's low 24 bits>, so only the hosts whose addresses end alike
// hear it. Every ND message is ICMPv6 with hop limit 255 (a receiver drops
// any other: it proves the sender is on the link), its checksum covering an
// IPv6 pseudo-header. Frames are untagged Ethernet, IPv6 without extension
// headers (Linux sends ND that way). Parsing one costs a checksum over ~80
// bytes: well under 100 ns.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "io/mac_addr.hpp"
#include "portsweep/uint128.hpp"

namespace portsweep::nd {

inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr uint8_t kNextHeaderIcmpv6 = 58;
inline constexpr uint8_t kTypeSolicitation = 135;
inline constexpr uint8_t kTypeAdvertisement = 136;
inline constexpr uint8_t kOptionSourceLinkAddress = 1;
inline constexpr uint8_t kOptionTargetLinkAddress = 2;
// Advertisement flags, in the first byte after the checksum.
inline constexpr uint8_t kFlagRouter = 0x80, kFlagSolicited = 0x40, kFlagOverride = 0x20;
// Ethernet (14) + IPv6 (40) + NS or NA (24) + one link-address option (8).
inline constexpr size_t kFrameLen = 86;
inline constexpr size_t kIpv6Offset = 14;
inline constexpr size_t kIcmpOffset = 54;

// ff02::1:ffXX:XXXX for target's low 24 bits.
u128 solicited_node_group(u128 target) noexcept;
// 33:33 and the group's low 32 bits (RFC 2464's mapping of IPv6 multicast).
MacAddr multicast_mac(u128 group) noexcept;

// The ICMPv6 checksum of `icmp` (len bytes, checksum field as it is) under
// the pseudo-header of src and dst: write it into a zeroed field, or check
// that a received message sums to 0 (the function returns 0 then).
uint16_t icmpv6_checksum(const uint8_t* src16, const uint8_t* dst16, const uint8_t* icmp,
                         size_t len) noexcept;

// Writes the kFrameLen-byte solicitation for `target` from src_ip / src_mac
// (with our source link-address option, so the answer can be unicast back
// without a question of its own). Returns kFrameLen.
size_t write_solicitation(u128 target, u128 src_ip, const MacAddr& src_mac, uint8_t* out) noexcept;

// What a valid ND message says. `link_address` is the option's MAC (target
// link-address for an advertisement, source link-address for a
// solicitation), absent when it has none.
struct NdMessage {
  uint8_t type = 0;     // kTypeSolicitation or kTypeAdvertisement
  uint8_t flags = 0;    // advertisements: kFlag*
  u128 source = 0;      // IPv6 source
  u128 destination = 0;
  u128 target = 0;
  MacAddr eth_source;
  std::optional<MacAddr> link_address;
};

// Parses an untagged Ethernet frame holding an NS or NA: IPv6 with no
// extension header, hop limit 255, ICMPv6 code 0, a correct checksum, a
// length the type allows, options with no zero length. nullopt for
// anything else (including every frame that is not ND at all).
std::optional<NdMessage> parse_nd(const uint8_t* frame, size_t len) noexcept;

}  // namespace portsweep::nd
