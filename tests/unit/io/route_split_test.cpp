// Longest-prefix splitting of a target set over a given route list: no kernel.
#include "io/route_split.hpp"

#include <linux/rtnetlink.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "targets/ipv4.hpp"

namespace portsweep {
namespace {

constexpr int kEth0 = 2;
constexpr int kEth1 = 3;

uint32_t ip(const char* text) {
  auto a = parse_ipv4(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(0);
}

netlink::Route prefix_route(const std::string& cidr, uint8_t type = RTN_UNICAST,
                            uint32_t table = RT_TABLE_MAIN) {
  netlink::Route r;
  const auto slash = cidr.find('/');
  r.dst = ip(cidr.substr(0, slash).c_str());
  r.dst_len = static_cast<uint8_t>(std::stoi(cidr.substr(slash + 1)));
  r.type = type;
  r.table = table;
  return r;
}

netlink::Route on_link(const std::string& cidr, int oif = kEth0, uint32_t prefsrc = 0) {
  auto r = prefix_route(cidr);
  r.oif = oif;
  r.prefsrc = prefsrc;
  return r;
}

netlink::Route via(const std::string& cidr, const char* gateway, int oif = kEth0,
                   uint32_t metric = 0) {
  auto r = prefix_route(cidr);
  r.oif = oif;
  r.gateway = ip(gateway);
  r.metric = metric;
  return r;
}

netlink::Route local(const std::string& cidr, uint8_t type = RTN_LOCAL) {
  auto r = prefix_route(cidr, type, RT_TABLE_LOCAL);
  r.oif = 1;  // lo
  return r;
}

TargetSet targets(std::vector<std::pair<const char*, const char*>> ranges) {
  std::vector<Ipv4Range> out;
  for (auto [a, b] : ranges) out.push_back({ip(a), ip(b)});
  return TargetSet(out);
}

TargetSet one(const char* a) { return targets({{a, a}}); }

// The segment holding target `address` of `t`.
const RouteSegment& segment_of(const std::vector<RouteSegment>& segs, const TargetSet& t,
                               const char* address) {
  const uint64_t index = t.index_of(ip(address)).value();
  for (const auto& s : segs) {
    if (index >= s.first_index && index < s.first_index + s.count) return s;
  }
  ADD_FAILURE() << address << " is in no segment";
  return segs.front();
}

void expect_tiles(const std::vector<RouteSegment>& segs, const TargetSet& t) {
  uint64_t next = 0;
  for (const auto& s : segs) {
    EXPECT_EQ(s.first_index, next);
    EXPECT_GT(s.count, 0u);
    EXPECT_EQ(s.first_address, t.at(s.first_index));
    next += s.count;
  }
  EXPECT_EQ(next, t.size()) << "segments must cover every target once, in order";
}

TEST(RouteSplit, LongestPrefixWins) {
  const std::vector<netlink::Route> routes{
      via("0.0.0.0/0", "192.0.2.1"),
      via("10.0.0.0/8", "192.0.2.2"),
      on_link("10.1.0.0/16"),
      via("10.1.2.0/24", "10.1.0.1"),
  };
  const auto t = targets({{"10.0.255.255", "10.2.0.0"}, {"11.0.0.1", "11.0.0.1"}});
  const auto segs = split_by_route(routes, t);
  expect_tiles(segs, t);
  ASSERT_EQ(segs.size(), 6u);

  EXPECT_EQ(segs[0].kind, HopKind::Gateway);  // 10.0.255.255: the /8
  EXPECT_EQ(segs[0].gateway, ip("192.0.2.2"));
  EXPECT_EQ(segs[0].count, 1u);
  EXPECT_EQ(segs[1].kind, HopKind::OnLink);  // 10.1.0.0 - 10.1.1.255
  EXPECT_EQ(segs[1].count, 512u);
  EXPECT_EQ(segs[1].prefix, ip("10.1.0.0"));
  EXPECT_EQ(segs[1].prefix_len, 16);
  EXPECT_EQ(segs[2].kind, HopKind::Gateway);  // 10.1.2.0/24 inside the on-link /16
  EXPECT_EQ(segs[2].gateway, ip("10.1.0.1"));
  EXPECT_EQ(segs[2].count, 256u);
  EXPECT_EQ(segs[3].kind, HopKind::OnLink);  // 10.1.3.0 - 10.1.255.255
  EXPECT_EQ(segs[3].first_address, ip("10.1.3.0"));
  EXPECT_EQ(segs[4].kind, HopKind::Gateway);  // 10.2.0.0: the /8 again
  EXPECT_EQ(segs[4].gateway, ip("192.0.2.2"));
  // 11.0.0.1: only the default route matches.
  EXPECT_EQ(segs[5].gateway, ip("192.0.2.1"));
  EXPECT_EQ(segs[5].first_address, ip("11.0.0.1"));
}

TEST(RouteSplit, AWholeNetworkUnderOneRouteIsOneSegment) {
  const std::vector<netlink::Route> routes{on_link("198.18.0.0/24"),
                                           via("198.19.0.0/16", "198.18.0.2")};
  const auto t = targets({{"198.19.0.0", "198.19.255.255"}});
  const auto segs = split_by_route(routes, t);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].count, 65536u);
  EXPECT_EQ(segs[0].kind, HopKind::Gateway);

