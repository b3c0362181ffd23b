#include "probes/udp_probe6.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "probes/icmp6_errors.hpp"
#include "probes/reply6.hpp"
#include "probes/udp_payloads.hpp"

namespace portsweep {

using namespace wire;

UdpProbe6::UdpProbe6(const ProbeConfig& config) : config_(config), cookie_(config.cookie_key), template_of_(65536, 0) {
  if (config_.src_ports.count == 0) config_.src_ports.count = 1;
  templates_.push_back(build(nullptr, 0));
  if (config_.udp_payloads == nullptr) return;
  // Ports that share a payload share its template, as UdpProbe's do.
  std::vector<std::pair<const uint8_t*, size_t>> seen;
  for (uint32_t port = 0; port < 65536; ++port) {
    auto list = config_.udp_payloads->payloads_for(static_cast<uint16_t>(port));
    if (list.empty() || list[0].bytes.empty()) continue;
    const auto key = std::make_pair(list[0].bytes.data(), list[0].bytes.size());
    auto it = std::find(seen.begin(), seen.end(), key);
    if (it == seen.end()) {
      seen.push_back(key);
      templates_.push_back(build(key.first, key.second));
      capacity_ = std::max(capacity_, templates_.back().frame.size());
      it = seen.end() - 1;
    }
    template_of_[port] = static_cast<uint16_t>(1 + (it - seen.begin()));
  }
}

UdpProbe6::Template UdpProbe6::build(const uint8_t* payload, size_t len) const {
  Template t;
  t.frame.assign(kHeaders + len, 0);
  uint8_t* f = t.frame.data();
  const auto udp_len = static_cast<uint16_t>(kUdpHeader + len);
  write_ethernet_header6(f, config_.dst_mac, config_.src_mac);
  write_ipv6_header(f + kIp6Off, config_, kIpProtoUdp, udp_len);
  uint8_t* udp = f + kUdpOff;
  store_be16(udp + 4, udp_len);
  if (len) std::memcpy(udp + kUdpHeader, payload, len);
  t.udp_sum = ones_sum(udp, udp_len, ipv6_pseudo_header_sum_src(config_, kIpProtoUdp, udp_len));
  return t;
}

size_t UdpProbe6::write(uint8_t* out, u128 dst, uint16_t dst_port) noexcept {
  const Template& t = templates_[template_of_[dst_port]];
  std::memcpy(out, t.frame.data(), t.frame.size());
  store_ipv6_address(out + kIp6DstOff, dst);
  const uint64_t flow = cookie_.flow_hash6(config_.src_ip6.data(), out + kIp6DstOff, kIpProtoUdp, dst_port);
  const uint16_t sport = ProbeCookie::source_port_of(flow, config_.src_ports);
  set_ipv6_flow_label(out + kIp6Off, flow_label_of(flow));
  uint8_t* udp = out + kUdpOff;
  store_be16(udp, sport);
  store_be16(udp + 2, dst_port);
  const auto sum = static_cast<uint16_t>(~ones_fold(t.udp_sum + ipv6_address_words(dst) + sport + dst_port));
  store_be16(udp + 6, sum == 0 ? 0xffff : sum);  // 0 is "no checksum", which IPv6 forbids
  return t.frame.size();
}

UdpClassifier6::UdpClassifier6(const ProbeCookie& cookie, const uint8_t* src_ip6, SourcePorts src_ports) noexcept
    : cookie_(cookie), src_ports_(src_ports) {
  std::memcpy(src_ip6_, src_ip6, 16);
}

ReplyVerdict UdpClassifier6::classify(const DecodedPacket& r, int64_t time_us, PortResult& out,
                                      bool& answer) const noexcept {
  answer = false;
  if (!ipv6_reply_to(r, src_ip6_)) return ReplyVerdict::Ignored;
  if (r.ip_proto == kIpProtoUdp) {
    if (!src_ports_.contains(r.dst_port)) return ReplyVerdict::Ignored;
    const uint64_t flow = cookie_.flow_hash6(r.dst_ip6, r.src_ip6, kIpProtoUdp, r.src_port);
    if (r.dst_port != ProbeCookie::source_port_of(flow, src_ports_)) return ReplyVerdict::Rejected;
    set_result6(out, r.src_ip6, r.src_port, Proto::Udp, PortState::Open, Reason::UdpResponse, r.ttl, time_us);
    return ReplyVerdict::Result;
  }
  if (!quotes_ipv6_from(r, src_ip6_)) return ReplyVerdict::Ignored;
  const QuotedDatagram& q = r.quote;
  if (q.proto != kIpProtoUdp || q.l4_len < 4 || !src_ports_.contains(q.src_port)) return ReplyVerdict::Ignored;
  PortState state;
  Reason reason;
  if (!icmp6_error_reading(r.icmp_type, r.icmp_code, Icmp6ScanKind::Udp, from_quoted_target(r), state, reason))
    return ReplyVerdict::Ignored;
  const uint64_t flow = cookie_.flow_hash6(q.src_ip6, q.dst_ip6, kIpProtoUdp, q.dst_port);
  if (q.src_port != ProbeCookie::source_port_of(flow, src_ports_) || quoted_flow_label(q) != flow_label_of(flow))
    return ReplyVerdict::Rejected;
  set_result6(out, q.dst_ip6, q.dst_port, Proto::Udp, state, reason, r.ttl, time_us);
  return ReplyVerdict::Result;
}

}  // namespace portsweep
