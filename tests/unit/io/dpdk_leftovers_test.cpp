// What a DPDK run leaves and how the next one judges it, against a fake
// runtime directory and a fake view of the machine: no root, no DPDK.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "io/dpdk_leftovers.hpp"

namespace portsweep {
namespace {

namespace fs = std::filesystem;

RunOwner owner(long pid, bool xdp, uint64_t netns = 7) {
  RunOwner o;
  o.pid = pid;
  o.start_time = 1000 + static_cast<uint64_t>(pid);
  o.netns = netns;
  o.ifindex = 3;
  o.iface = "ps-scan0";
  o.xdp = xdp;
  return o;
}

// Processes 100 (start time 1100) and 200 (start time 999: not the run that
// recorded pid 200) exist; namespaces 7 (ours) and 8 exist.
SystemView fake_system() {
  SystemView v;
  v.process_start_time = [](long pid) -> std::optional<uint64_t> {
    static const std::map<long, uint64_t> running = {{100, 1100}, {200, 999}};
    auto it = running.find(pid);
    if (it == running.end()) return std::nullopt;
    return it->second;
  };
  v.netns = 7;
  v.netns_exists = [](uint64_t ns) { return ns == 7 || ns == 8; };
  return v;
}

TEST(DpdkLeftovers, OwnerRecordRoundTrips) {
  RunOwner o = owner(4242, true);
  auto back = parse_run_owner(format_run_owner(o));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->pid, 4242);
  EXPECT_EQ(back->start_time, o.start_time);
  EXPECT_EQ(back->netns, 7u);
  EXPECT_EQ(back->ifindex, 3);
  EXPECT_EQ(back->iface, "ps-scan0");
  EXPECT_TRUE(back->xdp);
}

TEST(DpdkLeftovers, HalfWrittenRecordIsNoRecord) {
  std::string text = format_run_owner(owner(1, true));
  EXPECT_FALSE(parse_run_owner(text.substr(0, text.size() / 2)).has_value());
  EXPECT_FALSE(parse_run_owner("pid x\n").has_value());
  EXPECT_FALSE(parse_run_owner("").has_value());
}

TEST(DpdkLeftovers, PrefixNamesOnlyOurDirectories) {
  EXPECT_EQ(runtime_prefix(77), "portsweep-77");
  EXPECT_EQ(pid_of_prefix("portsweep-77"), 77);
  EXPECT_FALSE(pid_of_prefix("rte").has_value());
  EXPECT_FALSE(pid_of_prefix("portsweep-").has_value());
  EXPECT_FALSE(pid_of_prefix("portsweep-12x").has_value());
  EXPECT_FALSE(pid_of_prefix("pd-testpmd-5").has_value());
}

TEST(DpdkLeftovers, JudgesEachCase) {
  SystemView sys = fake_system();
  // Alive, and the same process: keep.
  EXPECT_EQ(judge_leftover(100, owner(100, true), sys), LeftoverAction::Keep);
  // The pid runs, but started at another time: the recorded run is gone.
  EXPECT_EQ(judge_leftover(200, owner(200, true), sys), LeftoverAction::DetachXdpAndRemove);
  // Dead, XDP in our namespace: undo it.
  EXPECT_EQ(judge_leftover(300, owner(300, true), sys), LeftoverAction::DetachXdpAndRemove);
  // Dead, no XDP (af_packet or a PCI device): just the directory.
  EXPECT_EQ(judge_leftover(300, owner(300, false), sys), LeftoverAction::Remove);
  // Dead, XDP in another namespace that still exists: left for a run there.
  EXPECT_EQ(judge_leftover(300, owner(300, true, 8), sys), LeftoverAction::Keep);
  // Dead, XDP in a namespace that is gone (with its interfaces): remove.
  EXPECT_EQ(judge_leftover(300, owner(300, true, 9), sys), LeftoverAction::Remove);
  // No record (killed before writing it): dead means remove.
  EXPECT_EQ(judge_leftover(300, std::nullopt, sys), LeftoverAction::Remove);
  EXPECT_EQ(judge_leftover(100, std::nullopt, sys), LeftoverAction::Keep);
}

class LeftoverDir : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("pd-leftovers-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(LeftoverDir, WritesFindsAndCleans) {
  SystemView sys = fake_system();
  write_run_owner(root_.string(), owner(100, true));  // alive
  write_run_owner(root_.string(), owner(300, false));  // dead, nothing attached
  write_run_owner(root_.string(), owner(400, true, 8));  // dead, other namespace
  fs::create_directories(root_ / "rte");  // not ours: never touched
  fs::create_directories(root_ / "portsweep-500");  // dead, no record
  std::ofstream(root_ / "portsweep-500" / "mp_socket") << "";

  auto found = find_leftovers(root_.string(), sys);
  std::map<std::string, LeftoverAction> by_name;
  for (const auto& l : found) by_name[fs::path(l.dir).filename().string()] = l.action;
  EXPECT_EQ(by_name.size(), 4u);
  EXPECT_EQ(by_name["portsweep-100"], LeftoverAction::Keep);
  EXPECT_EQ(by_name["portsweep-300"], LeftoverAction::Remove);
  EXPECT_EQ(by_name["portsweep-400"], LeftoverAction::Keep);
  EXPECT_EQ(by_name["portsweep-500"], LeftoverAction::Remove);

  auto notes = clean_leftovers(root_.string(), sys);
  EXPECT_TRUE(notes.empty());  // nothing was attached in our namespace
  EXPECT_TRUE(fs::exists(root_ / "portsweep-100"));
  EXPECT_FALSE(fs::exists(root_ / "portsweep-300"));
  EXPECT_TRUE(fs::exists(root_ / "portsweep-400"));
  EXPECT_FALSE(fs::exists(root_ / "portsweep-500"));
  EXPECT_TRUE(fs::exists(root_ / "rte"));
}

TEST_F(LeftoverDir, RemovingOursLeavesOthersAndTheRootWhileNotEmpty) {
  write_run_owner(root_.string(), owner(100, true));
  write_run_owner(root_.string(), owner(101, true));
  remove_runtime_dir(root_.string(), 100);
  EXPECT_FALSE(fs::exists(root_ / "portsweep-100"));
  EXPECT_TRUE(fs::exists(root_ / "portsweep-101"));
  remove_runtime_dir(root_.string(), 101);
  EXPECT_FALSE(fs::exists(root_)) << "an empty root goes too";
}

TEST(DpdkLeftovers, LiveViewKnowsThisProcessAndNamespace) {
  SystemView live = live_system_view();
  EXPECT_TRUE(live.process_start_time(static_cast<long>(::getpid())).has_value());
  EXPECT_NE(live.netns, 0u);
  EXPECT_EQ(live.netns, current_netns());
}

}  // namespace
}  // namespace portsweep
