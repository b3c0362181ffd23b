// Host discovery's command line: nmap's -P spellings, the default probe set,
// port and protocol lists, and the combinations refused.
#include "cli/discovery_plan.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/command_line.hpp"
#include "cli/nmap_args.hpp"
#include "common/error.hpp"

namespace portsweep {
namespace {

using Args = std::vector<std::string>;

ScanOptions options(const Args& args) {
  std::ostringstream out, err;
  ParsedCommandLine p = parse_command_line(args, out, err);
  if (!p.options) throw UsageError(err.str());
  return *p.options;
}

const ServicesDb& services() {
  static const ServicesDb db = ServicesDb::load();
  return db;
}

DiscoveryPlan plan(const Args& args) { return plan_discovery(options(args), services()); }

std::vector<std::pair<std::string, std::vector<uint16_t>>> probes(const DiscoveryPlan& p) {
  std::vector<std::pair<std::string, std::vector<uint16_t>>> out;
  for (const ScanPart& s : p.probes) out.emplace_back(s.module, s.ports);
  return out;
}

TEST(DiscoveryArgs, PingOptionsTakeTheirListsGluedOn) {
  EXPECT_EQ(normalise_nmap_args({"-PS22,80", "-PA", "-PU53", "-PO1,6", "-PE", "-PP", "-PM", "-PR", "-sn"}),
            (Args{"--tcp-syn-ping=22,80", "--tcp-ack-ping=default", "--udp-ping=53", "--ip-protocol-ping=1,6",
                  "--icmp-echo-ping", "--icmp-timestamp-ping", "--icmp-netmask-ping", "--arp-ping", "--ping-scan"}));
  // A bare -PS does not swallow the target after it.
  const ScanOptions o = options({"-PS", "198.19.0.1"});
  EXPECT_EQ(o.targets, Args{"198.19.0.1"});
  EXPECT_EQ(o.syn_ping, Args{"default"});
}

TEST(DiscoveryPlan, DefaultIsNmapsPrivilegedSet) {
  const DiscoveryPlan p = plan({"198.19.0.0/24"});
  EXPECT_TRUE(p.discover);
  EXPECT_TRUE(p.port_scan);
  EXPECT_TRUE(p.arp);
  using P = std::vector<std::pair<std::string, std::vector<uint16_t>>>;
  EXPECT_EQ(probes(p), (P{{"icmp_echo_ping", {0}}, {"tcp_syn_ping", {443}}, {"tcp_ack_ping", {80}},
                          {"icmp_timestamp_ping", {0}}}));
  // -PR alone changes how on-link hosts are found, not the IP probes.
  EXPECT_EQ(probes(plan({"-PR", "198.19.0.0/24"})), probes(p));
}

TEST(DiscoveryPlan, ExplicitProbesReplaceTheDefault) {
  using P = std::vector<std::pair<std::string, std::vector<uint16_t>>>;
  EXPECT_EQ(probes(plan({"-sn", "-PS22,80", "-PS443", "-PU", "-PO", "198.19.0.1"})),
            (P{{"tcp_syn_ping", {22, 80, 443}}, {"udp_ping", {40125}}, {"ip_proto_ping", {1, 2, 4}}}));
  EXPECT_EQ(probes(plan({"-PA", "-PM", "198.19.0.1"})), (P{{"tcp_ack_ping", {80}}, {"icmp_netmask_ping", {0}}}));
  EXPECT_FALSE(plan({"-sn", "-PE", "198.19.0.1"}).port_scan);
  EXPECT_FALSE(plan({"--disable-arp-ping", "198.19.0.1"}).arp);
}

TEST(DiscoveryPlan, SkipDiscoveryProbesNothing) {
  const DiscoveryPlan p = plan({"-Pn", "198.19.0.1"});
  EXPECT_FALSE(p.discover);
  EXPECT_TRUE(p.probes.empty());
}

TEST(DiscoveryPlan, ContradictionsAreRefusedWithTheirReason) {
  const auto refused = [](const Args& args, const std::string& says) {
    try {
      plan(args);
      ADD_FAILURE() << args.front() << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused({"-Pn", "-PE", "198.19.0.1"}, "-Pn skips host discovery");
  refused({"-sn", "-sS", "198.19.0.1"}, "(-sS)");
  refused({"-sn", "-p", "22", "198.19.0.1"}, "-sn scans no ports");
  refused({"-sn", "--top-ports", "10", "198.19.0.1"}, "-sn scans no ports");
  refused({"-sn", "-sV", "198.19.0.1"}, "-sV");
  refused({"-PY", "198.19.0.1"}, "SCTP");
  refused({"-PR", "--disable-arp-ping", "198.19.0.1"}, "--disable-arp-ping");
  refused({"-PO256", "198.19.0.1"}, "0-255");
  refused({"-PS70000", "198.19.0.1"}, "-PS");
}

TEST(DiscoveryPlan, OnlyAnAnswerFromTheHostItselfSaysItIsUp) {
  PortResult r;
  r.state = PortState::Closed;  // a RST
  EXPECT_TRUE(says_host_up(r));
  r.state = PortState::Filtered;
  r.reason = Reason::PortUnreach;
  EXPECT_TRUE(says_host_up(r));
  for (Reason router : {Reason::HostUnreach, Reason::NetUnreach, Reason::AdminProhibited, Reason::HostProhibited}) {
    r.reason = router;
    EXPECT_FALSE(says_host_up(r)) << to_string(router);
  }
}

}  // namespace
}  // namespace portsweep
