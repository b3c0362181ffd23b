// --io dpdk's --dpdk-args, and --bench-tx with --duration.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/command_line.hpp"

namespace portsweep {
namespace {

ParsedCommandLine parse(std::vector<std::string> args, std::string* err_text = nullptr) {
  std::ostringstream out, err;
  ParsedCommandLine p = parse_command_line(args, out, err);
  if (err_text) *err_text = err.str();
  return p;
}

TEST(DpdkBenchOptions, DpdkArgsReachTheOptions) {
  auto p = parse({"-sS", "--io", "dpdk", "--dpdk-args", "-a 0000:01:00.0 -l 2", "-e", "eth1",
                  "198.19.0.0/24"});
  ASSERT_TRUE(p.options.has_value());
  EXPECT_EQ(p.options->io, "dpdk");
  EXPECT_EQ(p.options->dpdk_args, "-a 0000:01:00.0 -l 2");
}

TEST(DpdkBenchOptions, DpdkArgsWithoutDpdkIsAUsageError) {
  std::string err;
  auto p = parse({"-sS", "--dpdk-args", "-l 2", "198.19.0.0/24"}, &err);
  EXPECT_FALSE(p.options.has_value());
  EXPECT_EQ(p.exit_status, 2);
  EXPECT_NE(err.find("--dpdk-args \"-l 2\" needs --io dpdk"), std::string::npos) << err;
}

TEST(DpdkBenchOptions, BenchTxTakesRateAndDuration) {
  auto p = parse({"--bench-tx", "--io", "dpdk", "-e", "ps-scan0", "--rate", "500000",
                  "--duration", "2.5", "-p", "80", "198.19.0.5"});
  ASSERT_TRUE(p.options.has_value());
  EXPECT_TRUE(p.options->bench_tx);
  EXPECT_DOUBLE_EQ(p.options->duration, 2.5);
  EXPECT_DOUBLE_EQ(p.options->rate.value_or(0), 500000);
}

TEST(DpdkBenchOptions, DurationDefaultsToTenSecondsAndMustBePositive) {
  auto p = parse({"--bench-tx", "198.19.0.5"});
  ASSERT_TRUE(p.options.has_value());
  EXPECT_DOUBLE_EQ(p.options->duration, 10);
  EXPECT_FALSE(parse({"--bench-tx", "--duration", "0", "198.19.0.5"}).options.has_value());
}

}  // namespace
}  // namespace portsweep
