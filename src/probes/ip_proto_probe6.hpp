#pragma once
// IP protocol scan (-sO, -PO) probes over IPv6: one datagram per next-header
// number, shaped as nmap -6 shapes them — an ICMPv6 echo request (58), a
// TCP ACK to port 80 (6), an empty UDP datagram to port 40125 (17), and a
// bare 40-byte IPv6 header naming the protocol for every other number.
// (nmap leaves the extension-header numbers out of an IPv6 -sO's list; that
// is the command line's to do, not the probe's.)
//
// Design note: the cookie is the flow hash of (us, target, protocol), as for
// IPv4. A bare header has no field of its own to carry it, so it rides in
// the flow label (20 bits), which every probe of the scan carries — nmap
// too puts a random value there — and which an ICMPv6 error quotes with
// the header; the echo's id and sequence, TCP's seq and ack and the
// TCP/UDP source port carry it as for IPv4. A template per protocol holds
// the rest, L4 checksums (pseudo-header included) patched incrementally.
// Per probe: a 54-74 byte copy, the address store, ~10 adds and the hash.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "portsweep/result.hpp"
#include "portsweep/uint128.hpp"
#include "probes/frame_headers6.hpp"
#include "probes/probe_config.hpp"
#include "probes/reply_verdict.hpp"

namespace portsweep {

class IpProtoProbe6 {
 public:
  static constexpr bool kIpv6 = true;
  static constexpr uint16_t kTcpPort = 80;
  static constexpr uint16_t kUdpPort = 40125;
  static constexpr size_t kMaxFrameSize = kL4Off6 + 20;  // 74

  explicit IpProtoProbe6(const ProbeConfig& config);

  // `protocol`: the -sO slot's "port", a next-header number 0-255.
  size_t write(uint8_t* out, u128 dst, uint16_t protocol) noexcept;
  size_t write_answer(const DecodedPacket&, uint8_t*) const noexcept { return 0; }
  size_t frame_capacity() const noexcept { return kMaxFrameSize; }

  const ProbeConfig& config() const noexcept { return config_; }
  const ProbeCookie& cookie() const noexcept { return cookie_; }

 private:
  struct Template {
    std::array<uint8_t, kMaxFrameSize> frame{};
    uint16_t len = 0;
    uint64_t l4_sum = 0;  // ICMPv6/TCP/UDP: pseudo-header without the destination, and the message
  };
  Template build(uint8_t protocol) const;

  ProbeConfig config_;
  ProbeCookie cookie_;
  std::vector<Template> templates_;  // by protocol number
};

// -sO's reading of IPv6 replies (nmap -6's): an answer in the probed
// protocol (an echo reply, a TCP RST from port 80, a UDP datagram, any
// datagram of another protocol) -> open, proto-response; ICMPv6 errors by
// icmp6_errors.hpp: the target's parameter problem "unrecognised next
// header" -> closed, its port unreachable -> open, the rest filtered.
class IpProtoClassifier6 {
 public:
  IpProtoClassifier6(const ProbeCookie& cookie, const uint8_t* src_ip6, SourcePorts src_ports) noexcept;

  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out, bool& answer) const noexcept;

 private:
  uint64_t flow_to(const uint8_t* target, uint8_t protocol) const noexcept {
    return cookie_.flow_hash6(src_ip6_, target, 0, protocol);
  }

  ProbeCookie cookie_;
  uint8_t src_ip6_[16];
  SourcePorts src_ports_;
};

}  // namespace portsweep
