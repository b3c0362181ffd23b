// The resume file and the result log: a round trip, and hostile files
// refused with a line naming what is wrong, before anything big is allocated.
#include "engine/resume_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace portsweep {
namespace {

class ResumeLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("portsweep-resume-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "scan.resume").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write_text(const std::string& text) { std::ofstream(path_) << text; }
  std::string message_of(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const UsageError& e) {
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ResumeLogTest, RoundTripWithAnsweredMapAndResultLog) {
  ResumeState st;
  st.args = {"-sS", "-p", "22,80", "198.19.0.0/24"};
  st.seed = 42;
  st.key = {0x0123456789abcdefull, 0xfedcba9876543210ull};
  st.tx_threads = 2;
  st.position = {1, {100, 200}};
  st.answered = {0x5, 0, 0xffffffffffffffffull};
  {
    ResultLog log(path_);
    std::vector<ProbeResult> rs;
    for (uint64_t i = 0; i < 10000; ++i)
      rs.push_back({i * 3, int64_t(i) * 1000, PortState::Open, Reason::SynAck, static_cast<uint8_t>(i)});
    log.append(rs);
    log.flush();
    st.results = log.count();
    log.append(rs);  // written after the checkpoint: not counted, not read back
  }
  write_resume_file(path_, st);

  const ResumeState back = read_resume_file(path_);
  EXPECT_EQ(back.args, st.args);
  EXPECT_EQ(back.seed, 42u);
  EXPECT_EQ(back.key, st.key);
  EXPECT_EQ(back.tx_threads, 2u);
  EXPECT_EQ(back.position.pass, 1u);
  EXPECT_EQ(back.position.positions, (std::vector<uint64_t>{100, 200}));
  EXPECT_EQ(back.answered, st.answered);
  ASSERT_EQ(back.results, 10000u);
  uint64_t n = 0;
  read_result_log(path_, back.results, [&](std::span<const ProbeResult> chunk) {
    for (const ProbeResult& r : chunk) {
      EXPECT_EQ(r.index, n * 3);
      EXPECT_EQ(r.ttl, static_cast<uint8_t>(n));
      EXPECT_EQ(r.state, PortState::Open);
      ++n;
    }
  });
  EXPECT_EQ(n, 10000u);

  remove_resume_file(path_);
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".answered"));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".results"));
}

TEST_F(ResumeLogTest, HostileValuesAreRefusedBeforeUse) {
  const std::string head = "portsweep-resume 2\nseed 1\nkey 0123456789abcdef0123456789abcdef\n";
  write_text(head + "threads 5000\n");
  EXPECT_NE(message_of([&] { read_resume_file(path_); }).find("from 1 to 64"), std::string::npos);
  // A huge answered map is refused by the sidecar's size, not allocated.
  write_text(head + "threads 1\nposition 0 0\nanswered 1000000000000\n");
  EXPECT_NE(message_of([&] { read_resume_file(path_); }).find("WORDS from 1 to"), std::string::npos);
  write_text(head + "threads 1\nposition 0 0\nanswered 1000\n");
  EXPECT_NE(message_of([&] { read_resume_file(path_); }).find("missing or not 8000 bytes"), std::string::npos);
  // More results than the log holds.
  write_text(head + "threads 1\nposition 0 0\nresults 5\n");
  EXPECT_NE(message_of([&] { read_resume_file(path_); }).find("holds fewer"), std::string::npos);
  write_text("not a resume file\n");
  EXPECT_NE(message_of([&] { read_resume_file(path_); }).find("not a portsweep resume file"), std::string::npos);
}

TEST_F(ResumeLogTest, ACorruptResultIsRefused) {
  {
    ResultLog log(path_);
    const ProbeResult r{7, 1, PortState::Closed, Reason::Reset, 64};
    log.append({&r, 1});
  }
  std::fstream f(path_ + ".results", std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(16);
  f.put(char(99));  // no such state
  f.close();
  EXPECT_NE(message_of([&] { read_result_log(path_, 1, [](std::span<const ProbeResult>) {}); }).find("unknown state"),
            std::string::npos);
  {
    ResultLog log(path_);  // a fresh log with one good record
    const ProbeResult r{7, 1, PortState::Closed, Reason::Reset, 64};
    log.append({&r, 1});
  }
  EXPECT_NE(message_of([&] { read_result_log(path_, 2, [](std::span<const ProbeResult>) {}); }).find("ends after"),
            std::string::npos);
}

}  // namespace
}  // namespace portsweep
