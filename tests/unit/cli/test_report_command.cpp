// `portsweep report --from FILE`: saved JSON lines (whole, or cut mid-line
// as SIGKILL leaves them) written again as XML valid against nmap.dtd,
// grepable, normal and JSON lines, holding the same ports; XML read back.
#include "cli/report_command.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "common/error.hpp"
#include "detect/saved_scan.hpp"
#include "quiet_stdout.hpp"

namespace portsweep {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDtd = "/usr/share/nmap/nmap.dtd";

// Three hosts, TCP and UDP, every state a sweep writes; each a whole line.
constexpr const char* kLines =
    "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"port\":22,\"state\":\"open\",\"reason\":\"syn-ack\",\"ttl\":64,"
    "\"time\":\"2026-11-21T19:00:00.100000Z\"}\n"
    "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"port\":80,\"state\":\"closed\",\"reason\":\"reset\",\"ttl\":64,"
    "\"time\":\"2026-11-21T19:00:00.200000Z\"}\n"
    "{\"ip\":\"198.19.0.2\",\"proto\":\"tcp\",\"port\":443,\"state\":\"filtered\",\"reason\":\"admin-prohibited\","
    "\"ttl\":63,\"time\":\"2026-11-21T19:00:01.000000Z\"}\n"
    "{\"ip\":\"198.19.0.3\",\"proto\":\"udp\",\"port\":53,\"state\":\"open\",\"reason\":\"udp-response\",\"ttl\":64,"
    "\"time\":\"2026-11-21T19:00:02.000000Z\"}\n";
// What SIGKILL leaves of a fifth line.
constexpr const char* kCutLine = "{\"ip\":\"198.19.0.4\",\"proto\":\"tcp\",\"po";

using PortKey = std::tuple<IpAddress, int, uint16_t, int, int, int>;

// The answered ports: XML also lists a host's few unanswered ones by name
// (no-response), which JSON lines only count.
std::set<PortKey> ports_of(const SavedScan& scan) {
  std::set<PortKey> keys;
  for_each_result_batch(scan, [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) {
      if (r.reason == Reason::NoResponse) continue;
      keys.emplace(r.ip, static_cast<int>(r.proto), r.port, static_cast<int>(r.state), static_cast<int>(r.reason),
                   r.ttl);
    }
  });
  return keys;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ReportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("portsweep_report_" + std::to_string(::getpid()) + "_" + test->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }

  // Runs the command with the normal output it also writes to standard
  // output sent to /dev/null; err_ holds what it said on stderr.
  int run(std::vector<std::string> args) {
    std::ostringstream out, err;
    int status = -1;
    {
      const QuietStdout quiet;
      status = run_report_command(args, out, err);
    }
    err_ = err.str();
    return status;
  }

