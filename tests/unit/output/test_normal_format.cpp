#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "output/format_registry.hpp"
#include "output/output_set.hpp"
#include "output/host_table.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

class NormalFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
  TempDir dir;
};

TEST_F(NormalFormatTest, FileOutputMatchesNmapLayout) {
  const std::string path = dir.file("scan.nmap");
  {
    auto w = make_writer("normal", path);
    run_scan(*w, sample_info(), sample_results(), sample_summary());
  }
  EXPECT_EQ(read_file(path),
            "# Portsweep 0.1.0 scan initiated Sat Nov 21 19:00:00 2026 as: portsweep -sS -sU -p "
            "T:1-100,U:53,161 --reason 198.19.0.0/24\n"
            "Nmap scan report for 198.19.0.3\n"
            "Host is up.\n"
            "Not shown: 94 filtered tcp ports (no-response)\n"
            "PORT    STATE         SERVICE\n"
            "21/tcp  closed        ftp\n"
            "23/tcp  closed        telnet\n"
            "25/tcp  closed        smtp\n"
            "79/tcp  closed        unknown\n"
            "88/tcp  open          unknown\n"
            "99/tcp  closed        unknown\n"
            "53/udp  closed        domain\n"
            "161/udp open|filtered snmp\n"
            "\n"
            "Nmap scan report for 198.19.0.5\n"
            "Host is up (0.00012s latency).\n"
            "Not shown: 65 filtered tcp ports (no-response), 3 filtered tcp ports (admin-prohibited), "
            "30 closed tcp ports (reset)\n"
            "PORT    STATE         SERVICE\n"
            "22/tcp  open          ssh\n"
            "80/tcp  open          http\n"
            "53/udp  open          domain\n"
            "161/udp open|filtered snmp\n"
            "\n"
            "Nmap scan report for 198.19.0.200\n"
            "Host is up.\n"
            "Not shown: 97 closed tcp ports (reset), 2 closed udp ports (port-unreach)\n"
            "PORT    STATE    SERVICE\n"
            "98/tcp  filtered unknown\n"
            "99/tcp  filtered unknown\n"
            "100/tcp filtered unknown\n"
            "\n"
            "# Portsweep done at Sat Nov 21 19:00:03 2026 -- 256 IP addresses (3 hosts up) scanned "
            "in 3.21 seconds\n");
}

TEST_F(NormalFormatTest, InteractiveWithReasonColumn) {
  const std::string path = dir.file("stdout.txt");
  {
    auto w = make_writer("N", path, WriterOptions{.interactive = true});
    ScanInfo info = sample_info(/*reason=*/true);
    info.verbose = 1;
    run_scan(*w, info, sample_results(), sample_summary());
  }
  const std::string text = read_file(path);
  EXPECT_EQ(text.substr(0, text.find('\n') + 1), "Starting portsweep 0.1.0 at 2026-11-21 19:00 UTC\n");
  EXPECT_NE(text.find("Nmap scan report for 198.19.0.3\n"
                      "Host is up, received syn-ack ttl 128.\n"
                      "Not shown: 94 filtered tcp ports (no-response)\n"
                      "PORT    STATE         SERVICE REASON\n"
                      "21/tcp  closed        ftp     reset ttl 128\n"
                      "23/tcp  closed        telnet  reset ttl 128\n"
                      "25/tcp  closed        smtp    reset ttl 128\n"
                      "79/tcp  closed        unknown reset ttl 128\n"
                      "88/tcp  open          unknown syn-ack ttl 128\n"
                      "99/tcp  closed        unknown reset ttl 128\n"
                      "53/udp  closed        domain  port-unreach ttl 128\n"
                      "161/udp open|filtered snmp    no-response\n\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Host is up, received syn-ack ttl 64 (0.00012s latency).\n"), std::string::npos);
  EXPECT_NE(text.find("\nPortsweep done: 256 IP addresses (3 hosts up) scanned in 3.21 seconds\n"
                      "           Raw packets sent: 25856 (1.138MB) | Rcvd: 247 (10.868KB)\n"),
            std::string::npos)
      << text;
}

