// The per-target MAC lookup the TX loop uses, built from given routes and
// given ARP answers: fast path, on-link slots, silent and unroutable targets.
#include "io/next_hop_plan.hpp"

#include <linux/rtnetlink.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/interface_info.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {
namespace {

constexpr int kEth0 = 2;
const MacAddr kGatewayMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x02}};
const MacAddr kHostMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x07}};
const MacAddr kKnownMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x08}};

uint32_t ip(const char* text) { return parse_ipv4(text).value(); }

netlink::Route route(const char* dst, uint8_t len, const char* gateway = nullptr) {
  netlink::Route r;
  r.dst = ip(dst);
  r.dst_len = len;
  r.oif = kEth0;
  r.type = RTN_UNICAST;
  r.table = RT_TABLE_MAIN;
  if (gateway != nullptr) r.gateway = ip(gateway);
  return r;
}

// The lab's scanner namespace: 198.18.0.1/24 on eth0, 198.19/16 via .2.
std::vector<netlink::Route> lab_routes() {
  auto self = route("198.18.0.1", 32);
  self.type = RTN_LOCAL;
  self.table = RT_TABLE_LOCAL;
  self.oif = 1;
  return {route("198.18.0.0", 24), route("198.19.0.0", 16, "198.18.0.2"), self};
}

ScanPath eth0_path() {
  ScanPath p;
  p.iface = "eth0";
  p.ifindex = kEth0;
  p.src_ip = ip("198.18.0.1");
  p.src_mac = MacAddr{{0x02, 0x50, 0x53, 0x00, 0x00, 0x01}};
  return p;
}

TargetSet range(const char* first, const char* last) {
  return TargetSet({{ip(first), ip(last)}});
}

NextHopPlan plan(const TargetSet& t, std::vector<FoundMac> found, bool uses_arp = true) {
  auto segs = split_by_route(lab_routes(), t);
  restrict_to_interface(segs, kEth0);
  return plan_next_hops(t, std::move(segs), eth0_path(), uses_arp, found);
}

const MacAddr* mac_of(const NextHopPlan& p, const TargetSet& t, const char* address) {
  return p.mac_for(t.index_of(ip(address)).value());
}

TEST(NextHopPlan, OneGatewayIsTheFastPath) {
  const auto t = range("198.19.0.0", "198.19.255.255");
  const auto p = plan(t, {{ip("198.18.0.2"), kGatewayMac}});
  EXPECT_EQ(p.kind(), NextHopPlan::Kind::Uniform);
  const MacAddr* first = p.mac_for(0);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(*first, kGatewayMac);
  EXPECT_EQ(p.mac_for(65535), first) << "one stored MAC for every target";
  EXPECT_EQ(p.counts().via_gateway, 65536u);
  EXPECT_EQ(p.counts().gateways, 1u);
  EXPECT_EQ(p.counts().on_link, 0u);
  EXPECT_TRUE(p.warnings().empty());
  EXPECT_TRUE(p.path().via_gateway);
  EXPECT_EQ(p.path().next_hop_ip, ip("198.18.0.2"));
  EXPECT_EQ(p.path().next_hop_mac, kGatewayMac);
  EXPECT_LT(p.lookup_bytes(), 64u) << "nothing per address";

  // A class A through one gateway costs nothing per address either.
  auto segs = split_by_route(std::vector<netlink::Route>{route("0.0.0.0", 0, "198.18.0.2")},
                             TargetSet({{ip("10.0.0.0"), ip("10.255.255.255")}}));
  const std::vector<FoundMac> gw{{ip("198.18.0.2"), kGatewayMac}};
  const auto a = plan_next_hops(TargetSet({{ip("10.0.0.0"), ip("10.255.255.255")}}),
                                std::move(segs), eth0_path(), true, gw);
  EXPECT_EQ(a.kind(), NextHopPlan::Kind::Uniform);
  EXPECT_EQ(*a.mac_for(16'777'215), kGatewayMac);
  EXPECT_LT(a.lookup_bytes(), 64u);
}

TEST(NextHopPlan, SilentGatewayStopsThePlan) {
  const auto t = range("198.19.0.0", "198.19.0.255");
  try {
    plan(t, {});
    FAIL() << "expected a RuntimeFailure";
  } catch (const RuntimeFailure& e) {
    EXPECT_EQ(std::string(e.what()),
              "no ARP reply from the gateway 198.18.0.2 on eth0, which 198.19.0.0 and other "
              "targets are routed through.");
  }
}

