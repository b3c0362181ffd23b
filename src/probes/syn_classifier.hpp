#pragma once
// -sS reply classification, nmap's rules:
//   SYN-ACK                         -> open (syn-ack); the caller must answer with a RST
//   RST (a RST-ACK to our SYN)      -> closed (reset)
//   ICMP unreachable codes 0,1,2,3,9,10,13 -> filtered (net-/host-/proto-/port-unreach,
//                                      net-/host-/admin-prohibited)
// TCP replies must carry ack = cookie + 1 (RFC 793: the answer to a SYN
// acknowledges it, whether SYN-ACK or RST); ICMP errors must quote a SYN from
// us whose seq equals the cookie. Branch-light, no allocation, ~5-15 ns.
#include <cstdint>

#include "engine/syn_cookie.hpp"
#include "portsweep/result.hpp"
#include "probes/packet_decoder.hpp"
#include "probes/probe_config.hpp"
#include "probes/reply_verdict.hpp"

namespace portsweep {

class SynClassifier {
 public:
  SynClassifier(const SynCookie& cookie, uint32_t src_ip, SourcePorts src_ports) noexcept
      : cookie_(cookie), src_ip_(src_ip), src_ports_(src_ports) {}

  // On Result fills `out` (ip, port, proto, state, reason, ttl; time_us is
  // set to `time_us`) and sets `send_rst` when the target must get a RST.
  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out,
                        bool& send_rst) const noexcept;

 private:
  SynCookie cookie_;
  uint32_t src_ip_;
  SourcePorts src_ports_;
};

}  // namespace portsweep
