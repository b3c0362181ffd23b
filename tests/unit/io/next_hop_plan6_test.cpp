// IPv6 next hops from given routes and given Neighbor Discovery answers:
// route splitting over 128-bit addresses (the local table over the main
// one, the ends of the address space), the per-target MAC lookup (one MAC
// for a routed scan, slots for on-link targets, silent and unroutable
// ones), the capture filter, and the source address picked on an interface.
#include <linux/rtnetlink.h>
#include <pcap/pcap.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/interface_info.hpp"
#include "io/next_hop_plan6.hpp"
#include "io/route_split6.hpp"
#include "io/rx_filter.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep {
namespace {

constexpr int kEth0 = 2, kEth1 = 3, kLo = 1;
const MacAddr kGatewayMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x02}};
const MacAddr kHostMac{{0x02, 0x50, 0x53, 0x00, 0x00, 0x07}};

u128 ip6(const char* text) { return IpAddress::parse(text).value().value(); }
std::string text(u128 a) { return IpAddress::v6(a).to_string(); }

netlink::Route6 route(const char* dst, uint8_t len, const char* gateway = nullptr, int oif = kEth0) {
  netlink::Route6 r;
  r.dst = ip6(dst);
  r.dst_len = len;
  r.oif = oif;
  r.type = RTN_UNICAST;
  r.table = RT_TABLE_MAIN;
  r.metric = 256;
  if (gateway != nullptr) r.gateway = ip6(gateway);
  return r;
}

netlink::Route6 local(const char* dst, uint8_t len, uint8_t type = RTN_LOCAL) {
  netlink::Route6 r = route(dst, len);
  r.type = type;
  r.table = RT_TABLE_LOCAL;
  r.metric = 0;
  return r;
}

// The lab's scanner namespace: 2001:db8::1/64 on eth0, 2001:db8:1::/64 via
// 2001:db8::2, the link-local prefix, and the local table's entries.
std::vector<netlink::Route6> lab_routes() {
  return {route("2001:db8::", 64), route("2001:db8:1::", 64, "2001:db8::2"), route("fe80::", 64),
          local("2001:db8::1", 128), local("fe80::50:53ff:fe00:1", 128), local("ff00::", 8, RTN_MULTICAST)};
}

std::vector<NextHopRange6> range(const char* first, const char* last) { return {{ip6(first), ip6(last)}}; }

ScanPath6 eth0_path() {
  ScanPath6 p;
  p.iface = "eth0";
  p.ifindex = kEth0;
  p.src_ip = ip6("2001:db8::1");
  p.src_mac = MacAddr{{0x02, 0x50, 0x53, 0x00, 0x00, 0x01}};
  return p;
}

TEST(RouteSplit6, RoutedOnLinkLocalAndUnroutable) {
  const auto routes = lab_routes();
  std::vector<NextHopRange6> t = {{ip6("2001:db8::"), ip6("2001:db8::3")},
                                  {ip6("2001:db8:1::"), ip6("2001:db8:1::ffff")},
                                  {ip6("2001:db9::1"), ip6("2001:db9::1")},
                                  {ip6("ff02::1"), ip6("ff02::1")}};
  const auto s = split_by_route6(routes, t);
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(s[0].kind, HopKind::OnLink);  // ::0
  EXPECT_EQ(s[0].count, 1u);
  EXPECT_EQ(s[0].prefix, ip6("2001:db8::"));
  EXPECT_EQ(s[0].prefix_len, 64);
  EXPECT_EQ(s[1].why, Unroutable::LocalAddress);  // ::1 is ours
  EXPECT_EQ(s[1].first_index, 1u);
  EXPECT_EQ(s[2].kind, HopKind::OnLink);  // ::2 and ::3
  EXPECT_EQ(s[2].count, 2u);
  EXPECT_EQ(s[3].kind, HopKind::Gateway);
  EXPECT_EQ(s[3].first_index, 4u);
  EXPECT_EQ(s[3].count, 65536u);
  EXPECT_EQ(s[3].gateway, ip6("2001:db8::2"));
  EXPECT_EQ(s[4].why, Unroutable::NoRoute);
  EXPECT_EQ(s[4].first_address, ip6("2001:db9::1"));
  EXPECT_EQ(s[5].why, Unroutable::RejectRoute);  // multicast
}

