#include "probes/icmp_ping_probe.hpp"

#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "probes/frame_headers.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

using namespace wire;

namespace {

// Request and reply types (RFC 792, RFC 950), and the bytes after the
// 8-byte header each request carries.
struct IcmpPingShape {
  uint8_t request;
  uint8_t reply;
  uint8_t body;
  Reason reason;
};

constexpr IcmpPingShape shape_of(IcmpPing kind) {
  switch (kind) {
    case IcmpPing::Echo: return {8, 0, 8, Reason::EchoReply};  // body: the send time
    case IcmpPing::Timestamp: return {13, 14, 12, Reason::TimestampReply};  // originate, receive, transmit
    case IcmpPing::AddressMask: return {17, 18, 4, Reason::AddressmaskReply};  // the mask, 0 in a request
  }
  return {8, 0, 8, Reason::EchoReply};
}

}  // namespace

IcmpPingProbe::IcmpPingProbe(const ProbeConfig& config, IcmpPing kind)
    : config_(config), cookie_(config.cookie_key), kind_(kind), request_type_(shape_of(kind).request) {
  const IcmpPingShape sh = shape_of(kind);
  len_ = static_cast<uint16_t>(kL4Off + kIcmpHeader + sh.body);
  uint8_t* f = frame_.data();
  write_ethernet_header(f, config_.dst_mac, config_.src_mac);
  write_ipv4_header(f + kIpOff, config_, kIpProtoIcmp, static_cast<uint16_t>(len_ - kIpOff));
  f[kL4Off] = sh.request;
  ip_sum_ = ones_sum(f + kIpOff, kIpv4MinHeader);
  icmp_sum_ = ones_sum(f + kL4Off, kIcmpHeader + sh.body);
}

size_t IcmpPingProbe::write(uint8_t* out, uint32_t dst_ip, uint16_t, int64_t now_us) noexcept {
  const uint64_t flow = icmp_ping_flow(cookie_, config_.src_ip, dst_ip, request_type_);
  const uint16_t id = ProbeCookie::flow_tag_of(flow);
  const uint16_t seq = ProbeCookie::flow_ip_id_of(flow);
  std::memcpy(out, frame_.data(), len_);
  patch_ipv4_header(out + kIpOff, ip_sum_, dst_ip, seq);
  uint8_t* p = out + kL4Off;
  store_be16(p + 4, id);
  store_be16(p + 6, seq);
  uint64_t sum = icmp_sum_ + id + seq;
  const auto now = static_cast<uint64_t>(now_us);
  if (kind_ == IcmpPing::Echo) {
    store_be64(p + 8, now);
    sum += (now >> 48) + ((now >> 32) & 0xffff) + ((now >> 16) & 0xffff) + (now & 0xffff);
  } else if (kind_ == IcmpPing::Timestamp) {
    const auto originate = static_cast<uint32_t>(now);
    store_be32(p + 8, originate);
    sum += (originate >> 16) + (originate & 0xffff);
  }
  store_be16(p + 2, static_cast<uint16_t>(~ones_fold(sum)));
  return len_;
}

IcmpPingClassifier::IcmpPingClassifier(const ProbeCookie& cookie, uint32_t src_ip, IcmpPing kind) noexcept
    : cookie_(cookie), src_ip_(src_ip), kind_(kind), request_type_(shape_of(kind).request),
      reply_type_(shape_of(kind).reply), reason_(shape_of(kind).reason) {}

ReplyVerdict IcmpPingClassifier::classify(const DecodedPacket& r, int64_t time_us, PortResult& out) const noexcept {
  if (r.dst_ip != src_ip_ || r.ip_proto != kIpProtoIcmp || r.icmp_type != reply_type_) return ReplyVerdict::Ignored;
  const uint64_t flow = icmp_ping_flow(cookie_, src_ip_, r.src_ip, request_type_);
  if (r.icmp_id != ProbeCookie::flow_tag_of(flow) || r.icmp_seq != ProbeCookie::flow_ip_id_of(flow))
    return ReplyVerdict::Rejected;
  uint32_t rtt = 0;
  if (kind_ == IcmpPing::Echo && r.payload_len >= 8) {
    rtt = round_trip_us(time_us, static_cast<int64_t>(load_be64(r.payload)));
  } else if (kind_ == IcmpPing::Timestamp && r.payload_len >= 4) {
    // 32 bits of microseconds wrap every 71 minutes: the difference is taken
    // modulo 2^32.
    rtt = round_trip_us(static_cast<uint32_t>(static_cast<uint32_t>(time_us) - load_be32(r.payload)), 0);
  }
  out = {IpAddress::v4(r.src_ip), 0, Proto::Ip, PortState::Open, reason_, r.ttl, time_us, rtt};
  return ReplyVerdict::Result;
}

std::unique_ptr<Prober> make_icmp_ping_prober(const ProbeConfig& config, IcmpPing kind) {
  IcmpPingProbe probe(config, kind);
  IcmpPingClassifier classifier(probe.cookie(), config.src_ip, kind);
  return std::make_unique<BatchProber<IcmpPingProbe, IcmpPingClassifier>>(std::move(probe), classifier);
}

}  // namespace portsweep
