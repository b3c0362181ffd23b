// The resume file read back: a round trip, and the files that are not one
// (a directory, another file's text, a binary) each named for what they are.
#include "engine/resume_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"

namespace portsweep {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

class ResumeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("portsweep_resume_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  fs::path dir_;
};

TEST_F(ResumeFileTest, RoundTrip) {
  ResumeState st;
  st.args = {"-sS", "-p", "80", "198.19.0.0/24"};
  st.seed = 42;
  st.key = {0x0102030405060708ull, 0x1112131415161718ull};
  st.tx_threads = 2;
  st.position.pass = 1;
  st.position.positions = {10, 20};
  const std::string path = (dir_ / "portsweep.resume").string();
  write_resume_file(path, st);
  const ResumeState back = read_resume_file(path);
  EXPECT_EQ(back.args, st.args);
  EXPECT_EQ(back.seed, 42u);
  EXPECT_EQ(back.key.k0, st.key.k0);
  EXPECT_EQ(back.key.k1, st.key.k1);
  EXPECT_EQ(back.position.positions, st.position.positions);
}

// A scan that ran host discovery keeps the hosts it found, with why, so the
// resumed port sweep probes exactly those.
TEST_F(ResumeFileTest, HostsFoundUpRoundTripAndAreBounded) {
  ResumeState st;
  st.args = {"-p", "80", "198.19.0.0/24"};
  st.position.positions = {7};
  st.up_hosts = {{IpAddress::v4(0xc6130005), Reason::EchoReply, 64, 1795287600000123, 120, {}, false},
                 {IpAddress::v4(0xc6120107), Reason::ArpResponse, 0, 1795287600000456, 30, {2, 0x50, 0x53, 1, 0, 7}, false}};
  const std::string path = (dir_ / "portsweep.resume").string();
  write_resume_file(path, st);
  const ResumeState back = read_resume_file(path);
  ASSERT_EQ(back.up_hosts.size(), 2u);
  EXPECT_EQ(back.up_hosts[0].ip, IpAddress::v4(0xc6130005));
  EXPECT_EQ(back.up_hosts[0].reason, Reason::EchoReply);
  EXPECT_EQ(back.up_hosts[0].ttl, 64);
  EXPECT_EQ(back.up_hosts[0].rtt_us, 120u);
  EXPECT_EQ(back.up_hosts[1].time_us, 1795287600000456);
  // The sidecar must hold exactly what the count says, and every reason must be one.
  std::ofstream(path + ".hosts", std::ios::binary | std::ios::app) << "x";
  EXPECT_THAT([&] { read_resume_file(path); }, ThrowsMessage<UsageError>(HasSubstr("is missing or not 60 bytes long")));
  std::string bad(60, '\0');
  bad[28] = static_cast<char>(200);
  std::ofstream(path + ".hosts", std::ios::binary | std::ios::trunc) << bad;
  EXPECT_THAT([&] { read_resume_file(path); }, ThrowsMessage<UsageError>(HasSubstr("unknown reason 200")));
  remove_resume_file(path);
  EXPECT_FALSE(fs::exists(path + ".hosts"));
}

// The port sweep's rounds: a stop in round 1 resumes round 1, over the
// hosts after the first round's.
TEST_F(ResumeFileTest, TheRoundAndItsHostsRoundTripAndAreChecked) {
  ResumeState st;
  st.args = {"-p", "80", "198.19.0.0/24"};
  st.position.positions = {3};
  st.up_hosts = {{IpAddress::v4(0xc6130005), Reason::EchoReply, 64, 1, 120, {}, false},
                 {IpAddress::v4(0xc6130006), Reason::SynAck, 64, 2, 0, {}, false},
                 {IpAddress::v4(0xc6130007), Reason::Reset, 64, 3, 0, {}, false}};
  st.round = 1;
  st.first_round_hosts = 1;
  const std::string path = (dir_ / "portsweep.resume").string();
  write_resume_file(path, st);
  const ResumeState back = read_resume_file(path);
  EXPECT_EQ(back.round, 1u);
  EXPECT_EQ(back.first_round_hosts, 1u);
  // A first round larger than the hosts up, or a third round, is refused.
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = text.find("round 1 1\n");
  ASSERT_NE(at, std::string::npos);
  std::ofstream(path, std::ios::trunc) << text.substr(0, at) + "round 1 4\n" + text.substr(at + 10);
  EXPECT_THAT([&] { read_resume_file(path); },
              ThrowsMessage<UsageError>(HasSubstr("puts 4 hosts in the first round of 3 hosts up")));
  std::ofstream(path, std::ios::trunc) << text.substr(0, at) + "round 2 1\n" + text.substr(at + 10);
  EXPECT_THAT([&] { read_resume_file(path); }, ThrowsMessage<UsageError>(HasSubstr("with R 0 or 1")));
  // A file written before the rounds has every host in the first.
  std::ofstream(path, std::ios::trunc) << text.substr(0, at) + text.substr(at + 10);
  const ResumeState old = read_resume_file(path);
  EXPECT_EQ(old.round, 0u);
  EXPECT_EQ(old.first_round_hosts, 3u);
  remove_resume_file(path);
}

TEST_F(ResumeFileTest, ADirectoryIsNamedAsOne) {
  const std::string path = dir_.string();
  EXPECT_THAT([&] { read_resume_file(path); },
              ThrowsMessage<UsageError>("resume file \"" + path +
                                        "\" is a directory; expected the file an interrupted scan wrote "
                                        "(portsweep.resume)"));
}

TEST_F(ResumeFileTest, AnotherFileIsNamedByItsFirstLine) {
  const std::string text = write("notes.txt", "hello world\nportsweep-resume 2\n");
  EXPECT_THAT([&] { read_resume_file(text); },
              ThrowsMessage<UsageError>("resume file \"" + text +
                                        "\" line 1: not a portsweep resume file: its first line is \"hello world\"; "
                                        "expected \"portsweep-resume 2\""));
  // The first line is quoted as it is (the printer escapes it) and cut short.
  const std::string binary = write("image.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(5000, 'x'));
  EXPECT_THAT([&] { read_resume_file(binary); },
              ThrowsMessage<UsageError>(HasSubstr("its first line is \"\x89PNG\r\"")));
  const std::string long_line = write("long.txt", std::string(5000, 'y') + "\n");
  EXPECT_THAT([&] { read_resume_file(long_line); },
              ThrowsMessage<UsageError>(HasSubstr("\"" + std::string(100, 'y') + "\"; expected")));
}

TEST_F(ResumeFileTest, NumbersAreBounded) {
  const std::string head = "portsweep-resume 2\nseed 1\nkey 000102030405060708090a0b0c0d0e0f\n";
  const std::string pass = write("pass", head + "pass 4294967295\n");
  EXPECT_THAT([&] { read_resume_file(pass); },
              ThrowsMessage<UsageError>("resume file \"" + pass + "\" line 4: expected \"pass N\" with N from 0 to 50"));
  const std::string threads = write("threads", head + "threads 65\n");
  EXPECT_THAT([&] { read_resume_file(threads); }, ThrowsMessage<UsageError>(HasSubstr("with N from 1 to 64")));
  const std::string seed = write("seed", "portsweep-resume 2\nseed 99999999999999999999999\n");
  EXPECT_THAT([&] { read_resume_file(seed); }, ThrowsMessage<UsageError>(HasSubstr("expected \"seed NUMBER\"")));
}

TEST_F(ResumeFileTest, EmptyAndMissingFiles) {
  const std::string empty = write("empty", "");
  EXPECT_THAT([&] { read_resume_file(empty); }, ThrowsMessage<UsageError>("resume file \"" + empty + "\" is empty"));
  EXPECT_THAT([&] { read_resume_file((dir_ / "none").string()); },
              ThrowsMessage<UsageError>(HasSubstr("No such file or directory")));
}

}  // namespace
}  // namespace portsweep