  // nmap's 10.0-255.0-255.1 is 65536 ranges; under one route they merge.
  std::vector<Ipv4Range> pattern;
  for (uint32_t i = 0; i < 65536; ++i) pattern.push_back({0x0a000001 | i << 8, 0x0a000001 | i << 8});
  const TargetSet sparse(pattern);
  const std::vector<netlink::Route> with_default{via("0.0.0.0/0", "192.0.2.1")};
  const auto start = std::chrono::steady_clock::now();
  const auto merged = split_by_route(with_default, sparse);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].count, 65536u);
  std::printf("split of 65536 ranges under one route: %.0f us\n",
              std::chrono::duration<double, std::micro>(took).count());
}

TEST(RouteSplit, RangesStraddlingRoutesSplitAtTheBoundaries) {
  const std::vector<netlink::Route> routes{via("10.0.0.0/16", "192.0.2.1"),
                                           via("10.1.0.0/16", "192.0.2.2")};
  const auto t = targets({{"10.0.255.250", "10.1.0.5"}});
  const auto segs = split_by_route(routes, t);
  expect_tiles(segs, t);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].count, 6u);
  EXPECT_EQ(segs[0].gateway, ip("192.0.2.1"));
  EXPECT_EQ(segs[1].count, 6u);
  EXPECT_EQ(segs[1].gateway, ip("192.0.2.2"));
  EXPECT_EQ(segs[1].first_address, ip("10.1.0.0"));
}

TEST(RouteSplit, RoutesThroughOneGatewayMerge) {
  const std::vector<netlink::Route> routes{via("10.0.0.0/16", "192.0.2.1"),
                                           via("10.1.0.0/16", "192.0.2.1")};
  const auto t = targets({{"10.0.0.0", "10.1.255.255"}});
  const auto segs = split_by_route(routes, t);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].count, 131072u);
}

TEST(RouteSplit, DefaultRouteCoversTheWholeAddressSpace) {
  const std::vector<netlink::Route> routes{via("0.0.0.0/0", "192.0.2.1")};
  const auto t = targets({{"0.0.0.0", "0.0.0.3"}, {"255.255.255.254", "255.255.255.255"}});
  const auto segs = split_by_route(routes, t);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].count, 6u);
  EXPECT_EQ(segs[0].kind, HopKind::Gateway);
}

TEST(RouteSplit, NoRouteIsUnroutable) {
  const std::vector<netlink::Route> routes{on_link("198.18.0.0/24"),
                                           via("198.19.0.0/16", "198.18.0.2")};
  const auto t = one("198.20.0.1");
  const auto segs = split_by_route(routes, t);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].kind, HopKind::Unroutable);
  EXPECT_EQ(segs[0].why, Unroutable::NoRoute);
  EXPECT_EQ(split_by_route({}, t)[0].why, Unroutable::NoRoute) << "an empty table";
}

