#include "probes/tcp_classifier6.hpp"

#include <cstring>

#include "packet/wire.hpp"
#include "probes/icmp6_errors.hpp"
#include "probes/reply6.hpp"

namespace portsweep {

TcpClassifier6::TcpClassifier6(const ProbeCookie& cookie, const uint8_t* src_ip6, SourcePorts src_ports,
                               const TcpRules& rules, uint8_t sent_flags) noexcept
    : cookie_(cookie), src_ports_(src_ports), rules_(rules), ack_sent_((sent_flags & wire::kTcpAck) != 0),
      ack_advance_(((sent_flags & wire::kTcpSyn) ? 1u : 0u) + ((sent_flags & wire::kTcpFin) ? 1u : 0u)) {
  std::memcpy(src_ip6_, src_ip6, 16);
}

ReplyVerdict TcpClassifier6::classify(const DecodedPacket& r, int64_t time_us, PortResult& out,
                                      bool& send_rst) const noexcept {
  send_rst = false;
  if (!ipv6_reply_to(r, src_ip6_)) return ReplyVerdict::Ignored;

  if (r.ip_proto == wire::kIpProtoTcp) {
    if (!src_ports_.contains(r.dst_port)) return ReplyVerdict::Ignored;
    const uint8_t flags = r.tcp_flags;
    const bool syn_ack = (flags & (wire::kTcpSyn | wire::kTcpAck | wire::kTcpRst)) == (wire::kTcpSyn | wire::kTcpAck);
    const bool rst = (flags & wire::kTcpRst) != 0;
    if (!rst && !(syn_ack && rules_.syn_ack_is_open)) return ReplyVerdict::Ignored;
    const uint32_t cookie = cookie_.seq6(r.dst_ip6, r.src_ip6, r.dst_port, r.src_port);
    const bool ours = (rst && ack_sent_) ? r.seq == cookie : r.ack - ack_advance_ == cookie;
    if (!ours) return ReplyVerdict::Rejected;
    if (syn_ack) {
      set_result6(out, r.src_ip6, r.src_port, Proto::Tcp, PortState::Open, Reason::SynAck, r.ttl, time_us);
      send_rst = true;
    } else {
      const PortState state = rules_.rst_window_decides && r.window != 0 ? PortState::Open : rules_.on_rst;
      set_result6(out, r.src_ip6, r.src_port, Proto::Tcp, state, rules_.rst_reason, r.ttl, time_us);
    }
    return ReplyVerdict::Result;
  }

  if (!quotes_ipv6_from(r, src_ip6_)) return ReplyVerdict::Ignored;
  const QuotedDatagram& q = r.quote;
  if (q.proto != wire::kIpProtoTcp || q.l4_len < 8 || !src_ports_.contains(q.src_port)) return ReplyVerdict::Ignored;
  PortState state;
  Reason reason;
  if (!icmp6_error_reading(r.icmp_type, r.icmp_code, Icmp6ScanKind::Tcp, from_quoted_target(r), state, reason))
    return ReplyVerdict::Ignored;
  if (q.seq != cookie_.seq6(q.src_ip6, q.dst_ip6, q.src_port, q.dst_port)) return ReplyVerdict::Rejected;
  set_result6(out, q.dst_ip6, q.dst_port, Proto::Tcp, state, reason, r.ttl, time_us);
  return ReplyVerdict::Result;
}

}  // namespace portsweep