  static void expect_valid_xml(const fs::path& xml) {
    if (!fs::exists(kDtd) || std::system("command -v xmllint >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "needs xmllint and " << kDtd << " (libxml2-utils, nmap-common)";
    }
    const std::string cmd = std::string("xmllint --noout --dtdvalid ") + kDtd + " '" + xml.string() + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << slurp(xml);
  }

  fs::path dir_;
  std::string err_;
};

TEST_F(ReportCommandTest, JsonLinesInEveryFormatHoldTheSamePorts) {
  const fs::path in = write("sweep.jsonl", kLines);
  const fs::path base = dir_ / "sweep", json = dir_ / "again.jsonl";
  ASSERT_EQ(run({"--from", in.string(), "-oA", base.string(), "-oJ", json.string()}), 0);
  EXPECT_EQ(err_, "");
  const std::set<PortKey> expected = ports_of(read_saved_scan(in.string()));
  ASSERT_EQ(expected.size(), 4u);

  const fs::path xml = dir_ / "sweep.xml";
  EXPECT_EQ(ports_of(read_saved_scan(xml.string())), expected);
  EXPECT_EQ(ports_of(read_saved_scan(json.string())), expected);
  const std::string text = slurp(xml);
  EXPECT_NE(text.find("<port protocol=\"udp\" portid=\"53\"><state state=\"open\" reason=\"udp-response\""),
            std::string::npos);
  EXPECT_NE(text.find("exit=\"success\""), std::string::npos);
  // The report is of the saved scan: its time, not now.
  EXPECT_NE(text.find("start=\"1795287600\""), std::string::npos) << text;
  EXPECT_NE(slurp(dir_ / "sweep.gnmap").find("Ports: 22/open/tcp//ssh///, 80/closed/tcp//http///"),
            std::string::npos);
  EXPECT_NE(slurp(dir_ / "sweep.nmap").find("53/udp  open     domain"), std::string::npos)
      << slurp(dir_ / "sweep.nmap");
  expect_valid_xml(xml);
}

TEST_F(ReportCommandTest, CutLastLineIsLeftOutWithOneWarning) {
  const fs::path whole = write("whole.jsonl", kLines);
  const fs::path in = write("killed.jsonl", std::string(kLines) + kCutLine);
  const fs::path xml = dir_ / "killed.xml";
  ASSERT_EQ(run({"--from", in.string(), "-oX", xml.string()}), 0);
  EXPECT_EQ(std::count(err_.begin(), err_.end(), '\n'), 1) << err_;
  EXPECT_NE(err_.find("warning: " + in.string() + ":5 is cut short"), std::string::npos) << err_;
  EXPECT_NE(err_.find("the 4 results before it"), std::string::npos) << err_;
  EXPECT_EQ(ports_of(read_saved_scan(xml.string())), ports_of(read_saved_scan(whole.string())));
  // Every format says the results are incomplete.
  EXPECT_NE(slurp(xml).find("exit=\"error\" errormsg=\"saved results cut short at " + in.string() + ":5\""),
            std::string::npos);
  expect_valid_xml(xml);
}

TEST_F(ReportCommandTest, WholeLastLineWithoutItsNewlineIsKept) {
  std::string lines = kLines;
  lines.pop_back();
  const fs::path in = write("no-newline.jsonl", lines);
  const fs::path json = dir_ / "out.jsonl";
  ASSERT_EQ(run({"--from", in.string(), "-oJ", json.string()}), 0);
  EXPECT_EQ(err_, "");
  EXPECT_EQ(ports_of(read_saved_scan(json.string())).size(), 4u);
}

TEST_F(ReportCommandTest, XmlWrittenAgainAsJsonLines) {
  const fs::path in = write("sweep.jsonl", kLines);
  const fs::path xml = dir_ / "sweep.xml", json = dir_ / "from-xml.jsonl";
  ASSERT_EQ(run({"--from", in.string(), "-oX", xml.string()}), 0);
  ASSERT_EQ(run({"--from", xml.string(), "-oJ", json.string()}), 0);
  EXPECT_EQ(err_, "");
  EXPECT_EQ(ports_of(read_saved_scan(json.string())), ports_of(read_saved_scan(in.string())));
}

TEST_F(ReportCommandTest, BadLinesAreStillErrors) {
  // A bad line before the cut one, and a whole but bad last line.
  const fs::path early = write("early.jsonl", "{\"ip\":\"300.1.1.1\",\"proto\":\"tcp\",\"port\":1,\"state\":\"open\"}\n" +
                                                  std::string(kCutLine));
  EXPECT_THROW(run({"--from", early.string()}), UsageError);
  const fs::path last = write("last.jsonl", std::string(kLines) +
                                                "{\"ip\":\"300.1.1.1\",\"proto\":\"tcp\",\"port\":1,\"state\":\"open\"}");
  EXPECT_THROW(run({"--from", last.string()}), UsageError);
  const fs::path only = write("only.jsonl", kCutLine);
  EXPECT_THROW(run({"--from", only.string()}), UsageError);
}

TEST_F(ReportCommandTest, UnknownOptionsAreRefusedAndWriteNothing) {
  const fs::path in = write("sweep.jsonl", kLines);
  const fs::path xml = dir_ / "never.xml";
  EXPECT_EQ(run({"--from", in.string(), "-oX", xml.string(), "--rate", "100"}), 2);
  EXPECT_EQ(std::count(err_.begin(), err_.end(), '\n'), 1) << err_;
  EXPECT_NE(err_.find("--rate"), std::string::npos) << err_;
  EXPECT_EQ(run({"--from", in.string(), "-sV"}), 2);
  EXPECT_NE(err_.find("portsweep detect --from"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(xml));
}

}  // namespace
}  // namespace portsweep
