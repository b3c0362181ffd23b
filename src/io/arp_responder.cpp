#include "io/arp_responder.hpp"

#include <cstring>

#include "packet/wire.hpp"

namespace portsweep {

namespace {

constexpr size_t kEth = 14;
constexpr size_t kArpBody = 28;
constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr uint16_t kHwEthernet = 1;
constexpr uint16_t kOpRequest = 1;
constexpr uint16_t kOpReply = 2;

}  // namespace

bool is_arp_request_for(const uint8_t* f, size_t len, uint32_t local_ip) noexcept {
  using namespace wire;
  if (len < kEth + kArpBody || load_be16(f + 12) != kEtherTypeArp) return false;
  const uint8_t* a = f + kEth;
  return load_be16(a) == kHwEthernet && load_be16(a + 2) == kEtherTypeIpv4 && a[4] == 6 &&
         a[5] == 4 && load_be16(a + 6) == kOpRequest && load_be32(a + 24) == local_ip &&
         load_be32(a + 14) != local_ip;
}

size_t write_arp_reply(const uint8_t* request, uint32_t local_ip, const MacAddr& local_mac,
                       uint8_t* out) noexcept {
  using namespace wire;
  const uint8_t* q = request + kEth;
  std::memset(out, 0, kArpFrameLen);
  std::memcpy(out, q + 8, 6);  // to the asker's hardware address
  std::memcpy(out + 6, local_mac.bytes.data(), 6);
  store_be16(out + 12, kEtherTypeArp);
  uint8_t* a = out + kEth;
  store_be16(a, kHwEthernet);
  store_be16(a + 2, kEtherTypeIpv4);
  a[4] = 6;
  a[5] = 4;
  store_be16(a + 6, kOpReply);
  std::memcpy(a + 8, local_mac.bytes.data(), 6);
  store_be32(a + 14, local_ip);
  std::memcpy(a + 18, q + 8, 10);  // the asker's MAC and IPv4 address become the target
  return kArpFrameLen;
}

}  // namespace portsweep
