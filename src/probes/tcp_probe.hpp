#pragma once
// TCP probe frames for every TCP scan type (-sS -sA -sW -sM -sN -sF -sX,
// --scanflags), built from a template.
//
// Design note: every probe of a scan is the same frame (Ethernet, IPv4 with
// no options, TCP; a SYN carries nmap's MSS option, the other flag
// combinations carry none, as nmap's do) except destination address, source
// and destination ports, sequence and ack numbers, IP id and the two
// checksums. The template holds zeros in the fields that change and
// remembers the one's complement sums of its IP header and of its TCP
// pseudo-header + segment. A zero word adds nothing to such a sum, so a
// probe's checksum is the template's sum plus the new words, folded and
// inverted: RFC 1624's incremental update with 0 as the old value. The
// cookie goes in the sequence number, and also in the ack number when the
// flags have ACK (a RST answering it then echoes it as its seq). Per probe:
// one 54-58 byte copy, ~9 16-bit adds, two folds, seven stores (~3-5 ns),
// plus the cookie hash.
#include <array>
#include <cstddef>
#include <cstdint>

#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "probes/probe_config.hpp"

namespace portsweep {

class TcpProbe {
 public:
  static constexpr size_t kMaxFrameSize = 58;  // 14 Ethernet + 20 IPv4 + 24 TCP (MSS)
  static constexpr size_t kRstFrameSize = 54;
  static constexpr size_t kIpOff = 14;
  static constexpr size_t kTcpOff = 34;

  // `flags`: the TCP flags of every probe (config.tcp_flags, when set, wins).
  explicit TcpProbe(const ProbeConfig& config, uint8_t flags = 0x02) noexcept;

  // Writes the probe for (dst_ip, dst_port) (host byte order) into `out`
  // (>= kMaxFrameSize bytes) and returns its length. The source port cycles
  // through the configured range; seq, ack and IP id come from the cookie.
  // Not thread-safe (the port cursor): one TcpProbe per TX thread.
  size_t write(uint8_t* out, uint32_t dst_ip, uint16_t dst_port) noexcept {
    const uint16_t sport = static_cast<uint16_t>(config_.src_ports.base + port_cursor_);
    if (++port_cursor_ == config_.src_ports.count) port_cursor_ = 0;
    const uint64_t h = cookie_.hash(config_.src_ip, dst_ip, sport, dst_port);
    write_fields(out, dst_ip, sport, dst_port, ProbeCookie::seq_of(h), ProbeCookie::ip_id_of(h));
    return frame_size_;
  }

  // The template with the given per-probe fields patched in (`seq` also
  // goes in the ack field when the flags have ACK).
  void write_fields(uint8_t* out, uint32_t dst_ip, uint16_t src_port, uint16_t dst_port, uint32_t seq,
                    uint16_t ip_id) const noexcept;

  // A RST answering a SYN-ACK (`reply`, already validated as addressed to
  // us): same 4-tuple as our SYN, seq = the reply's ack, so the target tears
  // down its half-open connection at once instead of retransmitting. From
  // its own prebuilt template, checksums patched incrementally like a
  // probe's. Returns kRstFrameSize.
  size_t write_rst(uint8_t* out, const DecodedPacket& reply) const noexcept;

  size_t write_answer(const DecodedPacket& reply, uint8_t* out) const noexcept { return write_rst(out, reply); }

  size_t frame_capacity() const noexcept { return kMaxFrameSize; }
  size_t frame_size() const noexcept { return frame_size_; }
  uint8_t flags() const noexcept { return flags_; }
  const ProbeConfig& config() const noexcept { return config_; }
  const ProbeCookie& cookie() const noexcept { return cookie_; }
  const std::array<uint8_t, kMaxFrameSize>& frame_template() const noexcept { return template_; }

 private:
  ProbeConfig config_;
  ProbeCookie cookie_;
  uint8_t flags_;
  bool ack_carries_cookie_;
  size_t frame_size_;
  std::array<uint8_t, kMaxFrameSize> template_{};
  uint64_t ip_sum_ = 0;   // one's complement sum of the template's IP header
  uint64_t tcp_sum_ = 0;  // ... of its TCP pseudo-header and segment
  std::array<uint8_t, kRstFrameSize> rst_template_{};
  uint64_t rst_ip_sum_ = 0;
  uint64_t rst_tcp_sum_ = 0;
  uint32_t port_cursor_ = 0;
};

}  // namespace portsweep
