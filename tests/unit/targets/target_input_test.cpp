#include "targets/target_input.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "common/error.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using Ranges = std::vector<Ipv4Range>;

uint32_t ip(const char* text) { return parse_ipv4(text).value(); }

IpAddress v4(const char* text) { return IpAddress::v4(ip(text)); }

std::vector<IpAddress> fake_dns(const std::string& name) {
  if (name == "web.example") return {v4("192.0.2.10")};
  if (name == "db.example") return {v4("192.0.2.20")};
  if (name == "alias.example") return {v4("192.0.2.10")};
  if (name == "multi.example") return {v4("192.0.2.31"), v4("192.0.2.30")};
  throw UnresolvedName(name, "unknown in this test");
}

// A file under the test temp dir, removed when the test ends.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& contents)
      : path_(std::filesystem::path(::testing::TempDir()) /
              ("portsweep_targets_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path_) << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(ResolveTargets, NoTargetsGivesAnEmptySet) {
  EXPECT_TRUE(resolve_targets({}, fake_dns).addresses.empty());
}

TEST(ResolveTargets, MergesOverlappingSpecsIntoASortedSet) {
  TargetOptions options;
  options.specs = {"10.0.0.128/25", "10.0.0.0-200", "9.9.9.9", "10.0.1.0"};
  Targets targets = resolve_targets(options, fake_dns);
  EXPECT_EQ(targets.addresses.ranges(), (Ranges{{ip("9.9.9.9"), ip("9.9.9.9")},
                                                {ip("10.0.0.0"), ip("10.0.1.0")}}));
  EXPECT_EQ(targets.addresses.size(), 1u + 257u);
}

TEST(ResolveTargets, ExclusionsAreSubtracted) {
  TargetOptions options;
  options.specs = {"10.0.0.0/24"};
  options.excludes = {"10.0.0.128", "10.0.0.0-9,10.0.0.250/31"};
  Targets targets = resolve_targets(options, fake_dns);
  EXPECT_EQ(targets.addresses.ranges(), (Ranges{{ip("10.0.0.10"), ip("10.0.0.127")},
                                                {ip("10.0.0.129"), ip("10.0.0.249")},
                                                {ip("10.0.0.252"), ip("10.0.0.255")}}));
  EXPECT_EQ(targets.addresses.size(), 256u - 1 - 10 - 2);
}

TEST(ResolveTargets, ExcludingEverything) {
  TargetOptions options;
  options.specs = {"10.0.0.0/24", "10.0.1.5"};
  options.excludes = {"10.0.0.0/16"};
  EXPECT_TRUE(resolve_targets(options, fake_dns).addresses.empty());
}

TEST(ResolveTargets, HostnamesAreKeptForReports) {
  TargetOptions options;
  options.specs = {"db.example", "web.example", "alias.example", "10.0.0.1"};
  Targets targets = resolve_targets(options, fake_dns);
  EXPECT_EQ(targets.addresses.size(), 3u);
  ASSERT_EQ(targets.names.size(), 2u);
  EXPECT_EQ(targets.names[0], (NamedAddress{v4("192.0.2.10"), "web.example", {}}));
  EXPECT_EQ(targets.names[1], (NamedAddress{v4("192.0.2.20"), "db.example", {}}));
  ASSERT_NE(targets.name_of(v4("192.0.2.20")), nullptr);
  EXPECT_EQ(*targets.name_of(v4("192.0.2.20")), "db.example");
  EXPECT_EQ(targets.name_of(v4("10.0.0.1")), nullptr);

  options.excludes = {"web.example"};
  Targets without = resolve_targets(options, fake_dns);
  EXPECT_EQ(without.addresses.size(), 2u);
  EXPECT_THAT(without.names, ElementsAre(NamedAddress{v4("192.0.2.20"), "db.example", {}}));
}

TEST(ResolveTargets, InputFileWithCommentsAndBlankLines) {
  TempFile file("list.txt",
                "# scan list\n"
                "10.0.0.1   10.0.0.2\t10.0.0.3\r\n"
                "\n"
                "   # indented comment\n"
                "192.168.1.0/30 # trailing comment 8.8.8.8\n"
                "10.1,2.0.1\n"
                "web.example\n");
  TargetOptions options;
  options.input_file = file.path();
  options.specs = {"172.16.0.1"};
  Targets targets = resolve_targets(options, fake_dns);
  std::vector<uint32_t> all(targets.addresses.begin(), targets.addresses.end());
  EXPECT_EQ(all, (std::vector<uint32_t>{ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.1.0.1"),
                                        ip("10.2.0.1"), ip("172.16.0.1"), ip("192.0.2.10"), ip("192.168.1.0"),
                                        ip("192.168.1.1"), ip("192.168.1.2"), ip("192.168.1.3")}));
  EXPECT_EQ(targets.names.size(), 1u);
}

TEST(ResolveTargets, InputFileFromStandardInput) {
  std::istringstream fake_stdin("10.0.0.7\n10.0.0.8 # two\n");
  std::streambuf* saved = std::cin.rdbuf(fake_stdin.rdbuf());
  TargetOptions options;
  options.input_file = "-";
  Targets targets = resolve_targets(options, fake_dns);
  std::cin.rdbuf(saved);
  EXPECT_EQ(targets.addresses.ranges(), (Ranges{{ip("10.0.0.7"), ip("10.0.0.8")}}));
}

TEST(ResolveTargets, ExcludeFileSplitsOnCommasAndWhitespace) {
  TempFile file("exclude.txt", "10.0.0.1,10.0.0.2  # gateway pair\n10.0.0.200-255\n");
  TargetOptions options;
  options.specs = {"10.0.0.0/24"};
  options.exclude_file = file.path();
  Targets targets = resolve_targets(options, fake_dns);
  EXPECT_EQ(targets.addresses.ranges(), (Ranges{{ip("10.0.0.0"), ip("10.0.0.0")},
                                                {ip("10.0.0.3"), ip("10.0.0.199")}}));
}

TEST(ReadSpecWords, SplitsOnWhitespaceAndDropsComments) {
  std::istringstream in("a b\t c#d e\n\n#x\n  f  \r\ng,h\n");
  EXPECT_EQ(read_spec_words(in), (std::vector<std::string>{"a", "b", "c", "f", "g,h"}));
  std::istringstream again("a b\t c#d e\n\n#x\n  f  \r\ng,h\n");
  EXPECT_EQ(read_spec_words(again, true), (std::vector<std::string>{"a", "b", "c", "f", "g", "h"}));
}

TEST(ResolveTargetsErrors, MissingInputFile) {
  TargetOptions options;
  options.input_file = "/nonexistent/x.txt";
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(
                  "cannot read target file \"/nonexistent/x.txt\" given to -iL: No such file or directory"));
}

