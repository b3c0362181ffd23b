#include <gtest/gtest.h>

#include <sstream>

#include "cli/command_line.hpp"
#include "parse_for_test.hpp"
#include "cli/nmap_args.hpp"
#include "common/error.hpp"

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

TEST(NmapArgs, VerbosityAndDebuggingLevelsAreBounded) {
  EXPECT_EQ(normalise_nmap_args({"-v10"}).size(), 10u);
  EXPECT_TRUE(normalise_nmap_args({"-v0"}).empty());
  for (const char* tok : {"-v11", "-v99999999999", "-d99999999999", "-vvvvvvvvvvvv", "-v000000000000000000001"}) {
    try {
      normalise_nmap_args({tok});
      ADD_FAILURE() << tok << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("invalid ") + tok + ":"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("from 0 to 10"), std::string::npos) << e.what();
    }
  }
}

TEST(NmapArgs, LeavesPositionalsAndSingleLettersAlone) {
  EXPECT_EQ(normalise_nmap_args({"-n", "-e", "ps-scan0", "10.0.0.0/8", "--", "-sS"}),
            (Args{"-n", "-e", "ps-scan0", "10.0.0.0/8", "--", "-sS"}));
}

using test::Parse;
using test::parse;

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

void expect_one_line_error(const Args& args, const std::string& line) {
  auto p = parse(args);
  EXPECT_FALSE(p.result.options);
  EXPECT_EQ(p.result.exit_status, 2);
  EXPECT_EQ(p.err, "portsweep: " + line + "\n");
}

// Rates that would never send a packet, or that overflow the limiter's
// schedule, are refused as typed, with the accepted range.
TEST(CommandLine, RatesOutsideTheRangeAreRefused) {
  const std::string range = "expected a rate from 0.001 to 1000000000 packets per second";
  for (const char* option : {"--rate", "--min-rate", "--max-rate"}) {
    for (const char* value : {"inf", "nan", "-inf", "1e-300", "1e300", "0", "-5", "0.0009", "1000000001", "10pps", ""}) {
      expect_one_line_error({option, value, "10.0.0.1"},
                            "invalid " + std::string(option) + " \"" + value + "\": " + range);
    }
    for (const char* value : {"0.001", "1e9", "300000"}) {
      auto p = parse({option, value, "10.0.0.1"});
      EXPECT_TRUE(p.result.options) << option << " " << value << ": " << p.err;
    }
  }
  EXPECT_EQ(parse({"--rate", "0.001", "10.0.0.1"}).result.options->rate, 0.001);
  expect_one_line_error({"--min-rate", "100", "--max-rate", "10", "10.0.0.1"},
                        "--min-rate 100 is above --max-rate 10: expected the minimum at or below the maximum");
}

TEST(CommandLine, NumbersAreCheckedAsTyped) {
  expect_one_line_error({"--seed=-1", "10.0.0.1"},
                        "invalid --seed \"-1\": expected a whole number from 0 to 18446744073709551615");
  expect_one_line_error({"--seed", "18446744073709551616", "10.0.0.1"},
                        "invalid --seed \"18446744073709551616\": expected a whole number from 0 to 18446744073709551615");
  EXPECT_EQ(parse({"--seed", "18446744073709551615", "10.0.0.1"}).result.options->seed, UINT64_MAX);
  expect_one_line_error({"-g", "70000", "10.0.0.1"}, "invalid -g \"70000\": expected a whole number from 0 to 65535");
  expect_one_line_error({"-g", "+80", "10.0.0.1"}, "invalid -g \"+80\": expected a whole number from 0 to 65535");
  EXPECT_EQ(parse({"-g", "53", "10.0.0.1"}).result.options->source_port, 53);
  expect_one_line_error({"--ttl", "99999999999", "10.0.0.1"},
                        "invalid --ttl \"99999999999\": expected a whole number from 1 to 255");
  expect_one_line_error({"--max-retries", "1e3", "10.0.0.1"},
                        "invalid --max-retries \"1e3\": expected a whole number from 0 to 50");
  expect_one_line_error({"--tx-threads", "65", "10.0.0.1"},
                        "invalid --tx-threads \"65\": expected a whole number from 1 to 64");
  expect_one_line_error({"--wait", "nan", "10.0.0.1"}, "invalid --wait \"nan\": expected a time from 0 to 3600 seconds");
  expect_one_line_error({"--duration", "inf", "10.0.0.1"},
                        "invalid --duration \"inf\": expected a time from 0.1 to 86400 seconds");
  EXPECT_EQ(parse({"--wait", "2.5", "10.0.0.1"}).result.options->wait_seconds, 2.5);
}

// What the scan reads back with sscanf must be exactly what passed here.
TEST(CommandLine, ShardAndSourcePortsTakeDigitsOnly) {
  for (const char* shard : {"1 / 2", "+1/2", "1/2x", "1/99999999999", "1/", "/2"})
    expect_usage_error({"--shard", shard, "--seed", "1", "10.0.0.1"}, std::string("\"") + shard + "\"");
  for (const char* range : {"40000 - 60000", " 40000-60000", "-5-10", "1-99999999999", "0-10"})
    expect_usage_error({"--source-ports", range, "10.0.0.1"}, std::string("\"") + range + "\"");
  EXPECT_TRUE(parse({"--shard", "2/4", "--seed", "1", "10.0.0.1"}).result.options);
  EXPECT_TRUE(parse({"--source-ports", "40000-60000", "10.0.0.1"}).result.options);
}

TEST(CommandLine, ParserErrorsAreOneLine) {
  expect_one_line_error({"--frobnicate", "10.0.0.1"},
                        "The following argument was not expected: --frobnicate (see 'portsweep --help' for the options)");
  expect_one_line_error({"-v99999999999", "10.0.0.1"},
                        "invalid -v99999999999: verbosity levels go from 0 to 10 (-v, -vv, ... or -vN)");
}

}  // namespace
}  // namespace portsweep
