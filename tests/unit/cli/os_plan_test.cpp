// nmap's choice of each host's OS probe ports from the sweep's results.
#include <gtest/gtest.h>

#include "cli/os_stage.hpp"

namespace portsweep {
namespace {

PortResult result(uint32_t ip, Proto proto, uint16_t port, PortState state) {
  PortResult r;
  r.ip = IpAddress::v4(ip);
  r.proto = proto;
  r.port = port;
  r.state = state;
  return r;
}

TEST(OsPlan, TakesTheLowestOpenAndClosedPortsAsNmapWalksThem) {
  OsPlan plan;
  const uint32_t ip = 0xC6130001;
  for (uint16_t p : {8080, 443, 22}) plan.note(result(ip, Proto::Tcp, p, PortState::Open));
  for (uint16_t p : {9000, 81}) plan.note(result(ip, Proto::Tcp, p, PortState::Closed));
  plan.note(result(ip, Proto::Udp, 161, PortState::Closed));
  plan.note(result(ip, Proto::Udp, 53, PortState::Open));
  std::mt19937_64 rng(1);
  const OsPlan::Choice c = plan.choose(ip, rng);
  EXPECT_EQ(c.host.ip, ip);
  EXPECT_EQ(c.host.open_tcp_port, 22);
  EXPECT_EQ(c.host.closed_tcp_port, 81);
  EXPECT_EQ(c.host.closed_udp_port, 161);
  EXPECT_TRUE(c.closed_tcp_known);
  EXPECT_TRUE(c.closed_udp_known);
  EXPECT_TRUE(c.reliable);
}

TEST(OsPlan, UnfilteredWillDoForClosedElseARandomPort) {
  OsPlan plan;
  const uint32_t a = 0xC6130002, b = 0xC6130003;
  plan.note(result(a, Proto::Tcp, 80, PortState::Open));
  plan.note(result(a, Proto::Tcp, 25, PortState::Unfiltered));
  plan.note(result(b, Proto::Tcp, 80, PortState::Open));
  plan.note(result(b, Proto::Tcp, 25, PortState::Filtered));
  std::mt19937_64 rng(2);
  const OsPlan::Choice ca = plan.choose(a, rng);
  EXPECT_EQ(ca.host.closed_tcp_port, 25);
  EXPECT_FALSE(ca.closed_tcp_known);  // not reported as "portused closed", as nmap's
  EXPECT_TRUE(ca.reliable);
  const OsPlan::Choice cb = plan.choose(b, rng);
  EXPECT_GE(cb.host.closed_tcp_port, 30000);
  EXPECT_LE(cb.host.closed_tcp_port, 44780);
  EXPECT_GE(cb.host.closed_udp_port, 30000);
  EXPECT_LE(cb.host.closed_udp_port, 44780);
  EXPECT_FALSE(cb.closed_tcp_known);
  EXPECT_FALSE(cb.closed_udp_known);
  EXPECT_FALSE(cb.reliable);  // --osscan-limit leaves it out; otherwise nmap's warning
}

TEST(OsPlan, NoOpenPortMeansNoSeqProbes) {
  OsPlan plan;
  const uint32_t ip = 0xC6130004;
  plan.note(result(ip, Proto::Tcp, 8080, PortState::Closed));
  std::mt19937_64 rng(3);
  const OsPlan::Choice c = plan.choose(ip, rng);
  EXPECT_EQ(c.host.open_tcp_port, 0);
  EXPECT_EQ(c.host.closed_tcp_port, 8080);
  EXPECT_FALSE(c.reliable);
}

TEST(OsPlan, AnsweredHostsAndRoundTrips) {
  OsPlan plan;
  TargetSet targets({Ipv4Range{0xC6130000, 0xC61300FF}});
  PortResult r = result(0xC6130005, Proto::Tcp, 22, PortState::Open);
  r.rtt_us = 700;
  plan.note(r);
  HostUp up;
  up.ip = IpAddress::v4(0xC6130009);
  up.rtt_us = 900;
  plan.note(up);
  const HostBitmap b = plan.answered(targets);
  EXPECT_EQ(b.count(), 2u);
  EXPECT_TRUE(b.test(5));
  EXPECT_TRUE(b.test(9));
  std::mt19937_64 rng(4);
  EXPECT_EQ(plan.choose(0xC6130005, rng).host.rtt_us, 700u);
  EXPECT_EQ(plan.choose(0xC6130009, rng).host.rtt_us, 900u);
}

}  // namespace
}  // namespace portsweep
