#pragma once
// -PE over IPv6: an ICMPv6 echo request (RFC 4443 type 128), what nmap -6
// -PE sends. IPv6 has no timestamp or address mask request: -PP and -PM
// stay IPv4's.
//
// Design note: IcmpPingProbe's echo with ICMPv6's differences: the
// checksum covers the IPv6 pseudo-header (next header 58), so the template
// sums our address, the length and the message, and a probe adds its
// destination. The cookie is the flow hash of (us, target, 58, 128): its
// bits fill the identifier and sequence number, which the echo reply
// carries back; the send time rides in the 8-byte payload the reply copies,
// for the round trip. Per probe: a 70-byte copy, the address store, ~10
// adds, one fold and the hash; the clock is read once per burst.
#include <array>
#include <cstddef>
#include <cstdint>

#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "portsweep/result.hpp"
#include "portsweep/uint128.hpp"
#include "probes/frame_headers6.hpp"
#include "probes/probe_config.hpp"
#include "probes/reply_verdict.hpp"

namespace portsweep {

inline constexpr uint8_t kIcmp6EchoRequestType = 128;
inline constexpr uint8_t kIcmp6EchoReplyType = 129;

// The flow a target's echo is hashed under (IPv6 address bytes, 16 each).
inline uint64_t icmp6_echo_flow(const ProbeCookie& cookie, const uint8_t* src16, const uint8_t* dst16) noexcept {
  return cookie.flow_hash6(src16, dst16, wire::kIpProtoIcmp6, kIcmp6EchoRequestType);
}

class Icmp6EchoProbe {
 public:
  static constexpr bool kIpv6 = true;
  static constexpr size_t kFrameSize = kL4Off6 + 8 + 8;  // 70: header, then the send time

  explicit Icmp6EchoProbe(const ProbeConfig& config) noexcept;

  // `now_us`: the wall clock, microseconds since the epoch; the port (0) is unused.
  size_t write(uint8_t* out, u128 dst, uint16_t port, int64_t now_us) noexcept;
  size_t frame_capacity() const noexcept { return kFrameSize; }

  const ProbeCookie& cookie() const noexcept { return cookie_; }

 private:
  ProbeConfig config_;
  ProbeCookie cookie_;
  std::array<uint8_t, kFrameSize> frame_{};
  uint64_t icmp_sum_ = 0;  // pseudo-header without the destination, and the message
};

// An echo reply whose identifier and sequence number carry the cookie: the
// host is up (open, port 0, protocol "ip", echo-reply), with the round trip
// from the send time it echoes.
class Icmp6EchoClassifier {
 public:
  Icmp6EchoClassifier(const ProbeCookie& cookie, const uint8_t* src_ip6) noexcept;

  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out) const noexcept;

 private:
  ProbeCookie cookie_;
  uint8_t src_ip6_[16];
};

}  // namespace portsweep

#include <memory>

namespace portsweep {
class Prober;
std::unique_ptr<Prober> make_icmp6_echo_prober(const ProbeConfig& config);
}  // namespace portsweep
