#pragma once
// Stateless probe cookies: the scanner remembers nothing about the probes it
// sent; a reply proves it answers one of them by echoing a value only the
// holder of the per-scan key could compute from the reply's own addresses.
//
// Design note: the cookie is SipHash-2-4 of a 12-byte message
//   dst_ip (LE32) | src_ip (LE32) | dst_port (LE16) | src_port (LE16)
// (probe direction, host-order values) under a random 128-bit key. SipHash
// rather than a plain hash because the key must stay secret even to a target
// that sees many cookies, or it could forge "open" replies for other hosts.
// On a 12-byte message it costs ~6-10 ns, inside the per-probe budget
// (bench/probes measures it). One hash per probe serves every field:
//
//   TCP  the low 32 bits go in the sequence number, and in the ack number
//        when the probe has ACK set; bits 32-47 become the IP id. A reply
//        echoes one of them (RFC 793 §3.4): a RST answering a segment with
//        ACK takes seq = that ack; any other answer acknowledges
//        seq + SYN + FIN. ICMP errors quote the probe, seq included.
//   UDP and IP-protocol probes have no sequence number, so their hash (under
//        a second key, without the source port) picks the source port from
//        the configured range and fills the IP id: a UDP reply must come back
//        to that port, an ICMP error must quote both.
//
// IPv6 (hash6, flow_hash6): the same uses of the same hash, over the whole
// addresses — a 36-byte message src (16) | dst (16) | src_port (LE16) |
// dst_port (LE16), or for the flow hash src | dst | dst_port (LE16) | proto,
// 35 bytes. The addresses go in whole, not folded to 32 bits first: any
// keyless fold would let a target that knows it pick a second address with
// the same fold, and a weak keyed one would leak the key. IPv6 has no IP id
// in its fixed header, so ip_id_of and flow_ip_id_of are unused there and a
// UDP or protocol probe's quote is checked by its source port alone.
// Cost: 5 SipHash compressions instead of 2: ~19 ns against ~9.7 ns for
// the IPv4 hash in the same run on a loaded 2-core machine (bench/probes:
// BM_CookieHash6, BM_CookieHash), one hash per probe and per reply checked.
#include <cstdint>

#include "packet/siphash.hpp"

namespace portsweep {

using CookieKey = SipKey;

// A fresh 128-bit key from the OS random source (getrandom); one per scan.
CookieKey random_cookie_key();

// The key of one stage of a scan (host discovery, say), derived from the
// scan's: replies to one stage's probes fail every other stage's cookie
// check, so two stages can listen at once without taking each other's
// replies (a SYN-ACK to -PS443 is not -sS's answer for port 443).
inline CookieKey stage_cookie_key(const CookieKey& scan_key, uint32_t stage) noexcept {
  return {siphash_12<2, 4>(scan_key, 0x73746167655f6b30ull, stage), siphash_12<2, 4>(scan_key, 0x73746167655f6b31ull, stage)};
}

// The source ports probes go out from: [base, base + count), count in
// [1, 65536]; the range may not wrap past 65535.
struct SourcePorts {
  uint16_t base = 40000;
  uint32_t count = 1;
  bool contains(uint16_t port) const noexcept { return static_cast<uint16_t>(port - base) < count; }
};

class ProbeCookie {
 public:
  ProbeCookie() = default;
  explicit ProbeCookie(const CookieKey& key) noexcept
      : key_(key), flow_key_{key.k0, key.k1 ^ 0x5544502d636f6f6bull} {}

  const CookieKey& key() const noexcept { return key_; }

  // TCP: all addresses and ports in host byte order, probe direction.
  uint64_t hash(uint32_t src_ip, uint32_t dst_ip, uint16_t src_port, uint16_t dst_port) const noexcept {
    return siphash_12<2, 4>(key_, (uint64_t{src_ip} << 32) | dst_ip, (uint32_t{src_port} << 16) | dst_port);
  }

  static uint32_t seq_of(uint64_t hash) noexcept { return static_cast<uint32_t>(hash); }
  static uint16_t ip_id_of(uint64_t hash) noexcept { return static_cast<uint16_t>(hash >> 32); }

