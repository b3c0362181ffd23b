#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "output/host_table.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

PortResult closed(IpAddress addr, uint16_t port) {
  return {addr, port, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStartUs, 0, {}};
}

std::map<PortState, std::size_t> kept_per_state(const HostEntry& h) {
  std::map<PortState, std::size_t> n;
  for (const KeptPort& p : h.ports) ++n[p.state];
  return n;
}

// Below the budget every answered port is kept, so XML can list the ports
// of a folded state as nmap 7.9x does.
TEST(HostTable, FoldedStatesKeepTheirPortsWithinTheBudget) {
  HostTable table;
  for (uint16_t p = 1; p <= 100; ++p) table.add(closed(ip(10, 0, 0, 1), p));
  const HostReport r = table.report(ip(10, 0, 0, 1), {1000, 0, 0, 0});
  ASSERT_EQ(r.hidden.size(), 2u);  // 900 filtered (no-response), 100 closed
  const auto closed_state = std::find_if(r.hidden.begin(), r.hidden.end(),
                                         [](const HiddenState& h) { return h.state == PortState::Closed; });
  ASSERT_NE(closed_state, r.hidden.end());
  ASSERT_EQ(closed_state->reasons.size(), 1u);
  EXPECT_EQ(closed_state->reasons[0].ports.size(), 100u);
  EXPECT_EQ(closed_state->reasons[0].ports.front(), 1);
  EXPECT_EQ(closed_state->reasons[0].ports.back(), 100);
  for (const HiddenState& h : r.hidden) {
    if (h.state == PortState::Filtered) {
      EXPECT_TRUE(h.reasons[0].ports.empty()) << "unanswered ports are not known";
    }
  }
}

