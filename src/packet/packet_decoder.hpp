#pragma once
// Reply decoder: one pass over a captured frame, bounds-checked at every
// step, into a flat struct the classifiers read. No allocation; the only
// pointers kept point into the caller's buffer. Anything malformed,
// truncated, fragmented or not IPv4 is "not decodable" (false): a scanner
// drops what it cannot read, it never guesses. ~10 ns per frame measured
// (bench_reply), most of it the dependent chain of header-length reads.
//
// IP and L4 checksums are deliberately not verified: NICs with receive
// offload hand over frames whose checksums were already checked (or are left
// partial), and a reply that matters must carry the secret cookie anyway.
#include <cstddef>
#include <cstdint>

namespace portsweep {

// The datagram quoted inside an ICMP error: its IP header and first 8 L4
// bytes, i.e. what we sent.
struct QuotedDatagram {
  uint32_t src_ip = 0;  // host byte order
  uint32_t dst_ip = 0;
  uint16_t ip_id = 0;
  uint8_t proto = 0;
  uint8_t l4_len = 0;     // L4 bytes quoted, up to 8 (a header-only probe quotes none)
  uint16_t src_port = 0;  // TCP/UDP: L4 bytes 0-1 and 2-3 (0 when not quoted)
  uint16_t dst_port = 0;
  uint32_t seq = 0;       // TCP: sequence number (L4 bytes 4-7); other protocols: those raw bytes
};

enum class IcmpType : uint8_t {
  EchoReply = 0,
  DestUnreachable = 3,
  SourceQuench = 4,
  Redirect = 5,
  Echo = 8,
  TimeExceeded = 11,
  ParameterProblem = 12,
  TimestampReply = 14,
};

struct DecodedPacket {
  // Link layer (Ethernet only).
  const uint8_t* src_mac = nullptr;  // 6 bytes into the frame; null for raw IP
  uint16_t vlan_id = 0;              // innermost 802.1Q VID, 0 if untagged

  // IPv4.
  uint32_t src_ip = 0;  // host byte order
  uint32_t dst_ip = 0;
  uint16_t ip_id = 0;
  uint8_t ttl = 0;
  uint8_t ip_proto = 0;

  // TCP and UDP.
  uint16_t src_port = 0;
  uint16_t dst_port = 0;

  // TCP.
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint16_t window = 0;
  uint8_t tcp_flags = 0;
  uint8_t tcp_header_len = 0;  // data offset * 4, options included

  // ICMP.
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
  uint16_t icmp_id = 0;   // echo / timestamp messages
  uint16_t icmp_seq = 0;
  bool has_quote = false;  // set for ICMP errors (they always carry one when decodable)
  QuotedDatagram quote{};

  // L4 payload (TCP data, UDP data, ICMP data after the 8-byte header),
  // bounded by the IP total length, never by trailing Ethernet padding, and
  // by what was captured.
  const uint8_t* payload = nullptr;
  uint16_t payload_len = 0;
  bool truncated = false;  // the capture ended before the IP total length
};

// Ethernet II frame, with up to two VLAN tags (802.1Q / 802.1ad).
bool decode_ethernet(const uint8_t* frame, size_t len, DecodedPacket& out) noexcept;

// A bare IPv4 datagram (DLT_RAW captures, or after a link header the caller
// stripped itself).
bool decode_ipv4(const uint8_t* datagram, size_t len, DecodedPacket& out) noexcept;

}  // namespace portsweep
