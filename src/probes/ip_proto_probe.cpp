#include "probes/ip_proto_probe.hpp"

#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "probes/frame_headers.hpp"
#include "probes/icmp_unreachable.hpp"
#include "probes/ip_proto_probe6.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

using namespace wire;

IpProtoProbe::IpProtoProbe(const ProbeConfig& config) : config_(config), cookie_(config.cookie_key) {
  if (config_.src_ports.count == 0) config_.src_ports.count = 1;
  templates_.reserve(256);
  for (unsigned p = 0; p < 256; ++p) templates_.push_back(build(static_cast<uint8_t>(p)));
}

IpProtoProbe::Template IpProtoProbe::build(uint8_t protocol) const {
  Template t;
  uint8_t* f = t.frame.data();
  size_t l4 = 0;
  if (protocol == kIpProtoIcmp) l4 = kIcmpHeader;
  if (protocol == kIpProtoTcp) l4 = kTcpMinHeader;
  if (protocol == kIpProtoUdp) l4 = kUdpHeader;
  t.len = static_cast<uint16_t>(kL4Off + l4);
  write_ethernet_header(f, config_.dst_mac, config_.src_mac);
  write_ipv4_header(f + kIpOff, config_, protocol, static_cast<uint16_t>(t.len - kIpOff));
  uint8_t* p = f + kL4Off;
  if (protocol == kIpProtoIcmp) {
    p[0] = 8;  // echo request; id and sequence patched per probe
    t.l4_sum = ones_sum(p, l4);
  } else if (protocol == kIpProtoTcp) {
    store_be16(p + 2, kTcpPort);
    p[12] = 5 << 4;
    p[13] = kTcpAck;
    store_be16(p + 14, config_.tcp_window);
    t.l4_sum = ones_sum(p, l4, pseudo_header_sum(config_.src_ip, 0, kIpProtoTcp, static_cast<uint16_t>(l4)));
  } else if (protocol == kIpProtoUdp) {
    store_be16(p + 2, kUdpPort);
    store_be16(p + 4, kUdpHeader);
    t.l4_sum = ones_sum(p, l4, pseudo_header_sum(config_.src_ip, 0, kIpProtoUdp, static_cast<uint16_t>(l4)));
  }
  t.ip_sum = ones_sum(f + kIpOff, kIpv4MinHeader);
  return t;
}

size_t IpProtoProbe::write(uint8_t* out, uint32_t dst_ip, uint16_t protocol) noexcept {
  const Template& t = templates_[protocol & 0xff];
  const uint8_t proto = static_cast<uint8_t>(protocol);
  const uint64_t flow = cookie_.flow_hash(config_.src_ip, dst_ip, 0, proto);
  const uint16_t ip_id = ProbeCookie::flow_ip_id_of(flow);
  std::memcpy(out, t.frame.data(), t.len);
  patch_ipv4_header(out + kIpOff, t.ip_sum, dst_ip, ip_id);
  const uint64_t dst_words = address_words(dst_ip);
  uint8_t* p = out + kL4Off;
  if (proto == kIpProtoIcmp) {
    const uint16_t id = ProbeCookie::flow_tag_of(flow);
    store_be16(p + 4, id);
    store_be16(p + 6, ip_id);
    store_be16(p + 2, static_cast<uint16_t>(~ones_fold(t.l4_sum + id + ip_id)));
  } else if (proto == kIpProtoTcp) {
    const uint16_t sport = ProbeCookie::source_port_of(flow, config_.src_ports);
    const auto seq = static_cast<uint32_t>(flow);
    const uint64_t seq_words = uint64_t{seq >> 16} + (seq & 0xffff);
    store_be16(p, sport);
    store_be32(p + 4, seq);
    store_be32(p + 8, seq);  // a RST answering an ACK echoes it as its seq
    store_be16(p + 16, static_cast<uint16_t>(~ones_fold(t.l4_sum + dst_words + sport + 2 * seq_words)));
  } else if (proto == kIpProtoUdp) {
    const uint16_t sport = ProbeCookie::source_port_of(flow, config_.src_ports);
    store_be16(p, sport);
    const auto sum = static_cast<uint16_t>(~ones_fold(t.l4_sum + dst_words + sport));
    store_be16(p + 6, sum == 0 ? 0xffff : sum);
  }
  return t.len;
}

