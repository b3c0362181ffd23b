#pragma once
// Reply decoder: one pass over a captured frame, bounds-checked at every
// step, into a flat struct the classifiers read. No allocation; the only
// pointers kept point into the caller's buffer. Anything malformed,
// truncated on the wire, fragmented or neither IPv4 nor IPv6 is Malformed:
// a scanner drops what it cannot read, it never guesses.
//
// Checksums are verified: the IPv4 header's always, and the TCP, UDP (when
// the sender filled one in) and ICMP checksum whenever the whole segment was
// captured. A reply damaged in transit — a flipped flag turns a RST into a
// SYN-ACK without touching the cookie — would otherwise be believed. The
// cookie says a reply answers our probe; the checksum says it arrived as
// sent. Frames a NIC verified with receive offload still carry their
// checksums and verify again here. Two cases cannot be checked, and the
// decoded packet says which (L4Checksum) so the engine can count them: a
// capture cut short by the snaplen, and a segment whose checksum field holds
// only the pseudo-header sum — a sender on this host left it to checksum
// offload (the kernel's CHECKSUM_PARTIAL, seen on loopback and on veths with
// offload on; the packet socket under libpcap does not say so per frame).
// Damage that happens to leave exactly that value is as unlikely as damage
// that leaves a correct checksum (1 in 65536 of random damage).
//
// IPv6 (RFC 8200) has no header checksum; its upper layers' sums cover the
// addresses through the IPv6 pseudo-header, ICMPv6's too, and a UDP sum of
// zero is invalid there. Extension headers a reply may carry (hop-by-hop,
// routing, destination options) are walked past; a fragment header is
// refused as IPv4 fragments are; any other next header ends the walk and is
// the packet's ip_proto. ICMPv6 errors quote the invoking packet as ICMPv4
// errors do (its own extension headers walked too), and Neighbor
// Solicitations and Advertisements expose their target and link-layer
// address for the NDP resolver.
//
// Cost (BM_DecodeOnly over a mix of SYN-ACKs, RSTs and ICMP errors): ~9.4 ns
// per frame without verification, most of it the dependent chain of
// header-length reads, ~14.6 ns with it; the sums take the bytes as they lie,
// 8 at a time, with no byte swaps (packet/checksum.hpp). IPv6
// (BM_DecodeOnly6, the same mix as IPv6 frames) costs the same as IPv4 in
// the same run (there: ~27 ns verified, ~21 ns not, IPv4 ~28 and ~22 ns, on
// a 2-core machine loaded ~7x, i.e. about double the figures above): no
// header checksum to make up for the 32 address bytes the pseudo-header
// sums (4 loads). The IPv4 path only gained the IPv6 ethertype test and
// three stores (ip_version and the null IPv6 addresses): unchanged within
// noise (BM_DecodeOnly before/after, same run: 27.5-28.4 vs 27.1-28.8 ns).
#include <cstddef>
#include <cstdint>

