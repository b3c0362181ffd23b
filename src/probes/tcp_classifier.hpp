#pragma once
// Reply classification for every TCP scan type, from a small table of
// nmap's rules (TcpRules) that each scan-type file fills in:
//   -sS  SYN-ACK -> open (and we answer with a RST), RST -> closed
//   -sA  RST -> unfiltered
//   -sW  RST -> open when its window is non-zero, else closed
//   -sM -sN -sF -sX  RST -> closed
//   all  ICMP unreachable 0,1,2,3,9,10,13 -> filtered; no reply -> the
//        module's no-response state (filtered, or open|filtered)
// A reply is ours only if it echoes the cookie (RFC 793 §3.4): a RST
// answering a probe with ACK set carries seq = our ack (the cookie); any
// other answer acknowledges seq + SYN + FIN. ICMP errors must quote a probe
// from us whose seq equals the cookie. Branch-light, no allocation, ~5-15 ns.
#include <cstdint>

#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "portsweep/result.hpp"
#include "probes/reply_verdict.hpp"

namespace portsweep {

struct TcpRules {
  uint8_t flags = 0x02;                         // what the probes carry
  bool syn_ack_is_open = true;                  // -sS reads a SYN-ACK as open
  PortState on_rst = PortState::Closed;         // what a RST says
  Reason rst_reason = Reason::Reset;
  bool rst_window_decides = false;              // -sW: window > 0 -> open
  PortState no_response = PortState::Filtered;  // what silence says
};

class TcpClassifier {
 public:
  // `sent_flags`: the flags on the wire (the rules' own, or --scanflags').
  TcpClassifier(const ProbeCookie& cookie, uint32_t src_ip, SourcePorts src_ports, const TcpRules& rules = {},
                uint8_t sent_flags = 0x02) noexcept;

  // On Result fills `out` (ip, port, proto, state, reason, ttl; time_us is
  // set to `time_us`) and sets `send_rst` when the target must get a RST.
  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out,
                        bool& send_rst) const noexcept;

 private:
  ProbeCookie cookie_;
  uint32_t src_ip_;
  SourcePorts src_ports_;
  TcpRules rules_;
  bool ack_sent_;          // our probes carry ACK: a RST echoes the cookie as its seq
  uint32_t ack_advance_;   // otherwise the answer acknowledges seq + SYN + FIN
};

}  // namespace portsweep
