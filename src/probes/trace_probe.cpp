#include "probes/trace_probe.hpp"

#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "probes/frame_headers.hpp"
#include "probes/icmp_unreachable.hpp"
#include "probes/probe_module.hpp"
#include "probes/tcp_probe.hpp"

namespace portsweep {

using namespace wire;

namespace {

constexpr uint8_t kEchoRequest = 8, kEchoReply = 0, kTimeExceeded = 11, kUnreachable = 3;

uint64_t trace_flow(const ProbeCookie& c, uint32_t src, uint32_t dst, uint8_t ttl) noexcept {
  return c.flow_hash(src, dst, kIpProtoIcmp, static_cast<uint16_t>(0x100 + ttl));
}

}  // namespace

TraceProbe::TraceProbe(const ProbeConfig& config) : config_(config), cookie_(config.cookie_key) {
  len_ = static_cast<uint16_t>(kL4Off + 8 + kBody);
  uint8_t* f = frame_.data();
  write_ethernet_header(f, config_.dst_mac, config_.src_mac);
  write_ipv4_header(f + kIpOff, config_, kIpProtoIcmp, static_cast<uint16_t>(len_ - kIpOff));
  f[kL4Off] = kEchoRequest;
}

size_t TraceProbe::write(uint8_t* out, uint32_t dst_ip, uint16_t slot_ttl, int64_t now_us) noexcept {
  const auto ttl = static_cast<uint8_t>(slot_ttl);
  std::memcpy(out, frame_.data(), len_);
  uint8_t* ip = out + kIpOff;
  store_be16(ip + 4, ttl);  // the ip id: what a hop's error quotes
  store_be32(ip + 16, dst_ip);
  set_ipv4_ttl(ip, ttl);
  const uint64_t flow = trace_flow(cookie_, config_.src_ip, dst_ip, ttl);
  uint8_t* p = out + kL4Off;
  store_be16(p + 4, ProbeCookie::flow_tag_of(flow));
  store_be16(p + 6, ProbeCookie::flow_ip_id_of(flow));
  const auto now = static_cast<uint64_t>(now_us);
  store_be32(p + 8, static_cast<uint32_t>(now >> 32));
  store_be32(p + 12, static_cast<uint32_t>(now));
  p[16] = ttl;
  store_be16(p + 2, 0);
  store_be16(p + 2, static_cast<uint16_t>(~ones_fold(ones_sum(p, 8 + kBody))));
  return len_;
}

ReplyVerdict TraceClassifier::classify(const DecodedPacket& r, int64_t time_us, PortResult& out) const noexcept {
  if (r.dst_ip != src_ip_ || r.ip_proto != kIpProtoIcmp) return ReplyVerdict::Ignored;
  if (r.icmp_type == kEchoReply) {
    if (r.payload_len < TraceProbe::kBody) return ReplyVerdict::Ignored;  // another module's echo
    const uint8_t ttl = r.payload[8];
    if (ttl == 0 || ttl > kMaxTraceTtl) return ReplyVerdict::Ignored;
    const uint64_t flow = trace_flow(cookie_, src_ip_, r.src_ip, ttl);
    if (r.icmp_id != ProbeCookie::flow_tag_of(flow) || r.icmp_seq != ProbeCookie::flow_ip_id_of(flow))
      return ReplyVerdict::Rejected;
    out = {IpAddress::v4(r.src_ip), ttl, Proto::Ip, PortState::Open, Reason::EchoReply, r.ttl, time_us,
           round_trip_us(time_us, static_cast<int64_t>(load_be64(r.payload))), IpAddress::v4(r.src_ip)};
    return ReplyVerdict::Result;
  }
  if (!r.has_quote || (r.icmp_type != kTimeExceeded && r.icmp_type != kUnreachable)) return ReplyVerdict::Ignored;
  const QuotedDatagram& q = r.quote;
  if (q.src_ip != src_ip_ || q.proto != kIpProtoIcmp || q.l4_len < 8 || q.ip_id == 0 || q.ip_id > kMaxTraceTtl)
    return ReplyVerdict::Ignored;
  const auto ttl = static_cast<uint8_t>(q.ip_id);
  // Quoted ICMP bytes 4-7: our echo's id and sequence number.
  const uint64_t flow = trace_flow(cookie_, src_ip_, q.dst_ip, ttl);
  if (q.seq != ((uint32_t{ProbeCookie::flow_tag_of(flow)} << 16) | ProbeCookie::flow_ip_id_of(flow)))
    return ReplyVerdict::Rejected;
  Reason reason = Reason::TimeExceeded;
  if (r.icmp_type == kUnreachable && !icmp_unreachable_reason(r.icmp_code, reason)) return ReplyVerdict::Ignored;
  // The send time, when the hop quoted our payload too.
  uint32_t rtt = 0;
  const size_t ihl = r.payload_len > 0 ? size_t{r.payload[0] & 0x0fu} * 4 : 0;
  if (ihl >= kIpv4MinHeader && r.payload_len >= ihl + 8 + TraceProbe::kBody)
    rtt = round_trip_us(time_us, static_cast<int64_t>(load_be64(r.payload + ihl + 8)));
  out = {IpAddress::v4(q.dst_ip), ttl, Proto::Ip, PortState::Open, reason, r.ttl, time_us, rtt, IpAddress::v4(r.src_ip)};
  return ReplyVerdict::Result;
}

std::unique_ptr<Prober> make_trace_prober(const ProbeConfig& config) {
  TraceProbe probe(config);
  TraceClassifier classifier(probe.cookie(), config.src_ip);
  return std::make_unique<BatchProber<TraceProbe, TraceClassifier>>(std::move(probe), classifier);
}

namespace {

constexpr uint32_t kTtlBits = 0x3f;  // kMaxTraceTtl fits

class TraceTcpProbe {
 public:
  explicit TraceTcpProbe(const ProbeConfig& config) : tcp_(config, kTcpSyn), port_(config.trace_tcp_port) {}

