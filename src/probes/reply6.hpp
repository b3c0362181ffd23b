#pragma once
// What every IPv6 classifier shares: address comparison on the decoder's
// 16-byte pointers, the fields of an ICMPv6 error's quoted IPv6 header that
// the decoder does not lift out, and filling a result with an IPv6 address.
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "packet/packet_decoder.hpp"
#include "portsweep/ip_address.hpp"
#include "portsweep/result.hpp"
#include "probes/frame_headers6.hpp"

namespace portsweep {

// Two 8-byte loads a side.
inline bool same_ipv6(const uint8_t* a, const uint8_t* b) noexcept {
  uint64_t a0, a1, b0, b1;
  std::memcpy(&a0, a, 8);
  std::memcpy(&a1, a + 8, 8);
  std::memcpy(&b0, b, 8);
  std::memcpy(&b1, b + 8, 8);
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

// An IPv6 reply addressed to `us` (16 bytes). Anything else, IPv4 included,
// is not for an IPv6 prober.
inline bool ipv6_reply_to(const DecodedPacket& r, const uint8_t* us) noexcept {
  return r.ip_version == 6 && r.dst_ip6 != nullptr && same_ipv6(r.dst_ip6, us);
}

// The quoted datagram's fixed IPv6 header starts 8 bytes before its source
// address (the decoder points quote.src_ip6 into the caller's buffer).
inline const uint8_t* quoted_ipv6_header(const QuotedDatagram& q) noexcept { return q.src_ip6 - 8; }
// The quoted probe's own next header (what -sO probed), before any
// extension header the decoder may have walked through.
inline uint8_t quoted_next_header(const QuotedDatagram& q) noexcept { return quoted_ipv6_header(q)[6]; }
inline uint32_t quoted_flow_label(const QuotedDatagram& q) noexcept {
  return ipv6_flow_label(quoted_ipv6_header(q));
}

// An ICMPv6 error quoting an IPv6 datagram sent from `us`; whether it came
// from that datagram's destination itself (nmap's from_target: only the
// target's own port unreachable says "closed" to -sU).
inline bool quotes_ipv6_from(const DecodedPacket& r, const uint8_t* us) noexcept {
  return r.ip_proto == wire::kIpProtoIcmp6 && r.has_quote && r.quote.src_ip6 != nullptr && r.quote.dst_ip6 != nullptr &&
         same_ipv6(r.quote.src_ip6, us);
}
inline bool from_quoted_target(const DecodedPacket& r) noexcept { return same_ipv6(r.src_ip6, r.quote.dst_ip6); }

// The cookie bits an IPv6 UDP or protocol probe carries in its flow label
// (there is no IP id): 20 bits of the flow hash above those the source port
// and the ICMP sequence take.
inline uint32_t flow_label_of(uint64_t flow) noexcept { return static_cast<uint32_t>(flow >> 44) & 0xfffff; }

// Until PortResult carries an IpAddress (main's change in flight), an IPv6
// address has nowhere to go: TEMPORARY, removed when main is merged.
template <class Field>
inline void assign_ipv6(Field& field, const uint8_t* address) noexcept {
  if constexpr (std::is_same_v<Field, IpAddress>) field = IpAddress::v6(address);
  else field = Field{};
}

// Every field of `out`, for a reply about `target` (16 bytes).
inline void set_result6(PortResult& out, const uint8_t* target, uint16_t port, Proto proto, PortState state,
                        Reason reason, uint8_t ttl, int64_t time_us, uint32_t rtt_us = 0) noexcept {
  assign_ipv6(out.ip, target);
  out.port = port;
  out.proto = proto;
  out.state = state;
  out.reason = reason;
  out.ttl = ttl;
  out.time_us = time_us;
  out.rtt_us = rtt_us;
  out.from_ip = {};
}

}  // namespace portsweep
