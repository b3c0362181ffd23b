// Checks XML output against nmap's own DTD with xmllint, as the tools that
// read nmap XML expect. Skipped only where xmllint or the DTD is missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

constexpr const char* kDtd = "/usr/share/nmap/nmap.dtd";

class XmlDtdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kDtd)) GTEST_SKIP() << kDtd << " is missing (install nmap)";
    if (std::system("command -v xmllint >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "xmllint is missing (install libxml2-utils)";
    }
  }

  // xmllint's exit status; its messages go to the test log.
  int validate(const ScanInfo& info, const std::vector<PortResult>& results, const ScanSummary& summary) {
    const std::string path = dir.file("scan.xml");
    {
      auto w = make_writer("xml", path);
      run_scan(*w, info, results, summary);
    }
    const std::string cmd = std::string("xmllint --noout --dtdvalid ") + kDtd + " '" + path + "'";
    return std::system(cmd.c_str());
  }

  TempDir dir;
};

TEST_F(XmlDtdTest, FullScanIsValid) {
  EXPECT_EQ(validate(sample_info(true), sample_results(), sample_summary()), 0);
}

TEST_F(XmlDtdTest, StylesheetLineIsValid) {
  ScanInfo info = sample_info(true);
  info.xml_stylesheet = std::string(kWebXmlStylesheet);
  EXPECT_EQ(validate(info, sample_results(), sample_summary()), 0);
}

TEST_F(XmlDtdTest, ScanWithNoHostUpIsValid) {
  EXPECT_EQ(validate(sample_info(), {}, sample_summary()), 0);
}

// -v's <taskbegin>/<taskend> before the hosts, as nmap writes them.
TEST_F(XmlDtdTest, TasksAreValid) {
  const std::string path = dir.file("tasks.xml");
  {
    auto w = make_writer("xml", path);
    ScanInfo info = sample_info(true);
    info.verbose = 1;
    w->begin(info);
    w->on_task(TaskEvent::begins("SYN Stealth Scan", kStartUs, 3, 100));
    w->on_task(TaskEvent::ends("SYN Stealth Scan", kStartUs + 1000000, 1, "300 total ports"));
    HostTable table(ReportPolicy::for_scan(info));
    for (const PortResult& r : sample_results()) table.add(r);
    w->end(table, sample_summary());
  }
  const std::string cmd = std::string("xmllint --noout --dtdvalid ") + kDtd + " '" + path + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

// -v lists the hosts discovery found down, as nmap does: still valid.
TEST_F(XmlDtdTest, DownHostsListedWithVerboseAreValid) {
  ScanSummary summary = sample_summary();
  summary.each_target = [](const std::function<void(const IpAddress&)>& visit) {
    for (uint32_t a = ip4(198, 19, 0, 1); a <= ip4(198, 19, 0, 6); ++a) visit(IpAddress::v4(a));
    visit(ip(198, 19, 0, 200));
  };
  EXPECT_EQ(validate(sample_info(), sample_results(), summary), 0);
}

// IPv4 and IPv6 hosts in one file (addrtype "ipv6"), up and down, with
// discovery's hints and traces of both kinds (an ICMPv6 trace has no proto).
TEST_F(XmlDtdTest, MixedFamiliesAreValid) {
  ScanSummary summary = sample_summary();
  summary.each_target = [](const std::function<void(const IpAddress&)>& visit) {
    for (const IpAddress& a : {ip(198, 19, 0, 4), ip(198, 19, 0, 5), ip(198, 19, 0, 3), ip(198, 19, 0, 200),
                               ip6("2001:db8:1::4"), ip6("2001:db8:1::5"), ip6("2001:db8:1::10")})
      visit(a);
  };
  EXPECT_EQ(validate(sample_info(true), mixed_results(), summary), 0);

  const std::string path = dir.file("mixed.xml");
  {
    auto w = make_writer("xml", path);
    const ScanInfo info = sample_info(true);
    w->begin(info);
    w->on_host_up({.ip = ip6("2001:db8:1::5"), .reason = Reason::EchoReply, .ttl = 64, .time_us = kStartUs});
    w->on_host_up({.ip = ip(198, 19, 0, 5), .reason = Reason::EchoReply, .ttl = 64, .time_us = kStartUs});
    HostTable table(ReportPolicy::for_scan(info));
    for (const PortResult& r : mixed_results()) table.add(r);
    table.set_trace(ip6("2001:db8:1::5"), {{.ttl = 1, .ip = ip6("2001:db8:ffff::1"), .rtt_us = 90, .tcp_port = 0},
                                           {.ttl = 3, .ip = ip6("2001:db8:1::5"), .rtt_us = 0, .tcp_port = 0}});
    table.set_trace(ip6("2001:db8:1::10"), {{.ttl = 2, .ip = ip6("2001:db8:1::10"), .rtt_us = 310, .tcp_port = 22}});
    table.set_trace(ip(198, 19, 0, 5), {{.ttl = 1, .ip = ip(198, 19, 0, 5), .rtt_us = 0, .tcp_port = 0}});
    w->end(table, summary);
  }
  EXPECT_NE(read_file(path).find("<trace>\n<hop ttl=\"1\" ipaddr=\"2001:db8:ffff::1\""), std::string::npos);
  const std::string cmd = std::string("xmllint --noout --dtdvalid ") + kDtd + " '" + path + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST_F(XmlDtdTest, InterruptedScanIsValid) {
  ScanSummary summary = sample_summary();
  summary.error = "interrupted";
  auto results = sample_results();
  results.resize(results.size() / 3);
  EXPECT_EQ(validate(sample_info(), results, summary), 0);
}

TEST_F(XmlDtdTest, HostileArgsStayValid) {
  ScanInfo info = sample_info();
  info.args = "portsweep -- --x \"&<>'\x01\xff\" ---";
  EXPECT_EQ(validate(info, sample_results(), sample_summary()), 0);
}

TEST_F(XmlDtdTest, EveryScanTypeNameIsAccepted) {
  ScanInfo info = sample_info();
  info.scans.clear();
  for (const char* type : {"syn", "ack", "connect", "null", "xmas", "window", "maimon", "fin"}) {
    info.scans = {{type, Proto::Tcp, "1-100", 100, std::nullopt}};
    EXPECT_EQ(validate(info, sample_results(), sample_summary()), 0) << type;
  }
  info.scans = {{"sctpinit", Proto::Sctp, "1-10", 10, std::nullopt},
                {"ipproto", Proto::Ip, "1,6,17", 3, std::nullopt}};
  EXPECT_EQ(validate(info, {}, sample_summary()), 0);
}

}  // namespace
}  // namespace portsweep::test
