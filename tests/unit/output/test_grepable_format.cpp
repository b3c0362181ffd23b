#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "output/format_registry.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

class GrepableFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
  TempDir dir;
};

TEST_F(GrepableFormatTest, LinesMatchNmapLayout) {
  const std::string path = dir.file("scan.gnmap");
  {
    auto w = make_writer("grepable", path);
    run_scan(*w, sample_info(), sample_results(), sample_summary());
  }
  const std::vector<std::string> expected = {
      "# Portsweep 0.1.0 scan initiated Sat Nov 21 19:00:00 2026 as: portsweep -sS -sU -p "
      "T:1-100,U:53,161 --reason 198.19.0.0/24",
      "Host: 198.19.0.3 ()\tStatus: Up",
      "Host: 198.19.0.3 ()\tPorts: 21/closed/tcp//ftp///, 23/closed/tcp//telnet///, "
      "25/closed/tcp//smtp///, 79/closed/tcp/////, 88/open/tcp/////, 99/closed/tcp/////, "
      "53/closed/udp//domain///, 161/open|filtered/udp//snmp///\tIgnored State: filtered (94)",
      "Host: 198.19.0.5 ()\tStatus: Up",
      "Host: 198.19.0.5 ()\tPorts: 22/open/tcp//ssh///, 80/open/tcp//http///, 53/open/udp//domain///, "
      "161/open|filtered/udp//snmp///",
      "Host: 198.19.0.200 ()\tStatus: Up",
      "Host: 198.19.0.200 ()\tPorts: 98/filtered/tcp/////, 99/filtered/tcp/////, "
      "100/filtered/tcp/////\tIgnored State: closed (99)",
      "# Portsweep done at Sat Nov 21 19:00:03 2026 -- 256 IP addresses (3 hosts up) scanned in "
      "3.21 seconds",
  };
  EXPECT_EQ(lines_of(read_file(path)), expected);
}

TEST_F(GrepableFormatTest, NothingListedLeavesPortsEmpty) {
  ScanInfo info = sample_info();
  info.scans = {{"syn", Proto::Tcp, "1-60", 60, std::nullopt}};
  info.verbose = 1;  // lists up to 50 ports of a state
  std::vector<PortResult> results;
  for (uint16_t p = 1; p <= 60; ++p) {
    results.push_back({ip(10, 0, 0, 1), p, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStartUs, 0, {}});
  }
  const std::string path = dir.file("closed.gnmap");
  {
    auto w = make_writer("G", path);
    run_scan(*w, info, results, sample_summary());
  }
  const auto lines = lines_of(read_file(path));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[1], "# Ports scanned: TCP(60;1-60) UDP(0;) SCTP(0;) PROTOCOLS(0;)");
  EXPECT_EQ(lines[3], "Host: 10.0.0.1 ()\tPorts: \tIgnored State: closed (60)");
}

TEST_F(GrepableFormatTest, NoHostUp) {
  const std::string path = dir.file("empty.gnmap");
  {
    auto w = make_writer("grepable", path);
    run_scan(*w, sample_info(), {}, sample_summary());
  }
  const auto lines = lines_of(read_file(path));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1],
            "# Portsweep done at Sat Nov 21 19:00:03 2026 -- 256 IP addresses (0 hosts up) scanned "
            "in 3.21 seconds");
}

}  // namespace
}  // namespace portsweep::test
