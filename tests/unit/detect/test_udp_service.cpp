// -sU -sV: the UDP probe order (nmap's: probes whose ports list the port,
// then the rest up to the intensity; no NULL probe, no TCP probe), the state
// machine on a fake clock, the engine against UDP servers on 127.0.0.1 (a
// DNS-like responder identified by its probe, a silent port, a closed port,
// a port that answers garbage), and the stage that turns a response into an
// open port in every output format.
#include <algorithm>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "detect/service_stage.hpp"
#include "detect/udp_probe_session.hpp"
#include "detect/udp_service_scanner.hpp"
#include "local_server.hpp"
#include "output/format_registry.hpp"
#include "output/output_set.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"

namespace portsweep::test {
namespace {

using namespace std::chrono_literals;

// Port lists fixed for the order test: B and D list 53, D and E list 161.
constexpr const char* kOrderProbes = R"(
Probe TCP NULL q||
Probe UDP A q|a|
rarity 6
Probe UDP B q|b|
rarity 8
ports 53
Probe UDP C q|c|
rarity 1
Probe TCP T q|t|
rarity 1
ports 53
Probe UDP D q|d|
rarity 9
ports 53,161
Probe UDP E q|e|
rarity 7
ports 161
)";

// For the servers on ephemeral ports: VersionBind lists every port, Status
// does not (rarity 1), Rare is above the default intensity.
constexpr const char* kUdpProbes = R"(
Probe TCP NULL q||
totalwaitms 300
match ssh m|^SSH-|
Probe UDP Status q|STATUS\n|
rarity 1
totalwaitms 300
match statusd m|^OK status ([\d.]+)\n| p/statusd/ v/$1/
Probe UDP VersionBind q|\x12\x34\x01\0\0\x01\0\0\0\0\0\0\x07version\x04bind\0\0\x10\0\x03|
rarity 1
ports 1-65535
totalwaitms 300
match domain m|^\x12\x34\x81\x80.*\x07version\x04bind.*dnsmasq-([\w.]+)|s p/dnsmasq/ v/$1/ cpe:/a:thekelleys:dnsmasq:$1/
softmatch domain m|^\x12\x34\x81|
Probe UDP Rare q|RARE|
rarity 8
totalwaitms 300
)";

ServiceProbeDb parse_db(const char* text) {
  std::istringstream in(text);
  return ServiceProbeDb::parse(in, "udp-test-probes");
}

std::vector<std::string> names(const std::vector<const ServiceProbe*>& probes) {
  std::vector<std::string> n;
  for (const ServiceProbe* p : probes) n.push_back(p->name);
  return n;
}

using V = std::vector<std::string>;

TEST(UdpProbeOrder, ListedProbesFirstThenRarityUpToTheIntensity) {
  const ServiceProbeDb db = parse_db(kOrderProbes);
  EXPECT_EQ(names(db.probe_order(53, Proto::Udp, false, 7)), (V{"B", "D", "A", "C", "E"}));
  EXPECT_EQ(names(db.probe_order(53, Proto::Udp, false, 2)), (V{"B", "D", "C"}));
  EXPECT_EQ(names(db.probe_order(53, Proto::Udp, false, 0)), (V{"B", "D"}));
  EXPECT_EQ(names(db.probe_order(161, Proto::Udp, false, 7)), (V{"D", "E", "A", "C"}));
  EXPECT_EQ(names(db.probe_order(161, Proto::Udp, false, 9)), (V{"D", "E", "A", "B", "C"}));
}

TEST(UdpProbeSession, SendsEachProbeOnceInOrderAndStaysSilent) {
  const ServiceProbeDb db = parse_db(kOrderProbes);
  DetectOptions opts;
  UdpProbeSession s(db, opts, {IpAddress::v4(0xc6130001), 53, Proto::Udp});
  auto now = UdpProbeSession::Clock::time_point{};
  ASSERT_EQ(s.start(now), UdpProbeSession::Next::Send);
  EXPECT_EQ(s.deadline() - now, 5000ms);  // the database's default totalwaitms
  while (!s.done()) {
    now = s.deadline();
    s.on_timeout(now);
  }
  EXPECT_EQ(names(s.sent()), (V{"B", "D", "A", "C", "E"}));
  const ServiceOutcome o = s.outcome();
  EXPECT_FALSE(o.answered);
  EXPECT_EQ(o.verdict, ServiceVerdict::NoMatch);
  EXPECT_EQ(o.probes_sent, 5u);
}