// Past the budget, a state too long to list gives its ports back.
TEST(HostTable, MillionClosedResultsKeepAtMost26PortsPerHostAndState) {
  ReportPolicy policy;
  policy.kept_ports_budget = 1000;
  HostTable table(policy);
  constexpr uint32_t kHosts = 100;
  constexpr uint32_t kResults = 1000000;
  // Interleaved across hosts, as a stateless scan delivers them.
  for (uint32_t n = 0; n < kResults; ++n) {
    const uint32_t host = n % kHosts;
    table.add(closed(IpAddress::v4(ip4(10, 1, 0, 0) + host), static_cast<uint16_t>(1 + n / kHosts)));
    if (n % 997 == 0) {  // a few open ports are always kept
      table.add({IpAddress::v4(ip4(10, 1, 0, 0) + host), static_cast<uint16_t>(60000 + n % 5000), Proto::Tcp,
                 PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
    }
  }
  ASSERT_EQ(table.hosts_up(), kHosts);
  for (uint32_t host = 0; host < kHosts; ++host) {
    const HostEntry* h = table.find(IpAddress::v4(ip4(10, 1, 0, 0) + host));
    ASSERT_NE(h, nullptr);
    for (const auto& [state, n] : kept_per_state(*h)) {
      if (state != PortState::Open) {
        EXPECT_LE(n, 26u);
      }
    }
    EXPECT_EQ(h->state_count(PortState::Closed), kResults / kHosts);
    EXPECT_LE(h->ports.capacity(), 64u) << "dropped lists give their memory back";
  }
  const HostReport r = table.report(ip(10, 1, 0, 0), {10000, 0, 0, 0});
  ASSERT_EQ(r.hidden.size(), 1u);
  EXPECT_EQ(r.hidden[0].state, PortState::Closed);
  EXPECT_EQ(r.hidden[0].count, 10000u);
  EXPECT_TRUE(r.hidden[0].reasons[0].ports.empty()) << "a list given up is not printed";
  for (const KeptPort& p : r.listed) EXPECT_EQ(p.state, PortState::Open);
}

TEST(HostTable, TwentyFiveClosedAreListedTwentySixAreNot) {
  HostTable table;
  for (uint16_t p = 1; p <= 25; ++p) table.add(closed(ip(10, 0, 0, 1), p));
  for (uint16_t p = 1; p <= 26; ++p) table.add(closed(ip(10, 0, 0, 2), p));

  const HostReport listed = table.report(ip(10, 0, 0, 1), {25, 0, 0, 0});
  EXPECT_EQ(listed.listed.size(), 25u);
  EXPECT_TRUE(listed.hidden.empty());

  const HostReport hidden = table.report(ip(10, 0, 0, 2), {26, 0, 0, 0});
  EXPECT_TRUE(hidden.listed.empty());
  ASSERT_EQ(hidden.hidden.size(), 1u);
  EXPECT_EQ(hidden.hidden[0].count, 26u);
  EXPECT_EQ(hidden.ports_scanned, 26u);
}

TEST(HostTable, VerbosityRaisesTheListingLimit) {
  ScanInfo info = sample_info();
  info.verbose = 1;
  HostTable table(ReportPolicy::for_scan(info));
  for (uint16_t p = 1; p <= 50; ++p) table.add(closed(ip(10, 0, 0, 1), p));
  EXPECT_EQ(table.report(ip(10, 0, 0, 1), {50, 0, 0, 0}).listed.size(), 50u);
}

TEST(HostTable, UnansweredPortsAreCountedWithTheScansNoResponseState) {
  HostTable table(ReportPolicy::for_scan(sample_info()));
  table.add({ip(10, 0, 0, 1), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
  table.add({ip(10, 0, 0, 1), 53, Proto::Udp, PortState::Open, Reason::UdpResponse, 64, kStartUs, 0, {}});
  table.add({ip(10, 0, 0, 1), 7, Proto::Tcp, PortState::Filtered, Reason::HostUnreach, 60, kStartUs, 0, {}});
  const HostReport r = table.report(ip(10, 0, 0, 1), {100, 2, 0, 0});
  EXPECT_EQ(r.ports_scanned, 102u);
  ASSERT_EQ(r.hidden.size(), 1u);
  EXPECT_EQ(r.hidden[0].state, PortState::Filtered);
  EXPECT_EQ(r.hidden[0].count, 99u);  // 98 silent plus the ICMP one, so over the limit
  ASSERT_EQ(r.hidden[0].reasons.size(), 2u);
  EXPECT_EQ(r.hidden[0].reasons[0].reason, Reason::NoResponse);
  EXPECT_EQ(r.hidden[0].reasons[0].count, 98u);
  EXPECT_EQ(r.hidden[0].reasons[1].reason, Reason::HostUnreach);
  // The one silent UDP port is under the limit: listed by name, as nmap lists it.
  ASSERT_EQ(r.listed.size(), 3u);
  EXPECT_EQ(r.listed[0].proto, Proto::Tcp);
  EXPECT_EQ(r.listed[1].port, 53);
  EXPECT_EQ(r.listed[2].port, 161);
  EXPECT_EQ(r.listed[2].proto, Proto::Udp);
  EXPECT_EQ(r.listed[2].state, PortState::OpenFiltered);
  EXPECT_EQ(r.listed[2].reason, Reason::NoResponse);
}

TEST(HostTable, FewUnansweredPortsAreListedByName) {
  ScanInfo info;
  info.scans = {{"syn", Proto::Tcp, "1-20,80,443-444", 23, std::nullopt}};
  HostTable table(ReportPolicy::for_scan(info));
  const IpAddress a = ip(10, 0, 0, 1);
  for (uint16_t p = 1; p <= 20; ++p) {
    if (p != 7) table.add(closed(a, p));
  }
  table.add({a, 80, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
  const HostReport r = table.report(a, table.policy().ports_per_host);
  std::vector<std::pair<uint16_t, PortState>> listed;
  for (const KeptPort& k : r.listed) listed.emplace_back(k.port, k.state);
  std::vector<std::pair<uint16_t, PortState>> want;
  for (uint16_t p = 1; p <= 20; ++p) want.emplace_back(p, p == 7 ? PortState::Filtered : PortState::Closed);
  want.emplace_back(80, PortState::Open);
  want.emplace_back(443, PortState::Filtered);
  want.emplace_back(444, PortState::Filtered);
  EXPECT_EQ(listed, want);
  EXPECT_TRUE(r.hidden.empty());
}

TEST(HostTable, UnansweredPortsAreOnlyCountedWithoutThePortList) {
  ScanInfo info;
  info.scans = {{"syn", Proto::Tcp, "", 10, std::nullopt}};  // a saved file that named no ports
  HostTable table(ReportPolicy::for_scan(info));
  table.add(closed(ip(10, 0, 0, 1), 1));
  const HostReport r = table.report(ip(10, 0, 0, 1), table.policy().ports_per_host);
  ASSERT_EQ(r.listed.size(), 1u);
  ASSERT_EQ(r.hidden.size(), 1u);
  EXPECT_EQ(r.hidden[0].count, 9u);
  EXPECT_TRUE(r.hidden[0].reasons[0].ports.empty());
}

// -sV's UDP response: an unanswered port (counted open|filtered) becomes open.
TEST(HostTable, UpdateTurnsAnUnansweredPortOpenCountedOnce) {
  HostTable table(ReportPolicy::for_scan(sample_info()));
  const IpAddress a = ip(10, 0, 0, 1);
  table.add({a, 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
  EXPECT_TRUE(table.update({a, 161, Proto::Udp, PortState::Open, Reason::UdpResponse, 0, kStartUs + 5, 0, {}}));
  const HostReport r = table.report(a, {1, 2, 0, 0});
  EXPECT_EQ(r.ports_scanned, 3u);
  ASSERT_EQ(r.listed.size(), 3u);  // 53/udp, unanswered, is listed open|filtered
  EXPECT_EQ(r.listed[1].port, 53);
  EXPECT_EQ(r.listed[1].state, PortState::OpenFiltered);
  EXPECT_EQ(r.listed[2].port, 161);
  EXPECT_EQ(r.listed[2].state, PortState::Open);
  EXPECT_EQ(r.listed[2].reason, Reason::UdpResponse);
  // Its one TCP port scanned answered; both UDP ports are listed.
  EXPECT_TRUE(r.hidden.empty());
  // The same finding again changes nothing.
  EXPECT_FALSE(table.update({a, 161, Proto::Udp, PortState::Open, Reason::UdpResponse, 0, kStartUs + 6, 0, {}}));
  EXPECT_EQ(table.report(a, {1, 2, 0, 0}).listed.size(), 3u);
}

// A port listed open|filtered (a saved nmap report) moves to open: its old
// count goes, so the port is counted once, in its new state.
TEST(HostTable, UpdateMovesAListedPortToItsNewState) {
  HostTable table(ReportPolicy::for_scan(sample_info()));
  const IpAddress a = ip(10, 0, 0, 1);
  table.add({a, 53, Proto::Udp, PortState::OpenFiltered, Reason::NoResponse, 0, kStartUs, 0, {}});
  table.add({a, 123, Proto::Udp, PortState::OpenFiltered, Reason::NoResponse, 0, kStartUs, 0, {}});
  EXPECT_TRUE(table.update({a, 53, Proto::Udp, PortState::Open, Reason::UdpResponse, 0, kStartUs + 5, 0, {}}));
  EXPECT_EQ(table.find(a)->state_count(PortState::Open), 1u);
  EXPECT_EQ(table.find(a)->state_count(PortState::OpenFiltered), 1u);
  const HostReport r = table.report(a, {0, 2, 0, 0});
  EXPECT_EQ(r.ports_scanned, 2u);
  ASSERT_EQ(r.listed.size(), 2u);
  EXPECT_EQ(r.listed[0].port, 53);
  EXPECT_EQ(r.listed[0].state, PortState::Open);
  EXPECT_EQ(r.listed[0].reason, Reason::UdpResponse);
  EXPECT_EQ(r.listed[1].state, PortState::OpenFiltered);
}

// Read back from a file, the port's open|filtered record and the later open
// one (written when -sV's UDP probe was answered) make one open port.
TEST(HostTable, ALaterResultForAPortSupersedesTheEarlier) {
  HostTable table(ReportPolicy::for_scan(sample_info()));
  const IpAddress a = ip(10, 0, 0, 1);
  table.add({a, 53, Proto::Udp, PortState::OpenFiltered, Reason::NoResponse, 0, kStartUs, 0, {}});
  table.add({a, 53, Proto::Udp, PortState::Open, Reason::UdpResponse, 0, kStartUs + 5, 0, {}});
  const HostReport r = table.report(a, {0, 1, 0, 0});
  EXPECT_EQ(r.ports_scanned, 1u);
  ASSERT_EQ(r.listed.size(), 1u);
  EXPECT_EQ(r.listed[0].state, PortState::Open);
  EXPECT_EQ(r.listed[0].reason, Reason::UdpResponse);
  EXPECT_TRUE(r.hidden.empty());
}

TEST(HostTable, FinScanSilenceIsOpenFiltered) {
  ScanInfo info;
  info.scans = {{"fin", Proto::Tcp, "1-100", 100, std::nullopt}};
  HostTable table(ReportPolicy::for_scan(info));
  table.add(closed(ip(10, 0, 0, 1), 1));
  const HostReport r = table.report(ip(10, 0, 0, 1), table.policy().ports_per_host);
  ASSERT_EQ(r.hidden.size(), 1u);
  EXPECT_EQ(r.hidden[0].state, PortState::OpenFiltered);
  EXPECT_EQ(r.hidden[0].count, 99u);
}

TEST(HostTable, DuplicateRepliesAreListedOnce) {
  HostTable table;
  const PortResult open{ip(10, 0, 0, 1), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}};
  table.add(open);
  table.add(open);
  const HostReport r = table.report(ip(10, 0, 0, 1), {3, 0, 0, 0});
  ASSERT_EQ(r.listed.size(), 1u);
  ASSERT_EQ(r.hidden.size(), 1u);
  EXPECT_EQ(r.hidden[0].count, 2u);  // the duplicate did not eat an unanswered port
}

TEST(HostTable, ReportsComeInAddressOrderAndKeepFirstReply) {
  HostTable table(ReportPolicy::for_scan(sample_info()));
  for (const PortResult& r : sample_results()) table.add(r);
  std::vector<IpAddress> order;
  ScanSummary summary;
  table.for_each_report(summary, [&](const HostReport& r) { order.push_back(r.ip); });
  EXPECT_EQ(order, (std::vector<IpAddress>{ip(198, 19, 0, 3), ip(198, 19, 0, 5), ip(198, 19, 0, 200)}));
  const HostReport r = table.report(ip(198, 19, 0, 3), table.policy().ports_per_host);
  EXPECT_EQ(r.up_reason, Reason::SynAck);
  EXPECT_EQ(r.up_ttl, 128);
  EXPECT_LT(r.first_us, r.last_us);
}

TEST(HostTable, OpenOnlyHidesHostsWithoutOpenPorts) {
  ScanInfo info = sample_info();
  info.open_only = true;
  HostTable table(ReportPolicy::for_scan(info));
  for (const PortResult& r : sample_results()) table.add(r);
  std::vector<IpAddress> shown;
  table.for_each_report(ScanSummary{}, [&](const HostReport& r) {
    shown.push_back(r.ip);
    for (const KeptPort& p : r.listed) EXPECT_TRUE(may_be_open(p.state));  // 161/udp open|filtered too
  });
  EXPECT_EQ(shown, (std::vector<IpAddress>{ip(198, 19, 0, 3), ip(198, 19, 0, 5)}));
}

TEST(HostTable, RttIsSmoothed) {
  HostTable table;
  table.add_rtt(ip(10, 0, 0, 1), 500);  // no such host yet: ignored
  EXPECT_EQ(table.hosts_up(), 0u);
  table.add(closed(ip(10, 0, 0, 1), 1));
  table.add_rtt(ip(10, 0, 0, 1), 800);
  table.add_rtt(ip(10, 0, 0, 1), 1600);
  const HostReport r = table.report(ip(10, 0, 0, 1), {1, 0, 0, 0});
  ASSERT_TRUE(r.rtt.has_value());
  EXPECT_EQ(r.rtt->srtt_us, 900u);    // 7/8 * 800 + 1/8 * 1600
  EXPECT_EQ(r.rtt->rttvar_us, 500u);  // 3/4 * 400 + 1/4 * 800
}

// A port's answer that carries its round trip (a sampled probe's) is the
// host's latency, as for an -Pn host; a traceroute hop's answer is not.
TEST(HostTable, APortsRoundTripIsTheHostsLatencyAHopsIsNot) {
  HostTable table;
  PortResult hop = closed(ip(10, 0, 0, 2), 80);
  hop.rtt_us = 300;
  hop.from_ip = ip(10, 0, 0, 254);
  table.add(hop);
  EXPECT_FALSE(table.report(ip(10, 0, 0, 2), {1, 0, 0, 0}).rtt.has_value());
  PortResult own = closed(ip(10, 0, 0, 2), 22);
  own.rtt_us = 700;
  table.add(own);
  const HostReport r = table.report(ip(10, 0, 0, 2), {2, 0, 0, 0});
  ASSERT_TRUE(r.rtt.has_value());
  EXPECT_EQ(r.rtt->srtt_us, 700u);
}

// nmap names the reply to the probe it sends first (echo before the TCP
// probes before the timestamp), whatever order a sweep's replies came in.
TEST(HostTable, UpReasonIsTheAnswerNmapWouldName) {
  HostTable table;
  const IpAddress a = ip(10, 0, 0, 1), b = ip(10, 0, 0, 2), c = ip(10, 0, 0, 3);
  table.add_host({a, Reason::TimestampReply, 64, kStartUs});
  table.add_host({a, Reason::Reset, 63, kStartUs + 1});
  EXPECT_EQ(table.find(a)->up_reason, Reason::Reset);
  EXPECT_EQ(table.find(a)->up_ttl, 63);
  table.add_host({a, Reason::SynAck, 60, kStartUs + 2});  // the SYN's, sent before the ACK
  EXPECT_EQ(table.find(a)->up_reason, Reason::SynAck);
  table.add_host({a, Reason::EchoReply, 62, kStartUs + 3});
  table.add_host({a, Reason::Reset, 61, kStartUs + 4});
  EXPECT_EQ(table.find(a)->up_reason, Reason::EchoReply);
  EXPECT_EQ(table.find(a)->up_ttl, 62);
  // -Pn's user-set stays, and a port's answer gives way to discovery's.
  table.add_host({b, Reason::UserSet, 0, kStartUs});
  table.add_host({b, Reason::EchoReply, 64, kStartUs + 1});
  EXPECT_EQ(table.find(b)->up_reason, Reason::UserSet);
  table.add({c, 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
  table.add_host({c, Reason::EchoReply, 64, kStartUs + 1});
  EXPECT_EQ(table.find(c)->up_reason, Reason::EchoReply);
}

}  // namespace
}  // namespace portsweep::test
