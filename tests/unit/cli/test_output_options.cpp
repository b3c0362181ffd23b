// -oN/-oX/-oG/-oJ/-oA as a set: all checked before any is opened, all opened
// before any is emptied, and a resumed run writes beside regular files only.
#include "cli/output_options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace portsweep {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class OutputOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("portsweep_outputs_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    saved_ = fs::current_path();
    fs::current_path(dir_);
    for (const char* name : {"keep.nmap", "keep.xml", "keep.gnmap", "keep.jsonl", "keep.txt"})
      std::ofstream(name) << "precious " << name << "\n";
  }
  void TearDown() override {
    fs::current_path(saved_);
    fs::remove_all(dir_);
  }
  // Adds the outputs to a set that is then dropped, as a failing command does.
  void add(const ScanOptions& o, bool resuming = false) {
    OutputSet outputs;
    std::ostringstream err;
    add_outputs(o, outputs, resuming, err);
    said_ = err.str();
  }
  void expect_untouched() {
    for (const char* name : {"keep.nmap", "keep.xml", "keep.gnmap", "keep.jsonl", "keep.txt"})
      EXPECT_EQ(slurp(name), std::string("precious ") + name + "\n") << name;
  }
  size_t files() const { return static_cast<size_t>(std::distance(fs::directory_iterator("."), {})); }

  fs::path dir_, saved_;
  std::string said_;
};

TEST_F(OutputOptionsTest, ALaterOutputThatCannotOpenEmptiesNothing) {
  ScanOptions o;
  o.output_normal = "keep.nmap";
  o.output_json = "keep.jsonl";
  o.output_xml = "nodir/out.xml";
  EXPECT_THAT([&] { add(o); }, ThrowsMessage<RuntimeFailure>(HasSubstr("\"nodir/out.xml\"")));
  expect_untouched();
  o = ScanOptions{};
  o.output_all = "keep";
  o.output_json = "new.jsonl";
  o.output_grepable = "dir-that-is-missing/x";
  const size_t before = files();
  EXPECT_THROW(add(o), RuntimeFailure);
  expect_untouched();
  EXPECT_EQ(files(), before) << "new.jsonl was created and left behind";
}

TEST_F(OutputOptionsTest, OpenedOutputsAreEmptiedOnlyWhenTheScanBegins) {
  ScanOptions o;
  o.output_normal = "keep.nmap";
  OutputSet outputs;
  std::ostringstream err;
  add_outputs(o, outputs, false, err);
  EXPECT_EQ(slurp("keep.nmap"), "precious keep.nmap\n");
}

TEST_F(OutputOptionsTest, TwoOutputsNamingOneFileAreRefused) {
  ScanOptions o;
  o.output_normal = "keep.txt";
  o.output_xml = "keep.txt";
  EXPECT_THAT([&] { add(o); },
              ThrowsMessage<UsageError>("-oN keep.txt and -oX keep.txt name the same file; expected a file of its "
                                        "own for each output"));
  o.output_xml = "./sub/../keep.txt";
  fs::create_directory("sub");
  EXPECT_THROW(add(o), UsageError);
  o.output_xml.clear();
  o.output_all = "keep";
  o.output_normal = "keep.nmap";
  EXPECT_THAT([&] { add(o); },
              ThrowsMessage<UsageError>("-oN keep.nmap and -oA keep (keep.nmap) name the same file; expected a file "
                                        "of its own for each output"));
  // Files that do not exist yet, and two names of one file.
  o = ScanOptions{};
  o.output_grepable = "fresh.txt";
  o.output_json = "fresh.txt";
  const size_t before = files();
  EXPECT_THROW(add(o), UsageError);
  EXPECT_EQ(files(), before);
  fs::create_hard_link("keep.txt", "link.txt");
  o = ScanOptions{};
  o.output_normal = "keep.txt";
  o.output_xml = "link.txt";
  EXPECT_THROW(add(o), UsageError);
  expect_untouched();
}

TEST_F(OutputOptionsTest, StandardOutputIsNmaps) {
  ScanOptions o;
  o.output_all = "-";
  EXPECT_THAT([&] { add(o); }, ThrowsMessage<UsageError>(HasSubstr("Cannot display multiple output types")));
  o = ScanOptions{};
  o.output_normal = "-";
  o.output_xml = "-";
  EXPECT_THAT([&] { add(o); },
              ThrowsMessage<UsageError>("-oN - and -oX - both write to standard output; expected at most one output "
                                        "there"));
  o.output_xml = "-oops.xml";
  EXPECT_THAT([&] { add(o); },
              ThrowsMessage<UsageError>("output file \"-oops.xml\" given to -oX begins with '-'; expected -oX "
                                        "./-oops.xml if that is its name"));
  // Devices may be named twice: nothing is lost writing /dev/null.
  o = ScanOptions{};
  o.output_normal = "/dev/null";
  o.output_xml = "/dev/null";
  EXPECT_NO_THROW(add(o));
}

TEST_F(OutputOptionsTest, AResumedRunWritesBesideRegularFilesOnly) {
  EXPECT_EQ(resumed_output_path("keep.xml"), "keep.resumed-1.xml");
  std::ofstream("keep.resumed-1.xml") << "x";
  EXPECT_EQ(resumed_output_path("keep.xml"), "keep.resumed-2.xml");
  EXPECT_EQ(resumed_output_path("absent.xml"), "absent.xml");
  EXPECT_EQ(resumed_output_path("-"), "-");
  EXPECT_EQ(resumed_output_path("/dev/null"), "/dev/null");
  EXPECT_EQ(resumed_output_path("/dev/stdout"), "/dev/stdout");
  EXPECT_EQ(resumed_output_path("/proc/self/fd/1"), "/proc/self/fd/1");
  ASSERT_EQ(::mkfifo("pipe", 0600), 0);
  EXPECT_EQ(resumed_output_path("pipe"), "pipe");

  // End to end: a resumed run given /dev/null and a FIFO writes to them and
  // creates nothing beside them.
  const int reader = ::open("pipe", O_RDONLY | O_NONBLOCK);  // so opening the FIFO to write does not block
  ASSERT_GE(reader, 0);
  ScanOptions o;
  o.output_normal = "/dev/null";
  o.output_xml = "pipe";
  o.output_json = "keep.jsonl";
  const size_t before = files();
  add(o, true);
  ::close(reader);
  EXPECT_FALSE(fs::exists("/dev/null.resumed-1"));
  EXPECT_EQ(files(), before);  // keep.resumed-1.jsonl was opened, never started, and removed
  EXPECT_EQ(said_, "portsweep: keep.jsonl exists; this resumed run writes keep.resumed-1.jsonl\n");
  expect_untouched();
}

}  // namespace
}  // namespace portsweep
