// OutputFile opens without emptying: a file keeps an earlier scan's text
// until this scan starts writing, and a file it created is removed again if
// the scan never started.
#include "output/output_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace portsweep {
namespace {

namespace fs = std::filesystem;
using ::testing::ThrowsMessage;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("portsweep_output_file_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(OutputFileTest, AnExistingFileIsKeptUntilTheScanStarts) {
  const fs::path p = dir_ / "old.xml";
  std::ofstream(p) << "an earlier scan\n";
  {
    OutputFile f(p.string());
    EXPECT_EQ(slurp(p), "an earlier scan\n");
  }
  EXPECT_EQ(slurp(p), "an earlier scan\n");  // opened, never started: untouched
  {
    OutputFile f(p.string());
    f.write("new");
    f.flush();
  }
  EXPECT_EQ(slurp(p), "new");
  {
    OutputFile f(p.string());
    f.start();  // a format with no header (JSON lines) and no results
  }
  EXPECT_EQ(slurp(p), "");
}

// --append-output: the scan's text goes after the earlier scan's, which is kept.
TEST_F(OutputFileTest, AppendingKeepsWhatTheFileHeld) {
  const fs::path p = dir_ / "scan.nmap";
  std::ofstream(p) << "earlier scan\n";
  {
    OutputFile f(p.string(), /*append=*/true);
    f.start();
    f.write("this scan\n");
    f.flush();
  }
  EXPECT_EQ(slurp(p), "earlier scan\nthis scan\n");
  const fs::path fresh = dir_ / "fresh.nmap";
  {
    OutputFile f(fresh.string(), /*append=*/true);
    f.write("first\n");
  }
  EXPECT_EQ(slurp(fresh), "first\n");
}

TEST_F(OutputFileTest, ACreatedFileThatNeverStartedIsRemoved) {
  const fs::path p = dir_ / "new.nmap";
  {
    OutputFile f(p.string());
    EXPECT_TRUE(fs::exists(p));
  }
  EXPECT_FALSE(fs::exists(p));
  {
    OutputFile f(p.string());
    f.start();
  }
  EXPECT_TRUE(fs::exists(p));
}

TEST_F(OutputFileTest, ALinkToAFileNotYetThereIsFollowed) {
  fs::create_symlink(dir_ / "target.xml", dir_ / "link.xml");
  {
    OutputFile f((dir_ / "link.xml").string());
    f.write("through the link");
  }
  EXPECT_EQ(slurp(dir_ / "target.xml"), "through the link");
}

TEST_F(OutputFileTest, DevicesAreWrittenAsTheyAre) {
  OutputFile f("/dev/null");
  f.write("x");
  f.flush();
  EXPECT_TRUE(fs::exists("/dev/null"));
}

TEST_F(OutputFileTest, FailuresNameThePath) {
  const std::string missing = (dir_ / "nodir" / "x.xml").string();
  EXPECT_THAT([&] { OutputFile f(missing); },
              ThrowsMessage<RuntimeFailure>("cannot open output file \"" + missing +
                                            "\" for writing: No such file or directory"));
  EXPECT_THAT([&] { OutputFile f(dir_.string()); },
              ThrowsMessage<RuntimeFailure>("cannot open output file \"" + dir_.string() +
                                            "\" for writing: Is a directory"));
  OutputFile full("/dev/full");
  full.write(std::string(1 << 16, 'x'));
  EXPECT_THAT([&] { full.flush(); },
              ThrowsMessage<RuntimeFailure>("cannot write output file \"/dev/full\": No space left on device"));
}

}  // namespace
}  // namespace portsweep
