#include "probes/icmp6_echo_probe.hpp"

#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "probes/probe_module.hpp"
#include "probes/reply6.hpp"

namespace portsweep {

using namespace wire;

Icmp6EchoProbe::Icmp6EchoProbe(const ProbeConfig& config) noexcept : config_(config), cookie_(config.cookie_key) {
  uint8_t* f = frame_.data();
  constexpr uint16_t kMessage = kFrameSize - kL4Off6;
  write_ethernet_header6(f, config_.dst_mac, config_.src_mac);
  write_ipv6_header(f + kIp6Off, config_, wire::kIpProtoIcmp6, kMessage);
  f[kL4Off6] = kIcmp6EchoRequestType;
  icmp_sum_ = ones_sum(f + kL4Off6, kMessage, ipv6_pseudo_header_sum_src(config_, wire::kIpProtoIcmp6, kMessage));
}

size_t Icmp6EchoProbe::write(uint8_t* out, u128 dst, uint16_t, int64_t now_us) noexcept {
  std::memcpy(out, frame_.data(), kFrameSize);
  store_ipv6_address(out + kIp6DstOff, dst);
  const uint64_t flow = icmp6_echo_flow(cookie_, config_.src_ip6.data(), out + kIp6DstOff);
  const uint16_t id = ProbeCookie::flow_tag_of(flow);
  const uint16_t seq = ProbeCookie::flow_ip_id_of(flow);
  uint8_t* p = out + kL4Off6;
  store_be16(p + 4, id);
  store_be16(p + 6, seq);
  const auto now = static_cast<uint64_t>(now_us);
  store_be64(p + 8, now);
  const uint64_t sum = icmp_sum_ + ipv6_address_words(dst) + id + seq + (now >> 32) + (now & 0xffffffff);
  store_be16(p + 2, static_cast<uint16_t>(~ones_fold(sum)));
  return kFrameSize;
}

Icmp6EchoClassifier::Icmp6EchoClassifier(const ProbeCookie& cookie, const uint8_t* src_ip6) noexcept
    : cookie_(cookie) {
  std::memcpy(src_ip6_, src_ip6, 16);
}

ReplyVerdict Icmp6EchoClassifier::classify(const DecodedPacket& r, int64_t time_us, PortResult& out) const noexcept {
  if (!ipv6_reply_to(r, src_ip6_) || r.ip_proto != wire::kIpProtoIcmp6 || r.icmp_type != kIcmp6EchoReplyType)
    return ReplyVerdict::Ignored;
  const uint64_t flow = icmp6_echo_flow(cookie_, src_ip6_, r.src_ip6);
  if (r.icmp_id != ProbeCookie::flow_tag_of(flow) || r.icmp_seq != ProbeCookie::flow_ip_id_of(flow))
    return ReplyVerdict::Rejected;
  const uint32_t rtt = r.payload_len >= 8 ? round_trip_us(time_us, static_cast<int64_t>(load_be64(r.payload))) : 0;
  set_result6(out, r.src_ip6, 0, Proto::Ip, PortState::Open, Reason::EchoReply, r.ttl, time_us, rtt);
  return ReplyVerdict::Result;
}

std::unique_ptr<Prober> make_icmp6_echo_prober(const ProbeConfig& config) {
  Icmp6EchoProbe probe(config);
  Icmp6EchoClassifier classifier(probe.cookie(), config.src_ip6.data());
  return std::make_unique<BatchProber<Icmp6EchoProbe, Icmp6EchoClassifier>>(std::move(probe), classifier);
}

}  // namespace portsweep
