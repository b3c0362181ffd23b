// nmap's timing templates, the options that refine them and nmap's time
// syntax (cli/timing_template.hpp).
#include <gtest/gtest.h>

#include <sstream>

#include "cli/command_line.hpp"
#include "cli/timing_template.hpp"
#include "parse_for_test.hpp"
#include "common/error.hpp"

namespace portsweep {
namespace {

ScanOptions with_level(std::optional<int> level) {
  ScanOptions o;
  o.timing = level;
  return o;
}

TEST(NmapTime, UnitsAndPlainSeconds) {
  EXPECT_DOUBLE_EQ(*parse_nmap_time("500ms"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_nmap_time("2"), 2);
  EXPECT_DOUBLE_EQ(*parse_nmap_time("2s"), 2);
  EXPECT_DOUBLE_EQ(*parse_nmap_time("1.5s"), 1.5);
  EXPECT_DOUBLE_EQ(*parse_nmap_time("30m"), 1800);
  EXPECT_DOUBLE_EQ(*parse_nmap_time("2h"), 7200);
  EXPECT_DOUBLE_EQ(*parse_nmap_time("0"), 0);
  EXPECT_DOUBLE_EQ(*parse_nmap_time("0.25"), 0.25);
}

TEST(NmapTime, MalformedIsRefused) {
  for (const char* bad : {"", "ms", "s", "-1", "-5s", "5x", "1e3", "5 s", " 5", "1.2.3", ".", "0x10", "inf", "nan",
                          "5sec", "10000000h", "5mss", "+5"})
    EXPECT_FALSE(parse_nmap_time(bad).has_value()) << bad;
}

TEST(NmapTime, OptionCheckNamesOptionAndValue) {
  const OptionCheck check = time_in("--max-rtt-timeout", 0.001, 3600);
  EXPECT_EQ(check("250ms"), "0.25");
  try {
    check("12parsecs");
    FAIL() << "accepted";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("--max-rtt-timeout"), std::string::npos) << what;
    EXPECT_NE(what.find("\"12parsecs\""), std::string::npos) << what;
  }
  EXPECT_THROW(check("2h"), UsageError);  // past the maximum
  EXPECT_THROW(check("0"), UsageError);   // below the minimum
}

TEST(TimingTemplate, NmapValues) {
  // nmap 7.93's `nmap -d -T<n>` timing reports, and the man page's scan delays.
  const NmapTimingTemplate& t0 = nmap_timing_template(0);
  EXPECT_DOUBLE_EQ(t0.scan_delay, 300);
  EXPECT_DOUBLE_EQ(t0.initial_rtt_timeout, 300);
  EXPECT_DOUBLE_EQ(t0.max_rtt_timeout, 300);
  EXPECT_EQ(t0.max_parallelism, 1u);
  EXPECT_DOUBLE_EQ(nmap_timing_template(1).scan_delay, 15);
  EXPECT_DOUBLE_EQ(nmap_timing_template(1).initial_rtt_timeout, 15);
  EXPECT_DOUBLE_EQ(nmap_timing_template(2).scan_delay, 0.4);
  EXPECT_EQ(nmap_timing_template(2).max_parallelism, 1u);
  const NmapTimingTemplate& t3 = nmap_timing_template(3);
  EXPECT_DOUBLE_EQ(t3.scan_delay, 0);
  EXPECT_DOUBLE_EQ(t3.min_rtt_timeout, 0.1);
  EXPECT_DOUBLE_EQ(t3.max_rtt_timeout, 10);
  EXPECT_DOUBLE_EQ(t3.initial_rtt_timeout, 1);
  EXPECT_DOUBLE_EQ(t3.max_scan_delay, 1);
  EXPECT_EQ(t3.max_retries, 10);
  EXPECT_EQ(t3.max_parallelism, 0u);
  const NmapTimingTemplate& t4 = nmap_timing_template(4);
  EXPECT_DOUBLE_EQ(t4.min_rtt_timeout, 0.1);
  EXPECT_DOUBLE_EQ(t4.max_rtt_timeout, 1.25);
  EXPECT_DOUBLE_EQ(t4.initial_rtt_timeout, 0.5);
  EXPECT_DOUBLE_EQ(t4.max_scan_delay, 0.01);
  EXPECT_EQ(t4.max_retries, 6);
  const NmapTimingTemplate& t5 = nmap_timing_template(5);
  EXPECT_DOUBLE_EQ(t5.min_rtt_timeout, 0.05);
  EXPECT_DOUBLE_EQ(t5.max_rtt_timeout, 0.3);
  EXPECT_DOUBLE_EQ(t5.initial_rtt_timeout, 0.25);
  EXPECT_DOUBLE_EQ(t5.max_scan_delay, 0.005);
  EXPECT_EQ(t5.max_retries, 2);
  EXPECT_DOUBLE_EQ(t5.host_timeout, 900);
}

TEST(TimingTemplate, WhatEachBecomes) {
  // The pace: scan delays for -T0..-T2, fixed rates above.
  EXPECT_NEAR(resolve_timing(with_level(0)).rate_pps, 1.0 / 300, 1e-12);
  EXPECT_NEAR(resolve_timing(with_level(1)).rate_pps, 1.0 / 15, 1e-12);
  EXPECT_DOUBLE_EQ(resolve_timing(with_level(2)).rate_pps, 2.5);
  EXPECT_DOUBLE_EQ(resolve_timing(with_level(std::nullopt)).rate_pps, 15'000);
  EXPECT_DOUBLE_EQ(resolve_timing(with_level(3)).rate_pps, 15'000);
  EXPECT_DOUBLE_EQ(resolve_timing(with_level(4)).rate_pps, 100'000);
  EXPECT_DOUBLE_EQ(resolve_timing(with_level(5)).rate_pps, 1'000'000);
  EXPECT_TRUE(resolve_timing(with_level(2)).paced_by_scan_delay);
  EXPECT_FALSE(resolve_timing(with_level(3)).paced_by_scan_delay);
  // Retry passes.
  EXPECT_EQ(resolve_timing(with_level(2)).retry_passes, 2);
  EXPECT_EQ(resolve_timing(with_level(3)).retry_passes, 1);
  EXPECT_EQ(resolve_timing(with_level(5)).retry_passes, 1);
  // RTT timeouts, -sT's connects.
  const ResolvedTiming t4 = resolve_timing(with_level(4));
  EXPECT_DOUBLE_EQ(t4.min_rtt_timeout, 0.1);
  EXPECT_DOUBLE_EQ(t4.max_rtt_timeout, 1.25);
  EXPECT_DOUBLE_EQ(t4.initial_rtt_timeout, 0.5);
  EXPECT_EQ(t4.connect_timeout_ms, 500);
  EXPECT_EQ(t4.connect_parallel, 0u);
  EXPECT_DOUBLE_EQ(t4.connect_rate, 0);
  const ResolvedTiming t2 = resolve_timing(with_level(2));
  EXPECT_EQ(t2.connect_parallel, 1u);
  EXPECT_DOUBLE_EQ(t2.connect_rate, 2.5);
  EXPECT_EQ(t2.connect_timeout_ms, 1000);
  EXPECT_DOUBLE_EQ(resolve_timing(with_level(5)).host_timeout, 900);
  EXPECT_DOUBLE_EQ(resolve_timing(with_level(3)).host_timeout, 0);
}

TEST(TimingTemplate, ExplicitOptionsOverrideTheTemplate) {
  ScanOptions o = with_level(5);
  o.max_retries = 4;
  o.max_rtt_timeout = 2;
  o.initial_rtt_timeout = 1.5;
  o.host_timeout = 0;
  const ResolvedTiming r = resolve_timing(o);
  EXPECT_EQ(r.retry_passes, 4);
  EXPECT_DOUBLE_EQ(r.max_rtt_timeout, 2);
  EXPECT_DOUBLE_EQ(r.min_rtt_timeout, 0.05);  // the template's still
  EXPECT_DOUBLE_EQ(r.initial_rtt_timeout, 1.5);
  EXPECT_EQ(r.connect_timeout_ms, 1500);
  EXPECT_DOUBLE_EQ(r.host_timeout, 0);
}

TEST(TimingTemplate, TemplateValuesGiveWayToExplicitOnes) {
  ScanOptions o = with_level(3);
  o.max_rtt_timeout = 0.05;  // below -T3's 100 ms minimum: the minimum follows
  ResolvedTiming r = resolve_timing(o);
  EXPECT_DOUBLE_EQ(r.min_rtt_timeout, 0.05);
  EXPECT_DOUBLE_EQ(r.max_rtt_timeout, 0.05);
  EXPECT_DOUBLE_EQ(r.initial_rtt_timeout, 0.05);  // -T3's 1 s, clamped
  o = with_level(5);
  o.min_rtt_timeout = 0.5;  // above -T5's 300 ms maximum: the maximum follows
  r = resolve_timing(o);
  EXPECT_DOUBLE_EQ(r.max_rtt_timeout, 0.5);
  EXPECT_DOUBLE_EQ(r.initial_rtt_timeout, 0.5);
}

TEST(TimingTemplate, PaceFromScanDelays) {
  ScanOptions o = with_level(4);
  o.scan_delay = 0.1;
  ResolvedTiming r = resolve_timing(o);
  EXPECT_DOUBLE_EQ(r.rate_pps, 10);
  EXPECT_TRUE(r.paced_by_scan_delay);
  EXPECT_DOUBLE_EQ(r.connect_rate, 10);
  o.max_rate = 5;  // slower still
  EXPECT_DOUBLE_EQ(resolve_timing(o).rate_pps, 5);
  o.max_rate = 50;  // the delay still caps
  EXPECT_DOUBLE_EQ(resolve_timing(o).rate_pps, 10);
  o.max_rate.reset();
  o.rate = 1000;  // exact: wins
  r = resolve_timing(o);
  EXPECT_DOUBLE_EQ(r.rate_pps, 1000);
  EXPECT_FALSE(r.paced_by_scan_delay);
  // A max scan delay floors the pace: -T2's 0.4 s delay, at most 100 ms.
  o = with_level(2);
  o.max_scan_delay = 0.1;
  EXPECT_DOUBLE_EQ(resolve_timing(o).rate_pps, 10);
  // --scan-delay 0 lifts -T2's delay.
  o = with_level(2);
  o.scan_delay = 0;
  r = resolve_timing(o);
  EXPECT_DOUBLE_EQ(r.rate_pps, 15'000);
  EXPECT_FALSE(r.paced_by_scan_delay);
}

TEST(TimingTemplate, ContradictionsAreRefused) {
  ScanOptions o;
  o.min_rtt_timeout = 2;
  o.max_rtt_timeout = 1;
  EXPECT_THROW(resolve_timing(o), UsageError);
  o = {};
  o.min_rtt_timeout = 1;
  o.initial_rtt_timeout = 0.5;
  EXPECT_THROW(resolve_timing(o), UsageError);
  o = {};
  o.scan_delay = 2;
  o.max_scan_delay = 1;
  EXPECT_THROW(resolve_timing(o), UsageError);
  o = {};
  o.min_parallelism = 100;
  o.max_parallelism = 10;
  EXPECT_THROW(resolve_timing(o), UsageError);
}

TEST(TimingTemplate, Parallelism) {
  ScanOptions o = with_level(2);
  o.min_parallelism = 20;  // above -T2's one at a time
  EXPECT_EQ(resolve_timing(o).connect_parallel, 20u);
  o.max_parallelism = 50;
  EXPECT_EQ(resolve_timing(o).connect_parallel, 50u);
}

using test::Parse;
using test::parse;

TEST(TimingCommandLine, TimesInNmapSyntax) {
  const Parse p = parse({"--min-rtt-timeout", "50ms", "--max-rtt-timeout", "2s", "--initial-rtt-timeout", "0.5",
                          "--host-timeout", "30m", "--scan-delay", "10ms", "--max-scan-delay=1s", "198.19.0.1"});
  ASSERT_TRUE(p.result.options) << p.err;
  EXPECT_DOUBLE_EQ(*p.result.options->min_rtt_timeout, 0.05);
  EXPECT_DOUBLE_EQ(*p.result.options->max_rtt_timeout, 2);
  EXPECT_DOUBLE_EQ(*p.result.options->initial_rtt_timeout, 0.5);
  EXPECT_DOUBLE_EQ(*p.result.options->host_timeout, 1800);
  EXPECT_DOUBLE_EQ(*p.result.options->scan_delay, 0.01);
  EXPECT_DOUBLE_EQ(*p.result.options->max_scan_delay, 1);
}

TEST(TimingCommandLine, TemplateAfterAnExplicitValueDoesNotUndoIt) {
  const Parse p = parse({"--max-rtt-timeout", "3s", "-T5", "198.19.0.1"});
  ASSERT_TRUE(p.result.options) << p.err;
  EXPECT_DOUBLE_EQ(resolve_timing(*p.result.options).max_rtt_timeout, 3);
}

TEST(TimingCommandLine, MalformedTimesOneLineExit2) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--host-timeout", "soon", "198.19.0.1"},
        {"--scan-delay", "-1s", "198.19.0.1"},
        {"--max-rtt-timeout", "5x", "198.19.0.1"},
        {"--min-rtt-timeout", "0", "198.19.0.1"},
        {"--initial-rtt-timeout", "ms", "198.19.0.1"},
        {"--max-scan-delay", "1e3", "198.19.0.1"},
        {"--min-rtt-timeout", "2s", "--max-rtt-timeout", "1s", "198.19.0.1"},
        {"--min-parallelism", "0", "198.19.0.1"}}) {
    const Parse p = parse(args);
    EXPECT_FALSE(p.result.options) << args[0];
    EXPECT_EQ(p.result.exit_status, 2) << args[0];
    EXPECT_NE(p.err.find(args[0]), std::string::npos) << p.err;
    EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
  }
}

// -d's timing report says the values the engine runs with, in nmap's units.
TEST(TimingReport, SaysTheResolvedValues) {
  ScanOptions o;
  o.timing = 4;
  const std::string r = timing_report(resolve_timing(o));
  EXPECT_NE(r.find("--------------- Timing report ---------------\n"), std::string::npos) << r;
  EXPECT_NE(r.find("  rtt-timeouts: init 500, min 100, max 1250\n"), std::string::npos) << r;
  EXPECT_NE(r.find("  rate: 100000 probes/s\n"), std::string::npos) << r;
}

}  // namespace
}  // namespace portsweep