namespace portsweep {

// The datagram quoted inside an ICMP error: its IP header and first 8 L4
// bytes, i.e. what we sent.
struct QuotedDatagram {
  uint32_t src_ip = 0;  // host byte order (IPv4)
  uint32_t dst_ip = 0;
  // An ICMPv6 error quotes an IPv6 packet: its addresses, 16 bytes each in
  // the caller's buffer (null for an IPv4 quote).
  const uint8_t* src_ip6 = nullptr;
  const uint8_t* dst_ip6 = nullptr;
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

// ICMPv6 message types (RFC 4443, RFC 4861).
enum class Icmp6Type : uint8_t {
  DestUnreachable = 1,
  PacketTooBig = 2,
  TimeExceeded = 3,
  ParameterProblem = 4,
  EchoRequest = 128,
  EchoReply = 129,
  NeighborSolicitation = 135,
  NeighborAdvertisement = 136,
};

// How a decode went. Only Ok leaves every field of the DecodedPacket valid.
enum class DecodeStatus : uint8_t {
  Ok,
  Malformed,    // neither IPv4 nor IPv6, shorter on the wire than its headers say, fragmented, a header that does not fit
  BadChecksum,  // readable, but the IP header's or the L4 checksum is wrong (or a UDP one absent over IPv6)
};

// What became of the L4 checksum of a frame that decoded.
enum class L4Checksum : uint8_t {
  Verified,   // checked here, and right
  Absent,     // nothing to check: UDP sent without one (0), or a protocol other than TCP, UDP and ICMP
  CutShort,   // the capture ended before the segment did (the snaplen): not checkable
  Offloaded,  // the field holds only the pseudo-header sum (a local sender's checksum offload): not checkable
};

struct DecodeOptions {
  // Length of the frame (or datagram) on the wire, before the capture cut it
  // to `len`; 0 when unknown, and then a datagram longer than the capture is
  // taken to be cut by it. When known, a datagram whose IP total length runs
  // past the wire length is Malformed, not cut short.
  size_t wire_len = 0;
  // Off only where the bytes are known to be right already (tests,
  // benchmarks); the engine always verifies.
  bool verify_checksums = true;
};

struct DecodedPacket {
  // Link layer (Ethernet only).
  const uint8_t* src_mac = nullptr;  // 6 bytes into the frame; null for raw IP
  uint16_t vlan_id = 0;              // innermost 802.1Q VID, 0 if untagged

  // IP. ip_version says which of the address pairs holds: IPv4's as host
  // order numbers, IPv6's as 16 bytes in the caller's buffer. For IPv6,
  // ttl is the hop limit, ip_proto the upper-layer header after any
  // extension headers (58 for ICMPv6), and ip_id 0.
  const uint8_t* l3 = nullptr;  // the IP header, in the caller's buffer (the passive OS hint reads it whole)
  uint8_t ip_version = 4;
  uint32_t src_ip = 0;  // host byte order
  uint32_t dst_ip = 0;
  const uint8_t* src_ip6 = nullptr;
  const uint8_t* dst_ip6 = nullptr;
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

  // ICMP, or ICMPv6 when ip_version is 6 (its own type numbers, Icmp6Type).
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
  uint16_t icmp_id = 0;   // echo / timestamp messages
  uint16_t icmp_seq = 0;
  bool has_quote = false;  // set for ICMP errors (they always carry one when decodable)
  QuotedDatagram quote{};
  // ICMPv6 Neighbor Solicitation / Advertisement (set only for those, when
  // ip_version is 6): the 16-byte target address, and the 6-byte link-layer
  // address from the source (solicitation) or target (advertisement)
  // link-layer address option, null when the message has none.
  const uint8_t* nd_target = nullptr;
  const uint8_t* nd_mac = nullptr;

  // L4 payload (TCP data, UDP data, ICMP data after the 8-byte header),
  // bounded by the IP total length, never by trailing Ethernet padding, and
  // by what was captured.
  const uint8_t* payload = nullptr;
  uint16_t payload_len = 0;
  bool truncated = false;  // the capture ended before the IP total length
  L4Checksum l4_checksum = L4Checksum::Absent;
};

// Ethernet II frame carrying IPv4 or IPv6, with up to two VLAN tags
// (802.1Q / 802.1ad); `len` bytes were captured.
DecodeStatus decode_ethernet(const uint8_t* frame, size_t len, DecodedPacket& out, DecodeOptions options = {}) noexcept;

// A bare IPv4 datagram (DLT_RAW captures, or after a link header the caller
// stripped itself); options.wire_len is then the datagram's.
DecodeStatus decode_ipv4(const uint8_t* datagram, size_t len, DecodedPacket& out, DecodeOptions options = {}) noexcept;

// A bare IPv6 packet, likewise.
DecodeStatus decode_ipv6(const uint8_t* datagram, size_t len, DecodedPacket& out, DecodeOptions options = {}) noexcept;

}  // namespace portsweep
