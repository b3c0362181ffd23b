#include "probes/tcp_syn_probe.hpp"

#include <cstring>

#include "probes/checksum.hpp"
#include "probes/wire.hpp"

namespace portsweep {

namespace {

using namespace wire;

void write_ethernet(uint8_t* f, const ProbeConfig& c) noexcept {
  std::memcpy(f, c.dst_mac.data(), 6);
  std::memcpy(f + 6, c.src_mac.data(), 6);
  store_be16(f + 12, kEtherTypeIpv4);
}

// IPv4 header without options; id, destination and checksum left zero.
void write_ipv4(uint8_t* ip, const ProbeConfig& c, uint16_t total_len) noexcept {
  ip[0] = 0x45;
  ip[1] = 0;
  store_be16(ip + 2, total_len);
  store_be16(ip + 4, 0);
  store_be16(ip + 6, 0);  // no DF, like nmap's raw SYNs
  ip[8] = c.ttl;
  ip[9] = kIpProtoTcp;
  store_be16(ip + 10, 0);
  store_be32(ip + 12, c.src_ip);
  store_be32(ip + 16, 0);
}

}  // namespace

TcpSynProbe::TcpSynProbe(const ProbeConfig& config) noexcept
    : config_(config), cookie_(config.cookie_key) {
  if (config_.src_ports.count == 0) config_.src_ports.count = 1;
  uint8_t* f = template_.data();
  write_ethernet(f, config_);
  write_ipv4(f + kIpOff, config_, kFrameSize - kIpOff);
  uint8_t* tcp = f + kTcpOff;
  // ports, seq, ack zero
  tcp[12] = 6 << 4;  // data offset: 24 bytes
  tcp[13] = kTcpSyn;
  store_be16(tcp + 14, config_.tcp_window);
  // checksum, urgent pointer zero
  tcp[20] = 2;  // MSS option: kind 2, length 4
  tcp[21] = 4;
  store_be16(tcp + 22, config_.tcp_mss);

  ip_sum_ = ones_sum(f + kIpOff, kIpv4MinHeader);
  const auto tcp_len = static_cast<uint16_t>(kFrameSize - kTcpOff);
  // Pseudo-header with a zero destination: the real one is added per probe.
  tcp_sum_ = ones_sum(tcp, tcp_len, pseudo_header_sum(config_.src_ip, 0, kIpProtoTcp, tcp_len));
}

void TcpSynProbe::write_fields(uint8_t* out, uint32_t dst_ip, uint16_t src_port, uint16_t dst_port, uint32_t seq,
                               uint16_t ip_id) const noexcept {
  std::memcpy(out, template_.data(), kFrameSize);
  const uint64_t dst_words = uint64_t{dst_ip >> 16} + (dst_ip & 0xffff);
  const uint64_t ip_sum = ip_sum_ + dst_words + ip_id;
  const uint64_t tcp_sum = tcp_sum_ + dst_words + src_port + dst_port + (seq >> 16) + (seq & 0xffff);

  uint8_t* ip = out + kIpOff;
  store_be16(ip + 4, ip_id);
  store_be16(ip + 10, static_cast<uint16_t>(~ones_fold(ip_sum)));
  store_be32(ip + 16, dst_ip);
  uint8_t* tcp = out + kTcpOff;
  store_be16(tcp, src_port);
  store_be16(tcp + 2, dst_port);
  store_be32(tcp + 4, seq);
  store_be16(tcp + 16, static_cast<uint16_t>(~ones_fold(tcp_sum)));
}

size_t TcpSynProbe::write_rst(uint8_t* out, const DecodedPacket& reply) const noexcept {
  write_ethernet(out, config_);
  uint8_t* ip = out + kIpOff;
  write_ipv4(ip, config_, kRstFrameSize - kIpOff);
  store_be32(ip + 12, reply.dst_ip);  // the address the SYN-ACK came to (ours)
  store_be32(ip + 16, reply.src_ip);
  store_be16(ip + 4, static_cast<uint16_t>(reply.ack >> 16));  // any value will do; avoid a constant
  store_be16(ip + 10, internet_checksum(ip, kIpv4MinHeader));

  uint8_t* tcp = out + kTcpOff;
  std::memset(tcp, 0, kTcpMinHeader);
  store_be16(tcp, reply.dst_port);
  store_be16(tcp + 2, reply.src_port);
  store_be32(tcp + 4, reply.ack);
  tcp[12] = 5 << 4;
  tcp[13] = kTcpRst;
  const uint64_t pseudo = pseudo_header_sum(reply.dst_ip, reply.src_ip, kIpProtoTcp, kTcpMinHeader);
  store_be16(tcp + 16, internet_checksum(tcp, kTcpMinHeader, pseudo));
  return kRstFrameSize;
}

}  // namespace portsweep
