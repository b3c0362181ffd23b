// The ARP sweep's bookkeeping on simulated time and hand-made or captured
// frames: pacing, retries, the end of the sweep, and which frames count as
// answers. No socket, no root.
#include "io/arp_sweep.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "targets/ipv4.hpp"

namespace portsweep {
namespace {

constexpr int64_t kMs = 1'000'000;
const MacAddr kOurMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x01}};
const MacAddr kPeerMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x02}};
const MacAddr kOtherMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x99}};

uint32_t ip(const char* text) { return parse_ipv4(text).value(); }

const uint32_t kOurIp = ip("198.18.0.1");

// An ARP message as a peer would send it (42 bytes: veth does not pad).
std::vector<uint8_t> arp(uint16_t op, const MacAddr& sender_mac, uint32_t sender_ip,
                         const MacAddr& target_mac, uint32_t target_ip,
                         const MacAddr& eth_dst = kOurMac) {
  std::vector<uint8_t> f(42, 0);
  std::memcpy(f.data(), eth_dst.bytes.data(), 6);
  std::memcpy(f.data() + 6, sender_mac.bytes.data(), 6);
  f[12] = 0x08, f[13] = 0x06;
  uint8_t* a = f.data() + 14;
  a[1] = 1;
  a[2] = 0x08;
  a[4] = 6, a[5] = 4;
  a[7] = static_cast<uint8_t>(op);
  std::memcpy(a + 8, sender_mac.bytes.data(), 6);
  for (int i = 0; i < 4; ++i) a[14 + i] = static_cast<uint8_t>(sender_ip >> (24 - 8 * i));
  std::memcpy(a + 18, target_mac.bytes.data(), 6);
  for (int i = 0; i < 4; ++i) a[24 + i] = static_cast<uint8_t>(target_ip >> (24 - 8 * i));
  return f;
}

std::vector<uint8_t> reply(uint32_t from, const MacAddr& mac = kPeerMac, uint32_t to = kOurIp) {
  return arp(2, mac, from, kOurMac, to);
}

ArpSweepOptions options(double rate, unsigned retries, int retry_ms) {
  ArpSweepOptions o;
  o.rate_pps = rate;
  o.retries = retries;
  o.retry_interval = std::chrono::milliseconds(retry_ms);
  return o;
}

// Everything next_request gives out at `now`.
std::vector<uint32_t> drain(ArpSweep& s, int64_t now) {
  std::vector<uint32_t> out;
  while (auto a = s.next_request(now)) out.push_back(*a);
  return out;
}

TEST(ArpSweep, RequestIsABroadcastWhoHas) {
  ArpSweep s({ip("198.18.0.2")}, kOurMac, kOurIp, options(1000, 0, 100), 0);
  std::array<uint8_t, 60> f;
  f.fill(0xee);
  s.write_request(ip("198.18.0.7"), f.data());
  const std::array<uint8_t, 42> expected{
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x50, 0x53, 0x00, 0x00, 0x01, 0x08, 0x06,
      0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,                          // request
      0x02, 0x50, 0x53, 0x00, 0x00, 0x01, 198, 18, 0, 1,                        // from us
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 198, 18, 0, 7};                       // who has .7
  EXPECT_EQ(0, std::memcmp(f.data(), expected.data(), expected.size()));
  for (size_t i = 42; i < f.size(); ++i) EXPECT_EQ(f[i], 0) << "padding at " << i;
}

TEST(ArpSweep, PacesRequestsAtTheRate) {
  std::vector<uint32_t> ips;
  for (uint32_t i = 2; i < 50; ++i) ips.push_back(ip("198.18.0.0") + i);
  ArpSweep s(ips, kOurMac, kOurIp, options(1000, 0, 100), 0);  // one per ms
  EXPECT_EQ(drain(s, 0).size(), 1u);
  EXPECT_EQ(drain(s, kMs / 2).size(), 0u);
  EXPECT_EQ(s.next_due_ns(), kMs);
  EXPECT_EQ(drain(s, kMs).size(), 1u);
  EXPECT_EQ(drain(s, 4 * kMs).size(), 3u);
  // After a long stall it catches up with a short burst, not the backlog.
  const auto burst = drain(s, 40 * kMs);
  EXPECT_GE(burst.size(), 8u);
  EXPECT_LE(burst.size(), 10u);
}

