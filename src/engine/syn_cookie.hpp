#pragma once
// Stateless probe cookies: the scanner remembers nothing about the probes it
// sent; a reply proves it answers one of them by echoing a value only the
// holder of the per-scan key could compute from the reply's own 4-tuple.
//
// Design note: the cookie is SipHash-2-4 of the 12-byte message
//   dst_ip (LE32) | src_ip (LE32) | dst_port (LE16) | src_port (LE16)
// (probe direction, host-order values) under a random 128-bit key. SipHash
// rather than a plain hash because the key must stay secret even to a target
// that sees many cookies, or it could forge "open" replies for other hosts.
// 2-4 rather than 1-3: it is the reference variant with published vectors and
// the fuller security margin, and on a 12-byte message it costs ~6-10 ns, inside
// the per-probe budget (bench_probe measures both). The low 32 bits become the
// TCP sequence number, bits 32-47 the IP id; so one hash per probe serves both.
//
// A SYN is answered with ack = seq + 1 (SYN-ACK, and RST-ACK from a closed
// port), so a reply is ours iff ack - 1 == cookie(reversed 4-tuple). ICMP
// errors quote our SYN, whose seq must equal the cookie.
//
// UDP has no sequence number: the cookie becomes the source port, drawn from
// a range as base + hash mod count (the reply's destination port must match).
#include <cstdint>

#include "engine/siphash.hpp"

namespace portsweep {

using CookieKey = SipKey;

// A fresh key from the OS random source; one per scan.
CookieKey random_cookie_key();

class SynCookie {
 public:
  SynCookie() = default;
  explicit SynCookie(const CookieKey& key) noexcept
      : key_(key), udp_key_{key.k0, key.k1 ^ 0x5544502d636f6f6bull} {}

  const CookieKey& key() const noexcept { return key_; }

  // All addresses and ports in host byte order, probe direction.
  uint64_t hash(uint32_t src_ip, uint32_t dst_ip, uint16_t src_port, uint16_t dst_port) const noexcept {
    return siphash_12<2, 4>(key_, (uint64_t{src_ip} << 32) | dst_ip, (uint32_t{src_port} << 16) | dst_port);
  }

  static uint32_t seq_of(uint64_t hash) noexcept { return static_cast<uint32_t>(hash); }
  static uint16_t ip_id_of(uint64_t hash) noexcept { return static_cast<uint16_t>(hash >> 32); }

  uint32_t seq(uint32_t src_ip, uint32_t dst_ip, uint16_t src_port, uint16_t dst_port) const noexcept {
    return seq_of(hash(src_ip, dst_ip, src_port, dst_port));
  }

  // Reply direction: the reply's source is the probe's destination.
  // A SYN-ACK or RST-ACK answering our SYN carries ack = seq + 1.
  bool ack_matches(uint32_t reply_src_ip, uint32_t reply_dst_ip, uint16_t reply_src_port,
                   uint16_t reply_dst_port, uint32_t ack) const noexcept {
    return ack - 1 == seq(reply_dst_ip, reply_src_ip, reply_dst_port, reply_src_port);
  }

  // Source port for a UDP probe: base + (keyed hash mod count), count >= 1.
  // Multiply-shift maps the 32-bit hash onto [0, count) without a divide.
  uint16_t udp_source_port(uint32_t src_ip, uint32_t dst_ip, uint16_t dst_port, uint16_t base,
                           uint32_t count) const noexcept {
    const auto h = static_cast<uint32_t>(siphash_12<2, 4>(udp_key_, (uint64_t{src_ip} << 32) | dst_ip, dst_port));
    return static_cast<uint16_t>(base + ((uint64_t{h} * count) >> 32));
  }

  bool udp_reply_matches(uint32_t reply_src_ip, uint32_t reply_dst_ip, uint16_t reply_src_port,
                         uint16_t reply_dst_port, uint16_t base, uint32_t count) const noexcept {
    return reply_dst_port == udp_source_port(reply_dst_ip, reply_src_ip, reply_src_port, base, count);
  }

 private:
  CookieKey key_{};
  SipKey udp_key_{};
};

}  // namespace portsweep
