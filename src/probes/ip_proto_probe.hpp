#pragma once
// IP protocol scan (-sO) probes: one IPv4 datagram per protocol number, with
// nmap's payload for the protocols a host can answer in kind — an ICMP echo
// request (1), a TCP ACK to port 80 (6), an empty UDP datagram to port
// 40125 (17) — and a bare IP header for every other protocol.
//
// Design note: the cookie is the flow hash of (us, target, protocol): its
// bits fill the IP id (what an ICMP protocol-unreachable quotes), the echo
// id and sequence number, the TCP sequence and ack numbers, and pick the
// TCP/UDP source port. A template per protocol holds everything else, with
// checksums patched incrementally. Per probe: a template copy (20-54
// bytes), ~10 16-bit adds and the hash.
#include <array>
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

class IpProtoProbe {
 public:
  static constexpr size_t kIpOff = 14;
  static constexpr size_t kL4Off = 34;
  static constexpr uint16_t kTcpPort = 80;     // nmap's default TCP probe port
  static constexpr uint16_t kUdpPort = 40125;  // and UDP probe port

  explicit IpProtoProbe(const ProbeConfig& config);

  // `protocol` is the "port" of a -sO slot: 0-255.
  size_t write(uint8_t* out, uint32_t dst_ip, uint16_t protocol) noexcept;
  size_t write_answer(const DecodedPacket&, uint8_t*) const noexcept { return 0; }
  size_t frame_capacity() const noexcept { return kL4Off + 20; }

  const ProbeConfig& config() const noexcept { return config_; }
  const ProbeCookie& cookie() const noexcept { return cookie_; }

 private:
  struct Template {
    std::array<uint8_t, 54> frame{};
    uint16_t len = 0;
    uint64_t ip_sum = 0;
    uint64_t l4_sum = 0;  // ICMP: the message; TCP/UDP: pseudo-header and segment
  };
  Template build(uint8_t protocol) const;

  ProbeConfig config_;
  ProbeCookie cookie_;
  std::vector<Template> templates_;  // by protocol number
};

// -sO's reading of replies (nmap's): an answer in the probed protocol (echo
// reply, a TCP RST, a UDP datagram, any datagram of another protocol) ->
// open; ICMP protocol unreachable -> closed; port unreachable -> open (the
// protocol is there; nmap reads it so for every protocol); other
// unreachables -> filtered; silence -> open|filtered.
class IpProtoClassifier {
 public:
  IpProtoClassifier(const ProbeCookie& cookie, uint32_t src_ip, SourcePorts src_ports) noexcept
      : cookie_(cookie), src_ip_(src_ip), src_ports_(src_ports) {}

  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out, bool& answer) const noexcept;

 private:
  ProbeCookie cookie_;
  uint32_t src_ip_;
  SourcePorts src_ports_;
};

// The Prober of every module built on these (-sO and -PO): IpProtoProbe6
// and IpProtoClassifier6 for an IPv6 scan (config.family).
std::unique_ptr<Prober> make_ip_proto_prober(const ProbeConfig& config);

}  // namespace portsweep
