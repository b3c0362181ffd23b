#pragma once
// TCP probe frames over IPv6 for every TCP scan type (-sS -sA -sW -sM -sN
// -sF -sX, --scanflags) and the TCP discovery pings (-PS -PA).
//
// Design note: TcpProbe's template scheme with a 40-byte IPv6 header
// (traffic class 0, flow label 0, hop limit = the TTL, as nmap's): IPv6 has
// no header checksum, so the one sum to patch is TCP's, whose pseudo-header
// takes the 16-byte addresses. The template sums our address, the length,
// the next header and the segment with zeros where the per-probe fields go;
// a probe adds its destination (four 32-bit halves of the u128), ports, seq
// (and ack). The cookie is hash6 over both whole addresses and the ports;
// the destination is stored into the frame first and hashed from there. Per
// probe: one 74-78 byte copy, two 8-byte address stores, ~10 adds, one fold,
// five stores, plus the cookie hash (SipHash over 36 bytes, ~2x IPv4's).
#include <array>
#include <cstddef>
#include <cstdint>

#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "portsweep/uint128.hpp"
#include "probes/frame_headers6.hpp"
#include "probes/probe_config.hpp"

namespace portsweep {

class TcpProbe6 {
 public:
  static constexpr bool kIpv6 = true;
  static constexpr size_t kTcpOff = kL4Off6;                      // 54
  static constexpr size_t kMaxFrameSize = kTcpOff + 24;           // 78: a SYN with its MSS option
  static constexpr size_t kRstFrameSize = kTcpOff + 20;           // 74

  // `flags`: the TCP flags of every probe (config.tcp_flags, when set, wins).
  explicit TcpProbe6(const ProbeConfig& config, uint8_t flags = 0x02) noexcept;

  // The probe for (dst, dst_port) into `out` (>= kMaxFrameSize bytes);
  // returns its length. Not thread-safe (the source port cursor).
  size_t write(uint8_t* out, u128 dst, uint16_t dst_port) noexcept {
    const uint16_t sport = static_cast<uint16_t>(config_.src_ports.base + port_cursor_);
    if (++port_cursor_ == config_.src_ports.count) port_cursor_ = 0;
    std::memcpy(out, template_.data(), kMaxFrameSize);
    store_ipv6_address(out + kIp6DstOff, dst);
    const uint32_t seq = ProbeCookie::seq_of(cookie_.hash6(config_.src_ip6.data(), out + kIp6DstOff, sport, dst_port));
    patch(out, ipv6_address_words(dst), sport, dst_port, seq);
    return frame_size_;
  }

  // The template with the given fields (tests: a probe with a chosen seq).
  void write_fields(uint8_t* out, u128 dst, uint16_t src_port, uint16_t dst_port, uint32_t seq) const noexcept {
    std::memcpy(out, template_.data(), kMaxFrameSize);
    store_ipv6_address(out + kIp6DstOff, dst);
    patch(out, ipv6_address_words(dst), src_port, dst_port, seq);
  }

  // The RST answering a SYN-ACK (`reply`, an IPv6 reply already validated
  // as ours): same 4-tuple as our SYN, seq = the reply's ack. Returns
  // kRstFrameSize.
  size_t write_rst(uint8_t* out, const DecodedPacket& reply) const noexcept;
  size_t write_answer(const DecodedPacket& reply, uint8_t* out) const noexcept { return write_rst(out, reply); }

  size_t frame_capacity() const noexcept { return kMaxFrameSize; }
  size_t frame_size() const noexcept { return frame_size_; }
  uint8_t flags() const noexcept { return flags_; }
  const ProbeConfig& config() const noexcept { return config_; }
  const ProbeCookie& cookie() const noexcept { return cookie_; }

 private:
  void patch(uint8_t* out, uint64_t dst_words, uint16_t sport, uint16_t dport, uint32_t seq) const noexcept {
    const uint64_t seq_words = words32(seq);
    uint8_t* tcp = out + kTcpOff;
    wire::store_be16(tcp, sport);
    wire::store_be16(tcp + 2, dport);
    wire::store_be32(tcp + 4, seq);
    if (ack_carries_cookie_) wire::store_be32(tcp + 8, seq);
    const uint64_t sum = tcp_sum_ + dst_words + sport + dport + seq_words + (ack_carries_cookie_ ? seq_words : 0);
    wire::store_be16(tcp + 16, static_cast<uint16_t>(~ones_fold(sum)));
  }

  ProbeConfig config_;
  ProbeCookie cookie_;
  uint8_t flags_;
  bool ack_carries_cookie_;
  size_t frame_size_;
  std::array<uint8_t, kMaxFrameSize> template_{};
  uint64_t tcp_sum_ = 0;  // pseudo-header without the destination, and the segment
  std::array<uint8_t, kRstFrameSize> rst_template_{};
  uint64_t rst_tcp_sum_ = 0;
  uint32_t port_cursor_ = 0;
};

}  // namespace portsweep