TEST(RouteSplit, HostRoutesAndRejectRoutes) {
  const std::vector<netlink::Route> routes{
      on_link("198.18.0.0/24"),
      via("198.18.0.77/32", "198.18.0.2"),
      prefix_route("198.18.0.99/32", RTN_BLACKHOLE),
      prefix_route("198.20.0.0/16", RTN_UNREACHABLE),
      prefix_route("198.21.0.0/16", RTN_PROHIBIT),
  };
  const auto t = targets({{"198.18.0.0", "198.18.0.255"}, {"198.20.0.1", "198.20.0.1"},
                          {"198.21.0.1", "198.21.0.1"}});
  const auto segs = split_by_route(routes, t);
  expect_tiles(segs, t);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.76").kind, HopKind::OnLink);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.77").kind, HopKind::Gateway);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.77").count, 1u);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.78").kind, HopKind::OnLink);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.99").why, Unroutable::RejectRoute);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.99").count, 1u);
  EXPECT_EQ(segment_of(segs, t, "198.20.0.1").why, Unroutable::RejectRoute);
  EXPECT_EQ(segment_of(segs, t, "198.21.0.1").why, Unroutable::RejectRoute);
  // Adjacent unroutable targets with one reason are one segment.
  EXPECT_EQ(segment_of(segs, t, "198.21.0.1").first_address, ip("198.20.0.1"));
}

TEST(RouteSplit, LowestMetricWinsAmongEqualPrefixes) {
  const std::vector<netlink::Route> routes{via("0.0.0.0/0", "192.0.2.9", kEth1, 600),
                                           via("0.0.0.0/0", "192.0.2.1", kEth0, 100)};
  const auto segs = split_by_route(routes, one("203.0.113.5"));
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].gateway, ip("192.0.2.1"));
  EXPECT_EQ(segs[0].oif, kEth0);
}

TEST(RouteSplit, LocalTableComesFirst) {
  // The kernel's local table: our address, and the link's broadcast entries.
  const std::vector<netlink::Route> routes{
      on_link("198.18.0.0/24", kEth0, ip("198.18.0.1")),
      local("198.18.0.1/32"),
      local("198.18.0.255/32", RTN_BROADCAST),
      local("127.0.0.0/8"),
  };
  const auto t = targets({{"198.18.0.0", "198.18.0.255"}, {"127.0.0.1", "127.0.0.1"}});
  const auto segs = split_by_route(routes, t);
  expect_tiles(segs, t);
  EXPECT_EQ(segment_of(segs, t, "127.0.0.1").why, Unroutable::LocalAddress);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.1").why, Unroutable::LocalAddress);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.0").kind, HopKind::OnLink);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.2").kind, HopKind::OnLink);
  EXPECT_EQ(segment_of(segs, t, "198.18.0.2").prefsrc, ip("198.18.0.1"));
  // Broadcast entries leave the address to its link (it is "not asked" there).
  EXPECT_EQ(segment_of(segs, t, "198.18.0.255").kind, HopKind::OnLink);
}

TEST(RouteSplit, OwnAddressesAreReachedThroughLoopback) {
  auto lo_route = local("127.0.0.0/8");
  lo_route.prefsrc = ip("127.0.0.1");
  const std::vector<netlink::Route> routes{lo_route, via("0.0.0.0/0", "192.0.2.1")};
  const auto t = targets({{"127.0.0.1", "127.0.0.9"}, {"203.0.113.5", "203.0.113.5"}});
  auto segs = split_by_route(routes, t);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].why, Unroutable::LocalAddress);
  EXPECT_EQ(segs[0].prefsrc, ip("127.0.0.1")) << "kept: a local target's natural source";
  reach_local_addresses(segs, 1);
  restrict_to_interface(segs, 1);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].kind, HopKind::OnLink);
  EXPECT_EQ(segs[0].oif, 1);
  EXPECT_EQ(segs[0].count, 9u);
  EXPECT_FALSE(is_network_or_broadcast(ip("127.0.0.1"), segs[0].prefix, segs[0].prefix_len));
  EXPECT_EQ(segs[1].why, Unroutable::OtherInterface);
}