TEST(ResolveTargetsErrors, InputFileIsADirectory) {
  TargetOptions options;
  options.input_file = ::testing::TempDir();
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(HasSubstr("given to -iL: Is a directory")));
}

// An -iL list with nothing in it is said to be empty, not "every target is
// excluded" (which is what the empty set would say later).
TEST(ResolveTargetsErrors, InputFileWithoutTargets) {
  TempFile empty("empty.txt", "");
  TempFile comments("comments.txt", "# nothing yet\n\n   \t\n# still nothing\n");
  for (const TempFile* file : {&empty, &comments}) {
    TargetOptions options;
    options.input_file = file->path();
    options.excludes = {"10.0.0.1"};
    EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
                ThrowsMessage<UsageError>("target file \"" + file->path() +
                                          "\" given to -iL holds no targets (only blank lines and comments); "
                                          "expected addresses, networks or ranges, one or more a line"));
  }
  std::istringstream fake_stdin("\n# none\n");
  std::streambuf* saved = std::cin.rdbuf(fake_stdin.rdbuf());
  TargetOptions from_stdin;
  from_stdin.input_file = "-";
  EXPECT_THAT([&] { resolve_targets(from_stdin, fake_dns); },
              ThrowsMessage<UsageError>(HasSubstr("standard input given to -iL holds no targets")));
  std::cin.rdbuf(saved);
  // Other targets on the command line make an empty list harmless.
  TargetOptions with_specs;
  with_specs.input_file = empty.path();
  with_specs.specs = {"10.0.0.1"};
  EXPECT_EQ(resolve_targets(with_specs, fake_dns).addresses.size(), 1u);
}

TEST(ResolveTargetsErrors, MissingExcludeFile) {
  TargetOptions options;
  options.specs = {"10.0.0.1"};
  options.exclude_file = "/nonexistent/skip.txt";
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>("cannot read exclude file \"/nonexistent/skip.txt\" given to "
                                        "--excludefile: No such file or directory"));
}

TEST(ResolveTargetsErrors, BadSpecInAnInputFile) {
  TempFile file("bad.txt", "10.0.0.1\n10.0.0.300\n");
  TargetOptions options;
  options.input_file = file.path();
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>("invalid target \"10.0.0.300\": octet 300 is out of range 0-255"));
}

TEST(ResolveTargetsErrors, BadExclusion) {
  TargetOptions options;
  options.specs = {"10.0.0.0/24"};
  options.excludes = {"10.0.0.1,10.0.0.0/40"};
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(
                  "invalid exclusion \"10.0.0.0/40\": prefix length 40 is out of range 0-32"));
  options.excludes = {"10.0.0.1,,10.0.0.2"};
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(HasSubstr("invalid --exclude list \"10.0.0.1,,10.0.0.2\"")));
  options.excludes = {""};
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(HasSubstr("empty entry")));
}

// nmap reports a target name that resolves to nothing and scans the rest.
TEST(ResolveTargets, UnresolvableTargetIsNotedAndTheRestKept) {
  TargetOptions options;
  options.specs = {"10.0.0.1", "nosuch.example", "web.example", "gone.example"};
  Targets targets = resolve_targets(options, fake_dns);
  EXPECT_EQ(targets.addresses.size(), 2u);
  EXPECT_EQ(targets.unresolved, (std::vector<std::string>{"nosuch.example", "gone.example"}));
}

// An exclusion that resolves to nothing is still an error: excluding less
// than asked would scan what the user meant to spare.
TEST(ResolveTargetsErrors, UnresolvableExclusionNamesIt) {
  TargetOptions options;
  options.specs = {"10.0.0.1"};
  options.excludes = {"nosuch.example"};
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(HasSubstr("failed to resolve \"nosuch.example\"")));
}

// The first address is scanned, the others are kept for "Other addresses".
TEST(ResolveTargets, NameWithSeveralAddressesKeepsTheOthers) {
  TargetOptions options;
  options.specs = {"multi.example"};
  Targets targets = resolve_targets(options, fake_dns);
  ASSERT_EQ(targets.addresses.size(), 1u);
  EXPECT_TRUE(targets.addresses.contains(ip("192.0.2.31")));
  const NamedAddress* named = targets.named(v4("192.0.2.31"));
  ASSERT_NE(named, nullptr);
  EXPECT_EQ(named->name, "multi.example");
  EXPECT_EQ(named->others, std::vector<IpAddress>{v4("192.0.2.30")});
}

}  // namespace
}  // namespace portsweep
