#include "packet/packet_decoder.hpp"

#include <algorithm>
#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"

namespace portsweep {

namespace {

using namespace wire;

bool is_icmp_error(uint8_t type) noexcept {
  switch (static_cast<IcmpType>(type)) {
    case IcmpType::DestUnreachable:
    case IcmpType::SourceQuench:
    case IcmpType::Redirect:
    case IcmpType::TimeExceeded:
    case IcmpType::ParameterProblem:
      return true;
    default:
      return false;
  }
}

// The quote: an IP header (with its own options) plus up to 8 L4 bytes (RFC
// 792 asks for 8; a probe that was a bare IP header has none to quote). Its
// total-length field describes the original datagram, not the quote, so it
// is not checked against what is here.
bool decode_quote(const uint8_t* p, size_t len, QuotedDatagram& q) noexcept {
  if (len < kIpv4MinHeader || (p[0] >> 4) != 4) return false;
  const size_t ihl = size_t{p[0] & 0x0fu} * 4;
  if (ihl < kIpv4MinHeader || ihl > len) return false;
  if ((load_be16(p + 6) & 0x1fff) != 0) return false;  // a later fragment has no L4 header
  q.src_ip6 = nullptr;
  q.dst_ip6 = nullptr;
  q.proto = p[9];
  q.ip_id = load_be16(p + 4);
  q.src_ip = load_be32(p + 12);
  q.dst_ip = load_be32(p + 16);
  const size_t l4 = std::min<size_t>(len - ihl, load_be16(p + 2) > ihl ? load_be16(p + 2) - ihl : 0);
  q.l4_len = static_cast<uint8_t>(std::min<size_t>(l4, 8));
  q.src_port = q.l4_len >= 4 ? load_be16(p + ihl) : 0;
  q.dst_port = q.l4_len >= 4 ? load_be16(p + ihl + 2) : 0;
  q.seq = q.l4_len >= 8 ? load_be32(p + ihl + 4) : 0;
  return true;
}

// Checks the TCP or UDP checksum of the n-byte segment at l4, whose field
// sits at l4 + field, given its pseudo-header's raw sum; false when it is
// wrong. A field holding exactly the
// pseudo-header sum (folded, not complemented) is how the kernel leaves it
// for checksum offload, and how a capture on the sending host sees it:
// Offloaded, not wrong.
bool check_tcp_udp(uint64_t pseudo, const uint8_t* l4, size_t n, size_t field, L4Checksum& out) noexcept {
  if (ones_sum_verifies(ones_sum_raw(l4, n, pseudo))) {
    out = L4Checksum::Verified;
    return true;
  }
  uint16_t raw;
  std::memcpy(&raw, l4 + field, 2);
  out = L4Checksum::Offloaded;
  return raw == ones_fold(pseudo);
}

// The TCP header's fields once its checksum is settled; `l4_len` bytes were
// captured (within the IP length).
inline DecodeStatus read_tcp(const uint8_t* l4, size_t l4_len, DecodedPacket& out) noexcept {
  const size_t doff = size_t{l4[12]} >> 4 << 2;
  if (doff < kTcpMinHeader || doff > l4_len) return DecodeStatus::Malformed;
  out.src_port = load_be16(l4);
  out.dst_port = load_be16(l4 + 2);
  out.seq = load_be32(l4 + 4);
  out.ack = load_be32(l4 + 8);
  out.tcp_header_len = static_cast<uint8_t>(doff);
  out.tcp_flags = l4[13];
  out.window = load_be16(l4 + 14);
  out.payload = l4 + doff;
  out.payload_len = static_cast<uint16_t>(l4_len - doff);
  return DecodeStatus::Ok;
}

inline void read_udp(const uint8_t* l4, size_t l4_len, size_t udp_len, DecodedPacket& out) noexcept {
  out.src_port = load_be16(l4);
  out.dst_port = load_be16(l4 + 2);
  out.payload = l4 + kUdpHeader;
  out.payload_len = static_cast<uint16_t>(std::min(udp_len, l4_len) - kUdpHeader);
}

DecodeStatus parse_ipv4(const uint8_t* p, size_t len, DecodedPacket& out, DecodeOptions opt) noexcept {
  if (len < kIpv4MinHeader || (p[0] >> 4) != 4) return DecodeStatus::Malformed;
  const size_t ihl = size_t{p[0] & 0x0fu} * 4;
  const size_t total = load_be16(p + 2);
  if (ihl < kIpv4MinHeader || total < ihl || ihl > len) return DecodeStatus::Malformed;
  // The header's checksum before anything else it says is believed: damage
  // to it reads as damage, whatever else it broke.
  if (opt.verify_checksums && !ones_sum_verifies(ones_sum_raw(p, ihl))) return DecodeStatus::BadChecksum;
  // A capture cut short still holds the headers a classifier reads; each
  // header below is checked against what was captured. A datagram that was
  // shorter on the wire than its total length says is broken, not cut.
  out.truncated = total > len;
  if (out.truncated && opt.wire_len != 0 && total > opt.wire_len) return DecodeStatus::Malformed;
  const size_t have = out.truncated ? len : total;
  // Fragments: a reply to a 44-byte probe is never legitimately fragmented;
  // the first fragment's L4 header could be read, but reassembly is not
  // worth it for a scanner and a later fragment has no L4 header at all.
  if ((load_be16(p + 6) & 0x3fff) != 0) return DecodeStatus::Malformed;

  out.l3 = p;
  out.ip_version = 4;
  out.src_ip6 = nullptr;
  out.dst_ip6 = nullptr;
  out.ip_id = load_be16(p + 4);
  out.ttl = p[8];
  out.ip_proto = p[9];
  out.src_ip = load_be32(p + 12);
  out.dst_ip = load_be32(p + 16);
  out.has_quote = false;
  out.l4_checksum = L4Checksum::Absent;

  const uint8_t* l4 = p + ihl;
  const size_t l4_len = have - ihl;  // the IP total length (or the capture) bounds everything below
  const size_t l4_total = total - ihl;

  switch (out.ip_proto) {
    case kIpProtoTcp: {
      if (l4_len < kTcpMinHeader) return DecodeStatus::Malformed;
      if (!opt.verify_checksums) {
        out.l4_checksum = L4Checksum::Absent;
      } else if (out.truncated) {
        out.l4_checksum = L4Checksum::CutShort;
      } else if (!check_tcp_udp(pseudo_header_sum_raw(p, kIpProtoTcp, static_cast<uint16_t>(l4_total)), l4, l4_total, 16,
                                out.l4_checksum)) {
        return DecodeStatus::BadChecksum;
      }
      return read_tcp(l4, l4_len, out);
    }
    case kIpProtoUdp: {
      if (l4_len < kUdpHeader) return DecodeStatus::Malformed;
      const size_t udp_len = load_be16(l4 + 4);
      if (udp_len < kUdpHeader || udp_len > l4_total) return DecodeStatus::Malformed;
      // The checksum covers the UDP length, which may stop short of the IP's.
      if (!opt.verify_checksums || load_be16(l4 + 6) == 0) {
        out.l4_checksum = L4Checksum::Absent;
      } else if (udp_len > l4_len) {
        out.l4_checksum = L4Checksum::CutShort;
      } else if (!check_tcp_udp(pseudo_header_sum_raw(p, kIpProtoUdp, static_cast<uint16_t>(udp_len)), l4, udp_len, 6,
                                out.l4_checksum)) {
        return DecodeStatus::BadChecksum;
      }
      read_udp(l4, l4_len, udp_len, out);
      return DecodeStatus::Ok;
    }
    case kIpProtoIcmp: {
      if (l4_len < kIcmpHeader) return DecodeStatus::Malformed;
      // ICMP has no pseudo-header and no offload: the kernel sums it itself.
      if (!opt.verify_checksums) {
        out.l4_checksum = L4Checksum::Absent;
      } else if (out.truncated) {
        out.l4_checksum = L4Checksum::CutShort;
      } else if (ones_sum_verifies(ones_sum_raw(l4, l4_total))) {
        out.l4_checksum = L4Checksum::Verified;
      } else {
        return DecodeStatus::BadChecksum;
      }
      out.icmp_type = l4[0];
      out.icmp_code = l4[1];
      out.icmp_id = load_be16(l4 + 4);
      out.icmp_seq = load_be16(l4 + 6);
      out.payload = l4 + kIcmpHeader;
      out.payload_len = static_cast<uint16_t>(l4_len - kIcmpHeader);
      if (is_icmp_error(out.icmp_type)) {
        if (!decode_quote(out.payload, out.payload_len, out.quote)) return DecodeStatus::Malformed;
        out.has_quote = true;
      }
      return DecodeStatus::Ok;
    }
    default:
      // Another protocol (-sO probes any of them): the IP fields are all a
      // classifier reads.
      out.payload = l4;
      out.payload_len = static_cast<uint16_t>(l4_len);
      return DecodeStatus::Ok;
  }
}


// --- IPv6 -------------------------------------------------------------------

// Walks the extension headers that say nothing a scanner needs (hop-by-hop
// options, routing, destination options; RFC 8200 §4) from `off`, within
// the first `end` bytes at p. On return `nh` is the first header not walked
// past and `off` where it starts; false when an extension header does not
// fit. A quote may also walk past the fragment header of a first fragment
// (offset 0: the upper-layer header follows it), as an IPv4 quote may be a
// first fragment; a received packet's fragment header is left to the caller.
bool walk_ipv6_extensions(const uint8_t* p, size_t end, uint8_t& nh, size_t& off, bool quote) noexcept {
  for (;;) {
    size_t n;
    if (nh == kIp6HopByHop || nh == kIp6Routing || nh == kIp6DestOptions) {
      if (end - off < 8) return false;
      n = (size_t{p[off + 1]} + 1) * 8;
    } else if (nh == kIp6Fragment && quote) {
      if (end - off < 8 || (load_be16(p + off + 2) & 0xfff8) != 0) return false;  // a later fragment has no L4 header
      n = 8;
    } else {
      return true;
    }
    if (end - off < n) return false;
    nh = p[off];
    off += n;
  }
}

// ICMPv6 errors (RFC 4443 §2.1: types below 128) that quote the invoking
// packet: destination unreachable, packet too big, time exceeded, parameter
// problem.
bool is_icmp6_error(uint8_t type) noexcept { return type >= 1 && type <= 4; }

// The quote of an ICMPv6 error: the invoking packet's fixed header, its
// extension headers, then as much of the rest as fit in the error (RFC 4443
// fills it up to the minimum MTU). Its payload length describes the
// original, so it bounds the quote but is not checked against it.
bool decode_quote6(const uint8_t* p, size_t len, QuotedDatagram& q) noexcept {
  if (len < kIpv6Header || (p[0] >> 4) != 6) return false;
  const size_t end = std::min(len, kIpv6Header + load_be16(p + 4));
  uint8_t nh = p[6];
  size_t off = kIpv6Header;
  if (!walk_ipv6_extensions(p, end, nh, off, true)) return false;
  q.src_ip = 0;
  q.dst_ip = 0;
  q.src_ip6 = p + 8;
  q.dst_ip6 = p + 24;
  q.ip_id = 0;
  q.proto = nh;
  q.l4_len = static_cast<uint8_t>(std::min<size_t>(end - off, 8));
  const uint8_t* l4 = p + off;
  q.src_port = q.l4_len >= 4 ? load_be16(l4) : 0;
  q.dst_port = q.l4_len >= 4 ? load_be16(l4 + 2) : 0;
  q.seq = q.l4_len >= 8 ? load_be32(l4 + 4) : 0;
  return true;
}

// Neighbor Solicitation and Advertisement (RFC 4861 §4.3, §4.4): the target
// address, and the link-layer address option that matters to a resolver —
// the solicitor's source address (type 1) in a solicitation, the target's
// (type 2) in an advertisement. Options are walked within the capture; one
// that claims zero length, or runs past the message, makes it invalid (RFC
// 4861 §4.6 says to drop it). Hop limit 255 (off-link forgery) is the
// resolver's to check: ttl holds it.
DecodeStatus read_neighbor_discovery(const uint8_t* l4, size_t l4_len, size_t l4_total, DecodedPacket& out) noexcept {
  constexpr size_t kNdHeader = 24;  // type, code, checksum, flags/reserved, target
  if (l4_len < kNdHeader) return DecodeStatus::Malformed;
  out.nd_target = l4 + 8;
  const uint8_t wanted = out.icmp_type == static_cast<uint8_t>(Icmp6Type::NeighborSolicitation) ? 1 : 2;
  for (size_t o = kNdHeader; l4_len - o >= 2;) {
    const size_t n = size_t{l4[o + 1]} * 8;
    if (n == 0 || n > l4_total - o) return DecodeStatus::Malformed;
    if (n > l4_len - o) break;  // cut by the capture
    if (l4[o] == wanted) {
      out.nd_mac = l4 + o + 2;  // 6 bytes on Ethernet; the option is 8
      break;
    }
    o += n;
  }
  return DecodeStatus::Ok;
}

DecodeStatus parse_ipv6(const uint8_t* p, size_t len, DecodedPacket& out, DecodeOptions opt) noexcept {
  if (len < kIpv6Header || (p[0] >> 4) != 6) return DecodeStatus::Malformed;
  // No header checksum in IPv6: the upper layer's covers the addresses.
  // Payload length bounds it as IPv4's total length does; a jumbogram's 0
  // leaves no room for its hop-by-hop header and so reads as malformed.
  const size_t total = kIpv6Header + load_be16(p + 4);
  out.truncated = total > len;
  if (out.truncated && opt.wire_len != 0 && total > opt.wire_len) return DecodeStatus::Malformed;
  const size_t have = out.truncated ? len : total;
  uint8_t nh = p[6];
  size_t off = kIpv6Header;
  if (!walk_ipv6_extensions(p, have, nh, off, false)) return DecodeStatus::Malformed;
  if (nh == kIp6Fragment) return DecodeStatus::Malformed;  // as IPv4 fragments are

  out.l3 = p;
  out.ip_version = 6;
  out.src_ip = 0;
  out.dst_ip = 0;
  out.src_ip6 = p + 8;
  out.dst_ip6 = p + 24;
  out.ip_id = 0;
  out.ttl = p[7];
  out.ip_proto = nh;
  out.has_quote = false;
  out.nd_target = nullptr;
  out.nd_mac = nullptr;
  out.l4_checksum = L4Checksum::Absent;

  const uint8_t* l4 = p + off;
  const size_t l4_len = have - off;
  const size_t l4_total = total - off;
  const uint8_t* src = p + 8;
  const uint8_t* dst = p + 24;

  switch (nh) {
    case kIpProtoTcp: {
      if (l4_len < kTcpMinHeader) return DecodeStatus::Malformed;
      if (!opt.verify_checksums) {
        out.l4_checksum = L4Checksum::Absent;
      } else if (out.truncated) {
        out.l4_checksum = L4Checksum::CutShort;
      } else if (!check_tcp_udp(ipv6_pseudo_sum_raw(src, dst, static_cast<uint32_t>(l4_total), kIpProtoTcp), l4,
                                l4_total, 16, out.l4_checksum)) {
        return DecodeStatus::BadChecksum;
      }
      return read_tcp(l4, l4_len, out);
    }
    case kIpProtoUdp: {
      if (l4_len < kUdpHeader) return DecodeStatus::Malformed;
      const size_t udp_len = load_be16(l4 + 4);
      if (udp_len < kUdpHeader || udp_len > l4_total) return DecodeStatus::Malformed;
      if (!opt.verify_checksums) {
        out.l4_checksum = L4Checksum::Absent;
      } else if (load_be16(l4 + 6) == 0) {
        return DecodeStatus::BadChecksum;  // RFC 8200 §8.1: over IPv6 the UDP checksum is not optional
      } else if (udp_len > l4_len) {
        out.l4_checksum = L4Checksum::CutShort;
      } else if (!check_tcp_udp(ipv6_pseudo_sum_raw(src, dst, static_cast<uint32_t>(udp_len), kIpProtoUdp), l4,
                                udp_len, 6, out.l4_checksum)) {
        return DecodeStatus::BadChecksum;
      }
      read_udp(l4, l4_len, udp_len, out);
      return DecodeStatus::Ok;
    }
    case kIpProtoIcmp6: {
      if (l4_len < kIcmpHeader) return DecodeStatus::Malformed;
      // Unlike ICMPv4, the sum covers the pseudo-header (RFC 4443 §2.3).
      // Every ICMPv6 sender computes it in software, so no Offloaded case.
      if (!opt.verify_checksums) {
        out.l4_checksum = L4Checksum::Absent;
      } else if (out.truncated) {
        out.l4_checksum = L4Checksum::CutShort;
      } else if (ones_sum_verifies(ones_sum_raw(
                     l4, l4_total, ipv6_pseudo_sum_raw(src, dst, static_cast<uint32_t>(l4_total), kIpProtoIcmp6)))) {
        out.l4_checksum = L4Checksum::Verified;
      } else {
        return DecodeStatus::BadChecksum;
      }
      out.icmp_type = l4[0];
      out.icmp_code = l4[1];
      out.icmp_id = load_be16(l4 + 4);  // echo messages; a packet-too-big's MTU is these 4 bytes
      out.icmp_seq = load_be16(l4 + 6);
      out.payload = l4 + kIcmpHeader;
      out.payload_len = static_cast<uint16_t>(l4_len - kIcmpHeader);
      if (is_icmp6_error(out.icmp_type)) {
        if (!decode_quote6(out.payload, out.payload_len, out.quote)) return DecodeStatus::Malformed;
        out.has_quote = true;
      } else if (out.icmp_type == static_cast<uint8_t>(Icmp6Type::NeighborSolicitation) ||
                 out.icmp_type == static_cast<uint8_t>(Icmp6Type::NeighborAdvertisement)) {
        return read_neighbor_discovery(l4, l4_len, l4_total, out);
      }
      return DecodeStatus::Ok;
    }
    default:
      // No next header (59), an extension header not walked, another
      // protocol (-sO): the IP fields are all a classifier reads.
      out.payload = l4;
      out.payload_len = static_cast<uint16_t>(l4_len);
      return DecodeStatus::Ok;
  }
}

}  // namespace

DecodeStatus decode_ipv4(const uint8_t* datagram, size_t len, DecodedPacket& out, DecodeOptions options) noexcept {
  // A reused DecodedPacket must not keep link fields from an earlier frame.
  out.src_mac = nullptr;
  out.vlan_id = 0;
  return parse_ipv4(datagram, len, out, options);
}

DecodeStatus decode_ipv6(const uint8_t* datagram, size_t len, DecodedPacket& out, DecodeOptions options) noexcept {
  out.src_mac = nullptr;
  out.vlan_id = 0;
  return parse_ipv6(datagram, len, out, options);
}

DecodeStatus decode_ethernet(const uint8_t* frame, size_t len, DecodedPacket& out, DecodeOptions options) noexcept {
  if (len < kEthHeader) return DecodeStatus::Malformed;
  size_t off = 12;
  uint16_t type = load_be16(frame + off);
  out.vlan_id = 0;
  // Up to two tags (802.1ad outer + 802.1Q inner); the innermost VID wins.
  for (int tags = 0; tags < 2 && (type == kEtherTypeVlan || type == kEtherTypeQinQ); ++tags) {
    if (len < off + 2 + kVlanTag) return DecodeStatus::Malformed;
    out.vlan_id = load_be16(frame + off + 2) & 0x0fff;
    off += kVlanTag;
    type = load_be16(frame + off);
  }
  const bool v6 = type == kEtherTypeIpv6;
  if (type != kEtherTypeIpv4 && !v6) return DecodeStatus::Malformed;
  out.src_mac = frame + 6;
  off += 2;
  if (options.wire_len != 0) options.wire_len = options.wire_len > off ? options.wire_len - off : 1;
  if (v6) return parse_ipv6(frame + off, len - off, out, options);
  return parse_ipv4(frame + off, len - off, out, options);
}

}  // namespace portsweep