TEST(RouteSplit6, LongestPrefixAndTheEndsOfTheSpace) {
  // A default route, a more specific one inside it, and targets at both
  // ends of the address space (where an exclusive end would overflow).
  std::vector<netlink::Route6> routes = {route("::", 0, "fe80::1"), route("2001:db8::", 32, "fe80::2"),
                                         route("ffff::", 16, nullptr, kEth1)};
  std::vector<NextHopRange6> t = {{0, 1}, {ip6("2001:db8::5"), ip6("2001:db8::5")}, {~u128{0} - 1, ~u128{0}}};
  auto s = split_by_route6(routes, t);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].gateway, ip6("fe80::1"));
  EXPECT_EQ(s[0].count, 2u);
  EXPECT_EQ(s[1].gateway, ip6("fe80::2"));
  EXPECT_EQ(s[2].kind, HopKind::OnLink);
  EXPECT_EQ(s[2].oif, kEth1);
  EXPECT_EQ(s[2].count, 2u);
  // Bound to eth0 (-e): the eth1 route is skipped, the default wins there.
  s = split_by_route6(routes, t, kEth0);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[2].gateway, ip6("fe80::1"));
  // Without -e, restricting afterwards marks it as another interface's.
  s = split_by_route6(routes, t);
  restrict_to_interface6(s, kEth0);
  EXPECT_EQ(s[2].why, Unroutable::OtherInterface);
  // A lower metric wins among equal prefixes.
  auto worse = route("2001:db8::", 32, "fe80::9");
  worse.metric = 1024;
  routes.insert(routes.begin(), worse);
  s = split_by_route6(routes, t);
  EXPECT_EQ(s[1].gateway, ip6("fe80::2"));
}

TEST(RouteSplit6, CountsAndIndexes) {
  std::vector<NextHopRange6> t = {{ip6("2001:db8::"), ip6("2001:db8::ff")}, {ip6("2001:db8:1::"), ip6("2001:db8:1::1")}};
  EXPECT_EQ(count_targets6(t), 258u);
  EXPECT_EQ(target_at6(t, 256), ip6("2001:db8:1::"));
  std::vector<NextHopRange6> huge = {{ip6("2001:db8::"), ip6("2001:db8::ffff:ffff:ffff:ffff")}};
  EXPECT_THROW(count_targets6(huge), UsageError);  // 2^64 addresses
  std::vector<NextHopRange6> all = {{0, ~u128{0}}};
  EXPECT_THROW(count_targets6(all), UsageError);
}

TEST(NextHopPlan6, RoutedTargetsShareOneMac) {
  const auto t = range("2001:db8:1::", "2001:db8:1::ffff");
  auto segments = split_by_route6(lab_routes(), t);
  const std::vector<FoundMac6> found = {{ip6("2001:db8::2"), kGatewayMac, OnLinkHost::Source::ArpReply, 0, 0}};
  const auto p = plan_next_hops6(t, segments, eth0_path(), true, found);
  EXPECT_TRUE(p.uniform());
  ASSERT_NE(p.mac_for(0), nullptr);
  EXPECT_EQ(*p.mac_for(0), kGatewayMac);
  EXPECT_EQ(p.mac_for(65535), p.mac_for(0));  // the same stored MAC
  EXPECT_LT(p.lookup_bytes(), 64u);
  EXPECT_TRUE(p.path().via_gateway);
  EXPECT_EQ(p.path().next_hop_ip, ip6("2001:db8::2"));
  EXPECT_EQ(p.counts().via_gateway, 65536u);
  EXPECT_EQ(p.counts().gateways, 1u);
  EXPECT_TRUE(p.warnings().empty());
  // A gateway without an answer refuses the plan.
  EXPECT_THROW(plan_next_hops6(t, segments, eth0_path(), true, {}), RuntimeFailure);
}

TEST(NextHopPlan6, OnLinkTargetsGetTheirOwnMacs) {
  const auto t = range("2001:db8::", "2001:db8::4");
  auto segments = split_by_route6(lab_routes(), t);
  restrict_to_interface6(segments, kEth0);
  const std::vector<FoundMac6> found = {{ip6("2001:db8::2"), kGatewayMac, OnLinkHost::Source::ArpReply, 5, 7},
                                        {ip6("2001:db8::4"), kHostMac, OnLinkHost::Source::NeighbourTable, 0, 0}};
  const auto p = plan_next_hops6(t, segments, eth0_path(), true, found);
  EXPECT_FALSE(p.uniform());
  EXPECT_EQ(p.mac_for(0), nullptr);  // ::0 silent
  EXPECT_EQ(p.mac_for(1), nullptr);  // ::1 ours
  ASSERT_NE(p.mac_for(2), nullptr);
  EXPECT_EQ(*p.mac_for(2), kGatewayMac);
  EXPECT_EQ(p.mac_for(3), nullptr);
  ASSERT_NE(p.mac_for(4), nullptr);
  EXPECT_EQ(*p.mac_for(4), kHostMac);
  EXPECT_EQ(p.mac_for(5), nullptr);  // beyond the targets
  EXPECT_TRUE(p.was_asked(3));
  EXPECT_FALSE(p.was_asked(1));
  const auto& c = p.counts();
  EXPECT_EQ(c.on_link, 4u);
  EXPECT_EQ(c.on_link_answered, 1u);
  EXPECT_EQ(c.on_link_known, 1u);
  EXPECT_EQ(c.on_link_silent, 2u);
  EXPECT_EQ(c.unroutable, 1u);
  ASSERT_EQ(p.on_link_hosts().size(), 2u);
  EXPECT_EQ(p.on_link_hosts()[0].target_index, 2u);
  EXPECT_EQ(p.on_link_hosts()[0].latency_us, 7u);
  EXPECT_FALSE(p.path().via_gateway);
  const auto w = p.warnings();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], "1 target cannot be sent to from eth0 and is skipped (2001:db8::1 is one of this host's own addresses).");
  EXPECT_EQ(w[1].substr(0, 70), "2 on-link targets on eth0 did not answer Neighbor Solicitation (0 soli");
}

