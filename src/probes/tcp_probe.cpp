#include "probes/tcp_probe.hpp"

#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "probes/frame_headers.hpp"

namespace portsweep {

using namespace wire;

TcpProbe::TcpProbe(const ProbeConfig& config, uint8_t flags) noexcept
    : config_(config), cookie_(config.cookie_key), flags_(config.tcp_flags.value_or(flags)) {
  if (config_.src_ports.count == 0) config_.src_ports.count = 1;
  ack_carries_cookie_ = (flags_ & kTcpAck) != 0;
  // nmap's SYNs carry an MSS option; its other raw TCP probes carry none.
  const bool mss = (flags_ & kTcpSyn) != 0;
  const size_t tcp_len = mss ? 24 : 20;
  frame_size_ = kTcpOff + tcp_len;
  uint8_t* f = template_.data();
  write_ethernet_header(f, config_.dst_mac, config_.src_mac);
  write_ipv4_header(f + kIpOff, config_, kIpProtoTcp, static_cast<uint16_t>(frame_size_ - kIpOff));
  uint8_t* tcp = f + kTcpOff;
  // ports, seq, ack zero
  tcp[12] = static_cast<uint8_t>((tcp_len / 4) << 4);
  tcp[13] = flags_;
  store_be16(tcp + 14, config_.tcp_window);
  // checksum, urgent pointer zero
  if (mss) {
    tcp[20] = 2;  // MSS option: kind 2, length 4
    tcp[21] = 4;
    store_be16(tcp + 22, config_.tcp_mss);
  }
  ip_sum_ = ones_sum(f + kIpOff, kIpv4MinHeader);
  // Pseudo-header with a zero destination: the real one is added per probe.
  tcp_sum_ = ones_sum(tcp, tcp_len, pseudo_header_sum(config_.src_ip, 0, kIpProtoTcp, static_cast<uint16_t>(tcp_len)));

  // The RST after a SYN-ACK: 20-byte TCP header, RST only, window 0.
  uint8_t* r = rst_template_.data();
  write_ethernet_header(r, config_.dst_mac, config_.src_mac);
  write_ipv4_header(r + kIpOff, config_, kIpProtoTcp, kRstFrameSize - kIpOff);
  r[kTcpOff + 12] = 5 << 4;
  r[kTcpOff + 13] = kTcpRst;
  rst_ip_sum_ = ones_sum(r + kIpOff, kIpv4MinHeader);
  rst_tcp_sum_ = ones_sum(r + kTcpOff, kTcpMinHeader, pseudo_header_sum(config_.src_ip, 0, kIpProtoTcp, kTcpMinHeader));
}

void TcpProbe::write_fields(uint8_t* out, uint32_t dst_ip, uint16_t src_port, uint16_t dst_port, uint32_t seq,
                            uint16_t ip_id) const noexcept {
  std::memcpy(out, template_.data(), kMaxFrameSize);
  const uint64_t seq_words = uint64_t{seq >> 16} + (seq & 0xffff);
  const uint64_t tcp_sum = tcp_sum_ + address_words(dst_ip) + src_port + dst_port + seq_words +
                           (ack_carries_cookie_ ? seq_words : 0);
  patch_ipv4_header(out + kIpOff, ip_sum_, dst_ip, ip_id);
  uint8_t* tcp = out + kTcpOff;
  store_be16(tcp, src_port);
  store_be16(tcp + 2, dst_port);
  store_be32(tcp + 4, seq);
  if (ack_carries_cookie_) store_be32(tcp + 8, seq);
  store_be16(tcp + 16, static_cast<uint16_t>(~ones_fold(tcp_sum)));
}

size_t TcpProbe::write_rst(uint8_t* out, const DecodedPacket& reply) const noexcept {
  std::memcpy(out, rst_template_.data(), kRstFrameSize);
  const uint32_t dst = reply.src_ip;
  const uint64_t dst_words = address_words(dst);
  const uint64_t seq_words = uint64_t{reply.ack >> 16} + (reply.ack & 0xffff);
  // Any IP id will do; one from the reply avoids a constant.
  patch_ipv4_header(out + kIpOff, rst_ip_sum_, dst, static_cast<uint16_t>(reply.ack >> 16));
  uint8_t* tcp = out + kTcpOff;
  store_be16(tcp, reply.dst_port);
  store_be16(tcp + 2, reply.src_port);
  store_be32(tcp + 4, reply.ack);
  store_be16(tcp + 16, static_cast<uint16_t>(
                           ~ones_fold(rst_tcp_sum_ + dst_words + reply.dst_port + reply.src_port + seq_words)));
  return kRstFrameSize;
}

}  // namespace portsweep