TEST(NextHopPlan, OnLinkTargetsHaveTheirOwnSlots) {
  const auto t = range("198.18.0.0", "198.18.0.255");
  std::vector<FoundMac> found{
      {ip("198.18.0.2"), kGatewayMac, OnLinkHost::Source::ArpReply, 1'700'000'000'000'000, 180},
      {ip("198.18.0.7"), kHostMac, OnLinkHost::Source::ArpReply, 1'700'000'000'000'100, 250},
      {ip("198.18.0.8"), kKnownMac, OnLinkHost::Source::NeighbourTable},
  };
  const auto p = plan(t, found);
  EXPECT_EQ(p.kind(), NextHopPlan::Kind::Segmented);
  ASSERT_NE(mac_of(p, t, "198.18.0.2"), nullptr);
  EXPECT_EQ(*mac_of(p, t, "198.18.0.2"), kGatewayMac);
  EXPECT_EQ(*mac_of(p, t, "198.18.0.7"), kHostMac);
  EXPECT_EQ(*mac_of(p, t, "198.18.0.8"), kKnownMac);
  EXPECT_EQ(mac_of(p, t, "198.18.0.3"), nullptr) << "silent";
  EXPECT_EQ(mac_of(p, t, "198.18.0.0"), nullptr) << "network address";
  EXPECT_EQ(mac_of(p, t, "198.18.0.255"), nullptr) << "broadcast address";
  EXPECT_EQ(mac_of(p, t, "198.18.0.1"), nullptr) << "our own address";
  EXPECT_EQ(p.mac_for(256), nullptr) << "past the last target";
  EXPECT_TRUE(p.was_asked(t.index_of(ip("198.18.0.3")).value()));
  EXPECT_FALSE(p.was_asked(t.index_of(ip("198.18.0.0")).value()));
  EXPECT_FALSE(p.was_asked(t.index_of(ip("198.18.0.255")).value()));

  const auto& c = p.counts();
  EXPECT_EQ(c.targets, 256u);
  EXPECT_EQ(c.on_link, 255u);
  EXPECT_EQ(c.on_link_answered, 2u);
  EXPECT_EQ(c.on_link_known, 1u);
  EXPECT_EQ(c.on_link_not_asked, 2u);
  EXPECT_EQ(c.on_link_silent, 250u);
  EXPECT_EQ(c.silent_example, ip("198.18.0.3"));
  EXPECT_EQ(c.unroutable, 1u);
  EXPECT_EQ(c.unroutable_example, ip("198.18.0.1"));
  EXPECT_EQ(c.unroutable_why, Unroutable::LocalAddress);

  ASSERT_EQ(p.on_link_hosts().size(), 3u);
  const auto& h = p.on_link_hosts()[1];
  EXPECT_EQ(h.address, ip("198.18.0.7"));
  EXPECT_EQ(h.target_index, 7u);
  EXPECT_EQ(h.source, OnLinkHost::Source::ArpReply);
  EXPECT_EQ(h.latency_us, 250u);
  EXPECT_EQ(h.reply_time_us, 1'700'000'000'000'100);
  EXPECT_EQ(p.on_link_hosts()[2].source, OnLinkHost::Source::NeighbourTable);
}

TEST(NextHopPlan, MixedTargetsAndTheirWarnings) {
  const TargetSet t({{ip("198.18.0.0"), ip("198.18.0.255")},
                     {ip("198.19.0.0"), ip("198.19.255.255")},
                     {ip("198.20.0.1"), ip("198.20.0.1")}});
  std::vector<FoundMac> found{{ip("198.18.0.2"), kGatewayMac}};
  const auto p = plan(t, found);
  EXPECT_EQ(p.kind(), NextHopPlan::Kind::Segmented);
  EXPECT_EQ(*mac_of(p, t, "198.19.0.0"), kGatewayMac);
  EXPECT_EQ(*mac_of(p, t, "198.19.255.255"), kGatewayMac);
  EXPECT_EQ(mac_of(p, t, "198.19.0.0"), mac_of(p, t, "198.18.0.2"))
      << "the gateway and the on-link host share one table entry";
  EXPECT_EQ(mac_of(p, t, "198.20.0.1"), nullptr);
  EXPECT_EQ(mac_of(p, t, "198.18.0.4"), nullptr);
  // Slots only for the on-link /24; the /16 behind the gateway costs none.
  EXPECT_LE(p.lookup_bytes(), 256 * 4 + 8 * 16 + 8 * 6);
  EXPECT_FALSE(p.path().via_gateway) << "no single next hop to tell";

  const auto w = p.warnings();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], "2 targets cannot be sent to from eth0 and are skipped "
                  "(198.18.0.1 is one of this host's own addresses).");
  EXPECT_EQ(w[1], "252 on-link targets on eth0 did not answer ARP (0 requests each) and are "
                  "skipped (e.g. 198.18.0.3).")
      << "the request count is resolve_next_hops' to fill in";
  EXPECT_EQ(w[2], "2 targets are the network or broadcast address of their link, not asked "
                  "by ARP and skipped (e.g. 198.18.0.0).");
}

TEST(NextHopPlan, ProxyArpAnswersShareOneTableEntry) {
  const auto t = range("198.18.0.10", "198.18.0.12");
  const auto p = plan(t, {{ip("198.18.0.10"), kHostMac},
                          {ip("198.18.0.11"), kHostMac},
                          {ip("198.18.0.12"), kHostMac}});
  EXPECT_EQ(p.mac_for(0), p.mac_for(2));
  EXPECT_EQ(p.counts().on_link_answered, 3u);
}

TEST(NextHopPlan, LinksWithoutArpGetTheZeroMac) {
  const TargetSet t({{ip("198.18.0.0"), ip("198.18.0.255")},
                     {ip("198.19.0.0"), ip("198.19.0.255")}});
  const auto p = plan(t, {}, /*uses_arp=*/false);
  ASSERT_NE(mac_of(p, t, "198.18.0.0"), nullptr);
  EXPECT_TRUE(mac_of(p, t, "198.18.0.9")->is_zero());
  EXPECT_TRUE(mac_of(p, t, "198.19.0.9")->is_zero());
  EXPECT_EQ(mac_of(p, t, "198.18.0.1"), nullptr) << "still our own address";
}

TEST(NextHopPlan, AnOnLinkSlashSixteenStaysSmallAndFast) {
  std::vector<netlink::Route> routes{route("10.1.0.0", 16)};
  const TargetSet t({{ip("10.1.0.0"), ip("10.1.255.255")}});
  std::vector<FoundMac> found;
  for (uint32_t i = 1; i < 65535; i += 2) {  // half the link answers, each with its own MAC
    MacAddr m{{0x02, 0, 0, 0, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)}};
    found.push_back({ip("10.1.0.0") + i, m});
  }
  const auto p = plan_next_hops(t, split_by_route(routes, t), eth0_path(), true, found);
  EXPECT_EQ(p.counts().on_link_answered, 32767u);
  EXPECT_EQ(p.counts().on_link_silent, 32767u);
  EXPECT_EQ(p.counts().on_link_not_asked, 2u);
  EXPECT_LE(p.lookup_bytes(), 65536 * 4 + 32767 * 6 + 64) << "4 bytes a target, 6 a MAC";
  EXPECT_EQ(p.mac_for(1)->bytes[5], 1);
  EXPECT_EQ(p.mac_for(2), nullptr);

  // The per-probe cost, for the record (the TX loop calls this once a probe).
  const auto start = std::chrono::steady_clock::now();
  uint64_t hits = 0;
  for (int round = 0; round < 64; ++round) {
    for (uint64_t i = 0; i < 65536; ++i) hits += p.mac_for(i * 40503 % 65536) != nullptr;
  }
  const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(hits, 64u * 32767);
  std::printf("mac_for, on-link /16 in scrambled order: %.1f ns a call\n", ns / (64.0 * 65536));
}

