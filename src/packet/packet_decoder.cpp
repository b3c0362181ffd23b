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
// sits at l4 + field; false when it is wrong. A field holding exactly the
// pseudo-header sum (folded, not complemented) is how the kernel leaves it
// for checksum offload, and how a capture on the sending host sees it:
// Offloaded, not wrong.
bool check_tcp_udp(const uint8_t* ip, uint8_t proto, const uint8_t* l4, uint16_t n, size_t field,
                   L4Checksum& out) noexcept {
  const uint64_t pseudo = pseudo_header_sum_raw(ip, proto, n);
  if (ones_sum_verifies(ones_sum_raw(l4, n, pseudo))) {
    out = L4Checksum::Verified;
    return true;
  }
  uint16_t raw;
  std::memcpy(&raw, l4 + field, 2);
  out = L4Checksum::Offloaded;
  return raw == ones_fold(pseudo);
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
      } else if (!check_tcp_udp(p, kIpProtoTcp, l4, static_cast<uint16_t>(l4_total), 16, out.l4_checksum)) {
        return DecodeStatus::BadChecksum;
      }
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
    case kIpProtoUdp: {
      if (l4_len < kUdpHeader) return DecodeStatus::Malformed;
      const size_t udp_len = load_be16(l4 + 4);
      if (udp_len < kUdpHeader || udp_len > l4_total) return DecodeStatus::Malformed;
      // The checksum covers the UDP length, which may stop short of the IP's.
      if (!opt.verify_checksums || load_be16(l4 + 6) == 0) {
        out.l4_checksum = L4Checksum::Absent;
      } else if (udp_len > l4_len) {
        out.l4_checksum = L4Checksum::CutShort;
      } else if (!check_tcp_udp(p, kIpProtoUdp, l4, static_cast<uint16_t>(udp_len), 6, out.l4_checksum)) {
        return DecodeStatus::BadChecksum;
      }
      out.src_port = load_be16(l4);
      out.dst_port = load_be16(l4 + 2);
      out.payload = l4 + kUdpHeader;
      out.payload_len = static_cast<uint16_t>(std::min(udp_len, l4_len) - kUdpHeader);
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

}  // namespace

DecodeStatus decode_ipv4(const uint8_t* datagram, size_t len, DecodedPacket& out, DecodeOptions options) noexcept {
  // A reused DecodedPacket must not keep link fields from an earlier frame.
  out.src_mac = nullptr;
  out.vlan_id = 0;
  return parse_ipv4(datagram, len, out, options);
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
  if (type != kEtherTypeIpv4) return DecodeStatus::Malformed;
  out.src_mac = frame + 6;
  off += 2;
  if (options.wire_len != 0) options.wire_len = options.wire_len > off ? options.wire_len - off : 1;
  return parse_ipv4(frame + off, len - off, out, options);
}

}  // namespace portsweep
