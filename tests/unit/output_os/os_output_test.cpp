// What -O found, and the passive hint, as each format writes them: the
// normal report's lines in nmap's order (MAC, OS lines, Network Distance,
// the -v-only lines), XML that nmap.dtd accepts, grepable's OS fields, and
// -oJ records the schema accepts and the saved-results reader reads back
// unchanged (so `portsweep merge` keeps them).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "detect/saved_records.hpp"
#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/os_report.hpp"
#include "output/os_text.hpp"
#include "../output/sample_scan.hpp"

namespace portsweep::test {
namespace {

const IpAddress kHost = ip(198, 19, 0, 5);

OsReport sample_os() {
  OsReport os;
  os.ip = kHost;
  os.ports_used = {{PortState::Open, Proto::Tcp, 1}, {PortState::Closed, Proto::Tcp, 3}, {PortState::Closed, Proto::Udp, 161}};
  os.matches = {{.name = "Linux 4.15 - 5.19", .accuracy = 100, .line = 70000,
                 .classes = {{.type = "general purpose", .vendor = "Linux", .family = "Linux", .generation = "4.X",
                              .accuracy = 100, .cpes = {"cpe:/o:linux:linux_kernel:4"}},
                             {.type = "general purpose", .vendor = "Linux", .family = "Linux", .generation = "5.X",
                              .accuracy = 100, .cpes = {"cpe:/o:linux:linux_kernel:5"}}}},
                {.name = "Linux 5.0 - 5.14", .accuracy = 100, .line = 70100,
                 .classes = {{.type = "general purpose", .vendor = "Linux", .family = "Linux", .generation = "5.X",
                              .accuracy = 100, .cpes = {}}}}};
  os.summary = {"Device type: general purpose", "Running: Linux 4.X|5.X",
                "OS CPE: cpe:/o:linux:linux_kernel:4 cpe:/o:linux:linux_kernel:5",
                "OS details: Linux 4.15 - 5.19, Linux 5.0 - 5.14"};
  os.fingerprint = "OS:SCAN(V=1%E=4%D=11/21%OT=1%CT=3%CU=161%PV=Y%DS=1%DC=D%G=Y%TM=6920B5F0%P=x86_64-pc-linux-gnu)\n"
                   "OS:SEQ(SP=101%GCD=1%ISR=10A%TI=Z%CI=Z%II=I%TS=A)\n";
  os.distance = 1;
  os.scan_time_s = kStartUs / 1000000;
  os.uptime_seconds = 86400 * 2;
  os.tcp_seq_index = 260;
  os.tcp_seq_difficulty = "Good luck!";
  os.tcp_seq_values = "1A2B3C4D,5E6F7A8B,1,2,3,4";
  os.ipid_class = "All zeros";
  os.ipid_values = "0,0,0,0,0,0";
  os.ts_class = "1000HZ";
  os.ts_values = "A,B,C,D,E,F";
  return os;
}

OsHint sample_hint() { return {kHost, "Linux 3.x", "4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df:0"}; }

// One scan through the writer `format` with -O's report and the hint for kHost.
std::string write_scan(TempDir& dir, const std::string& format, ScanInfo info) {
  const std::string path = dir.file("scan." + format);
  {
    auto w = make_writer(format, path);
    HostTable table(ReportPolicy::for_scan(info));
    w->begin(info);
    for (const PortResult& r : sample_results()) {
      table.add(r);
      w->on_result(r);
    }
    w->on_os(sample_os());
    table.set_os(sample_os());
    w->on_os_hint(sample_hint());
    table.set_os_hint(sample_hint());
    w->end(table, sample_summary());
  }
  return read_file(path);
}

ScanInfo os_info(int verbose = 0) {
  ScanInfo info = sample_info();
  info.os_scan = true;
  info.verbose = verbose;
  return info;
}

TEST(OsOutput, NormalLinesInNmapOrder) {
  TempDir dir;
  const std::string text = write_scan(dir, "normal", os_info());
  const size_t device = text.find("Device type: general purpose\nRunning: Linux 4.X|5.X\nOS CPE: ");
  ASSERT_NE(device, std::string::npos) << text;
  const size_t fp = text.find("TCP/IP fingerprint:\nOS:SCAN(V=1", device);
  const size_t distance = text.find("\nNetwork Distance: 1 hop\n", device);
  const size_t hint = text.find("OS hint: Linux 3.x (p0f: 4:64+0:0:1460:", device);
  EXPECT_NE(fp, std::string::npos);
  EXPECT_LT(fp, distance);
  EXPECT_LT(distance, hint);
  EXPECT_NE(text.find("OS detection performed.\n"), std::string::npos);
  // -v only: uptime, sequence prediction, IP ID generation.
  EXPECT_EQ(text.find("Uptime guess"), std::string::npos);
  EXPECT_EQ(text.find("TCP Sequence Prediction"), std::string::npos);
  const std::string verbose = write_scan(dir, "normal", os_info(1));
  EXPECT_NE(verbose.find("Network Distance: 1 hop\nTCP Sequence Prediction: Difficulty=260 (Good luck!)\n"
                         "IP ID Sequence Generation: All zeros\n"),
            std::string::npos)
      << verbose;
  // The end time is the start plus 3.21 s in sample_summary(): 2 days and a bit.
  EXPECT_NE(verbose.find("Uptime guess: 2.000 days (since Thu Nov 19 19:00:00 2026)\n"), std::string::npos) << verbose;
}

TEST(OsOutput, NormalDistanceWording) {
  OsReport os = sample_os();
  os.summary.clear();
  os.fingerprint.clear();
  os.distance = 0;
  EXPECT_EQ(os_normal_text(os, 0, kStartUs), "Network Distance: 0 hops\n");
  os.distance = -1;
  EXPECT_EQ(os_normal_text(os, 0, kStartUs), "");
}

TEST(OsOutput, GrepableFieldsOnlyForExactMatches) {
  OsReport os = sample_os();
  EXPECT_EQ(os_grepable_fields(os), "\tOS: Linux 4.15 - 5.19|Linux 5.0 - 5.14\tSeq Index: 260\tIP ID Seq: All zeros");
  os.matches[0].accuracy = 96;
  os.matches[1].accuracy = 93;
  EXPECT_EQ(os_grepable_fields(os), "\tSeq Index: 260\tIP ID Seq: All zeros");
  TempDir dir;
  const std::string line = write_scan(dir, "grepable", os_info());
  EXPECT_NE(line.find("Host: 198.19.0.5 ()\tPorts: "), std::string::npos);
  EXPECT_NE(line.find("\tOS: Linux 4.15 - 5.19|Linux 5.0 - 5.14\tSeq Index: 260\tIP ID Seq: All zeros\n"), std::string::npos)
      << line;
}

TEST(OsOutput, XmlElementsAndDtd) {
  TempDir dir;
  const std::string xml = write_scan(dir, "xml", os_info());
  EXPECT_NE(xml.find("<os><portused state=\"open\" proto=\"tcp\" portid=\"1\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<osmatch name=\"Linux 4.15 - 5.19\" accuracy=\"100\" line=\"70000\">\n"
                     "<osclass type=\"general purpose\" vendor=\"Linux\" osfamily=\"Linux\" osgen=\"4.X\" accuracy=\"100\">"
                     "<cpe>cpe:/o:linux:linux_kernel:4</cpe></osclass>\n"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<osfingerprint fingerprint=\"OS:SCAN(V=1%E=4"), std::string::npos);
  EXPECT_NE(xml.find("<distance value=\"1\"/>\n<tcpsequence index=\"260\" difficulty=\"Good luck!\""), std::string::npos);
  EXPECT_NE(xml.find("<tcptssequence class=\"1000HZ\" values=\"A,B,C,D,E,F\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<hostscript><script id=\"os-hint\" output=\"Linux 3.x (p0f: "), std::string::npos);
  constexpr const char* kDtd = "/usr/share/nmap/nmap.dtd";
  if (!std::filesystem::exists(kDtd) || std::system("command -v xmllint >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "xmllint or " << kDtd << " is missing";
  const std::string cmd = std::string("xmllint --noout --dtdvalid ") + kDtd + " '" + dir.file("scan.xml") + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

// The records the JSON writer made, read back by the saved-results reader.
class Collect final : public SavedRecordSink {
 public:
  void on_os(OsReport os) override { reports.push_back(std::move(os)); }
  void on_os_hint(OsHint hint) override { hints.push_back(std::move(hint)); }
  std::vector<OsReport> reports;
  std::vector<OsHint> hints;
};

void expect_same(const OsReport& a, const OsReport& b) {
  EXPECT_EQ(a.ip, b.ip);
  ASSERT_EQ(a.matches.size(), b.matches.size());
  for (size_t i = 0; i < a.matches.size(); ++i) {
    EXPECT_EQ(a.matches[i].name, b.matches[i].name);
    EXPECT_EQ(a.matches[i].accuracy, b.matches[i].accuracy);
    EXPECT_EQ(a.matches[i].line, b.matches[i].line);
    ASSERT_EQ(a.matches[i].classes.size(), b.matches[i].classes.size());
    for (size_t j = 0; j < a.matches[i].classes.size(); ++j) {
      EXPECT_EQ(a.matches[i].classes[j].generation, b.matches[i].classes[j].generation);
      EXPECT_EQ(a.matches[i].classes[j].cpes, b.matches[i].classes[j].cpes);
    }
  }
  ASSERT_EQ(a.ports_used.size(), b.ports_used.size());
  for (size_t i = 0; i < a.ports_used.size(); ++i) {
    EXPECT_EQ(a.ports_used[i].port, b.ports_used[i].port);
    EXPECT_EQ(a.ports_used[i].proto, b.ports_used[i].proto);
    EXPECT_EQ(a.ports_used[i].state, b.ports_used[i].state);
  }
  EXPECT_EQ(a.summary, b.summary);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.distance, b.distance);
  EXPECT_EQ(a.uptime_seconds, b.uptime_seconds);
  EXPECT_EQ(a.scan_time_s, b.scan_time_s);
  EXPECT_EQ(a.tcp_seq_index, b.tcp_seq_index);
  EXPECT_EQ(a.tcp_seq_difficulty, b.tcp_seq_difficulty);
  EXPECT_EQ(a.tcp_seq_values, b.tcp_seq_values);
  EXPECT_EQ(a.ipid_class, b.ipid_class);
  EXPECT_EQ(a.ipid_values, b.ipid_values);
  EXPECT_EQ(a.ts_class, b.ts_class);
  EXPECT_EQ(a.ts_values, b.ts_values);
}

TEST(OsOutput, JsonRecordsMatchTheSchemaAndReadBack) {
  TempDir dir;
  const std::string text = write_scan(dir, "json", os_info());
  EXPECT_NE(text.find("\"os_scan\":true"), std::string::npos);
  std::istringstream in(text);
  Collect got;
  read_jsonl_records(in, "scan.json", 0, got);
  ASSERT_EQ(got.reports.size(), 1u);
  expect_same(got.reports[0], sample_os());
  ASSERT_EQ(got.hints.size(), 1u);
  EXPECT_EQ(got.hints[0].label, "Linux 3.x");
  EXPECT_EQ(got.hints[0].signature, sample_hint().signature);

  const char* root = std::getenv("PORTSWEEP_SOURCE_ROOT");
  if (root == nullptr) GTEST_SKIP() << "PORTSWEEP_SOURCE_ROOT is not set (run through meson test)";
  const std::string cmd = std::string("python3 '") + root + "/scripts/validate-jsonl' --schema '" + root +
                          "/data/portsweep-jsonl.schema.json' --complete '" + dir.file("scan.json") + "'";
  const int status = std::system(cmd.c_str());
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (rc == 77) GTEST_SKIP() << "python3-jsonschema is missing";
  EXPECT_EQ(rc, 0);
}

// A damaged record names what is wrong; nothing is half-read.
TEST(OsOutput, MalformedOsRecordIsOneClearError) {
  Collect got;
  std::istringstream bad(R"({"ip":"198.19.0.5","os":{"matches":[{"name":"x","accuracy":101,"line":1,"classes":[]}],)"
                         R"("ports_used":[],"summary":[],"time":"2026-11-21T19:00:00.000000Z"}})");
  try {
    read_jsonl_records(bad, "bad.json", 0, got);
    FAIL() << "accepted an accuracy of 101";
  } catch (const std::exception& e) {
    EXPECT_EQ(std::string(e.what()), "bad.json:1: invalid \"accuracy\" 101: expected 0-100");
  }
  std::istringstream missing(R"({"ip":"198.19.0.5","os":{"matches":[]}})");
  try {
    read_jsonl_records(missing, "bad.json", 0, got);
    FAIL() << "accepted a record without ports_used";
  } catch (const std::exception& e) {
    EXPECT_EQ(std::string(e.what()), "bad.json:1: missing \"ports_used\" in an \"os\" record");
  }
  EXPECT_TRUE(got.reports.empty());
}

}  // namespace
}  // namespace portsweep::test