// resolve_next_hops itself on this namespace's loopback: no ARP, no root.
TEST(ResolveNextHops, LocalhostGoesOutLoopbackWithTheZeroMac) {
  auto lo = find_interface("lo");
  if (!lo || !lo->up) GTEST_SKIP() << "lo is down in this namespace";
  const TargetSet t({{ip("127.0.0.1"), ip("127.0.0.2")}});
  NextHopRequest request;
  request.targets = &t;
  const NextHopPlan p = resolve_next_hops(request);
  EXPECT_EQ(p.path().iface, "lo");
  EXPECT_EQ(p.path().src_ip, ip("127.0.0.1"));
  EXPECT_EQ(p.kind(), NextHopPlan::Kind::Uniform);
  ASSERT_NE(p.mac_for(1), nullptr);
  EXPECT_TRUE(p.mac_for(1)->is_zero());
  EXPECT_EQ(p.counts().arp.requests_sent, 0u);

  request.iface = "lo";
  request.src_ip = ip("127.0.0.2");
  EXPECT_EQ(resolve_next_hops(request).path().src_ip, ip("127.0.0.2")) << "-S is kept";
  request.iface = "pio-nosuch0";
  EXPECT_THROW(resolve_next_hops(request), RuntimeFailure);
}

}  // namespace
}  // namespace portsweep
