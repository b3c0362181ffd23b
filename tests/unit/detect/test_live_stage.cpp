// Version detection while the sweep runs: ports handed over as their results
// arrive are probed at once, each once; what the finished sweep alone can
// tell (UDP) runs at the end; a stopped scan's detection ends without
// reporting more.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <sstream>
#include <thread>

#include "detect/service_stage.hpp"
#include "local_server.hpp"
#include "output/output_set.hpp"
#include "test_db.hpp"

namespace portsweep::test {
namespace {

using namespace std::chrono_literals;

PortResult open_tcp(uint16_t port) {
  return {kLoopback, port, Proto::Tcp, PortState::Open, Reason::SynAck, 64, 1, 0, {}};
}

TEST(LiveServiceStage, PortsFedDuringTheSweepAreProbedOnceAndReported) {
  const ServiceProbeDb db = test_db();
  LocalServer ssh([](int fd) {
    send_all(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    drain(fd);
  });
  LocalServer closed_early([](int) {});
  ScanInfo info;
  info.version_scan = true;
  OutputSet outputs;
  outputs.begin(info);
  std::ostringstream progress;
  ServiceStageOptions options;
  options.progress = &progress;
  LiveServiceStage live(db, outputs, options);

  // The sweep's consumer: results reach the outputs, then the stage; a
  // duplicated reply and a closed port change nothing.
  const std::vector<PortResult> batch = {open_tcp(ssh.port()), open_tcp(ssh.port())};
  outputs.on_results(batch);
  live.on_results(batch);
  PortResult closed = open_tcp(closed_early.port());
  closed.state = PortState::Closed;
  live.on_results({&closed, 1});
  std::this_thread::sleep_for(100ms);  // the sweep goes on a while

  const ServiceScanStats stats = live.finish(options);
  EXPECT_EQ(stats.ports, 1u);
  EXPECT_EQ(stats.matched, 1u);
  const HostEntry* h = outputs.hosts().find(kLoopback);
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(h->services.size(), 1u);
  EXPECT_EQ(h->services[0].port, ssh.port());
  EXPECT_EQ(h->services[0].service.name, "ssh");
  const std::string text = progress.str();
  EXPECT_NE(text.find("portsweep: version detection of 1 ports in"), std::string::npos) << text;
  EXPECT_NE(text.find("begun during the sweep:"), std::string::npos) << text;
  EXPECT_NE(text.find("of 1 ports done before the sweep ended"), std::string::npos) << text;
  // The stage at the end had no TCP port left to probe, and said nothing of it.
  EXPECT_EQ(text.find("version detection of 0 ports"), std::string::npos) << text;
}

TEST(LiveServiceStage, TcpPortsTheSweepNeverFedAreProbedAtTheEnd) {
  const ServiceProbeDb db = test_db();
  LocalServer ssh([](int fd) {
    send_all(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    drain(fd);
  });
  ScanInfo info;
  info.version_scan = true;
  OutputSet outputs;
  outputs.begin(info);
  ServiceStageOptions options;
  LiveServiceStage live(db, outputs, options);
  outputs.on_result(open_tcp(ssh.port()));  // e.g. a result read back on resume, never fed
  const ServiceScanStats stats = live.finish(options);
  EXPECT_EQ(stats.ports, 1u);
  ASSERT_EQ(outputs.hosts().find(kLoopback)->services.size(), 1u);
  EXPECT_EQ(outputs.hosts().find(kLoopback)->services[0].service.name, "ssh");
}

// An IPv6 host's port fed live is probed once (the stage at the end knows
// it by address, port and protocol), an IPv4 host's port never fed is
// probed at the end, and each service lands on its own host.
TEST(LiveServiceStage, Ipv6PortsFedLiveAndIpv4PortsAtTheEndEachOnce) {
  const ServiceProbeDb db = test_db();
  auto banner = [](int fd) {
    send_all(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    drain(fd);
  };
  LocalServer six(banner, kLoopback6);
  LocalServer four(banner, kLoopback);
  ScanInfo info;
  info.version_scan = true;
  OutputSet outputs;
  outputs.begin(info);
  ServiceStageOptions options;
  LiveServiceStage live(db, outputs, options);
  PortResult r6 = open_tcp(six.port());
  r6.ip = kLoopback6;
  const std::vector<PortResult> batch = {r6, r6};
  outputs.on_results(batch);
  live.on_results(batch);
  outputs.on_result(open_tcp(four.port()));
  const ServiceScanStats stats = live.finish(options);
  EXPECT_EQ(stats.ports, 2u);
  EXPECT_EQ(stats.matched, 2u);
  const HostEntry* h6 = outputs.hosts().find(kLoopback6);
  const HostEntry* h4 = outputs.hosts().find(kLoopback);
  ASSERT_NE(h6, nullptr);
  ASSERT_NE(h4, nullptr);
  ASSERT_EQ(h6->services.size(), 1u);
  EXPECT_EQ(h6->services[0].port, six.port());
  EXPECT_EQ(h6->services[0].service.name, "ssh");
  ASSERT_EQ(h4->services.size(), 1u);
  EXPECT_EQ(h4->services[0].port, four.port());
}

TEST(LiveServiceStage, AbandonEndsAStoppedScansDetectionWithoutReports) {
  const ServiceProbeDb db = test_db();
  LocalServer silent([](int fd) { drain(fd); });  // would take the NULL probe's 600 ms
  ScanInfo info;
  info.version_scan = true;
  OutputSet outputs;
  outputs.begin(info);
  ServiceStageOptions options;
  LiveServiceStage live(db, outputs, options);
  const PortResult r = open_tcp(silent.port());
  outputs.on_result(r);
  live.on_results({&r, 1});
  live.abandon();
  live.abandon();  // again: nothing left to do
  EXPECT_TRUE(outputs.hosts().find(kLoopback)->services.empty());
}

TEST(LiveServiceStage, UdpPortsThatAnsweredTheSweepAreProbedLiveTheRestAtTheEnd) {
  std::istringstream probes(R"(
Probe UDP Hello q|hello|
rarity 1
totalwaitms 300
match thing m|^thing ([\d.]+)| p/Thing/ v/$1/
)");
  const ServiceProbeDb db = ServiceProbeDb::parse(probes, "live-udp-probes");
  auto thing = [](const std::string& got) {
    return got == "hello" ? std::optional<std::string>("thing 1.0") : std::nullopt;
  };
  LocalUdpServer answered(thing), unanswered(thing);
  ScanInfo info;
  info.version_scan = true;
  OutputSet outputs;
  outputs.begin(info);
  std::ostringstream progress;
  ServiceStageOptions options;
  options.progress = &progress;
  LiveServiceStage live(db, outputs, options, false, true);
  // The sweep: one port answered (open), the other did not (open|filtered,
  // known only once the sweep is over).
  const PortResult open = {kLoopback, answered.port(), Proto::Udp, PortState::Open, Reason::UdpResponse, 64, 1, 0, {}};
  outputs.on_result(open);
  live.on_results({&open, 1});
  ServiceStageOptions rest = options;
  rest.udp_unanswered = {unanswered.port()};
  const ServiceScanStats stats = live.finish(rest);
  EXPECT_EQ(stats.ports, 2u);
  EXPECT_EQ(stats.matched, 2u);
  const HostEntry* h = outputs.hosts().find(kLoopback);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->services.size(), 2u);
  const std::string text = progress.str();
  // Two lines: the live one with its overlap, the end's for the other port.
  EXPECT_NE(text.find("UDP version detection of 1 ports in"), std::string::npos) << text;
  EXPECT_NE(text.find("of 1 ports done before the sweep ended"), std::string::npos) << text;
  EXPECT_NE(text.find("1 open|filtered ports found open"), std::string::npos) << text;
}

}  // namespace
}  // namespace portsweep::test
