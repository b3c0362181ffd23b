#include "packet/packet_trace.hpp"

#include <cinttypes>
#include <cstdio>

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

// The IP header of an Ethernet frame (past up to two VLAN tags), or null.
const uint8_t* ip_header(const uint8_t* f, size_t len) {
  size_t off = kEthHeader;
  if (len < off) return nullptr;
  uint16_t type = load_be16(f + 12);
  for (int tags = 0; (type == kEtherTypeVlan || type == kEtherTypeQinQ) && tags < 2; ++tags) {
    if (len < off + kVlanTag) return nullptr;
    type = load_be16(f + off + 2);
    off += kVlanTag;
  }
  return type == kEtherTypeIpv4 && len >= off + kIpv4MinHeader ? f + off : nullptr;
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
  const uint8_t* ip = ip_header(frame, len);
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
    return s + "(a frame of " + std::to_string(len) + " bytes that does not decode as IPv4)";
  }
  const unsigned iplen = load_be16(ip + 2);
  char ipf[64];
  std::snprintf(ipf, sizeof ipf, "ttl=%u id=%u iplen=%u", d.ttl, d.ip_id, iplen);
  char buf[256];
  switch (d.ip_proto) {
    case kIpProtoTcp: {
      std::snprintf(buf, sizeof buf, "TCP %s:%u > %s:%u %s %s  seq=%" PRIu32, dotted(d.src_ip).c_str(), d.src_port,
                    dotted(d.dst_ip).c_str(), d.dst_port, flag_letters(d.tcp_flags).c_str(), ipf, d.seq);
      s += buf;
      if (d.tcp_flags & kTcpAck) s += " ack=" + std::to_string(d.ack);
      s += " win=" + std::to_string(d.window);
      // The MSS option, the only one portsweep sends.
      if (d.tcp_header_len >= 24 && d.payload != nullptr) {
        const uint8_t* opt = d.payload - (d.tcp_header_len - kTcpMinHeader);
        if (opt[0] == 2 && opt[1] == 4) s += " <mss " + std::to_string(load_be16(opt + 2)) + ">";
      }
      return s;
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
