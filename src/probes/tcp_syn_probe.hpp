#pragma once
// TCP SYN probe frames (-sS), built from a template.
//
// Design note: every SYN of a scan is the same 58 bytes (Ethernet, IPv4 with
// no options, TCP with an MSS option like nmap's) except destination address,
// source and destination ports, sequence number, IP id and the two checksums.
// The template holds zeros in the fields that change and remembers the
// one's complement sums of its IP header and of its TCP pseudo-header+segment.
// Since a zero word adds nothing to such a sum, a probe's checksum is the
// template's sum plus the new words, folded and inverted: RFC 1624's
// incremental update with 0 as the old value. Per probe: one 58-byte copy,
// seven 16-bit adds, two folds, six stores (~3-5 ns), plus the cookie hash.
#include <array>
#include <cstddef>
#include <cstdint>

#include "engine/syn_cookie.hpp"
#include "probes/packet_decoder.hpp"
#include "probes/probe_config.hpp"

namespace portsweep {

class TcpSynProbe {
 public:
  static constexpr size_t kFrameSize = 58;  // 14 Ethernet + 20 IPv4 + 24 TCP
  static constexpr size_t kRstFrameSize = 54;

  // Offsets of the patched fields in the frame.
  static constexpr size_t kIpOff = 14;
  static constexpr size_t kTcpOff = 34;

  explicit TcpSynProbe(const ProbeConfig& config) noexcept;

  // Writes the SYN for (dst_ip, dst_port) (host byte order) into `out`
  // (>= kFrameSize bytes) and returns its length. The source port cycles
  // through the configured range; seq and IP id come from the cookie. Not
  // thread-safe (the port cursor): one TcpSynProbe per TX thread.
  size_t write(uint8_t* out, uint32_t dst_ip, uint16_t dst_port) noexcept {
    const uint16_t sport = static_cast<uint16_t>(config_.src_ports.base + port_cursor_);
    if (++port_cursor_ == config_.src_ports.count) port_cursor_ = 0;
    const uint64_t h = cookie_.hash(config_.src_ip, dst_ip, sport, dst_port);
    write_fields(out, dst_ip, sport, dst_port, SynCookie::seq_of(h), SynCookie::ip_id_of(h));
    return kFrameSize;
  }

  // The template with the given per-probe fields patched in.
  void write_fields(uint8_t* out, uint32_t dst_ip, uint16_t src_port, uint16_t dst_port, uint32_t seq,
                    uint16_t ip_id) const noexcept;

  // A RST answering a SYN-ACK (`reply`, already validated): same 4-tuple as
  // our SYN, seq = the reply's ack, so the target tears down its half-open
  // connection at once instead of retransmitting. Returns kRstFrameSize.
  size_t write_rst(uint8_t* out, const DecodedPacket& reply) const noexcept;

  const ProbeConfig& config() const noexcept { return config_; }
  const SynCookie& cookie() const noexcept { return cookie_; }
  const std::array<uint8_t, kFrameSize>& frame_template() const noexcept { return template_; }

 private:
  ProbeConfig config_;
  SynCookie cookie_;
  std::array<uint8_t, kFrameSize> template_{};
  uint64_t ip_sum_ = 0;   // one's complement sum of the template's IP header
  uint64_t tcp_sum_ = 0;  // ... of its TCP pseudo-header and segment
  uint32_t port_cursor_ = 0;
};

}  // namespace portsweep