TEST(UdpProbeSession, PortUnreachableEndsOnlyTheProbe) {
  const ServiceProbeDb db = parse_db(kOrderProbes);
  DetectOptions opts;
  opts.wait_cap = 3000ms;  // -T4
  UdpProbeSession s(db, opts, {IpAddress::v4(0xc6130001), 53, Proto::Udp});
  auto now = UdpProbeSession::Clock::time_point{};
  s.start(now);
  EXPECT_EQ(s.deadline() - now, 3000ms);
  EXPECT_EQ(s.on_error(now, ECONNREFUSED), UdpProbeSession::Next::Send);
  EXPECT_EQ(s.probe()->name, "D");
  EXPECT_EQ(s.on_error(now, EHOSTUNREACH), UdpProbeSession::Next::Done);
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::Incomplete);
}

TEST(UdpProbeSession, SoftmatchWaitsOutTheProbeThenNarrowsTheRest) {
  const ServiceProbeDb db = parse_db(kUdpProbes);
  DetectOptions opts;
  UdpProbeSession s(db, opts, {kLoopback, 5353, Proto::Udp});
  auto now = UdpProbeSession::Clock::time_point{};
  s.start(now);
  ASSERT_EQ(s.probe()->name, "VersionBind");
  s.on_datagram(std::string("\x12\x34\x81\x83", 4));
  ASSERT_TRUE(s.match_due());
  auto m = db.match(*s.probe(), s.response(), s.softmatched());
  ASSERT_TRUE(m && m->soft);
  EXPECT_EQ(s.on_match(m, now), UdpProbeSession::Next::Read);  // waits out the probe
  // Status cannot name "domain": skipped; nothing else is left.
  EXPECT_EQ(s.on_timeout(s.deadline()), UdpProbeSession::Next::Done);
  const ServiceOutcome o = s.outcome();
  EXPECT_TRUE(o.answered);
  EXPECT_EQ(o.verdict, ServiceVerdict::SoftMatched);
  EXPECT_EQ(o.match->service, "domain");
}

struct Finding {
  std::vector<ServiceOutcome> outcomes;
  ServiceScanStats stats;
};

Finding scan(const ServiceProbeDb& db, std::vector<ServiceTarget> targets, DetectOptions opts = {}) {
  Finding f;
  UdpServiceScanner scanner(db, opts);
  f.stats = scanner.run(targets, [&](const ServiceOutcome& o) { f.outcomes.push_back(o); });
  return f;
}

std::string dns_answer(const std::string& query) {
  std::string a = query;
  a[2] = '\x81';
  a[3] = '\x80';
  a += std::string("\xc0\x0c\0\x10\0\x03\0\0\0\0\0\x0d\x0c" "dnsmasq-2.89", 25);
  return a;
}

TEST(UdpServiceScanner, DnsResponderIdentifiedByItsProbe) {
  const ServiceProbeDb db = parse_db(kUdpProbes);
  LocalUdpServer server([](const std::string& d) -> std::optional<std::string> {
    if (d.size() > 12 && d[0] == '\x12' && d[1] == '\x34') return dns_answer(d);
    return std::nullopt;
  });
  const Finding f = scan(db, {{kLoopback, server.port(), Proto::Udp}});
  ASSERT_EQ(f.outcomes.size(), 1u);
  const ServiceOutcome& o = f.outcomes[0];
  EXPECT_TRUE(o.answered);
  ASSERT_EQ(o.verdict, ServiceVerdict::Matched);
  EXPECT_EQ(o.match->service, "domain");
  EXPECT_EQ(o.match->product, "dnsmasq");
  EXPECT_EQ(o.match->version, "2.89");
  EXPECT_EQ(o.probes_sent, 1u);  // VersionBind lists the port: it goes first and matches
  EXPECT_EQ(server.received().size(), 1u);
}

// The same over IPv6: the responder listens on [::1] only.
TEST(UdpServiceScanner, DnsResponderOnIpv6LoopbackIdentified) {
  const ServiceProbeDb db = parse_db(kUdpProbes);
  LocalUdpServer server(
      [](const std::string& d) -> std::optional<std::string> {
        if (d.size() > 12 && d[0] == '\x12' && d[1] == '\x34') return dns_answer(d);
        return std::nullopt;
      },
      kLoopback6);
  const Finding f = scan(db, {{kLoopback6, server.port(), Proto::Udp}});
  ASSERT_EQ(f.outcomes.size(), 1u);
  const ServiceOutcome& o = f.outcomes[0];
  EXPECT_EQ(o.target.ip, kLoopback6);
  EXPECT_TRUE(o.answered);
  ASSERT_EQ(o.verdict, ServiceVerdict::Matched);
  EXPECT_EQ(o.match->product, "dnsmasq");
  EXPECT_EQ(server.received().size(), 1u);
}

