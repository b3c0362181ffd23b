// -sV's command-line options as the detection stage receives them.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "cli/command_line.hpp"
#include "cli/service_options.hpp"

namespace portsweep::test {
namespace {

ParsedCommandLine parse(std::vector<std::string> args, std::string* err_text = nullptr) {
  std::ostringstream out, err;
  ParsedCommandLine p = parse_command_line(args, out, err);
  if (err_text != nullptr) *err_text = err.str();
  return p;
}

TEST(ServiceOptions, Defaults) {
  ParsedCommandLine p = parse({"-sS", "-sV", "198.19.0.1"});
  ASSERT_TRUE(p.options);
  EXPECT_TRUE(p.options->service_version);
  DetectOptions d = detect_options_for(*p.options);
  EXPECT_EQ(d.intensity, 7);
  EXPECT_FALSE(d.trace);
  EXPECT_FALSE(d.wait_cap);
}

TEST(ServiceOptions, IntensityLightAllAndTrace) {
  EXPECT_EQ(detect_options_for(*parse({"-sV", "--version-intensity", "3", "x"}).options).intensity, 3);
  EXPECT_EQ(detect_options_for(*parse({"-sV", "--version-light", "x"}).options).intensity, 2);
  EXPECT_EQ(detect_options_for(*parse({"-sV", "--version-all", "x"}).options).intensity, 9);
  // An explicit intensity wins over the shorthands.
  EXPECT_EQ(detect_options_for(*parse({"-sV", "--version-all", "--version-intensity", "0", "x"}).options).intensity, 0);
  DetectOptions d =
      detect_options_for(*parse({"-sV", "--version-trace", "--allports", "--max-parallelism", "40", "x"}).options);
  EXPECT_TRUE(d.trace);
  EXPECT_TRUE(d.all_ports);
  EXPECT_EQ(d.max_parallel, 40u);
}

TEST(ServiceOptions, TimingTemplatesCapTheWaits) {
  EXPECT_EQ(detect_options_for(*parse({"-sV", "-T4", "x"}).options).wait_cap, std::chrono::milliseconds(3000));
  EXPECT_EQ(detect_options_for(*parse({"-sV", "-T5", "x"}).options).wait_cap, std::chrono::milliseconds(1500));
  EXPECT_FALSE(detect_options_for(*parse({"-sV", "-T3", "x"}).options).wait_cap);
  EXPECT_EQ(detect_options_for(*parse({"-sV", "-T0", "x"}).options).max_parallel, 1u);
}

TEST(ServiceOptions, VersionParallelSetsAPortsProbesAtOnce) {
  EXPECT_EQ(detect_options_for(*parse({"-sV", "x"}).options).lanes, 8u);
  EXPECT_EQ(detect_options_for(*parse({"-sV", "--version-parallel", "1", "x"}).options).lanes, 1u);
  EXPECT_EQ(detect_options_for(*parse({"-sV", "--version-parallel", "64", "x"}).options).lanes, 64u);
  std::string err;
  ParsedCommandLine p = parse({"-sV", "--version-parallel", "0", "x"}, &err);
  EXPECT_FALSE(p.options);
  EXPECT_EQ(p.exit_status, 2);
  EXPECT_NE(err.find("--version-parallel"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

TEST(ServiceOptions, BadIntensityIsOneSentence) {
  std::string err;
  ParsedCommandLine p = parse({"-sV", "--version-intensity", "12", "x"}, &err);
  EXPECT_FALSE(p.options);
  EXPECT_EQ(p.exit_status, 2);
  EXPECT_EQ(err, "portsweep: invalid --version-intensity \"12\": expected a whole number from 0 to 9\n");
}

}  // namespace
}  // namespace portsweep::test
