// The command line's share of next-hop resolution: -e, -S and ARP pacing.
#include <gtest/gtest.h>

#include "cli/scan_plan.hpp"
#include "common/error.hpp"

namespace portsweep {
namespace {

TEST(NextHopRequest, CarriesInterfaceSourceAndTargets) {
  ScanOptions o;
  o.interface = "ps-scan0";
  o.source_ip = "198.18.0.9";
  ScanScope scope;
  scope.targets.addresses = TargetSet({{0xc6130000, 0xc613ffff}});
  const NextHopRequest r = next_hop_request(o, scope);
  EXPECT_EQ(r.targets, &scope.targets.addresses);
  EXPECT_EQ(r.iface, "ps-scan0");
  EXPECT_EQ(r.src_ip, 0xc6120009u);
  EXPECT_EQ(r.arp.rate_pps, ArpSweepOptions{}.rate_pps);

  o.source_ip = "198.18.0.0/24";
  EXPECT_THROW(next_hop_request(o, scope), UsageError);
}

TEST(NextHopRequest, ArpIsNoFasterThanTheScan) {
  ScanOptions o;
  ScanScope scope;
  o.max_rate = 100;
  EXPECT_EQ(next_hop_request(o, scope).arp.rate_pps, 100);
  o.rate = 50;
  EXPECT_EQ(next_hop_request(o, scope).arp.rate_pps, 50);
  o.rate = 1e6;
  o.max_rate.reset();
  EXPECT_EQ(next_hop_request(o, scope).arp.rate_pps, ArpSweepOptions{}.rate_pps)
      << "a fast scan does not make ARP faster";
}

}  // namespace
}  // namespace portsweep
