#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

class XmlFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
  std::string write(const ScanInfo& info, const std::vector<PortResult>& results,
                    const ScanSummary& summary) {
    const std::string path = dir.file("scan.xml");
    {
      auto w = make_writer("xml", path);
      run_scan(*w, info, results, summary);
    }
    return read_file(path);
  }
  TempDir dir;
};

bool contains(const std::string& text, const std::string& piece) {
  return text.find(piece) != std::string::npos;
}

TEST_F(XmlFormatTest, HeaderAndScaninfo) {
  const std::string xml = write(sample_info(), sample_results(), sample_summary());
  const auto lines = lines_of(xml);
  ASSERT_GE(lines.size(), 8u);
  EXPECT_EQ(lines[0], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
  EXPECT_EQ(lines[1], "<!DOCTYPE nmaprun>");
  EXPECT_EQ(lines[2],
            "<!-- Portsweep 0.1.0 scan initiated Sat Nov 21 19:00:00 2026 as: portsweep -sS -sU -p "
            "T:1-100,U:53,161 -&#45;reason 198.19.0.0/24 -->");
  EXPECT_EQ(lines[3],
            "<nmaprun scanner=\"nmap\" args=\"portsweep -sS -sU -p T:1-100,U:53,161 -&#45;reason "
            "198.19.0.0/24\" start=\"1795287600\" startstr=\"Sat Nov 21 19:00:00 2026\" "
            "version=\"0.1.0\" xmloutputversion=\"1.05\">");
  EXPECT_EQ(lines[4], "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"100\" services=\"1-100\"/>");
  EXPECT_EQ(lines[5], "<scaninfo type=\"udp\" protocol=\"udp\" numservices=\"2\" services=\"53,161\"/>");
  EXPECT_EQ(lines[6], "<verbose level=\"0\"/>");
  EXPECT_EQ(lines[7], "<debugging level=\"0\"/>");
}

// --stylesheet / --webxml: nmap's xml-stylesheet line after the DOCTYPE, its
// href escaped; none without them.
TEST_F(XmlFormatTest, StylesheetLine) {
  ScanInfo info = sample_info();
  EXPECT_FALSE(contains(write(info, {}, sample_summary()), "xml-stylesheet"));
  info.xml_stylesheet = "a\"b&c.xsl";
  const auto lines = lines_of(write(info, {}, sample_summary()));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[1], "<!DOCTYPE nmaprun>");
  EXPECT_EQ(lines[2], "<?xml-stylesheet href=\"a&quot;b&amp;c.xsl\" type=\"text/xsl\"?>");
}

TEST_F(XmlFormatTest, HostSection) {
  const std::string xml = write(sample_info(), sample_results(), sample_summary());
  EXPECT_TRUE(contains(xml,
                       "<status state=\"up\" reason=\"syn-ack\" reason_ttl=\"64\"/>\n"
                       "<address addr=\"198.19.0.5\" addrtype=\"ipv4\"/>\n<hostnames>\n</hostnames>\n"
                       "<ports><extraports state=\"filtered\" count=\"68\">\n"
                       "<extrareasons reason=\"no-response\" count=\"65\" proto=\"tcp\" "
                       "ports=\"1-21,23-30,61-79,81-89,93-100\"/>\n"
                       "<extrareasons reason=\"admin-prohibited\" count=\"3\" proto=\"tcp\" ports=\"90-92\"/>\n"
                       "</extraports>\n"
                       "<extraports state=\"closed\" count=\"30\">\n"
                       "<extrareasons reason=\"reset\" count=\"30\" proto=\"tcp\" ports=\"31-60\"/>\n"
                       "</extraports>\n"
                       "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" "
                       "reason_ttl=\"64\"/><service name=\"ssh\" method=\"table\" conf=\"3\"/></port>\n"))
      << xml;
  // The 120 us sample gives srtt 120, rttvar 60 and nmap's 100 ms timeout floor.
  EXPECT_TRUE(contains(xml, "</ports>\n<times srtt=\"120\" rttvar=\"60\" to=\"100000\"/>\n</host>\n"));
  // A silent port under the listing limit is a port of its own, as in nmap's XML.
  EXPECT_TRUE(contains(xml,
                       "<port protocol=\"udp\" portid=\"161\"><state state=\"open|filtered\" "
                       "reason=\"no-response\" reason_ttl=\"0\"/><service name=\"snmp\" method=\"table\" "
                       "conf=\"3\"/></port>\n"))
      << xml;
  // No name known: no <service> element, as nmap does for unknown ports.
  EXPECT_TRUE(contains(xml,
                       "<port protocol=\"tcp\" portid=\"88\"><state state=\"open\" reason=\"syn-ack\" "
                       "reason_ttl=\"128\"/></port>\n"));
  EXPECT_LT(xml.find("198.19.0.3"), xml.find("198.19.0.5"));
  EXPECT_LT(xml.find("198.19.0.5"), xml.find("198.19.0.200"));
}

TEST_F(XmlFormatTest, Runstats) {
  const std::string xml = write(sample_info(), sample_results(), sample_summary());
  EXPECT_TRUE(contains(xml,
                       "<runstats><finished time=\"1795287603\" timestr=\"Sat Nov 21 19:00:03 2026\" "
                       "summary=\"Portsweep done at Sat Nov 21 19:00:03 2026; 256 IP addresses (3 hosts "
                       "up) scanned in 3.21 seconds\" elapsed=\"3.21\" exit=\"success\"/>"
                       "<hosts up=\"3\" down=\"253\" total=\"256\"/>\n</runstats>\n</nmaprun>\n"))
      << xml;
}

TEST_F(XmlFormatTest, InterruptedScanEndsWithAnError) {
  ScanSummary summary = sample_summary();
  summary.error = "interrupted";
  const std::string xml = write(sample_info(), sample_results(), summary);
  EXPECT_TRUE(contains(xml, "exit=\"error\" errormsg=\"interrupted\"/>"));
  EXPECT_TRUE(xml.ends_with("</nmaprun>\n"));
}

TEST_F(XmlFormatTest, ArgsAreEscaped) {
  ScanInfo info = sample_info();
  info.args = "portsweep --exclude \"a&b\" <x> 'y'";
  const std::string xml = write(info, {}, sample_summary());
  EXPECT_TRUE(contains(xml, "args=\"portsweep -&#45;exclude &quot;a&amp;b&quot; &lt;x&gt; &apos;y&apos;\""));
}

// -v: nmap's <taskbegin>/<taskend>, written as the stages happen; none without -v.
TEST_F(XmlFormatTest, VerboseWritesTasks) {
  for (const int verbose : {0, 1}) {
    const std::string path = dir.file("tasks" + std::to_string(verbose) + ".xml");
    {
      auto w = make_writer("xml", path);
      ScanInfo info = sample_info();
      info.verbose = verbose;
      w->begin(info);
      w->on_task(TaskEvent::begins("Ping Scan", kStartUs, 256, 4));
      w->on_task(TaskEvent::ends("Ping Scan", kStartUs + 2000000, 2, "256 total hosts"));
      HostTable table(ReportPolicy::for_scan(info));
      w->end(table, sample_summary());
    }
    const std::string xml = read_file(path);
    const std::string tasks = "<taskbegin task=\"Ping Scan\" time=\"1795287600\"/>\n"
                              "<taskend task=\"Ping Scan\" time=\"1795287602\" extrainfo=\"256 total hosts\"/>\n";
    EXPECT_EQ(xml.find(tasks) != std::string::npos, verbose > 0) << xml;
  }
}

}  // namespace
}  // namespace portsweep::test
