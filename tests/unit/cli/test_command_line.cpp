#include <gtest/gtest.h>

#include <sstream>

#include "cli/command_line.hpp"
#include "cli/nmap_args.hpp"

namespace portsweep {
namespace {

using Args = std::vector<std::string>;

TEST(NmapArgs, RewritesMultiLetterOptions) {
  EXPECT_EQ(normalise_nmap_args({"-sS", "-Pn", "-oX", "f.xml", "-iL", "-"}),
            (Args{"--syn-scan", "--skip-discovery", "--output-xml", "f.xml", "--input-list", "-"}));
}

TEST(NmapArgs, GluesPortSpecsThatLookLikeOptions) {
  EXPECT_EQ(normalise_nmap_args({"-p-"}), Args{"--ports=-"});
  EXPECT_EQ(normalise_nmap_args({"-p", "-1024"}), Args{"--ports=-1024"});
  EXPECT_EQ(normalise_nmap_args({"-p22,80"}), Args{"--ports=22,80"});
  EXPECT_EQ(normalise_nmap_args({"-p", "U:53,T:21-25"}), Args{"--ports=U:53,T:21-25"});
}

TEST(NmapArgs, TimingAndVerbosity) {
  EXPECT_EQ(normalise_nmap_args({"-T4"}), Args{"--timing=4"});
  EXPECT_EQ(normalise_nmap_args({"-vv"}), (Args{"--verbose", "--verbose"}));
  EXPECT_EQ(normalise_nmap_args({"-v3"}), (Args{"--verbose", "--verbose", "--verbose"}));
  EXPECT_EQ(normalise_nmap_args({"-d"}), Args{"--debug"});
}

TEST(NmapArgs, LeavesPositionalsAndSingleLettersAlone) {
  EXPECT_EQ(normalise_nmap_args({"-n", "-e", "ps-scan0", "10.0.0.0/8", "--", "-sS"}),
            (Args{"-n", "-e", "ps-scan0", "10.0.0.0/8", "--", "-sS"}));
}

struct Parse {
  ParsedCommandLine result;
  std::string out, err;
};

Parse parse(const Args& args) {
  std::ostringstream out, err;
  auto r = parse_command_line(args, out, err);
  return {std::move(r), out.str(), err.str()};
}

TEST(CommandLine, ParsesAnNmapStyleScan) {
  auto p = parse({"-sS", "-n", "-Pn", "-p", "21,22", "--rate", "300000", "-e", "ps-scan0", "-T4",
                  "-oA", "sweep", "198.19.0.0/16", "--reason"});
  ASSERT_TRUE(p.result.options) << p.err;
  const ScanOptions& o = *p.result.options;
  EXPECT_EQ(o.scan_types, std::vector<std::string>{"tcp_syn"});
  EXPECT_TRUE(o.no_dns);
  EXPECT_TRUE(o.skip_discovery);
  EXPECT_EQ(o.ports, "21,22");
  EXPECT_EQ(o.rate, 300000.0);
  EXPECT_EQ(o.interface, "ps-scan0");
  EXPECT_EQ(o.timing, 4);
  EXPECT_EQ(o.output_all, "sweep");
  EXPECT_TRUE(o.reason);
  EXPECT_EQ(o.targets, Args{"198.19.0.0/16"});
}

TEST(CommandLine, TimingNamesAreAccepted) {
  auto p = parse({"-Taggressive", "10.0.0.1"});
  ASSERT_TRUE(p.result.options) << p.err;
  EXPECT_EQ(p.result.options->timing, 4);
}

TEST(CommandLine, ExcludeListSplitsOnCommas) {
  auto p = parse({"--exclude", "10.0.0.1,10.0.0.2", "10.0.0.0/24"});
  ASSERT_TRUE(p.result.options) << p.err;
  EXPECT_EQ(p.result.options->exclude, (Args{"10.0.0.1", "10.0.0.2"}));
}

TEST(CommandLine, HelpUsesNmapSpellings) {
  auto p = parse({"--help"});
  EXPECT_FALSE(p.result.options);
  EXPECT_EQ(p.result.exit_status, 0);
  EXPECT_NE(p.out.find("-sS"), std::string::npos);
  EXPECT_NE(p.out.find("-oX"), std::string::npos);
  EXPECT_NE(p.out.find("-iL"), std::string::npos);
  EXPECT_EQ(p.out.find("--syn-scan"), std::string::npos);
}

void expect_usage_error(const Args& args, const std::string& needle) {
  auto p = parse(args);
  EXPECT_FALSE(p.result.options);
  EXPECT_EQ(p.result.exit_status, 2);
  EXPECT_NE(p.err.find(needle), std::string::npos) << "stderr was: " << p.err;
}

TEST(CommandLine, BadValuesAreNamed) {
  expect_usage_error({"--bogus-option", "10.0.0.1"}, "--bogus-option");
  expect_usage_error({"-T9", "10.0.0.1"}, "-T9");
  expect_usage_error({"--rate", "0", "10.0.0.1"}, "--rate");
  expect_usage_error({"--rate", "fast", "10.0.0.1"}, "fast");
  expect_usage_error({"--shard", "3/2", "10.0.0.1"}, "3/2");
  expect_usage_error({"--shard", "0/2", "10.0.0.1"}, "0/2");
  expect_usage_error({"--source-ports", "9-2", "10.0.0.1"}, "9-2");
  expect_usage_error({"--io", "netmap", "10.0.0.1"}, "netmap");
  expect_usage_error({"--min-rate", "100", "--max-rate", "10", "10.0.0.1"}, "--max-rate");
  expect_usage_error({"--ttl", "300", "10.0.0.1"}, "300");
}

}  // namespace
}  // namespace portsweep