// A closed IPv6 port: ICMPv6 port unreachable ends each probe early, as
// ICMP does for IPv4.
TEST(UdpServiceScanner, ClosedIpv6PortMovesOnAtEachPortUnreachable) {
  const ServiceProbeDb db = parse_db(kUdpProbes);
  DetectOptions opts;
  opts.intensity = 9;
  const Finding f = scan(db, {{kLoopback6, unused_udp_port(kLoopback6), Proto::Udp}}, opts);
  ASSERT_EQ(f.outcomes.size(), 1u);
  EXPECT_FALSE(f.outcomes[0].answered);
  EXPECT_EQ(f.outcomes[0].probes_sent, 3u);
}

TEST(UdpServiceScanner, SilentPortGetsEveryProbeOnceAndStaysUnanswered) {
  const ServiceProbeDb db = parse_db(kUdpProbes);
  LocalUdpServer server([](const std::string&) { return std::optional<std::string>(); });
  const auto t0 = std::chrono::steady_clock::now();
  const Finding f = scan(db, {{kLoopback, server.port(), Proto::Udp}});
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(f.outcomes.size(), 1u);
  EXPECT_FALSE(f.outcomes[0].answered);
  EXPECT_EQ(f.outcomes[0].verdict, ServiceVerdict::NoMatch);
  EXPECT_EQ(f.stats.silent, 1u);
  // Listed first, then Status; Rare is above intensity 7. Each sent once.
  const std::vector<std::string> got = server.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].substr(0, 2), "\x12\x34");
  EXPECT_EQ(got[1], "STATUS\n");
  EXPECT_GE(took, 600ms);  // each probe waited its totalwaitms
}

TEST(UdpServiceScanner, ClosedPortMovesOnAtEachPortUnreachable) {
  const ServiceProbeDb db = parse_db(kUdpProbes);
  DetectOptions opts;
  opts.intensity = 9;
  const auto t0 = std::chrono::steady_clock::now();
  const Finding f = scan(db, {{kLoopback, unused_udp_port(), Proto::Udp}}, opts);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(f.outcomes.size(), 1u);
  EXPECT_FALSE(f.outcomes[0].answered);
  EXPECT_EQ(f.outcomes[0].probes_sent, 3u);
  EXPECT_LT(took, 600ms);  // no probe waited its 300 ms out
}

TEST(UdpServiceScanner, GarbageMakesThePortOpenWithNoMatch) {
  const ServiceProbeDb db = parse_db(kUdpProbes);
  LocalUdpServer server([](const std::string&) { return std::optional<std::string>(std::in_place, "\xff\xfe garbage", 10); });
  const Finding f = scan(db, {{kLoopback, server.port(), Proto::Udp}});
  ASSERT_EQ(f.outcomes.size(), 1u);
  EXPECT_TRUE(f.outcomes[0].answered);
  EXPECT_EQ(f.outcomes[0].verdict, ServiceVerdict::NoMatch);
  EXPECT_FALSE(f.outcomes[0].match);
  EXPECT_EQ(f.stats.no_match, 1u);
  EXPECT_EQ(f.stats.silent, 0u);
}

TEST(UdpServiceScanner, ManyPortsAtOnceWithinTheBound) {
  const ServiceProbeDb db = parse_db(kUdpProbes);
  std::vector<std::unique_ptr<LocalUdpServer>> servers;
  std::vector<ServiceTarget> targets;
  for (int i = 0; i < 40; ++i) {
    servers.push_back(std::make_unique<LocalUdpServer>([](const std::string&) { return std::optional<std::string>(); }));
    targets.push_back({kLoopback, servers.back()->port(), Proto::Udp});
  }
  DetectOptions opts;
  opts.max_parallel = 20;
  const auto t0 = std::chrono::steady_clock::now();
  const Finding f = scan(db, targets, opts);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(f.outcomes.size(), 40u);
  EXPECT_EQ(f.stats.parallel, 20u);
  EXPECT_EQ(f.stats.silent, 40u);
  // Two rounds of 20 ports, each two 300 ms probes: about 1.2 s, not 24 s.
  EXPECT_GE(took, 1200ms);
  EXPECT_LT(took, 4s);
}