TEST(NextHopPlan6, LoopbackNeedsNoMacs) {
  const auto t = range("::1", "::1");
  auto routes = lab_routes();
  routes.push_back(local("::1", 128));
  routes.back().oif = kLo;
  auto segments = split_by_route6(routes, t);
  reach_local_addresses6(segments, kLo);
  restrict_to_interface6(segments, kLo);
  ScanPath6 path = eth0_path();
  path.iface = "lo";
  const auto p = plan_next_hops6(t, segments, path, false, {});
  ASSERT_NE(p.mac_for(0), nullptr);
  EXPECT_TRUE(p.mac_for(0)->is_zero());
}

// --- the capture filter ---------------------------------------------------

// Whether libpcap's compiled `filter` accepts `frame`.
bool accepts(const std::string& filter, const std::vector<uint8_t>& frame) {
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 512);
  bpf_program prog{};
  EXPECT_EQ(pcap_compile(dead, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN), 0) << filter << ": " << pcap_geterr(dead);
  pcap_pkthdr h{};
  h.caplen = h.len = static_cast<uint32_t>(frame.size());
  const bool ok = pcap_offline_filter(&prog, &h, frame.data()) != 0;
  pcap_freecode(&prog);
  pcap_close(dead);
  return ok;
}

std::vector<uint8_t> ipv6_frame(uint8_t next_header, u128 dst) {
  std::vector<uint8_t> f(14 + 40 + 20, 0);
  f[12] = 0x86, f[13] = 0xdd;
  f[14] = 0x60;
  f[14 + 5] = 20;
  f[14 + 6] = next_header;
  f[14 + 7] = 64;
  store_ipv6(f.data() + 14 + 8, ip6("2001:db8:1::5"));
  store_ipv6(f.data() + 14 + 24, dst);
  return f;
}

TEST(RxFilter, Ipv4IsUnchanged) {
  EXPECT_EQ(reply_filter("(tcp or icmp)", IpAddress::v4(0xc6120001)), "((tcp or icmp)) and dst host 198.18.0.1");
}

TEST(RxFilter, Ipv6SpellsIcmpAndIpItsWay) {
  EXPECT_EQ(ipv6_protocol_words("(tcp or icmp) or (ip) or (udp or icmp)"), "(tcp or icmp6) or (ip6) or (udp or icmp6)");
  EXPECT_EQ(ipv6_protocol_words("icmp6 or ip6 or tcp"), "icmp6 or ip6 or tcp");
  const IpAddress ours = IpAddress::parse("2001:db8::1").value();
  const std::string f = reply_filter("(tcp or icmp)", ours);
  EXPECT_EQ(f, "ip6 and ((tcp or icmp6)) and dst host 2001:db8::1");
  EXPECT_TRUE(accepts(f, ipv6_frame(6, ip6("2001:db8::1"))));
  EXPECT_TRUE(accepts(f, ipv6_frame(58, ip6("2001:db8::1"))));
  EXPECT_FALSE(accepts(f, ipv6_frame(17, ip6("2001:db8::1"))));  // UDP: not asked for
  EXPECT_FALSE(accepts(f, ipv6_frame(6, ip6("2001:db8::9"))));   // not to us
  EXPECT_TRUE(accepts(reply_filter("(ip)", ours), ipv6_frame(132, ip6("2001:db8::1"))));
  EXPECT_TRUE(accepts(reply_filter("", ours), ipv6_frame(17, ip6("2001:db8::1"))));
}

// --- the source address on an interface -------------------------------------

TEST(InterfaceInfo6, SourceAddressPrefersScopeThenPrefix) {
  InterfaceInfo i;
  i.ipv6 = {{ip6("fe80::50:53ff:fe00:1"), 64, RT_SCOPE_LINK, true, false},
            {ip6("2001:db8:5::1"), 64, RT_SCOPE_UNIVERSE, true, false},
            {ip6("2001:db8::1"), 64, RT_SCOPE_UNIVERSE, true, false},
            {ip6("2001:db8::99"), 64, RT_SCOPE_UNIVERSE, false, false}};  // tentative
  EXPECT_EQ(text(*ipv6_source_for(i, ip6("2001:db8::2"))), "2001:db8::1");
  EXPECT_EQ(text(*ipv6_source_for(i, ip6("2001:db8:5::7"))), "2001:db8:5::1");
  EXPECT_EQ(text(*ipv6_source_for(i, ip6("fe80::1"))), "fe80::50:53ff:fe00:1");
  i.ipv6[2].deprecated = true;
  EXPECT_EQ(text(*ipv6_source_for(i, ip6("2001:db8::2"))), "2001:db8:5::1");
  i.ipv6.resize(1);
  EXPECT_EQ(text(*ipv6_source_for(i, ip6("2001:db8::2"))), "fe80::50:53ff:fe00:1");
  i.ipv6.clear();
  EXPECT_FALSE(ipv6_source_for(i, ip6("2001:db8::2")));
}

}  // namespace
}  // namespace portsweep
