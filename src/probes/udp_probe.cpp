#include "probes/udp_probe.hpp"

#include <algorithm>
#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "probes/frame_headers.hpp"
#include "probes/icmp_unreachable.hpp"
#include "probes/probe_module.hpp"
#include "probes/udp_payloads.hpp"
#include "probes/udp_probe6.hpp"

namespace portsweep {

using namespace wire;

UdpProbe::UdpProbe(const ProbeConfig& config)
    : config_(config), cookie_(config.cookie_key), template_of_(65536, 0) {
  if (config_.src_ports.count == 0) config_.src_ports.count = 1;
  templates_.push_back(build(nullptr, 0));
  if (config_.udp_payloads == nullptr) return;
  // Ports that share a payload share its template (a range such as
  // 32768-65535 in nmap-payloads is one template, not 32768).
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

UdpProbe::Template UdpProbe::build(const uint8_t* payload, size_t len) const {
  Template t;
  t.frame.assign(kHeaders + len, 0);
  uint8_t* f = t.frame.data();
  write_ethernet_header(f, config_.dst_mac, config_.src_mac);
  write_ipv4_header(f + kIpOff, config_, kIpProtoUdp, static_cast<uint16_t>(t.frame.size() - kIpOff));
  uint8_t* udp = f + kUdpOff;
  const auto udp_len = static_cast<uint16_t>(kUdpHeader + len);
  store_be16(udp + 4, udp_len);
  if (len) std::memcpy(udp + kUdpHeader, payload, len);
  t.ip_sum = ones_sum(f + kIpOff, kIpv4MinHeader);
  t.udp_sum = ones_sum(udp, udp_len, pseudo_header_sum(config_.src_ip, 0, kIpProtoUdp, udp_len));
  return t;
}

size_t UdpProbe::write(uint8_t* out, uint32_t dst_ip, uint16_t dst_port) noexcept {
  const Template& t = templates_[template_of_[dst_port]];
  const uint64_t flow = cookie_.flow_hash(config_.src_ip, dst_ip, kIpProtoUdp, dst_port);
  const uint16_t sport = ProbeCookie::source_port_of(flow, config_.src_ports);
  const uint16_t ip_id = ProbeCookie::flow_ip_id_of(flow);
  std::memcpy(out, t.frame.data(), t.frame.size());
  patch_ipv4_header(out + kIpOff, t.ip_sum, dst_ip, ip_id);
  uint8_t* udp = out + kUdpOff;
  store_be16(udp, sport);
  store_be16(udp + 2, dst_port);
  uint16_t sum = static_cast<uint16_t>(~ones_fold(t.udp_sum + address_words(dst_ip) + sport + dst_port));
  store_be16(udp + 6, sum == 0 ? 0xffff : sum);  // 0 would mean "no checksum" (RFC 768)
  return t.frame.size();
}

ReplyVerdict UdpClassifier::classify(const DecodedPacket& r, int64_t time_us, PortResult& out,
                                     bool& answer) const noexcept {
  answer = false;
  if (r.dst_ip != src_ip_) return ReplyVerdict::Ignored;
  if (r.ip_proto == kIpProtoUdp) {
    if (!src_ports_.contains(r.dst_port)) return ReplyVerdict::Ignored;
    const uint64_t flow = cookie_.flow_hash(r.dst_ip, r.src_ip, kIpProtoUdp, r.src_port);
    if (r.dst_port != ProbeCookie::source_port_of(flow, src_ports_)) return ReplyVerdict::Rejected;
    out = {IpAddress::v4(r.src_ip), r.src_port, Proto::Udp, PortState::Open, Reason::UdpResponse, r.ttl, time_us};
    return ReplyVerdict::Result;
  }
  if (r.ip_proto == kIpProtoIcmp && r.has_quote && r.icmp_type == static_cast<uint8_t>(IcmpType::DestUnreachable)) {
    const QuotedDatagram& q = r.quote;
    if (q.proto != kIpProtoUdp || q.src_ip != src_ip_ || q.l4_len < 4 || !src_ports_.contains(q.src_port))
      return ReplyVerdict::Ignored;
    Reason reason;
    if (!icmp_unreachable_reason(r.icmp_code, reason)) return ReplyVerdict::Ignored;
    const uint64_t flow = cookie_.flow_hash(q.src_ip, q.dst_ip, kIpProtoUdp, q.dst_port);
    if (q.src_port != ProbeCookie::source_port_of(flow, src_ports_) || q.ip_id != ProbeCookie::flow_ip_id_of(flow))
      return ReplyVerdict::Rejected;
    const PortState state = reason == Reason::PortUnreach ? PortState::Closed : PortState::Filtered;
    out = {IpAddress::v4(q.dst_ip), q.dst_port, Proto::Udp, state, reason, r.ttl, time_us};
    return ReplyVerdict::Result;
  }
  return ReplyVerdict::Ignored;
}

std::unique_ptr<Prober> make_udp_prober(const ProbeConfig& c) {
  if (c.family == AddressFamily::V6) {
    UdpProbe6 probe(c);
    UdpClassifier6 classifier(probe.cookie(), c.src_ip6.data(), probe.config().src_ports);
    return std::make_unique<BatchProber<UdpProbe6, UdpClassifier6>>(std::move(probe), classifier);
  }
  UdpProbe probe(c);
  UdpClassifier classifier(probe.cookie(), c.src_ip, probe.config().src_ports);
  return std::make_unique<BatchProber<UdpProbe, UdpClassifier>>(std::move(probe), classifier);
}

}  // namespace portsweep
