// -O and its options on the command line: what they set, -A's share of
// them, and the command lines refused with one line saying why.
#include <gtest/gtest.h>

#include "cli/command_line.hpp"
#include "parse_for_test.hpp"

namespace portsweep {
namespace {

using test::parse;

ScanOptions parsed(std::vector<std::string> args) {
  args.push_back("198.19.0.1");
  const auto p = parse(args);
  EXPECT_TRUE(p.result.options) << p.err;
  EXPECT_TRUE(p.err.empty()) << p.err;
  return p.result.options.value_or(ScanOptions{});
}

// Refused: exit status 2 and one line on standard error that holds `says`.
void refused(std::vector<std::string> args, const std::string& says) {
  args.push_back("198.19.0.1");
  const auto p = parse(args);
  EXPECT_FALSE(p.result.options);
  EXPECT_EQ(p.result.exit_status, 2);
  EXPECT_NE(p.err.find(says), std::string::npos) << p.err;
  EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
}

TEST(OsOptions, DefaultsAreNmaps) {
  const ScanOptions o = parsed({"-O"});
  EXPECT_TRUE(o.os_detection);
  EXPECT_FALSE(o.osscan_limit);
  EXPECT_FALSE(o.osscan_guess);
  EXPECT_FALSE(o.max_os_tries.has_value());
  EXPECT_FALSE(parsed({"-sS"}).os_detection);
}

TEST(OsOptions, EachOptionSetsItsField) {
  EXPECT_TRUE(parsed({"-O", "--osscan-limit"}).osscan_limit);
  EXPECT_TRUE(parsed({"-O", "--osscan-guess"}).osscan_guess);
  EXPECT_TRUE(parsed({"-O", "--fuzzy"}).osscan_guess);  // nmap's alias
  EXPECT_EQ(parsed({"-O", "--max-os-tries", "1"}).max_os_tries, 1);
  EXPECT_EQ(parsed({"-O", "--max-os-tries=50"}).max_os_tries, 50);
  EXPECT_EQ(parsed({"-O", "-max-os-tries", "3"}).max_os_tries, 3);  // one dash, as nmap's getopt_long_only
  EXPECT_TRUE(parsed({"-sS", "-O", "-sU"}).os_detection);
}

TEST(OsOptions, AggressiveIncludesOsDetection) {
  const ScanOptions o = parsed({"-A"});
  EXPECT_TRUE(o.os_detection);
  EXPECT_TRUE(o.service_version);
  EXPECT_TRUE(o.traceroute);
  // Where -O cannot run, -A leaves it out (the scan says so) rather than fail.
  EXPECT_FALSE(parsed({"-A", "-sT"}).os_detection);
  EXPECT_FALSE(parsed({"-A", "-sO"}).os_detection);
}

TEST(OsOptions, BadTriesAreRefused) {
  refused({"-O", "--max-os-tries", "0"}, "--max-os-tries");
  refused({"-O", "--max-os-tries", "51"}, "--max-os-tries");
  refused({"-O", "--max-os-tries", "two"}, "--max-os-tries");
  refused({"-O", "--max-os-tries", "-1"}, "--max-os-tries");
}

TEST(OsOptions, TuningWithoutOsDetectionIsRefused) {
  refused({"--osscan-limit"}, "--osscan-limit tunes OS detection, which is not asked for: add -O (or -A)");
  refused({"--osscan-guess"}, "--osscan-guess tunes OS detection");
  refused({"--fuzzy"}, "--osscan-guess tunes OS detection");
  refused({"--max-os-tries", "2"}, "--max-os-tries tunes OS detection");
}

TEST(OsOptions, ScansOsDetectionCannotFollowAreRefused) {
  refused({"-O", "-sn"}, "-O needs a port scan");
  refused({"-O", "-sL"}, "-sL sends nothing: -O has nothing to do");
  refused({"-O", "-sO"}, "-O cannot run with -sO");
  refused({"-O", "-sT"}, "-sT has none");
  refused({"-O", "-sI", "198.18.3.10"}, "-sI has none");
  refused({"-O", "--shard", "1/2", "--seed", "7"}, "run -O without --shard");
}

TEST(OsOptions, HelpListsThem) {
  const auto p = parse({"--help"});
  for (const char* name : {"-O", "--osscan-limit", "--osscan-guess", "--fuzzy", "--max-os-tries", "OS DETECTION"})
    EXPECT_NE(p.out.find(name), std::string::npos) << name;
  EXPECT_EQ(p.out.find("does no OS detection"), std::string::npos);
}

}  // namespace
}  // namespace portsweep