TEST(ArpSweep, RetriesSilentAddressesOnlyAndStops) {
  const uint32_t a = ip("198.18.0.2"), b = ip("198.18.0.3");
  ArpSweep s({b, a, a}, kOurMac, kOurIp, options(1e6, 2, 100), 0);
  EXPECT_EQ(s.entries().size(), 2u) << "sorted, duplicates dropped";
  EXPECT_EQ(drain(s, 0), (std::vector<uint32_t>{a}));
  EXPECT_EQ(drain(s, 1000), (std::vector<uint32_t>{b}));
  auto r = reply(a);
  EXPECT_TRUE(s.on_frame(r.data(), r.size(), 5 * kMs));
  EXPECT_EQ(drain(s, 50 * kMs).size(), 0u) << "no retry before the interval";
  EXPECT_EQ(drain(s, 101 * kMs), (std::vector<uint32_t>{b})) << "a answered: not asked again";
  EXPECT_EQ(drain(s, 202 * kMs), (std::vector<uint32_t>{b}));
  EXPECT_EQ(drain(s, 400 * kMs).size(), 0u) << "three requests in all";
  EXPECT_EQ(s.next_due_ns(), ArpSweep::kNever);
  EXPECT_FALSE(s.done(250 * kMs)) << "waits for a late answer to the last request";
  EXPECT_EQ(s.deadline_ns(), 202 * kMs + 100 * kMs);
  EXPECT_TRUE(s.done(302 * kMs));
  EXPECT_EQ(s.stats().requests_sent, 4u);
  EXPECT_EQ(s.stats().replies, 1u);
  EXPECT_FALSE(s.stats().timed_out);
  EXPECT_EQ(s.unanswered(), 1u);
  const auto* e = s.find(a);
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->answered);
  EXPECT_EQ(e->mac, kPeerMac);
  EXPECT_EQ(e->reply_ns - e->last_request_ns, 5 * kMs);
}

TEST(ArpSweep, DoneAsSoonAsEveryAddressAnswered) {
  const uint32_t a = ip("198.18.0.2");
  ArpSweep s({a}, kOurMac, kOurIp, options(1000, 2, 250), 0);
  drain(s, 0);
  auto r = reply(a);
  s.on_frame(r.data(), r.size(), kMs);
  EXPECT_TRUE(s.done(kMs));
  ArpSweep empty({}, kOurMac, kOurIp, options(1000, 2, 250), 0);
  EXPECT_TRUE(empty.done(0));
}