TEST_F(NormalFormatTest, AllPortsIgnoredAndBlankLineBeforeTable) {
  ScanInfo info = sample_info();
  info.scans = {{"syn", Proto::Tcp, "1-30", 30, std::nullopt}};
  std::vector<PortResult> results;
  for (uint16_t p = 1; p <= 30; ++p) {
    results.push_back({ip(10, 0, 0, 1), p, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStartUs, 0, {}});
  }
  for (uint16_t p = 1; p <= 3; ++p) {
    results.push_back({ip(10, 0, 0, 2), p, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStartUs, 0, {}});
  }
  const std::string path = dir.file("ignored.nmap");
  {
    auto w = make_writer("normal", path);
    run_scan(*w, info, results, sample_summary());
  }
  const std::string text = read_file(path);
  EXPECT_NE(text.find("Nmap scan report for 10.0.0.1\n"
                      "Host is up.\n"
                      "All 30 scanned ports on 10.0.0.1 are in ignored states.\n"
                      "Not shown: 30 closed tcp ports (reset)\n\n"),
            std::string::npos)
      << text;
  // Three closed ports are listed; the 27 unanswered ones can only be counted.
  EXPECT_NE(text.find("Nmap scan report for 10.0.0.2\n"
                      "Host is up.\n"
                      "Not shown: 27 filtered tcp ports (no-response)\n"
                      "PORT  STATE  SERVICE\n"
                      "1/tcp closed unknown\n"),
            std::string::npos)
      << text;
}

TEST_F(NormalFormatTest, EveryPortAnsweredGivesBlankLineBeforeTable) {
  ScanInfo info = sample_info();
  info.scans = {{"syn", Proto::Tcp, "22,80", 2, std::nullopt}};
  std::vector<PortResult> results = {
      {ip(10, 0, 0, 1), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}},
      {ip(10, 0, 0, 1), 80, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStartUs, 0, {}},
  };
  const std::string path = dir.file("two.nmap");
  {
    auto w = make_writer("normal", path);
    run_scan(*w, info, results, sample_summary());
  }
  EXPECT_NE(read_file(path).find("Host is up.\n\nPORT   STATE  SERVICE\n22/tcp open   ssh\n80/tcp closed http\n\n"),
            std::string::npos)
      << read_file(path);
}

// -v: every target, the ones discovery found down first as nmap's one line
// ("[host down, received no-response]" with --reason), then the hosts up,
// each in address order, as nmap lists them after its host discovery; the
// grepable output says "Status: Down".
TEST_F(NormalFormatTest, VerboseListsDownHostsFirstInAddressOrder) {
  ScanSummary summary = sample_summary();
  summary.each_target = [](const std::function<void(const IpAddress&)>& visit) {
    for (uint32_t a = ip4(198, 19, 0, 3); a <= ip4(198, 19, 0, 6); ++a) visit(IpAddress::v4(a));
  };
  for (const bool reason : {false, true}) {
    const std::string path = dir.file(reason ? "down-reason.nmap" : "down.nmap");
    {
      auto w = make_writer("normal", path);
      run_scan(*w, sample_info(reason), sample_results(), summary);
    }
    const std::string text = read_file(path);
    const std::string down = reason ? " [host down, received no-response]\n" : " [host down]\n";
    const auto at3 = text.find("Nmap scan report for 198.19.0.3\n");
    const auto at4 = text.find("Nmap scan report for 198.19.0.4" + down);
    const auto at5 = text.find("Nmap scan report for 198.19.0.5\n");
    const auto at6 = text.find("Nmap scan report for 198.19.0.6" + down);
    ASSERT_NE(at3, std::string::npos) << text;
    ASSERT_NE(at4, std::string::npos) << text;
    ASSERT_NE(at5, std::string::npos) << text;
    ASSERT_NE(at6, std::string::npos) << text;
    EXPECT_LT(at4, at6);
    EXPECT_LT(at6, at3);
    EXPECT_LT(at3, at5);
    // 198.19.0.200 is up but not a target walked here: only targets are listed.
    EXPECT_EQ(text.find("198.19.0.200"), std::string::npos);
  }
  const std::string grepable = dir.file("down.gnmap");
  {
    auto w = make_writer("grepable", grepable);
    run_scan(*w, sample_info(), sample_results(), summary);
  }
  EXPECT_NE(read_file(grepable).find("Host: 198.19.0.4 ()\tStatus: Down\n"), std::string::npos);
  EXPECT_NE(read_file(grepable).find("Host: 198.19.0.5 ()\tStatus: Up\n"), std::string::npos);
}

TEST_F(NormalFormatTest, OneHostUpIsSingular) {
  ScanInfo info = sample_info();
  info.scans = {{"syn", Proto::Tcp, "22", 1, std::nullopt}};
  ScanSummary summary = sample_summary();
  summary.hosts_total = 1;
  const std::string path = dir.file("one.nmap");
  {
    auto w = make_writer("normal", path, WriterOptions{.interactive = true});
    run_scan(*w, info, {{ip(10, 0, 0, 1), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}}},
             summary);
  }
  EXPECT_NE(read_file(path).find("Portsweep done: 1 IP address (1 host up) scanned in 3.21 seconds\n"),
            std::string::npos);
}

