#pragma once
// UDP probe frames (-sU), built from templates: one per distinct payload the
// scan's ports use (nmap-payloads: a DNS query to 53, an NTP request to 123,
// ...), plus the empty datagram every other port gets.
//
// Design note: a UDP probe has no sequence number to carry a cookie, so the
// flow hash of (us, target, port) picks the source port from the configured
// range and fills the IP id: a reply must come back to exactly that port,
// and an ICMP error must quote both. Checksums are patched incrementally as
// in the TCP template (RFC 1624 with zero old values). Per probe: a 65536-entry
// table lookup for the port's template, one copy of its frame (42 bytes plus
// the payload), ~8 16-bit adds, two folds, six stores, and the cookie hash.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "portsweep/result.hpp"
#include "probes/probe_config.hpp"
#include "probes/reply_verdict.hpp"

namespace portsweep {

class Prober;

class UdpProbe {
 public:
  static constexpr size_t kIpOff = 14;
  static constexpr size_t kUdpOff = 34;
  static constexpr size_t kHeaders = 42;  // Ethernet + IPv4 + UDP

  // Templates for every port with a payload in config.udp_payloads (the
  // first payload of each port).
  explicit UdpProbe(const ProbeConfig& config);

  size_t write(uint8_t* out, uint32_t dst_ip, uint16_t dst_port) noexcept;
  // A UDP scan answers nothing.
  size_t write_answer(const DecodedPacket&, uint8_t*) const noexcept { return 0; }
  size_t frame_capacity() const noexcept { return capacity_; }

  const ProbeConfig& config() const noexcept { return config_; }
  const ProbeCookie& cookie() const noexcept { return cookie_; }

 private:
  struct Template {
    std::vector<uint8_t> frame;
    uint64_t ip_sum = 0;
    uint64_t udp_sum = 0;
  };
  Template build(const uint8_t* payload, size_t len) const;

  ProbeConfig config_;
  ProbeCookie cookie_;
  std::vector<Template> templates_;        // [0]: the empty datagram
  std::vector<uint16_t> template_of_;      // by destination port
  size_t capacity_ = kHeaders;
};

// -sU's reading of replies (nmap's): any UDP reply from the port -> open
// (udp-response); ICMP port unreachable -> closed; other unreachables (codes
// 0, 1, 2, 9, 10, 13) -> filtered; silence -> open|filtered.
class UdpClassifier {
 public:
  UdpClassifier(const ProbeCookie& cookie, uint32_t src_ip, SourcePorts src_ports) noexcept
      : cookie_(cookie), src_ip_(src_ip), src_ports_(src_ports) {}

  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out, bool& answer) const noexcept;

 private:
  ProbeCookie cookie_;
  uint32_t src_ip_;
  SourcePorts src_ports_;
};

// The Prober of every module built on these (-sU and -PU): UdpProbe6 and
// UdpClassifier6 for an IPv6 scan (config.family).
std::unique_ptr<Prober> make_udp_prober(const ProbeConfig& config);

}  // namespace portsweep
