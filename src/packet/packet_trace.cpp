#include "packet/packet_trace.hpp"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "packet/ip_address.hpp"
#include "packet/packet_decoder.hpp"
#include "packet/wire.hpp"

namespace portsweep {

namespace {

using namespace wire;

std::string dotted(uint32_t ip) { return IpAddress::v4(ip).to_string(); }

// nmap's flag letters, in its order.
std::string flag_letters(uint8_t f) {
  std::string s;
  if (f & kTcpSyn) s += 'S';
  if (f & kTcpFin) s += 'F';
  if (f & kTcpRst) s += 'R';
  if (f & kTcpPsh) s += 'P';
  if (f & kTcpAck) s += 'A';
  if (f & kTcpUrg) s += 'U';
  if (f & 0x40) s += 'E';
  if (f & 0x80) s += 'C';
  return s;
}

// What follows a TCP line's sequence number: ack, window, MSS option.
std::string tcp_tail(const DecodedPacket& d) {
  std::string s;
  if (d.tcp_flags & kTcpAck) s += " ack=" + std::to_string(d.ack);
  s += " win=" + std::to_string(d.window);
  // The MSS option, the only one portsweep sends.
  if (d.tcp_header_len >= 24 && d.payload != nullptr) {
    const uint8_t* opt = d.payload - (d.tcp_header_len - kTcpMinHeader);
    if (opt[0] == 2 && opt[1] == 4) s += " <mss " + std::to_string(load_be16(opt + 2)) + ">";
  }
  return s;
}

// The IP header of an Ethernet frame (past up to two VLAN tags) and its
// version, or null.
const uint8_t* ip_header(const uint8_t* f, size_t len, int& version) {
  size_t off = kEthHeader;
  if (len < off) return nullptr;
  uint16_t type = load_be16(f + 12);
  for (int tags = 0; (type == kEtherTypeVlan || type == kEtherTypeQinQ) && tags < 2; ++tags) {
    if (len < off + kVlanTag) return nullptr;
    type = load_be16(f + off + 2);
    off += kVlanTag;
  }
  if (type == kEtherTypeIpv4 && len >= off + kIpv4MinHeader) {
    version = 4;
    return f + off;
  }
  if (type == kEtherTypeIpv6 && len >= off + kIpv6Header && (f[off] >> 4) == 6) {
    version = 6;
    return f + off;
  }
  return nullptr;
}

std::string plain6(const uint8_t* addr16) { return IpAddress::v6(addr16).to_string(); }

// nmap writes an IPv6 address beside a port in brackets.
// (Appended, not "[" + s: GCC 12 at -O3 warns falsely about the latter.)
std::string bracketed(const uint8_t* addr16) {
  std::string s(1, '[');
  s += plain6(addr16);
  s += ']';
  return s;
}

// The first header after the extension headers the decoder walks past, and
// where it starts (0 when one does not fit): for a line about a packet that
// does not decode, a fragment above all.
size_t ipv6_upper_header(const uint8_t* ip, size_t len, uint8_t& nh) {
  const size_t end = std::min(len, kIpv6Header + load_be16(ip + 4));
  nh = ip[6];
  size_t off = kIpv6Header;
  while (nh == kIp6HopByHop || nh == kIp6Routing || nh == kIp6DestOptions) {
    if (end < off + 8 || end < off + (size_t{ip[off + 1]} + 1) * 8) return 0;
    nh = ip[off];
    off += (size_t{ip[off + 1]} + 1) * 8;
  }
  return off;
}

// ICMPv6 messages by name, as icmp_name does for ICMP.
const char* icmp6_name(uint8_t type, uint8_t code) {
  switch (type) {
    case 1:
      switch (code) {
        case 0: return "No route to destination";
        case 1: return "Communication administratively prohibited";
        case 3: return "Address unreachable";
        case 4: return "Port unreachable";
        default: return "Destination unreachable";
      }
    case 2: return "Packet too big";
    case 3: return "Hop limit exceeded";
    case 4: return "Parameter problem";
    case 128: return "Echo request";
    case 129: return "Echo reply";
    case 135: return "Neighbor solicitation";
    case 136: return "Neighbor advertisement";
    default: return "ICMPv6";
  }
}

std::string ipv6_line(const uint8_t* frame, size_t len, const uint8_t* ip, bool sent) {
  const size_t ip_len = len - static_cast<size_t>(ip - frame);
  char ipf[64];
  std::snprintf(ipf, sizeof ipf, "hopl=%u flow=%x payloadlen=%u", ip[7], load_be32(ip) & 0xfffffu, load_be16(ip + 4));
  char buf[320];
  DecodedPacket d;
  if (decode_ethernet(frame, len, d, {.wire_len = 0, .verify_checksums = !sent}) != DecodeStatus::Ok) {
    // A fragment (or anything else the decoder refuses): its IPv6 header only.
    uint8_t nh = 0;
    const size_t off = ipv6_upper_header(ip, ip_len, nh);
    std::string frag;
    if (off != 0 && nh == kIp6Fragment && ip_len >= off + 8) {
      const unsigned field = load_be16(ip + off + 2);
      frag = " frag offset=" + std::to_string(field & 0xfff8u) + ((field & 1u) ? " MF" : "") +
             " id=" + std::to_string(load_be32(ip + off + 4));
    }
    std::snprintf(buf, sizeof buf, "IPv6 [%s > %s proto=%u %s%s ]", plain6(ip + 8).c_str(), plain6(ip + 24).c_str(),
                  off != 0 ? nh : ip[6], ipf, frag.c_str());
    return buf;
  }
  const std::string src = plain6(d.src_ip6), dst = plain6(d.dst_ip6);
  switch (d.ip_proto) {
    case kIpProtoTcp: {
      std::snprintf(buf, sizeof buf, "TCP %s:%u > %s:%u %s %s  seq=%" PRIu32, bracketed(d.src_ip6).c_str(),
                    d.src_port, bracketed(d.dst_ip6).c_str(), d.dst_port, flag_letters(d.tcp_flags).c_str(), ipf,
                    d.seq);
      return buf + tcp_tail(d);
    }
    case kIpProtoUdp:
      std::snprintf(buf, sizeof buf, "UDP %s:%u > %s:%u %s", bracketed(d.src_ip6).c_str(), d.src_port,
                    bracketed(d.dst_ip6).c_str(), d.dst_port, ipf);
      return buf;
    case kIpProtoIcmp6: {
      // The ICMP line's layout: the message by name, its echo fields or
      // target, then the IP fields.
      std::snprintf(buf, sizeof buf, "ICMPv6 [%s > %s %s (type=%u/code=%u) ", src.c_str(), dst.c_str(),
                    icmp6_name(d.icmp_type, d.icmp_code), d.icmp_type, d.icmp_code);
      std::string s = buf;
      if (d.icmp_type == 128 || d.icmp_type == 129) {
        s += "id=" + std::to_string(d.icmp_id) + " seq=" + std::to_string(d.icmp_seq);
      } else if (d.nd_target != nullptr) {
        s += "target=" + plain6(d.nd_target);
      } else if (d.icmp_type == 2) {
        s += "mtu=" + std::to_string(uint32_t{d.icmp_id} << 16 | d.icmp_seq);
      }
      return s + "] IP [" + ipf + " ]";
    }
    default:
      std::snprintf(buf, sizeof buf, "IPv6 [%s > %s proto=%u %s ]", src.c_str(), dst.c_str(), d.ip_proto, ipf);
      return buf;
  }
}

const char* icmp_name(uint8_t type, uint8_t code) {
  switch (type) {
    case 0: return "Echo reply";
    case 8: return "Echo request";
    case 13: return "Timestamp request";
    case 14: return "Timestamp reply";
    case 17: return "Address mask request";
    case 18: return "Address mask reply";
    case 11: return "TTL=0 during transit";
    case 3:
      switch (code) {
        case 0: return "Network unreachable";
        case 1: return "Host unreachable";
        case 2: return "Protocol unreachable";
        case 3: return "Port unreachable";
        case 9: return "Network administratively prohibited";
        case 10: return "Host administratively prohibited";
        case 13: return "Communication administratively prohibited";
        default: return "Destination unreachable";
      }
    default: return "ICMP";
  }
}

}  // namespace

std::string packet_trace_line(const uint8_t* frame, size_t len, bool sent, double seconds) {
  char head[32];
  std::snprintf(head, sizeof head, "%s (%.4fs) ", sent ? "SENT" : "RCVD", seconds);
  std::string s = head;
  DecodedPacket d;
  int version = 0;
  const uint8_t* ip = ip_header(frame, len, version);
  if (ip != nullptr && version == 6) return s + ipv6_line(frame, len, ip, sent);
  // A fragment (-f, --mtu): its IP header only; the L4 header is whole in
  // none but the datagram the target reassembles.
  if (ip != nullptr && (ip[0] >> 4) == 4 && (load_be16(ip + 6) & 0x3fff) != 0) {
    const unsigned field = load_be16(ip + 6);
    char buf[200];
    std::snprintf(buf, sizeof buf, "IP [%s > %s proto=%u ttl=%u id=%u iplen=%u frag offset=%u%s ]",
                  dotted(load_be32(ip + 12)).c_str(), dotted(load_be32(ip + 16)).c_str(), ip[9], ip[8],
                  load_be16(ip + 4), load_be16(ip + 2), (field & 0x1fff) * 8, (field & 0x2000) ? " MF" : "");
    return s + buf;
  }
  if (ip == nullptr || decode_ethernet(frame, len, d, {.wire_len = 0, .verify_checksums = !sent}) != DecodeStatus::Ok) {
    return s + "(a frame of " + std::to_string(len) + " bytes that does not decode as IPv4 or IPv6)";
  }
  const unsigned iplen = load_be16(ip + 2);
  char ipf[64];
  std::snprintf(ipf, sizeof ipf, "ttl=%u id=%u iplen=%u", d.ttl, d.ip_id, iplen);
  char buf[256];
  switch (d.ip_proto) {
    case kIpProtoTcp: {
      std::snprintf(buf, sizeof buf, "TCP %s:%u > %s:%u %s %s  seq=%" PRIu32, dotted(d.src_ip).c_str(), d.src_port,
                    dotted(d.dst_ip).c_str(), d.dst_port, flag_letters(d.tcp_flags).c_str(), ipf, d.seq);
      return s + buf + tcp_tail(d);
    }
    case kIpProtoUdp:
      std::snprintf(buf, sizeof buf, "UDP %s:%u > %s:%u %s", dotted(d.src_ip).c_str(), d.src_port,
                    dotted(d.dst_ip).c_str(), d.dst_port, ipf);
      return s + buf;
    case kIpProtoIcmp: {
      std::snprintf(buf, sizeof buf, "ICMP [%s > %s %s (type=%u/code=%u) ", dotted(d.src_ip).c_str(),
                    dotted(d.dst_ip).c_str(), icmp_name(d.icmp_type, d.icmp_code), d.icmp_type, d.icmp_code);
      s += buf;
      if (!d.has_quote) s += "id=" + std::to_string(d.icmp_id) + " seq=" + std::to_string(d.icmp_seq);
      if ((d.icmp_type == 13 || d.icmp_type == 14) && d.payload_len >= 12)
        s += " orig=" + std::to_string(load_be32(d.payload)) + " recv=" + std::to_string(load_be32(d.payload + 4)) +
             " trans=" + std::to_string(load_be32(d.payload + 8));
      return s + "] IP [" + ipf + " ]";
    }
    default:
      std::snprintf(buf, sizeof buf, "IP [%s > %s proto=%u %s ]", dotted(d.src_ip).c_str(), dotted(d.dst_ip).c_str(),
                    d.ip_proto, ipf);
      return s + buf;
  }
}

}  // namespace portsweep