TEST_F(NormalFormatTest, InterruptedScanSaysSoAndStillEnds) {
  ScanSummary summary = sample_summary();
  summary.error = "interrupted";
  const std::string path = dir.file("int.nmap");
  {
    auto w = make_writer("normal", path);
    run_scan(*w, sample_info(), sample_results(), summary);
  }
  const auto lines = lines_of(read_file(path));
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[lines.size() - 2], "# Scan stopped early (interrupted): the results are incomplete.");
  EXPECT_EQ(lines.back().rfind("# Portsweep done at ", 0), 0u);
}

TEST_F(NormalFormatTest, HeaderIsOnDiskBeforeTheScanEnds) {
  const std::string path = dir.file("early.nmap");
  auto w = make_writer("normal", path);
  w->begin(sample_info());
  EXPECT_EQ(read_file(path).rfind("# Portsweep 0.1.0 scan initiated", 0), 0u);
}

// -v on the terminal: nmap's task lines and each open port as it is found,
// "Read data files from:" before the end; none of it without -v, and the
// task lines never in -oN.
TEST_F(NormalFormatTest, VerboseTerminalSaysTasksAndOpenPortsAsFound) {
  auto drive = [&](const std::string& path, bool interactive, int verbose) {
    auto w = make_writer("N", path, WriterOptions{.interactive = interactive});
    ScanInfo info = sample_info();
    info.verbose = verbose;
    info.data_dir = "/usr/share/nmap";
    w->begin(info);
    w->on_task(TaskEvent::begins("SYN Stealth Scan", kStartUs, 74, 1024));
    w->on_result({ip(198, 19, 0, 5), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
    w->on_result({ip(198, 19, 0, 5), 23, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStartUs, 0, {}});
    w->on_task(TaskEvent::ends("SYN Stealth Scan", kStartUs + 1240000, 1.24, "75776 total ports"));
    TaskEvent one = TaskEvent::begins("UDP Scan", kStartUs, 1, 1);
    one.only_host = ip(198, 19, 0, 5);
    w->on_task(one);
    HostTable table(ReportPolicy::for_scan(info));
    w->end(table, sample_summary());
  };
  const std::string v = dir.file("v.txt"), quiet = dir.file("quiet.txt"), file = dir.file("v.nmap");
  drive(v, true, 1);
  drive(quiet, true, 0);
  drive(file, false, 1);
  const std::string text = read_file(v);
  EXPECT_NE(text.find("Initiating SYN Stealth Scan at 19:00\n"
                      "Scanning 74 hosts [1024 ports/host]\n"
                      "Discovered open port 22/tcp on 198.19.0.5\n"
                      "Completed SYN Stealth Scan at 19:00, 1.24s elapsed (75776 total ports)\n"
                      "Initiating UDP Scan at 19:00\n"
                      "Scanning 198.19.0.5 [1 port]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Read data files from: /usr/share/nmap\nPortsweep done:"), std::string::npos) << text;
  for (const std::string& other : {read_file(quiet), read_file(file)}) {
    EXPECT_EQ(other.find("Initiating"), std::string::npos) << other;
    EXPECT_EQ(other.find("Discovered"), std::string::npos) << other;
  }
  EXPECT_EQ(read_file(quiet).find("Read data files"), std::string::npos);
  EXPECT_NE(read_file(file).find("Read data files from: /usr/share/nmap\n# Portsweep done"), std::string::npos);
}

// Errors and warnings go to -oN where they came (nmap's "Failed to resolve"
// follows the header), never twice to the terminal, which had them on stderr.
TEST_F(NormalFormatTest, MessagesGoToTheFileAfterItsHeader) {
  const std::string file = dir.file("msg.nmap"), terminal = dir.file("msg.txt");
  {
    OutputSet outputs;
    outputs.add(make_writer("normal", file));
    outputs.add(make_writer("normal", terminal, WriterOptions{.interactive = true}));
    outputs.on_message("Failed to resolve \"nosuch.invalid\".");
    outputs.begin(sample_info());
    outputs.on_message("Skipping host 198.19.0.9 due to host timeout");
    outputs.end(sample_summary());
  }
  const std::string text = read_file(file);
  const auto header = text.find("# Portsweep 0.1.0 scan initiated");
  const auto failed = text.find("\nFailed to resolve \"nosuch.invalid\".\n");
  const auto skipping = text.find("\nSkipping host 198.19.0.9 due to host timeout\n");
  ASSERT_NE(failed, std::string::npos) << text;
  ASSERT_NE(skipping, std::string::npos) << text;
  EXPECT_LT(header, failed);
  EXPECT_LT(failed, skipping);
  EXPECT_EQ(read_file(terminal).find("Failed to resolve"), std::string::npos);
}

}  // namespace
}  // namespace portsweep::test
