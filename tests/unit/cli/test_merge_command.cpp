// `portsweep merge --from FILE...`: shards written by the real JSON lines and
// XML writers merged into one scan (XML valid against nmap.dtd); every way a
// set of files can fail to be one whole scan refused with one line, leaving
// existing outputs alone; a shard given twice read once.
#include "cli/merge_command.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "cli/shard_plan.hpp"
#include "common/error.hpp"
#include "detect/saved_scan.hpp"
#include "output/format_registry.hpp"
#include "output/output_set.hpp"
#include "quiet_stdout.hpp"

namespace portsweep {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kStartUs = 1795287600LL * 1000000;  // 2026-11-21 19:00:00 UTC
constexpr uint32_t kHost1 = 0xc6130001, kHost2 = 0xc6130002, kHost3 = 0xc6130003;

struct Shard {
  int index = 1;  // of 3
  uint64_t seed = 7;
  std::vector<PortResult> results;
  std::vector<HostUp> hosts{};
  std::string error{};  // non-empty: the run stopped early
  bool ended = true;   // false: killed, no end record
  std::string args{};   // empty: the usual command line
};

PortResult result(uint32_t ip, uint16_t port, PortState state, Reason reason) {
  return {IpAddress::v4(ip), port, Proto::Tcp, state, reason, 64, kStartUs + port, 0, {}};
}

// The three shards of a -sS -p 22,80 scan of 198.19.0.0/30: each cell in
// exactly one; 198.19.0.3:80 answered nowhere.
std::vector<Shard> three_shards() {
  return {{1, 7, {result(kHost1, 22, PortState::Open, Reason::SynAck), result(kHost2, 80, PortState::Closed, Reason::Reset)}},
          {2, 7, {result(kHost1, 80, PortState::Closed, Reason::Reset), result(kHost3, 22, PortState::Open, Reason::SynAck)}},
          {3, 7, {result(kHost2, 22, PortState::Filtered, Reason::AdminProhibited)}}};
}

using PortKey = std::tuple<IpAddress, uint16_t, int, int>;

// The answered ports: XML also lists a host's few unanswered ones by name
// (no-response), which JSON lines only count.
std::set<PortKey> ports_of(const SavedScan& scan) {
  std::set<PortKey> keys;
  for_each_result_batch(scan, [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) {
      if (r.reason != Reason::NoResponse) keys.emplace(r.ip, r.port, static_cast<int>(r.state), static_cast<int>(r.reason));
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

class MergeCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("portsweep_merge_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A shard's output through portsweep's own writer ("json" or "xml").
  std::string write_shard(const Shard& s, const std::string& format, const std::string& name = "") {
    const std::string n = std::to_string(s.index);
    const fs::path path = dir_ / (name.empty() ? "shard" + n + (format == "json" ? ".jsonl" : ".xml") : name);
    ScanInfo info;
    info.args = s.args.empty() ? "portsweep -sS -p 22,80 --seed " + std::to_string(s.seed) + " --shard " + n +
                                     "/3 -oJ " + path.string() + " 198.19.0.0/30"
                               : s.args;
    info.start_time_us = kStartUs + s.index;
    info.scans.push_back({"syn", Proto::Tcp, "22,80", 2, {}});
    info.num_targets = 4;
    info.shard = n + "/3";
    info.seed = s.seed;
    {
      OutputSet set;
      set.add(make_writer(format, path.string()));
      set.begin(info);
      for (const HostUp& h : s.hosts) set.on_host_up(h);
      set.on_results(s.results);
      set.flush();
      if (s.ended) {
        ScanSummary summary;
        summary.end_time_us = kStartUs + 1000000 * s.index;
        summary.error = s.error;
        summary.packets_sent = 10;
        set.end(summary);
      }
    }
    return path.string();
  }

  std::vector<std::string> write_all(const std::vector<Shard>& shards, const std::string& format = "json") {
    std::vector<std::string> paths;
    for (const Shard& s : shards) paths.push_back(write_shard(s, format));
    return paths;
  }

  int run(const std::vector<std::string>& from, std::vector<std::string> outputs) {
    std::vector<std::string> args = {"--from"};
    args.insert(args.end(), from.begin(), from.end());
    args.insert(args.end(), outputs.begin(), outputs.end());
    std::ostringstream out, err;
    int status = -1;
    {
      const QuietStdout quiet;
      status = run_merge_command(args, out, err);
    }
    err_ = err.str();
    return status;
  }

  // The one line a refused merge says.
  std::string refusal(const std::vector<std::string>& from) {
    try {
      run(from, {"-oJ", (dir_ / "refused.jsonl").string()});
    } catch (const UsageError& e) {
      return e.what();
    }
    return "accepted";
  }

  static void expect_valid_xml(const fs::path& xml) {
    const char* dtd = "/usr/share/nmap/nmap.dtd";
    if (!fs::exists(dtd) || std::system("command -v xmllint >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "needs xmllint and nmap.dtd (libxml2-utils, nmap-common)";
    EXPECT_EQ(std::system(("xmllint --noout --dtdvalid " + std::string(dtd) + " '" + xml.string() + "'").c_str()), 0);
  }

  std::set<PortKey> expected() const {
    std::set<PortKey> all;
    for (const Shard& s : three_shards())
      for (const PortResult& r : s.results) all.emplace(r.ip, r.port, static_cast<int>(r.state), static_cast<int>(r.reason));
    return all;
  }

  fs::path dir_;
  std::string err_;
};

TEST_F(MergeCommandTest, ShardsBecomeOneScanInEveryFormat) {
  const std::vector<std::string> from = write_all(three_shards());
  const fs::path base = dir_ / "all", json = dir_ / "all.jsonl";
  ASSERT_EQ(run(from, {"-oA", base.string(), "-oJ", json.string()}), 0);
  EXPECT_EQ(err_, "");
  EXPECT_EQ(ports_of(read_saved_scan(json.string())), expected());
  EXPECT_EQ(ports_of(read_saved_scan(base.string() + ".xml")), expected());
  // The merged scan is the whole scan: no shard, its outputs not the shards'.
  const std::string text = slurp(json);
  EXPECT_THAT(text, StartsWith("{\"scan\":\"start\",\"scanner\":\"portsweep\""));
  EXPECT_THAT(text, HasSubstr("\"args\":\"portsweep -sS -p 22,80 --seed 7 198.19.0.0/30\""));
  EXPECT_EQ(text.find("\"shard\""), std::string::npos);
  EXPECT_THAT(text, HasSubstr("\"status\":\"complete\""));
  EXPECT_THAT(text, HasSubstr("\"packets_sent\":30"));
  // Each unanswered cell counted once: 198.19.0.3:80 is the only one, listed by name.
  const std::string xml = slurp(base.string() + ".xml");
  EXPECT_THAT(xml, HasSubstr("<port protocol=\"tcp\" portid=\"80\"><state state=\"filtered\" "
                             "reason=\"no-response\" reason_ttl=\"0\"/>"));
  EXPECT_EQ(xml.find("<extraports"), std::string::npos);
  EXPECT_THAT(xml, HasSubstr("start=\"1795287600\""));
  EXPECT_THAT(slurp(base.string() + ".gnmap"), HasSubstr("Host: 198.19.0.1 ()\tPorts: 22/open/tcp//ssh///, 80/closed/tcp//http///"));
  expect_valid_xml(base.string() + ".xml");
}

TEST_F(MergeCommandTest, XmlShardsAndJsonShardsMix) {
  std::vector<Shard> shards = three_shards();
  const std::vector<std::string> from = {write_shard(shards[0], "xml"), write_shard(shards[1], "json"),
                                         write_shard(shards[2], "xml")};
  const fs::path json = dir_ / "all.jsonl";
  ASSERT_EQ(run(from, {"-oJ", json.string()}), 0);
  EXPECT_EQ(ports_of(read_saved_scan(json.string())), expected());
}

TEST_F(MergeCommandTest, AShardGivenTwiceIsReadOnce) {
  std::vector<std::string> from = write_all(three_shards());
  from.push_back(write_shard(three_shards()[1], "xml"));
  const fs::path json = dir_ / "all.jsonl";
  ASSERT_EQ(run(from, {"-oJ", json.string()}), 0);
  EXPECT_THAT(err_, HasSubstr("shard2.xml\" is left out: \"" + from[1] + "\" holds shard 2/3 too"));
  const SavedScan merged = read_saved_scan(json.string());
  EXPECT_EQ(merged.results.size(), expected().size());  // no result twice
  EXPECT_EQ(ports_of(merged), expected());
}

TEST_F(MergeCommandTest, AMissingShardIsNamedAndNothingIsWritten) {
  const std::vector<std::string> from = write_all(three_shards());
  const fs::path kept = dir_ / "kept.jsonl";
  std::ofstream(kept) << "an earlier file\n";
  EXPECT_THROW(
      {
        try {
          run({from[0], from[2]}, {"-oJ", kept.string()});
        } catch (const UsageError& e) {
          EXPECT_THAT(e.what(), StartsWith("shard 2/3 is missing: no file among --from holds it"));
          throw;
        }
      },
      UsageError);
  EXPECT_EQ(slurp(kept), "an earlier file\n");
  EXPECT_THAT(refusal({from[0]}), StartsWith("shards 2/3, 3/3 are missing"));
}

TEST_F(MergeCommandTest, ADamagedLineIsRefusedBeforeAnyOutputIsTouched) {
  std::vector<std::string> from = write_all(three_shards());
  std::string text = slurp(from[1]);
  text.insert(text.find('\n') + 1, "{\"ip\":\"198.19.0.9\",\"pro\n");  // line 2 of shard 2
  std::ofstream(from[1], std::ios::trunc) << text;
  const fs::path kept = dir_ / "kept.xml";
  std::ofstream(kept) << "an earlier file\n";
  try {
    run(from, {"-oX", kept.string()});
    ADD_FAILURE() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), StartsWith(from[1] + ":2: invalid JSON"));
  }
  EXPECT_EQ(slurp(kept), "an earlier file\n");
}

TEST_F(MergeCommandTest, AnIncompleteShardIsNamed) {
  std::vector<Shard> shards = three_shards();
  shards[1].ended = false;  // killed: no end record
  EXPECT_THAT(refusal(write_all(shards)), StartsWith("shard 2/3 (\"" + (dir_ / "shard2.jsonl").string() +
                                                     "\") is incomplete: it has no end record"));
  shards[1].ended = true;
  shards[1].error = "interrupted";
  EXPECT_THAT(refusal(write_all(shards)), HasSubstr("is incomplete: its scan stopped early (interrupted)"));
  // Its -oX as well is no better: both stopped.
  std::vector<std::string> from = write_all(shards);
  from.push_back(write_shard(shards[1], "xml"));
  EXPECT_THAT(refusal(from), HasSubstr("is incomplete: its scan stopped early (interrupted)"));
  // A cut last line (SIGKILL mid-write) is no end record either.
  std::vector<std::string> cut = write_all(three_shards());
  std::ofstream(cut[2], std::ios::app) << "{\"ip\":\"198.19.0.2\",\"pro";
  EXPECT_THAT(refusal(cut), StartsWith("shard 3/3 (\"" + cut[2] + "\") is incomplete"));
  // The finished rerun of a shard beside its stopped first run is enough.
  std::vector<std::string> rerun = write_all(shards);  // shard 2 stopped
  Shard again = three_shards()[1];
  rerun.push_back(write_shard(again, "json", "shard2.resumed-1.jsonl"));
  const fs::path json = dir_ / "all.jsonl";
  ASSERT_EQ(run(rerun, {"-oJ", json.string()}), 0);
  EXPECT_THAT(err_, HasSubstr("shard2.jsonl\" is left out: it is incomplete"));
  EXPECT_EQ(ports_of(read_saved_scan(json.string())), expected());
}

TEST_F(MergeCommandTest, FilesOfOtherScansAreRefused) {
  std::vector<Shard> shards = three_shards();
  shards[2].seed = 8;
  EXPECT_THAT(refusal(write_all(shards)), HasSubstr("are not shards of one scan: one ran '-sS -p 22,80 --seed 7 "
                                                    "198.19.0.0/30', the other '-sS -p 22,80 --seed 8"));
  // The seed a file records is checked too, whatever its command line says.
  shards[2].args = "portsweep -sS -p 22,80 --seed 7 --shard 3/3 198.19.0.0/30";
  EXPECT_THAT(refusal(write_all(shards)), HasSubstr("are not shards of one scan: their --seed differs"));
  shards = three_shards();
  shards[2].args = "portsweep -sS -p 22,443 --seed 7 --shard 3/3 198.19.0.0/30";
  EXPECT_THAT(refusal(write_all(shards)),
              HasSubstr("are not shards of one scan: one ran '-sS -p 22,80 --seed 7 198.19.0.0/30', the other "
                        "'-sS -p 22,443 --seed 7 198.19.0.0/30'"));
  std::ofstream(dir_ / "old.jsonl")
      << "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"port\":22,\"state\":\"open\",\"reason\":\"syn-ack\",\"ttl\":64}\n";
  EXPECT_THAT(refusal({(dir_ / "old.jsonl").string()}), HasSubstr("does not say which scan it is"));
}

// Each shard runs the whole host discovery; a host that only some found up
// had its cells in the others skipped, so its unanswered ports are unknown.
TEST_F(MergeCommandTest, HostsFoundUpBySomeShardsOnlyCountNoUnansweredPort) {
  std::vector<Shard> shards = three_shards();
  const HostUp up1{IpAddress::v4(kHost1), Reason::EchoReply, 64, kStartUs, 100, {}, false},
      up2{IpAddress::v4(kHost2), Reason::EchoReply, 64, kStartUs, 100, {}, false},
      up3{IpAddress::v4(kHost3), Reason::EchoReply, 64, kStartUs, 100, {}, false};
  shards[0].hosts = {up1, up2, up3};
  shards[1].hosts = {up1, up2, up3};
  shards[2].hosts = {up1, up2};  // did not find .3
  const fs::path xml = dir_ / "all.xml", json = dir_ / "all.jsonl";
  ASSERT_EQ(run(write_all(shards), {"-oX", xml.string(), "-oJ", json.string()}), 0);
  EXPECT_THAT(err_, HasSubstr("1 hosts were found up by only some of the 3 shards"));
  // 198.19.0.3:80 was in a shard that did not probe it: not counted filtered.
  EXPECT_EQ(slurp(xml).find("<extraports"), std::string::npos) << slurp(xml);
  // Each host's status once, however many shards said it.
  const std::string text = slurp(json);
  std::size_t statuses = 0;
  for (std::size_t at = text.find("\"status\":\"up\""); at != std::string::npos; at = text.find("\"status\":\"up\"", at + 1))
    ++statuses;
  EXPECT_EQ(statuses, 3u);
  expect_valid_xml(xml);
}

TEST(ShardPlan, TheScanIsTheCommandLineWithoutShardAndOutputs) {
  EXPECT_EQ(scan_identity("portsweep -sS --shard 2/4 -oX a.xml -oJa.jsonl -p 22 --shard=2/4 -oA b 198.19.0.0/16"),
            "-sS -p 22 198.19.0.0/16");
  EXPECT_EQ(scan_identity("nmap -sS -p 22 198.19.0.1"), "-sS -p 22 198.19.0.1");
}

}  // namespace
}  // namespace portsweep