  size_t write(uint8_t* out, uint32_t dst_ip, uint16_t slot_ttl) noexcept {
    const auto ttl = static_cast<uint8_t>(slot_ttl);
    const SourcePorts& ports = tcp_.config().src_ports;
    const auto sport = static_cast<uint16_t>(ports.base + (dst_ip ^ ttl) % ports.count);
    const uint32_t seq = (tcp_.cookie().seq(tcp_.config().src_ip, dst_ip, sport, port_) & ~kTtlBits) | ttl;
    tcp_.write_fields(out, dst_ip, sport, port_, seq, ttl);
    set_ipv4_ttl(out + TcpProbe::kIpOff, ttl);
    return tcp_.frame_size();
  }
  size_t write_answer(const DecodedPacket& reply, uint8_t* out) const noexcept { return tcp_.write_rst(out, reply); }
  size_t frame_capacity() const noexcept { return tcp_.frame_capacity(); }
  const TcpProbe& tcp() const noexcept { return tcp_; }

 private:
  TcpProbe tcp_;
  uint16_t port_;
};

}  // namespace

ReplyVerdict TraceTcpClassifier::classify(const DecodedPacket& r, int64_t time_us, PortResult& out,
                                          bool& answer) const noexcept {
  answer = false;
  if (r.dst_ip != src_ip_) return ReplyVerdict::Ignored;
  const auto ours = [&](uint32_t host, uint16_t sport, uint32_t seq) {
    return (seq & ~kTtlBits) == (cookie_.seq(src_ip_, host, sport, dst_port_) & ~kTtlBits) && (seq & kTtlBits) != 0;
  };
  if (r.ip_proto == kIpProtoTcp) {
    if (r.src_port != dst_port_ || !src_ports_.contains(r.dst_port) || !(r.tcp_flags & kTcpAck)) return ReplyVerdict::Ignored;
    const bool syn_ack = (r.tcp_flags & (kTcpSyn | kTcpRst)) == kTcpSyn;
    if (!syn_ack && !(r.tcp_flags & kTcpRst)) return ReplyVerdict::Ignored;
    const uint32_t seq = r.ack - 1;
    if (!ours(r.src_ip, r.dst_port, seq)) return ReplyVerdict::Rejected;
    answer = syn_ack;
    out = {IpAddress::v4(r.src_ip), static_cast<uint16_t>(seq & kTtlBits), Proto::Ip, PortState::Open,
           syn_ack ? Reason::SynAck : Reason::Reset, r.ttl, time_us, 0, IpAddress::v4(r.src_ip)};
    return ReplyVerdict::Result;
  }
  if (r.ip_proto != kIpProtoIcmp || !r.has_quote || (r.icmp_type != kTimeExceeded && r.icmp_type != kUnreachable))
    return ReplyVerdict::Ignored;
  const QuotedDatagram& q = r.quote;
  if (q.src_ip != src_ip_ || q.proto != kIpProtoTcp || q.l4_len < 8 || q.dst_port != dst_port_ ||
      !src_ports_.contains(q.src_port))
    return ReplyVerdict::Ignored;
  if (q.ip_id == 0 || q.ip_id > kMaxTraceTtl || (q.seq & kTtlBits) != q.ip_id) return ReplyVerdict::Ignored;
  if (!ours(q.dst_ip, q.src_port, q.seq)) return ReplyVerdict::Rejected;
  Reason reason = Reason::TimeExceeded;
  if (r.icmp_type == kUnreachable && !icmp_unreachable_reason(r.icmp_code, reason)) return ReplyVerdict::Ignored;
  out = {IpAddress::v4(q.dst_ip), q.ip_id, Proto::Ip, PortState::Open, reason, r.ttl, time_us, 0, IpAddress::v4(r.src_ip)};
  return ReplyVerdict::Result;
}

std::unique_ptr<Prober> make_trace_tcp_prober(const ProbeConfig& config) {
  TraceTcpProbe probe(config);
  TraceTcpClassifier classifier(probe.tcp().cookie(), config.src_ip, probe.tcp().config().src_ports,
                                config.trace_tcp_port);
  return std::make_unique<BatchProber<TraceTcpProbe, TraceTcpClassifier>>(std::move(probe), classifier);
}

}  // namespace portsweep
