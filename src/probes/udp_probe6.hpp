#pragma once
// UDP probe frames over IPv6 (-sU, -PU), with the same payloads as IPv4's:
// one template per distinct payload of the UdpPayloadDb, plus the empty
// datagram every other port gets.
//
// Design note: as UdpProbe, the flow hash of (us, target, 17, port) picks
// the source port, so a reply must come back to exactly that port. IPv6 has
// no IP id for the rest of the cookie; the flow label takes its place: 20
// bits of the same hash, which an ICMPv6 error quotes with the datagram
// (RFC 6437 asks a source for a pseudo-random label per flow, and forwarding
// nodes leave a non-zero one alone). An error must quote both. The UDP
// checksum is mandatory over IPv6 (RFC 8200 §8.1) and patched incrementally
// as IPv4's. Per probe: the template lookup, one copy (62 bytes plus the
// payload), two address stores, ~8 adds, one fold, five stores, the hash.
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

class UdpProbe6 {
 public:
  static constexpr bool kIpv6 = true;
  static constexpr size_t kUdpOff = kL4Off6;              // 54
  static constexpr size_t kHeaders = kUdpOff + 8;         // 62: Ethernet + IPv6 + UDP

  explicit UdpProbe6(const ProbeConfig& config);

  size_t write(uint8_t* out, u128 dst, uint16_t dst_port) noexcept;
  size_t write_answer(const DecodedPacket&, uint8_t*) const noexcept { return 0; }
  size_t frame_capacity() const noexcept { return capacity_; }

  const ProbeConfig& config() const noexcept { return config_; }
  const ProbeCookie& cookie() const noexcept { return cookie_; }

 private:
  struct Template {
    std::vector<uint8_t> frame;
    uint64_t udp_sum = 0;  // pseudo-header without the destination, and the datagram
  };
  Template build(const uint8_t* payload, size_t len) const;

  ProbeConfig config_;
  ProbeCookie cookie_;
  std::vector<Template> templates_;    // [0]: the empty datagram
  std::vector<uint16_t> template_of_;  // by destination port
  size_t capacity_ = kHeaders;
};

// -sU's reading of IPv6 replies (nmap's): a UDP reply from the port ->
// open (udp-response); ICMPv6 errors by icmp6_errors.hpp: the target's port
// unreachable -> closed, the other unreachables -> filtered.
class UdpClassifier6 {
 public:
  UdpClassifier6(const ProbeCookie& cookie, const uint8_t* src_ip6, SourcePorts src_ports) noexcept;

  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out, bool& answer) const noexcept;

 private:
  ProbeCookie cookie_;
  uint8_t src_ip6_[16];
  SourcePorts src_ports_;
};

}  // namespace portsweep