TEST(RouteSplit, AnotherInterfaceIsUnroutableOnceTheScanPicksOne) {
  const std::vector<netlink::Route> routes{via("0.0.0.0/0", "192.0.2.1", kEth0),
                                           on_link("10.9.0.0/16", kEth1),
                                           via("10.10.0.0/16", "10.9.0.1", kEth1)};
  const auto t = targets({{"10.8.255.255", "10.10.0.0"}});
  auto segs = split_by_route(routes, t);
  ASSERT_EQ(segs.size(), 3u);
  restrict_to_interface(segs, kEth0);
  expect_tiles(segs, t);
  ASSERT_EQ(segs.size(), 2u) << "the two eth1 segments merge once both are unroutable";
  EXPECT_EQ(segs[0].kind, HopKind::Gateway);
  EXPECT_EQ(segs[1].kind, HopKind::Unroutable);
  EXPECT_EQ(segs[1].why, Unroutable::OtherInterface);
  EXPECT_EQ(segs[1].count, 65537u);
}

TEST(RouteSplit, BoundToAnInterfaceALessSpecificRouteThroughItWins) {
  // Like a socket bound with SO_BINDTODEVICE (-e eth0): the /16 through eth1
  // does not count, so its targets fall back to eth0's default route.
  const std::vector<netlink::Route> routes{via("0.0.0.0/0", "192.0.2.1", kEth0),
                                           via("10.10.0.0/16", "10.9.0.1", kEth1),
                                           prefix_route("10.11.0.0/16", RTN_UNREACHABLE)};
  const auto t = targets({{"10.10.0.1", "10.10.0.1"}, {"10.11.0.1", "10.11.0.1"}});
  const auto segs = split_by_route(routes, t, kEth0);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].gateway, ip("192.0.2.1"));
  EXPECT_EQ(segs[1].why, Unroutable::RejectRoute) << "reject routes bind every interface";
  // Nothing through eth1 at all: no route through it.
  const std::vector<netlink::Route> only_eth1{via("10.10.0.0/16", "10.9.0.1", kEth1)};
  EXPECT_EQ(split_by_route(only_eth1, one("10.10.0.1"), kEth0)[0].why, Unroutable::NoRoute);
}

TEST(RouteSplit, MultipathRoutesAreNotFollowed) {
  auto ecmp = via("0.0.0.0/0", "0.0.0.0", 0);
  ecmp.gateway = 0;
  const std::vector<netlink::Route> routes{ecmp};
  const auto segs = split_by_route(routes, one("203.0.113.5"));
  EXPECT_EQ(segs[0].why, Unroutable::Multipath);
}

TEST(RouteSplit, NetworkAndBroadcastAddresses) {
  const uint32_t net = ip("198.18.0.0");
  EXPECT_TRUE(is_network_or_broadcast(ip("198.18.0.0"), net, 24));
  EXPECT_TRUE(is_network_or_broadcast(ip("198.18.0.255"), net, 24));
  EXPECT_FALSE(is_network_or_broadcast(ip("198.18.0.1"), net, 24));
  EXPECT_FALSE(is_network_or_broadcast(ip("198.18.1.0"), net, 24)) << "outside the prefix";
  EXPECT_TRUE(is_network_or_broadcast(ip("198.18.0.3"), net, 30));
  EXPECT_FALSE(is_network_or_broadcast(ip("198.18.0.1"), net, 31)) << "RFC 3021: both usable";
  EXPECT_FALSE(is_network_or_broadcast(ip("198.18.0.0"), net, 32));
  EXPECT_TRUE(is_network_or_broadcast(ip("198.18.255.255"), net, 16));
}

}  // namespace
}  // namespace portsweep
