#include "ports/port_set.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace portsweep {
namespace {

using Ports = std::vector<uint16_t>;

TEST(PortSet, StartsEmpty) {
  PortSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.sequential());
  EXPECT_TRUE(set.ports(Proto::Tcp).empty());
}

TEST(PortSet, KeepsEachProtocolSortedAndUnique) {
  PortSet set;
  set.set_ports(Proto::Tcp, {443, 22, 80, 22});
  set.set_ports(Proto::Udp, {53});
  EXPECT_EQ(set.ports(Proto::Tcp), (Ports{22, 80, 443}));
  EXPECT_EQ(set.ports(Proto::Udp), (Ports{53}));
  EXPECT_TRUE(set.ports(Proto::Sctp).empty());
  EXPECT_EQ(set.size(), 4u);
  EXPECT_TRUE(set.contains(Proto::Tcp, 80));
  EXPECT_FALSE(set.contains(Proto::Udp, 80));
}

TEST(PortSet, IpProtocolHasNoPorts) {
  PortSet set;
  EXPECT_TRUE(set.ports(Proto::Ip).empty());
  EXPECT_FALSE(set.contains(Proto::Ip, 1));
  EXPECT_THROW(set.set_ports(Proto::Ip, {1}), std::invalid_argument);
}

TEST(PortSet, RemembersSequentialFlag) {
  PortSet set;
  set.set_sequential(true);
  EXPECT_TRUE(set.sequential());
}

TEST(FormatPortRanges, CompressesRuns) {
  EXPECT_EQ(format_port_ranges({}), "");
  EXPECT_EQ(format_port_ranges({80}), "80");
  EXPECT_EQ(format_port_ranges({21, 22, 23, 80, 443}), "21-23,80,443");
  EXPECT_EQ(format_port_ranges({0, 1, 65534, 65535}), "0-1,65534-65535");
  EXPECT_EQ(format_port_ranges({1, 3, 5}), "1,3,5");
}

}  // namespace
}  // namespace portsweep
