// ARP answers for a backend that hides the interface from the kernel.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "io/arp_responder.hpp"

namespace portsweep {
namespace {

constexpr uint32_t kOurIp = 0xc6120001;    // 198.18.0.1
constexpr uint32_t kPeerIp = 0xc6120002;   // 198.18.0.2
const MacAddr kOurMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x01}};
const std::array<uint8_t, 6> kPeerMac{0x02, 0x50, 0x53, 0x00, 0x00, 0x02};

std::array<uint8_t, 42> request(uint32_t sender_ip, uint32_t target_ip, uint16_t op = 1) {
  std::array<uint8_t, 42> f{};
  std::memset(f.data(), 0xff, 6);
  std::memcpy(f.data() + 6, kPeerMac.data(), 6);
  f[12] = 0x08, f[13] = 0x06;
  uint8_t* a = f.data() + 14;
  a[1] = 1;                 // Ethernet
  a[2] = 0x08, a[3] = 0x00;  // IPv4
  a[4] = 6, a[5] = 4;
  a[7] = static_cast<uint8_t>(op);
  std::memcpy(a + 8, kPeerMac.data(), 6);
  for (int i = 0; i < 4; ++i) a[14 + i] = static_cast<uint8_t>(sender_ip >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) a[24 + i] = static_cast<uint8_t>(target_ip >> (24 - 8 * i));
  return f;
}

TEST(ArpResponder, RecognisesOnlyRequestsForOurAddress) {
  auto q = request(kPeerIp, kOurIp);
  EXPECT_TRUE(is_arp_request_for(q.data(), q.size(), kOurIp));
  auto other = request(kPeerIp, kOurIp + 1);
  EXPECT_FALSE(is_arp_request_for(other.data(), other.size(), kOurIp));
  auto reply = request(kPeerIp, kOurIp, 2);
  EXPECT_FALSE(is_arp_request_for(reply.data(), reply.size(), kOurIp));
  auto gratuitous = request(kOurIp, kOurIp);
  EXPECT_FALSE(is_arp_request_for(gratuitous.data(), gratuitous.size(), kOurIp));
  EXPECT_FALSE(is_arp_request_for(q.data(), 41, kOurIp)) << "truncated";
  auto ipv4 = q;
  ipv4[13] = 0x00;  // EtherType 0x0800
  EXPECT_FALSE(is_arp_request_for(ipv4.data(), ipv4.size(), kOurIp));
}

TEST(ArpResponder, ReplyGoesToTheAskerWithOurMac) {
  auto q = request(kPeerIp, kOurIp);
  std::array<uint8_t, kArpFrameLen> out;
  out.fill(0xee);
  ASSERT_EQ(write_arp_reply(q.data(), kOurIp, kOurMac, out.data()), kArpFrameLen);
  EXPECT_EQ(0, std::memcmp(out.data(), kPeerMac.data(), 6));            // to the asker
  EXPECT_EQ(0, std::memcmp(out.data() + 6, kOurMac.bytes.data(), 6));   // from us
  EXPECT_EQ(out[12], 0x08);
  EXPECT_EQ(out[13], 0x06);
  const uint8_t* a = out.data() + 14;
  EXPECT_EQ(a[7], 2) << "a reply";
  EXPECT_EQ(0, std::memcmp(a + 8, kOurMac.bytes.data(), 6));
  EXPECT_EQ(a[14], 198);
  EXPECT_EQ(a[17], 1);  // sender IP 198.18.0.1
  EXPECT_EQ(0, std::memcmp(a + 18, kPeerMac.data(), 6));
  EXPECT_EQ(a[27], 2);  // target IP 198.18.0.2
  for (size_t i = 42; i < kArpFrameLen; ++i) EXPECT_EQ(out[i], 0) << "padding at " << i;
}

}  // namespace
}  // namespace portsweep
