#include "probes/tcp_probe6.hpp"

#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"

namespace portsweep {

using namespace wire;

TcpProbe6::TcpProbe6(const ProbeConfig& config, uint8_t flags) noexcept
    : config_(config), cookie_(config.cookie_key), flags_(config.tcp_flags.value_or(flags)) {
  if (config_.src_ports.count == 0) config_.src_ports.count = 1;
  ack_carries_cookie_ = (flags_ & kTcpAck) != 0;
  // nmap's SYNs carry an MSS option; its other raw TCP probes none.
  const bool mss = (flags_ & kTcpSyn) != 0;
  const size_t tcp_len = mss ? 24 : 20;
  frame_size_ = kTcpOff + tcp_len;
  uint8_t* f = template_.data();
  write_ethernet_header6(f, config_.dst_mac, config_.src_mac);
  write_ipv6_header(f + kIp6Off, config_, kIpProtoTcp, static_cast<uint16_t>(tcp_len));
  uint8_t* tcp = f + kTcpOff;
  tcp[12] = static_cast<uint8_t>((tcp_len / 4) << 4);
  tcp[13] = flags_;
  store_be16(tcp + 14, config_.tcp_window);
  if (mss) {
    tcp[20] = 2;  // kind 2, length 4
    tcp[21] = 4;
    store_be16(tcp + 22, config_.tcp_mss);
  }
  tcp_sum_ = ones_sum(tcp, tcp_len, ipv6_pseudo_header_sum_src(config_, kIpProtoTcp, static_cast<uint32_t>(tcp_len)));

  uint8_t* r = rst_template_.data();
  write_ethernet_header6(r, config_.dst_mac, config_.src_mac);
  write_ipv6_header(r + kIp6Off, config_, kIpProtoTcp, kTcpMinHeader);
  r[kTcpOff + 12] = 5 << 4;
  r[kTcpOff + 13] = kTcpRst;
  rst_tcp_sum_ = ones_sum(r + kTcpOff, kTcpMinHeader, ipv6_pseudo_header_sum_src(config_, kIpProtoTcp, kTcpMinHeader));
}

size_t TcpProbe6::write_rst(uint8_t* out, const DecodedPacket& reply) const noexcept {
  std::memcpy(out, rst_template_.data(), kRstFrameSize);
  std::memcpy(out + kIp6DstOff, reply.src_ip6, 16);
  uint8_t* tcp = out + kTcpOff;
  store_be16(tcp, reply.dst_port);
  store_be16(tcp + 2, reply.src_port);
  store_be32(tcp + 4, reply.ack);
  const uint64_t sum = rst_tcp_sum_ + ones_sum(reply.src_ip6, 16) + reply.dst_port +
                       reply.src_port + words32(reply.ack);
  store_be16(tcp + 16, static_cast<uint16_t>(~ones_fold(sum)));
  return kRstFrameSize;
}

}  // namespace portsweep