ReplyVerdict IpProtoClassifier::classify(const DecodedPacket& r, int64_t time_us, PortResult& out,
                                         bool& answer) const noexcept {
  answer = false;
  if (r.dst_ip != src_ip_) return ReplyVerdict::Ignored;
  const auto result = [&](uint8_t protocol, PortState state, Reason reason) {
    out = {IpAddress::v4(r.src_ip), protocol, Proto::Ip, state, reason, r.ttl, time_us};
    return ReplyVerdict::Result;
  };
  const auto flow_from = [&](uint32_t target, uint8_t protocol) {
    return cookie_.flow_hash(src_ip_, target, 0, protocol);
  };
  switch (r.ip_proto) {
    case kIpProtoIcmp: {
      if (r.icmp_type == static_cast<uint8_t>(IcmpType::EchoReply)) {
        const uint64_t flow = flow_from(r.src_ip, kIpProtoIcmp);
        if (r.icmp_id != ProbeCookie::flow_tag_of(flow) || r.icmp_seq != ProbeCookie::flow_ip_id_of(flow))
          return ReplyVerdict::Rejected;
        return result(kIpProtoIcmp, PortState::Open, Reason::EchoReply);
      }
      if (!r.has_quote || r.icmp_type != static_cast<uint8_t>(IcmpType::DestUnreachable)) return ReplyVerdict::Ignored;
      const QuotedDatagram& q = r.quote;
      if (q.src_ip != src_ip_) return ReplyVerdict::Ignored;
      Reason reason;
      if (!icmp_unreachable_reason(r.icmp_code, reason)) return ReplyVerdict::Ignored;
      if (q.ip_id != ProbeCookie::flow_ip_id_of(flow_from(q.dst_ip, q.proto))) return ReplyVerdict::Rejected;
      PortState state = PortState::Filtered;
      if (reason == Reason::ProtoUnreach) state = PortState::Closed;
      if (reason == Reason::PortUnreach) state = PortState::Open;  // the protocol is there (nmap, for any protocol)
      out = {IpAddress::v4(q.dst_ip), q.proto, Proto::Ip, state, reason, r.ttl, time_us};
      return ReplyVerdict::Result;
    }
    case kIpProtoTcp: {
      if (!src_ports_.contains(r.dst_port)) return ReplyVerdict::Ignored;
      const uint64_t flow = flow_from(r.src_ip, kIpProtoTcp);
      const bool rst = (r.tcp_flags & kTcpRst) != 0;
      if (!rst || r.src_port != IpProtoProbe::kTcpPort) return ReplyVerdict::Ignored;
      if (r.dst_port != ProbeCookie::source_port_of(flow, src_ports_) || r.seq != static_cast<uint32_t>(flow))
        return ReplyVerdict::Rejected;
      return result(kIpProtoTcp, PortState::Open, Reason::ProtoResponse);
    }
    case kIpProtoUdp: {
      if (!src_ports_.contains(r.dst_port)) return ReplyVerdict::Ignored;
      if (r.dst_port != ProbeCookie::source_port_of(flow_from(r.src_ip, kIpProtoUdp), src_ports_))
        return ReplyVerdict::Rejected;
      return result(kIpProtoUdp, PortState::Open, Reason::ProtoResponse);
    }
    default:
      // Another protocol has no field to carry a cookie: a datagram of the
      // probed protocol from a probed address is the answer, as for nmap.
      // The engine drops it unless that (address, protocol) was probed.
      return result(r.ip_proto, PortState::Open, Reason::ProtoResponse);
  }
}

std::unique_ptr<Prober> make_ip_proto_prober(const ProbeConfig& c) {
  if (c.family == AddressFamily::V6) {
    IpProtoProbe6 probe(c);
    IpProtoClassifier6 classifier(probe.cookie(), c.src_ip6.data(), probe.config().src_ports);
    return std::make_unique<BatchProber<IpProtoProbe6, IpProtoClassifier6>>(std::move(probe), classifier);
  }
  IpProtoProbe probe(c);
  IpProtoClassifier classifier(probe.cookie(), c.src_ip, probe.config().src_ports);
  return std::make_unique<BatchProber<IpProtoProbe, IpProtoClassifier>>(std::move(probe), classifier);
}

}  // namespace portsweep
