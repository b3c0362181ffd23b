#include "probes/tcp_classifier.hpp"

#include "packet/wire.hpp"
#include "probes/icmp_unreachable.hpp"

namespace portsweep {

TcpClassifier::TcpClassifier(const ProbeCookie& cookie, uint32_t src_ip, SourcePorts src_ports,
                             const TcpRules& rules, uint8_t sent_flags) noexcept
    : cookie_(cookie), src_ip_(src_ip), src_ports_(src_ports), rules_(rules),
      ack_sent_((sent_flags & wire::kTcpAck) != 0),
      ack_advance_(((sent_flags & wire::kTcpSyn) ? 1u : 0u) + ((sent_flags & wire::kTcpFin) ? 1u : 0u)) {}

ReplyVerdict TcpClassifier::classify(const DecodedPacket& r, int64_t time_us, PortResult& out,
                                     bool& send_rst) const noexcept {
  send_rst = false;
  if (r.dst_ip != src_ip_) return ReplyVerdict::Ignored;

  if (r.ip_proto == wire::kIpProtoTcp) {
    if (!src_ports_.contains(r.dst_port)) return ReplyVerdict::Ignored;
    const uint8_t flags = r.tcp_flags;
    const bool syn_ack = (flags & (wire::kTcpSyn | wire::kTcpAck | wire::kTcpRst)) == (wire::kTcpSyn | wire::kTcpAck);
    const bool rst = (flags & wire::kTcpRst) != 0;
    if (!rst && !(syn_ack && rules_.syn_ack_is_open)) return ReplyVerdict::Ignored;
    const uint32_t cookie = cookie_.seq(r.dst_ip, r.src_ip, r.dst_port, r.src_port);
    // A RST to a segment with ACK takes its seq from our ack (and has no ACK
    // itself); every other answer acknowledges what we sent.
    const bool ours = (rst && ack_sent_) ? r.seq == cookie : r.ack - ack_advance_ == cookie;
    if (!ours) return ReplyVerdict::Rejected;
    out.ip = IpAddress::v4(r.src_ip);
    out.port = r.src_port;
    out.proto = Proto::Tcp;
    out.ttl = r.ttl;
    out.time_us = time_us;
    out.rtt_us = 0;   // `out` is reused from reply to reply: every field is set
    out.from_ip = {};
    if (syn_ack) {
      out.state = PortState::Open;
      out.reason = Reason::SynAck;
      send_rst = true;
    } else {
      out.state = rules_.rst_window_decides && r.window != 0 ? PortState::Open : rules_.on_rst;
      out.reason = rules_.rst_reason;
    }
    return ReplyVerdict::Result;
  }

  if (r.ip_proto == wire::kIpProtoIcmp && r.has_quote &&
      r.icmp_type == static_cast<uint8_t>(IcmpType::DestUnreachable)) {
    const QuotedDatagram& q = r.quote;
    if (q.proto != wire::kIpProtoTcp || q.src_ip != src_ip_ || q.l4_len < 8 || !src_ports_.contains(q.src_port)) {
      return ReplyVerdict::Ignored;
    }
    Reason reason;
    if (!icmp_unreachable_reason(r.icmp_code, reason)) return ReplyVerdict::Ignored;
    if (q.seq != cookie_.seq(q.src_ip, q.dst_ip, q.src_port, q.dst_port)) return ReplyVerdict::Rejected;
    out.ip = IpAddress::v4(q.dst_ip);
    out.port = q.dst_port;
    out.proto = Proto::Tcp;
    out.state = PortState::Filtered;
    out.reason = reason;
    out.ttl = r.ttl;
    out.time_us = time_us;
    out.rtt_us = 0;   // `out` is reused from reply to reply: every field is set
    out.from_ip = {};
    return ReplyVerdict::Result;
  }
  return ReplyVerdict::Ignored;
}

}  // namespace portsweep
