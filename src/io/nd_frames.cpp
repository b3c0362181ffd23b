#include "io/nd_frames.hpp"

#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"

namespace portsweep::nd {

namespace {

using wire::load_be16, wire::store_be16, wire::store_be32;

constexpr size_t kNdBody = 24;  // type, code, checksum, flags/reserved, target
constexpr uint8_t kHopLimit = 255;
// ff02::1:ff00:0, the solicited-node prefix (/104).
constexpr u128 kSolicitedNodePrefix = (u128{0xff02} << 112) | (u128{1} << 32) | (u128{0xff} << 24);

void write_ipv6_header(uint8_t* ip, u128 src, u128 dst, uint16_t payload_len) noexcept {
  store_be32(ip, 0x60000000);  // version 6, no traffic class, no flow label
  store_be16(ip + 4, payload_len);
  ip[6] = kNextHeaderIcmpv6;
  ip[7] = kHopLimit;
  store_ipv6(ip + 8, src);
  store_ipv6(ip + 24, dst);
}

void write_link_option(uint8_t* opt, uint8_t type, const MacAddr& mac) noexcept {
  opt[0] = type;
  opt[1] = 1;  // in units of 8 bytes
  std::memcpy(opt + 2, mac.bytes.data(), 6);
}

}  // namespace

u128 solicited_node_group(u128 target) noexcept {
  return kSolicitedNodePrefix | (target & 0xffffff);
}

MacAddr multicast_mac(u128 group) noexcept {
  MacAddr m;
  m.bytes = {0x33, 0x33, static_cast<uint8_t>(group >> 24), static_cast<uint8_t>(group >> 16),
             static_cast<uint8_t>(group >> 8), static_cast<uint8_t>(group)};
  return m;
}

uint16_t icmpv6_checksum(const uint8_t* src16, const uint8_t* dst16, const uint8_t* icmp,
                         size_t len) noexcept {
  uint64_t sum = ones_sum(src16, 16);
  sum = ones_sum(dst16, 16, sum);
  sum += (len >> 16) + (len & 0xffff) + kNextHeaderIcmpv6;
  return internet_checksum(icmp, len, sum);
}

size_t write_solicitation(u128 target, u128 src_ip, const MacAddr& src_mac, uint8_t* out) noexcept {
  std::memset(out, 0, kFrameLen);
  const u128 group = solicited_node_group(target);
  std::memcpy(out, multicast_mac(group).bytes.data(), 6);
  std::memcpy(out + 6, src_mac.bytes.data(), 6);
  store_be16(out + 12, kEtherTypeIpv6);
  write_ipv6_header(out + kIpv6Offset, src_ip, group, kNdBody + 8);
  uint8_t* icmp = out + kIcmpOffset;
  icmp[0] = kTypeSolicitation;
  store_ipv6(icmp + 8, target);
  write_link_option(icmp + kNdBody, kOptionSourceLinkAddress, src_mac);
  store_be16(icmp + 2, icmpv6_checksum(out + kIpv6Offset + 8, out + kIpv6Offset + 24, icmp, kNdBody + 8));
  return kFrameLen;
}

std::optional<NdMessage> parse_nd(const uint8_t* f, size_t len) noexcept {
  if (len < kIcmpOffset + kNdBody || load_be16(f + 12) != kEtherTypeIpv6) return std::nullopt;
  const uint8_t* ip = f + kIpv6Offset;
  if ((ip[0] >> 4) != 6 || ip[6] != kNextHeaderIcmpv6 || ip[7] != kHopLimit) return std::nullopt;
  const size_t payload = load_be16(ip + 4);
  // Ethernet may pad a frame beyond the IPv6 payload, never cut it short.
  if (payload < kNdBody || kIcmpOffset + payload > len) return std::nullopt;
  const uint8_t* icmp = f + kIcmpOffset;
  if ((icmp[0] != kTypeSolicitation && icmp[0] != kTypeAdvertisement) || icmp[1] != 0) return std::nullopt;
  if (icmpv6_checksum(ip + 8, ip + 24, icmp, payload) != 0) return std::nullopt;
  NdMessage m;
  m.type = icmp[0];
  m.flags = icmp[0] == kTypeAdvertisement ? icmp[4] : 0;
  m.source = load_ipv6(ip + 8);
  m.destination = load_ipv6(ip + 24);
  m.target = load_ipv6(icmp + 8);
  std::memcpy(m.eth_source.bytes.data(), f + 6, 6);
  const uint8_t wanted = m.type == kTypeAdvertisement ? kOptionTargetLinkAddress : kOptionSourceLinkAddress;
  for (size_t at = kNdBody; at < payload;) {
    if (payload - at < 2) return std::nullopt;
    const size_t opt_len = size_t{icmp[at + 1]} * 8;
    if (opt_len == 0 || opt_len > payload - at) return std::nullopt;  // RFC 4861 4.6: discard
    if (icmp[at] == wanted && opt_len == 8 && !m.link_address) {
      MacAddr mac;
      std::memcpy(mac.bytes.data(), icmp + at + 2, 6);
      m.link_address = mac;
    }
    at += opt_len;
  }
  return m;
}

}  // namespace portsweep::nd
