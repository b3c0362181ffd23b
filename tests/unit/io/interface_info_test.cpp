// Reads the current namespace's tables; sends nothing.
#include "io/interface_info.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "common/error.hpp"
#include "io/iflist.hpp"
#include "io/netlink_route.hpp"
#include "io/scan_path.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {
namespace {

constexpr uint32_t kLocalhost = 0x7f000001;

// A fresh namespace has lo down and without 127.0.0.1; routes need it up.
bool loopback_up() {
  auto lo = find_interface("lo");
  return lo && lo->up;
}

TEST(Interfaces, FindsLoopbackWithItsAddressAndMtu) {
  auto ifaces = list_interfaces();
  const InterfaceInfo* lo = nullptr;
  for (const auto& i : ifaces) {
    if (i.name == "lo") lo = &i;
  }
  ASSERT_NE(lo, nullptr);
  EXPECT_TRUE(lo->loopback);
  EXPECT_FALSE(lo->uses_arp);
  EXPECT_EQ(lo->mtu, 65536u);
  EXPECT_EQ(interface_type_name(*lo), "loopback");
  bool has_localhost = false;
  for (const auto& a : lo->ipv4) {
    if (a.address == kLocalhost && a.prefix_len == 8) has_localhost = true;
  }
  EXPECT_TRUE(has_localhost) << "lo has no 127.0.0.1/8";
}

TEST(Interfaces, FindsByNameAndIndex) {
  auto by_name = find_interface("lo");
  ASSERT_TRUE(by_name);
  auto by_index = find_interface(by_name->index);
  ASSERT_TRUE(by_index);
  EXPECT_EQ(by_index->name, "lo");
  EXPECT_FALSE(find_interface("pio-nosuch0"));
}

TEST(Netlink, RouteToLocalhostIsLocalThroughLoopback) {
  if (!loopback_up()) GTEST_SKIP() << "lo is down in this namespace";
  auto route = netlink::lookup_route(kLocalhost);
  ASSERT_TRUE(route);
  EXPECT_EQ(route->oif, find_interface("lo")->index);
  EXPECT_EQ(route->gateway, 0u);
}

TEST(ScanPath, LocalhostGoesOutLoopbackWithoutArp) {
  if (!loopback_up()) GTEST_SKIP() << "lo is down in this namespace";
  auto path = resolve_scan_path({std::nullopt, std::nullopt, kLocalhost});
  EXPECT_EQ(path.iface, "lo");
  EXPECT_EQ(path.src_ip, kLocalhost);
  EXPECT_EQ(path.next_hop_ip, kLocalhost);
  EXPECT_TRUE(path.next_hop_mac.is_zero());
  EXPECT_FALSE(path.via_gateway);
  EXPECT_EQ(path.mtu, 65536u);
}

TEST(ScanPath, SourceOverrideIsKept) {
  if (!loopback_up()) GTEST_SKIP() << "lo is down in this namespace";
  auto path = resolve_scan_path({std::string("lo"), 0x7f000002, kLocalhost});
  EXPECT_EQ(path.src_ip, 0x7f000002u);
}

TEST(ScanPath, UnknownInterfaceIsNamedInTheError) {
  try {
    resolve_scan_path({std::string("pio-nosuch0"), std::nullopt, kLocalhost});
    FAIL() << "expected a RuntimeFailure";
  } catch (const RuntimeFailure& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("no interface named \"pio-nosuch0\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("lo"), std::string::npos) << msg;
  }
}

TEST(IfList, PrintsBothTablesWithLoopback) {
  std::ostringstream out;
  print_iflist(out);
  std::string text = out.str();
  EXPECT_NE(text.find("INTERFACES"), std::string::npos) << text;
  EXPECT_NE(text.find("ROUTES"), std::string::npos) << text;
  EXPECT_NE(text.find("DEV"), std::string::npos);
  EXPECT_NE(text.find("DST/MASK"), std::string::npos);
  EXPECT_NE(text.find("127.0.0.1/8"), std::string::npos) << text;
  EXPECT_NE(text.find("loopback"), std::string::npos) << text;
  EXPECT_NE(text.find("65536"), std::string::npos) << text;
}

}  // namespace
}  // namespace portsweep
