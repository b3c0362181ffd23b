#include "probes/ip_proto_probe6.hpp"

#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "probes/icmp6_errors.hpp"
#include "probes/reply6.hpp"

namespace portsweep {

using namespace wire;

namespace {
constexpr uint8_t kIcmp6EchoRequest = 128;
constexpr uint8_t kIcmp6EchoReply = 129;
}  // namespace

IpProtoProbe6::IpProtoProbe6(const ProbeConfig& config) : config_(config), cookie_(config.cookie_key) {
  if (config_.src_ports.count == 0) config_.src_ports.count = 1;
  templates_.reserve(256);
  for (unsigned p = 0; p < 256; ++p) templates_.push_back(build(static_cast<uint8_t>(p)));
}

IpProtoProbe6::Template IpProtoProbe6::build(uint8_t protocol) const {
  Template t;
  uint8_t* f = t.frame.data();
  size_t l4 = 0;
  if (protocol == wire::kIpProtoIcmp6) l4 = kIcmpHeader;
  if (protocol == kIpProtoTcp) l4 = kTcpMinHeader;
  if (protocol == kIpProtoUdp) l4 = kUdpHeader;
  t.len = static_cast<uint16_t>(kL4Off6 + l4);
  write_ethernet_header6(f, config_.dst_mac, config_.src_mac);
  write_ipv6_header(f + kIp6Off, config_, protocol, static_cast<uint16_t>(l4));
  uint8_t* p = f + kL4Off6;
  if (protocol == wire::kIpProtoIcmp6) {
    p[0] = kIcmp6EchoRequest;  // id and sequence patched per probe
  } else if (protocol == kIpProtoTcp) {
    store_be16(p + 2, kTcpPort);
    p[12] = 5 << 4;
    p[13] = kTcpAck;
    store_be16(p + 14, config_.tcp_window);
  } else if (protocol == kIpProtoUdp) {
    store_be16(p + 2, kUdpPort);
    store_be16(p + 4, kUdpHeader);
  }
  if (l4 != 0) t.l4_sum = ones_sum(p, l4, ipv6_pseudo_header_sum_src(config_, protocol, static_cast<uint32_t>(l4)));
  return t;
}

size_t IpProtoProbe6::write(uint8_t* out, u128 dst, uint16_t protocol) noexcept {
  const uint8_t proto = static_cast<uint8_t>(protocol);
  const Template& t = templates_[proto];
  std::memcpy(out, t.frame.data(), t.len);
  store_ipv6_address(out + kIp6DstOff, dst);
  const uint64_t flow = cookie_.flow_hash6(config_.src_ip6.data(), out + kIp6DstOff, 0, proto);
  set_ipv6_flow_label(out + kIp6Off, flow_label_of(flow));
  uint8_t* p = out + kL4Off6;
  if (proto == wire::kIpProtoIcmp6) {
    const uint16_t id = ProbeCookie::flow_tag_of(flow);
    const uint16_t seq = ProbeCookie::flow_ip_id_of(flow);
    store_be16(p + 4, id);
    store_be16(p + 6, seq);
    store_be16(p + 2, static_cast<uint16_t>(~ones_fold(t.l4_sum + ipv6_address_words(dst) + id + seq)));
  } else if (proto == kIpProtoTcp) {
    const uint16_t sport = ProbeCookie::source_port_of(flow, config_.src_ports);
    const auto seq = static_cast<uint32_t>(flow);
    store_be16(p, sport);
    store_be32(p + 4, seq);
    store_be32(p + 8, seq);  // a RST answering an ACK echoes it as its seq
    store_be16(p + 16,
               static_cast<uint16_t>(~ones_fold(t.l4_sum + ipv6_address_words(dst) + sport + 2 * words32(seq))));
  } else if (proto == kIpProtoUdp) {
    const uint16_t sport = ProbeCookie::source_port_of(flow, config_.src_ports);
    store_be16(p, sport);
    const auto sum = static_cast<uint16_t>(~ones_fold(t.l4_sum + ipv6_address_words(dst) + sport));
    store_be16(p + 6, sum == 0 ? 0xffff : sum);
  }
  return t.len;
}

IpProtoClassifier6::IpProtoClassifier6(const ProbeCookie& cookie, const uint8_t* src_ip6, SourcePorts src_ports) noexcept
    : cookie_(cookie), src_ports_(src_ports) {
  std::memcpy(src_ip6_, src_ip6, 16);
}

ReplyVerdict IpProtoClassifier6::classify(const DecodedPacket& r, int64_t time_us, PortResult& out,
                                          bool& answer) const noexcept {
  answer = false;
  if (!ipv6_reply_to(r, src_ip6_)) return ReplyVerdict::Ignored;
  const auto open = [&](uint8_t protocol) {
    set_result6(out, r.src_ip6, protocol, Proto::Ip, PortState::Open, Reason::ProtoResponse, r.ttl, time_us);
    return ReplyVerdict::Result;
  };
  switch (r.ip_proto) {
    case wire::kIpProtoIcmp6: {
      if (r.icmp_type == kIcmp6EchoReply) {
        const uint64_t flow = flow_to(r.src_ip6, wire::kIpProtoIcmp6);
        if (r.icmp_id != ProbeCookie::flow_tag_of(flow) || r.icmp_seq != ProbeCookie::flow_ip_id_of(flow))
          return ReplyVerdict::Rejected;
        return open(wire::kIpProtoIcmp6);  // nmap -6 says proto-response here, not echo-reply
      }
      if (!quotes_ipv6_from(r, src_ip6_)) return ReplyVerdict::Ignored;
      const QuotedDatagram& q = r.quote;
      PortState state;
      Reason reason;
      if (!icmp6_error_reading(r.icmp_type, r.icmp_code, Icmp6ScanKind::IpProto, from_quoted_target(r), state, reason))
        return ReplyVerdict::Ignored;
      // The slot is the next header we sent, which the decoder's q.proto
      // may have walked past (a probe of an extension-header number).
      const uint8_t protocol = quoted_next_header(q);
      if (quoted_flow_label(q) != flow_label_of(flow_to(q.dst_ip6, protocol))) return ReplyVerdict::Rejected;
      set_result6(out, q.dst_ip6, protocol, Proto::Ip, state, reason, r.ttl, time_us);
      return ReplyVerdict::Result;
    }
    case kIpProtoTcp: {
      if (!src_ports_.contains(r.dst_port)) return ReplyVerdict::Ignored;
      if ((r.tcp_flags & kTcpRst) == 0 || r.src_port != IpProtoProbe6::kTcpPort) return ReplyVerdict::Ignored;
      const uint64_t flow = flow_to(r.src_ip6, kIpProtoTcp);
      if (r.dst_port != ProbeCookie::source_port_of(flow, src_ports_) || r.seq != static_cast<uint32_t>(flow))
        return ReplyVerdict::Rejected;
      return open(kIpProtoTcp);
    }
    case kIpProtoUdp: {
      if (!src_ports_.contains(r.dst_port)) return ReplyVerdict::Ignored;
      if (r.dst_port != ProbeCookie::source_port_of(flow_to(r.src_ip6, kIpProtoUdp), src_ports_))
        return ReplyVerdict::Rejected;
      return open(kIpProtoUdp);
    }
    default:
      // No field to carry a cookie: a datagram of the probed protocol from a
      // probed address is the answer, as for nmap (the engine drops it
      // unless that address and protocol were probed).
      return open(r.ip_proto);
  }
}

}  // namespace portsweep
