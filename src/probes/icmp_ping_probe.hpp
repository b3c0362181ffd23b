#pragma once
// ICMP host-discovery probes: echo request (-PE), timestamp request (-PP)
// and address mask request (-PM), nmap's three ICMP pings.
//
// Design note: the cookie is the flow hash of (us, target, ICMP, request
// type): its bits fill the identifier and sequence number, which every
// reply echoes, and the IP id. The send time rides in the part of the
// request the reply copies back — the echo's 8-byte payload, the
// timestamp's originate field (its low 32 bits, microseconds; RFC 792 asks
// for milliseconds since midnight, but every host echoes the field as it
// came) — so the round trip is measured with no state kept per probe. The
// address mask request has no such field: its replies carry no latency.
// Per probe: a template copy (42-50 bytes), ~6 16-bit adds and the hash;
// the clock is read once per burst.
#include <array>
#include <cstddef>
#include <cstdint>

#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "portsweep/result.hpp"
#include "probes/probe_config.hpp"
#include "probes/reply_verdict.hpp"

namespace portsweep {

enum class IcmpPing : uint8_t { Echo, Timestamp, AddressMask };

class IcmpPingProbe {
 public:
  static constexpr size_t kIpOff = 14;
  static constexpr size_t kL4Off = 34;

  IcmpPingProbe(const ProbeConfig& config, IcmpPing kind);

  // `now_us`: the wall clock, microseconds since the epoch; the port (0) is unused.
  size_t write(uint8_t* out, uint32_t dst_ip, uint16_t port, int64_t now_us) noexcept;
  size_t frame_capacity() const noexcept { return kL4Off + 20; }

  IcmpPing kind() const noexcept { return kind_; }
  uint8_t request_type() const noexcept { return request_type_; }
  const ProbeCookie& cookie() const noexcept { return cookie_; }

 private:
  ProbeConfig config_;
  ProbeCookie cookie_;
  IcmpPing kind_;
  uint8_t request_type_;
  std::array<uint8_t, 54> frame_{};
  uint16_t len_ = 0;
  uint64_t ip_sum_ = 0;
  uint64_t icmp_sum_ = 0;
};

// A reply of the matching type whose identifier and sequence number carry
// the cookie: the host is up (state open, port 0, protocol "ip"), with
// nmap's reason and, where the reply echoes the send time, the round trip.
class IcmpPingClassifier {
 public:
  IcmpPingClassifier(const ProbeCookie& cookie, uint32_t src_ip, IcmpPing kind) noexcept;

  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out) const noexcept;

 private:
  ProbeCookie cookie_;
  uint32_t src_ip_;
  IcmpPing kind_;
  uint8_t request_type_;
  uint8_t reply_type_;
  Reason reason_;
};

// The flow-hash "port" a request type is hashed under, and the bits of the
// cookie the probe and its reply carry.
inline uint64_t icmp_ping_flow(const ProbeCookie& cookie, uint32_t src_ip, uint32_t dst_ip, uint8_t request_type) noexcept {
  return cookie.flow_hash(src_ip, dst_ip, 1, request_type);
}

}  // namespace portsweep

#include <memory>

namespace portsweep {
class Prober;
// The Prober of an ICMP ping module.
std::unique_ptr<Prober> make_icmp_ping_prober(const ProbeConfig& config, IcmpPing kind);
}  // namespace portsweep