TEST(ArpSweep, OverallTimeoutEndsTheSweep) {
  std::vector<uint32_t> ips;
  for (uint32_t i = 1; i <= 100; ++i) ips.push_back(ip("10.0.0.0") + i);
  auto o = options(10, 2, 100);  // 30 s of requests at 10 per second
  o.timeout = std::chrono::milliseconds(500);
  ArpSweep s(ips, kOurMac, kOurIp, o, 0);
  EXPECT_FALSE(s.done(499 * kMs));
  EXPECT_EQ(drain(s, 500 * kMs).size(), 0u);
  EXPECT_TRUE(s.done(500 * kMs));
  EXPECT_TRUE(s.stats().timed_out);
  // The automatic timeout leaves room for every request and wait.
  ArpSweep automatic(ips, kOurMac, kOurIp, options(10, 2, 100), 0);
  EXPECT_GE(automatic.deadline_ns(), 30'000 * kMs + 300 * kMs);
}

TEST(ArpSweep, RefusedSendIsRetriedFirstAndCountedOnce) {
  const uint32_t a = ip("198.18.0.2"), b = ip("198.18.0.3");
  ArpSweep s({a, b}, kOurMac, kOurIp, options(1e6, 1, 100), 0);
  EXPECT_EQ(*s.next_request(0), a);
  s.unsend(a);
  EXPECT_EQ(s.stats().requests_sent, 0u);
  EXPECT_EQ(drain(s, 1000), (std::vector<uint32_t>{a})) << "the refused request goes first";
  EXPECT_EQ(drain(s, 2000), (std::vector<uint32_t>{b}));
  EXPECT_EQ(s.find(a)->requests, 1);
  EXPECT_EQ(drain(s, 101 * kMs), (std::vector<uint32_t>{a, b}));
  EXPECT_EQ(drain(s, 300 * kMs).size(), 0u) << "one retry each, not two for a";
  EXPECT_EQ(s.stats().requests_sent, 4u);
}

TEST(ArpSweep, OnlyAnswersToOurQuestionsCount) {
  const uint32_t asked = ip("198.18.0.2"), later = ip("198.18.0.9");
  ArpSweep s({asked, later}, kOurMac, kOurIp, options(1, 2, 100), 0);  // one request per s
  EXPECT_EQ(*s.next_request(0), asked);

  auto gratuitous = arp(2, kPeerMac, asked, kPeerMac, asked);
  EXPECT_FALSE(s.on_frame(gratuitous.data(), gratuitous.size(), 1));
  auto announcement = arp(1, kPeerMac, asked, MacAddr{}, asked, MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}});
  EXPECT_FALSE(s.on_frame(announcement.data(), announcement.size(), 2));
  auto their_question = arp(1, kPeerMac, asked, MacAddr{}, kOurIp);
  EXPECT_FALSE(s.on_frame(their_question.data(), their_question.size(), 3)) << "a request, not an answer";
  auto to_someone_else = reply(asked, kPeerMac, ip("198.18.0.50"));
  EXPECT_FALSE(s.on_frame(to_someone_else.data(), to_someone_else.size(), 4));
  auto not_asked = reply(ip("198.18.0.3"));
  EXPECT_FALSE(s.on_frame(not_asked.data(), not_asked.size(), 5));
  auto unsolicited = reply(later);
  EXPECT_FALSE(s.on_frame(unsolicited.data(), unsolicited.size(), 6)) << "not asked yet";
  auto multicast = reply(asked, MacAddr{{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}});
  EXPECT_FALSE(s.on_frame(multicast.data(), multicast.size(), 7));
  auto good = reply(asked);
  EXPECT_FALSE(s.on_frame(good.data(), 41, 8)) << "truncated";
  auto ipv4 = good;
  ipv4[13] = 0x00;
  EXPECT_FALSE(s.on_frame(ipv4.data(), ipv4.size(), 9));
  EXPECT_FALSE(s.find(asked)->answered);

  EXPECT_TRUE(s.on_frame(good.data(), good.size(), 10));
  EXPECT_FALSE(s.on_frame(good.data(), good.size(), 11)) << "a second answer";
  auto conflict = reply(asked, kOtherMac);
  EXPECT_FALSE(s.on_frame(conflict.data(), conflict.size(), 12));
  EXPECT_EQ(s.find(asked)->mac, kPeerMac) << "the first answer stays";
  EXPECT_EQ(s.find(asked)->reply_ns, 10);

  const auto& st = s.stats();
  EXPECT_EQ(st.replies, 1u);
  EXPECT_EQ(st.ignored_gratuitous, 1u);
  EXPECT_EQ(st.ignored_requests, 2u);
  EXPECT_EQ(st.ignored_not_for_us, 1u);
  EXPECT_EQ(st.ignored_unasked, 1u);
  EXPECT_EQ(st.ignored_unsolicited, 1u);
  EXPECT_EQ(st.ignored_other, 3u);
  EXPECT_EQ(st.duplicate_replies, 1u);
  EXPECT_EQ(st.conflicting_replies, 1u);
}

// The lab target's answer to "who has 198.18.0.2, tell 198.18.0.1", as
// captured on its veth by the lab-next-hops test (42 bytes: veth does not pad).
std::vector<uint8_t> captured_reply() {
  const char* hex =
      "025053000001025053000002080600010800060400020250530000"
      "02c6120002025053000001c6120001";
  std::vector<uint8_t> f;
  for (const char* p = hex; p[0] != 0 && p[1] != 0; p += 2) {
    f.push_back(static_cast<uint8_t>(std::stoi(std::string(p, 2), nullptr, 16)));
  }
  return f;
}

TEST(ArpSweep, MatchesAReplyCapturedInTheLab) {
  const auto f = captured_reply();
  ASSERT_EQ(f.size(), 42u);
  const uint32_t target = ip("198.18.0.2");

  ArpSweep asked({target}, kOurMac, kOurIp, options(1000, 2, 250), 0);
  EXPECT_EQ(*asked.next_request(0), target);
  EXPECT_TRUE(asked.on_frame(f.data(), f.size(), 100'000));
  EXPECT_EQ(asked.find(target)->mac, kPeerMac);
  EXPECT_TRUE(asked.done(100'000));

  ArpSweep not_yet({target}, kOurMac, kOurIp, options(1000, 2, 250), 0);
  EXPECT_FALSE(not_yet.on_frame(f.data(), f.size(), 0));
  EXPECT_EQ(not_yet.stats().ignored_unsolicited, 1u);

  // Asking from another address (-S): that answer was to someone else.
  ArpSweep spoofed({target}, kOurMac, ip("198.18.0.9"), options(1000, 2, 250), 0);
  spoofed.next_request(0);
  EXPECT_FALSE(spoofed.on_frame(f.data(), f.size(), 100'000));
  EXPECT_EQ(spoofed.stats().ignored_not_for_us, 1u);
}

}  // namespace
}  // namespace portsweep