// The stage: a -sU sweep left three ports open|filtered (unanswered); -sV
// finds a DNS server on one, garbage on another, silence on the third.
class UdpStageTest : public ::testing::Test {
 protected:
  UdpStageTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("portsweep-udpsv-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~UdpStageTest() override { std::filesystem::remove_all(dir_); }

  std::string read(const std::string& name) const {
    std::ifstream in(dir_ / name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::filesystem::path dir_;
};

TEST_F(UdpStageTest, ResponsesTurnOpenFilteredPortsOpenInEveryFormat) {
  const ServiceProbeDb db = parse_db(kUdpProbes);
  LocalUdpServer dns([](const std::string& d) -> std::optional<std::string> {
    if (d.size() > 12 && d[0] == '\x12') return dns_answer(d);
    return std::nullopt;
  });
  LocalUdpServer garbage([](const std::string&) { return std::optional<std::string>(std::in_place, "\xff\xfe garbage", 10); });
  LocalUdpServer silent([](const std::string&) { return std::optional<std::string>(); });
  std::vector<uint16_t> ports = {dns.port(), garbage.port(), silent.port()};
  std::sort(ports.begin(), ports.end());
  std::string list;
  for (uint16_t p : ports) list += (list.empty() ? "" : ",") + std::to_string(p);

  ScanInfo info;
  info.args = "portsweep -sU -sV 127.0.0.1";
  info.start_time_us = 1795287600LL * 1000000;
  info.scans.push_back({"udp", Proto::Udp, list, 3, {}});
  info.num_targets = 1;
  info.version_scan = true;
  info.reason = true;
  const uint16_t garbage_port = garbage.port();
  info.service_name = [garbage_port](uint16_t port, Proto) -> std::string_view {
    return port == garbage_port ? "snmp" : "";
  };
  OutputSet outputs;
  for (const char* f : {"normal", "xml", "grepable", "json"})
    outputs.add(make_writer(f, (dir_ / f).string()));
  outputs.begin(info);
  outputs.on_host_up({kLoopback, Reason::UserSet, 0, info.start_time_us});

  ServiceStageOptions stage;
  stage.table_name = info.service_name;
  stage.udp_unanswered = ports;
  const ServiceScanStats stats = run_service_stage(db, outputs, stage);
  EXPECT_EQ(stats.ports, 3u);
  EXPECT_EQ(stats.matched, 1u);
  EXPECT_EQ(stats.no_match, 1u);
  EXPECT_EQ(stats.silent, 1u);
  EXPECT_EQ(stats.opened, 2u);

  // The table: two ports open (udp-response), the silent one still unanswered, listed by name.
  const HostReport rep = outputs.hosts().report(kLoopback, PortsPerProto{0, 3, 0, 0});
  ASSERT_EQ(rep.listed.size(), 3u);
  EXPECT_EQ(std::count_if(rep.listed.begin(), rep.listed.end(), [](const KeptPort& p) {
              return p.state == PortState::Open && p.reason == Reason::UdpResponse;
            }),
            2);
  EXPECT_EQ(std::count_if(rep.listed.begin(), rep.listed.end(), [](const KeptPort& p) {
              return p.state == PortState::OpenFiltered && p.reason == Reason::NoResponse;
            }),
            1);
  EXPECT_TRUE(rep.hidden.empty());
  ScanSummary summary;
  summary.end_time_us = info.start_time_us + 2000000;
  outputs.end(summary);

  const std::string d = std::to_string(dns.port()), g = std::to_string(garbage.port());
  const std::string normal = read("normal");
  EXPECT_NE(normal.find(d + "/udp open          domain  udp-response dnsmasq 2.89"), std::string::npos) << normal;
  EXPECT_NE(normal.find(g + "/udp open          snmp?   udp-response"), std::string::npos) << normal;
  EXPECT_NE(normal.find("/udp open|filtered "), std::string::npos) << normal;
  EXPECT_EQ(normal.find("Not shown"), std::string::npos) << normal;
  const std::string xml = read("xml");
  EXPECT_NE(xml.find("<port protocol=\"udp\" portid=\"" + d + "\"><state state=\"open\" reason=\"udp-response\""),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<service name=\"domain\" product=\"dnsmasq\" version=\"2.89\" method=\"probed\" conf=\"10\">"),
            std::string::npos) << xml;
  const std::string grepable = read("grepable");
  EXPECT_NE(grepable.find(d + "/open/udp//domain//dnsmasq 2.89/"), std::string::npos) << grepable;
  const std::string json = read("json");
  EXPECT_NE(json.find("\"proto\":\"udp\",\"port\":" + d + ",\"state\":\"open\",\"reason\":\"udp-response\""),
            std::string::npos) << json;
  EXPECT_NE(json.find("\"port\":" + d + ",\"state\":\"open\",\"service\":\"domain\",\"product\":\"dnsmasq\""),
            std::string::npos) << json;
}

}  // namespace
}  // namespace portsweep::test

