#pragma once
// Reply classification for every TCP scan type over IPv6: TcpClassifier's
// rules (TcpRules, the same table each scan-type file fills in) for TCP
// answers, and nmap's reading of ICMPv6 errors (icmp6_errors.hpp) for the
// rest: every destination unreachable says filtered, with its own reason;
// a parameter problem about a header field says open. The cookie checks are
// TcpClassifier's over hash6. IPv4 replies are not this class's: it ignores
// them (a sweep is one family). ~10-20 ns, the 36-byte hash included.
#include <cstdint>

#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "portsweep/result.hpp"
#include "probes/reply_verdict.hpp"
#include "probes/tcp_classifier.hpp"

namespace portsweep {

class TcpClassifier6 {
 public:
  // `src_ip6`: our address (16 bytes, copied); `sent_flags` as TcpClassifier's.
  TcpClassifier6(const ProbeCookie& cookie, const uint8_t* src_ip6, SourcePorts src_ports, const TcpRules& rules = {},
                 uint8_t sent_flags = 0x02) noexcept;

  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out, bool& send_rst) const noexcept;

 private:
  ProbeCookie cookie_;
  uint8_t src_ip6_[16];
  SourcePorts src_ports_;
  TcpRules rules_;
  bool ack_sent_;
  uint32_t ack_advance_;
};

}  // namespace portsweep
