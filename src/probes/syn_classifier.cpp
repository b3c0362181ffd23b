#include "probes/syn_classifier.hpp"

#include "probes/wire.hpp"

namespace portsweep {

namespace {

// nmap's -sS reading of ICMP destination-unreachable codes; false for codes
// it does not treat as a filtered port (e.g. 4, fragmentation needed).
bool unreach_reason(uint8_t code, Reason& reason) noexcept {
  switch (code) {
    case 0: reason = Reason::NetUnreach; return true;
    case 1: reason = Reason::HostUnreach; return true;
    case 2: reason = Reason::ProtoUnreach; return true;
    case 3: reason = Reason::PortUnreach; return true;
    case 9: reason = Reason::NetProhibited; return true;
    case 10: reason = Reason::HostProhibited; return true;
    case 13: reason = Reason::AdminProhibited; return true;
    default: return false;
  }
}

}  // namespace

ReplyVerdict SynClassifier::classify(const DecodedPacket& r, int64_t time_us, PortResult& out,
                                     bool& send_rst) const noexcept {
  send_rst = false;
  if (r.dst_ip != src_ip_) return ReplyVerdict::Ignored;

  if (r.ip_proto == wire::kIpProtoTcp) {
    if (!src_ports_.contains(r.dst_port)) return ReplyVerdict::Ignored;
    const uint8_t flags = r.tcp_flags;
    const bool syn_ack = (flags & (wire::kTcpSyn | wire::kTcpAck | wire::kTcpRst)) == (wire::kTcpSyn | wire::kTcpAck);
    const bool rst = (flags & wire::kTcpRst) != 0;
    if (!syn_ack && !rst) return ReplyVerdict::Ignored;  // e.g. a bare ACK: not an answer to a SYN
    if (!cookie_.ack_matches(r.src_ip, r.dst_ip, r.src_port, r.dst_port, r.ack)) return ReplyVerdict::Rejected;
    out.ip = r.src_ip;
    out.port = r.src_port;
    out.proto = Proto::Tcp;
    out.state = syn_ack ? PortState::Open : PortState::Closed;
    out.reason = syn_ack ? Reason::SynAck : Reason::Reset;
    out.ttl = r.ttl;
    out.time_us = time_us;
    send_rst = syn_ack;
    return ReplyVerdict::Result;
  }

  if (r.ip_proto == wire::kIpProtoIcmp && r.has_quote &&
      r.icmp_type == static_cast<uint8_t>(IcmpType::DestUnreachable)) {
    const QuotedDatagram& q = r.quote;
    if (q.proto != wire::kIpProtoTcp || q.src_ip != src_ip_ || !src_ports_.contains(q.src_port)) {
      return ReplyVerdict::Ignored;
    }
    Reason reason;
    if (!unreach_reason(r.icmp_code, reason)) return ReplyVerdict::Ignored;
    if (q.seq != cookie_.seq(q.src_ip, q.dst_ip, q.src_port, q.dst_port)) return ReplyVerdict::Rejected;
    out.ip = q.dst_ip;
    out.port = q.dst_port;
    out.proto = Proto::Tcp;
    out.state = PortState::Filtered;
    out.reason = reason;
    out.ttl = r.ttl;
    out.time_us = time_us;
    return ReplyVerdict::Result;
  }
  return ReplyVerdict::Ignored;
}

}  // namespace portsweep
