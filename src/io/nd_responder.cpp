#include "io/nd_responder.hpp"

#include <cstring>

#include "packet/wire.hpp"

namespace portsweep {

std::optional<NdAsker> neighbor_solicitation_for(const uint8_t* frame, size_t len,
                                                 u128 local_ip6) noexcept {
  // Cheap refusals first: this runs on every frame the backend receives.
  if (len < nd::kIcmpOffset + 24 || wire::load_be16(frame + 12) != nd::kEtherTypeIpv6 ||
      frame[nd::kIpv6Offset + 6] != nd::kNextHeaderIcmpv6 || frame[nd::kIcmpOffset] != nd::kTypeSolicitation) {
    return std::nullopt;
  }
  const auto m = nd::parse_nd(frame, len);
  if (!m || m->type != nd::kTypeSolicitation || m->target != local_ip6 || m->source == 0) return std::nullopt;
  return NdAsker{m->source, m->link_address.value_or(m->eth_source)};
}

size_t write_neighbor_advertisement(const NdAsker& asker, u128 local_ip6, const MacAddr& local_mac,
                                    uint8_t* out) noexcept {
  using namespace wire;
  std::memset(out, 0, kNaFrameLen);
  std::memcpy(out, asker.mac.bytes.data(), 6);
  std::memcpy(out + 6, local_mac.bytes.data(), 6);
  store_be16(out + 12, nd::kEtherTypeIpv6);
  uint8_t* ip = out + nd::kIpv6Offset;
  store_be32(ip, 0x60000000);
  store_be16(ip + 4, 32);  // NA (24) + target link-address option (8)
  ip[6] = nd::kNextHeaderIcmpv6;
  ip[7] = 255;
  store_ipv6(ip + 8, local_ip6);
  store_ipv6(ip + 24, asker.address);
  uint8_t* icmp = out + nd::kIcmpOffset;
  icmp[0] = nd::kTypeAdvertisement;
  icmp[4] = nd::kFlagSolicited | nd::kFlagOverride;
  store_ipv6(icmp + 8, local_ip6);
  icmp[24] = nd::kOptionTargetLinkAddress;
  icmp[25] = 1;
  std::memcpy(icmp + 26, local_mac.bytes.data(), 6);
  store_be16(icmp + 2, nd::icmpv6_checksum(ip + 8, ip + 24, icmp, 32));
  return kNaFrameLen;
}

}  // namespace portsweep