namespace portsweep::test {
namespace {

// TCP and UDP ports are probed at once: a silent TCP port (1 s banner wait)
// beside a silent UDP port (one 1 s probe) take about 1 s, not 2.
TEST(UdpStage, TcpAndUdpPortsAreProbedAtOnce) {
  const ServiceProbeDb db = parse_db(R"(
Probe TCP NULL q||
totalwaitms 1000
match ssh m|^SSH-|
Probe UDP Only q|x|
rarity 1
totalwaitms 1000
match thing m|^thing|
)");
  LocalServer tcp([](int fd) { drain(fd); });
  LocalUdpServer udp([](const std::string&) { return std::optional<std::string>(); });
  ScanInfo info;
  info.scans.push_back({"syn", Proto::Tcp, std::to_string(tcp.port()), 1, {}});
  info.scans.push_back({"udp", Proto::Udp, std::to_string(udp.port()), 1, {}});
  info.version_scan = true;
  OutputSet outputs;
  outputs.begin(info);
  outputs.on_result({kLoopback, tcp.port(), Proto::Tcp, PortState::Open, Reason::SynAck, 64, 1, 0, {}});
  ServiceStageOptions stage;
  stage.udp_unanswered = {udp.port()};
  const auto t0 = std::chrono::steady_clock::now();
  const ServiceScanStats stats = run_service_stage(db, outputs, stage);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(stats.ports, 2u);
  EXPECT_EQ(stats.no_match, 1u);  // TCP: connected, nothing matched
  EXPECT_EQ(stats.silent, 1u);    // UDP
  EXPECT_GE(took, 1000ms);
  EXPECT_LT(took, 1800ms);
  ASSERT_EQ(outputs.hosts().find(kLoopback)->services.size(), 1u);  // the TCP port's table guess only
  EXPECT_EQ(outputs.hosts().find(kLoopback)->services[0].proto, Proto::Tcp);
}

// --max-parallelism bounds TCP's and UDP's ports together: 4 of each under
// a bound of 4 run 2 and 2 at once; under a bound of 1, one after the other.
TEST(UdpStage, MaxParallelismBoundsTcpAndUdpTogether) {
  const ServiceProbeDb db = parse_db(R"(
Probe TCP NULL q||
totalwaitms 200
Probe UDP Only q|x|
rarity 1
totalwaitms 200
)");
  std::vector<std::unique_ptr<LocalServer>> tcp;
  std::vector<std::unique_ptr<LocalUdpServer>> udp;
  for (int i = 0; i < 4; ++i) {
    tcp.push_back(std::make_unique<LocalServer>([](int fd) { drain(fd); }));
    udp.push_back(std::make_unique<LocalUdpServer>([](const std::string&) { return std::optional<std::string>(); }));
  }
  for (unsigned bound : {4u, 1u}) {
    ScanInfo info;
    info.version_scan = true;
    OutputSet outputs;
    outputs.begin(info);
    ServiceStageOptions stage;
    for (auto& t : tcp) outputs.on_result({kLoopback, t->port(), Proto::Tcp, PortState::Open, Reason::SynAck, 64, 1, 0, {}});
    for (auto& u : udp) stage.udp_unanswered.push_back(u->port());
    std::sort(stage.udp_unanswered.begin(), stage.udp_unanswered.end());
    stage.detect.max_parallel = bound;
    std::ostringstream progress;
    stage.progress = &progress;
    const ServiceScanStats stats = run_service_stage(db, outputs, stage);
    EXPECT_EQ(stats.ports, 8u);
    const std::string at_once = bound == 4 ? "2" : "1";
    const std::string text = progress.str();
    EXPECT_NE(text.find("portsweep: version detection of 4 ports in"), std::string::npos) << text;
    EXPECT_NE(text.find("(" + at_once + " connections at once)"), std::string::npos) << text;
    EXPECT_NE(text.find("portsweep: UDP version detection of 4 ports in"), std::string::npos) << text;
    EXPECT_NE(text.find("(" + at_once + " at once)"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace portsweep::test