  uint32_t seq(uint32_t src_ip, uint32_t dst_ip, uint16_t src_port, uint16_t dst_port) const noexcept {
    return seq_of(hash(src_ip, dst_ip, src_port, dst_port));
  }

  // Reply direction: the reply's source is the probe's destination. A
  // SYN-ACK or RST-ACK answering our SYN carries ack = seq + 1.
  bool ack_matches(uint32_t reply_src_ip, uint32_t reply_dst_ip, uint16_t reply_src_port,
                   uint16_t reply_dst_port, uint32_t ack) const noexcept {
    return ack - 1 == seq(reply_dst_ip, reply_src_ip, reply_dst_port, reply_src_port);
  }

  // UDP and IP-protocol probes: a hash of (src, dst, protocol, dst port) —
  // for -sO the "port" is the protocol number and `proto` is 0.
  uint64_t flow_hash(uint32_t src_ip, uint32_t dst_ip, uint8_t proto, uint16_t dst_port) const noexcept {
    return siphash_12<2, 4>(flow_key_, (uint64_t{src_ip} << 32) | dst_ip, (uint32_t{proto} << 16) | dst_port);
  }
  // Multiply-shift maps 32 hashed bits onto [0, count) without a divide.
  static uint16_t source_port_of(uint64_t flow, SourcePorts ports) noexcept {
    return static_cast<uint16_t>(ports.base + ((uint64_t{static_cast<uint32_t>(flow)} * ports.count) >> 32));
  }
  static uint16_t flow_ip_id_of(uint64_t flow) noexcept { return static_cast<uint16_t>(flow >> 32); }
  static uint16_t flow_tag_of(uint64_t flow) noexcept { return static_cast<uint16_t>(flow >> 48); }

  uint16_t udp_source_port(uint32_t src_ip, uint32_t dst_ip, uint16_t dst_port, SourcePorts ports) const noexcept {
    return source_port_of(flow_hash(src_ip, dst_ip, 17, dst_port), ports);
  }

  // IPv6: addresses are 16 bytes in network order, ports host order, probe
  // direction; the result is used as hash()'s is (seq_of).
  uint64_t hash6(const uint8_t* src16, const uint8_t* dst16, uint16_t src_port, uint16_t dst_port) const noexcept {
    uint64_t w[4];
    load_addresses(src16, dst16, w);
    return siphash_words<2, 4>(key_, w, (uint64_t{dst_port} << 16) | src_port, 4);
  }

  uint32_t seq6(const uint8_t* src16, const uint8_t* dst16, uint16_t src_port, uint16_t dst_port) const noexcept {
    return seq_of(hash6(src16, dst16, src_port, dst_port));
  }

  // Reply direction, as ack_matches.
  bool ack_matches6(const uint8_t* reply_src16, const uint8_t* reply_dst16, uint16_t reply_src_port,
                    uint16_t reply_dst_port, uint32_t ack) const noexcept {
    return ack - 1 == seq6(reply_dst16, reply_src16, reply_dst_port, reply_src_port);
  }

  uint64_t flow_hash6(const uint8_t* src16, const uint8_t* dst16, uint8_t proto, uint16_t dst_port) const noexcept {
    uint64_t w[4];
    load_addresses(src16, dst16, w);
    return siphash_words<2, 4>(flow_key_, w, (uint64_t{proto} << 16) | dst_port, 3);
  }

  uint16_t udp_source_port6(const uint8_t* src16, const uint8_t* dst16, uint16_t dst_port,
                            SourcePorts ports) const noexcept {
    return source_port_of(flow_hash6(src16, dst16, 17, dst_port), ports);
  }

 private:
  // The 32 address bytes as SipHash reads them: little-endian words.
  static void load_addresses(const uint8_t* src16, const uint8_t* dst16, uint64_t (&w)[4]) noexcept {
    w[0] = sip_detail::load_le64(src16);
    w[1] = sip_detail::load_le64(src16 + 8);
    w[2] = sip_detail::load_le64(dst16);
    w[3] = sip_detail::load_le64(dst16 + 8);
  }

  CookieKey key_{};
  SipKey flow_key_{};
};

}  // namespace portsweep
