// nmap's spellings beyond its --help table (nmap_help_options_test.cpp runs
// every option of the table with one dash and as a prefix): nmap's short
// options and their glued values keep their meaning beside the single-dash
// long options that start with the same letter; exact names win over
// prefixes, and a prefix of several names is refused naming them; --resume
// stands alone, as nmap's does.
#include <gtest/gtest.h>

#include <functional>
#include <sstream>

#include "cli/command_line.hpp"
#include "parse_for_test.hpp"
#include "cli/nmap_args.hpp"
#include "common/error.hpp"

namespace portsweep {
namespace {

using Args = std::vector<std::string>;
using O = const ScanOptions&;

using test::Parse;
using test::parse;

struct Spelling {
  Args args;  // a target is added
  std::function<bool(O)> takes_effect;
};

void expect_parsed(const std::vector<Spelling>& table) {
  for (const Spelling& row : table) {
    Args args = row.args;
    args.push_back("198.19.0.1");
    std::string line;
    for (const std::string& a : row.args) line += a + " ";
    SCOPED_TRACE(line);
    const Parse p = parse(args);
    ASSERT_TRUE(p.result.options) << p.err;
    EXPECT_TRUE(p.err.empty()) << p.err;
    EXPECT_TRUE(row.takes_effect(*p.result.options));
    EXPECT_EQ(p.result.options->targets, Args{"198.19.0.1"});
  }
}

// Short options, with their values glued on or not, read as before.
TEST(NmapSpellings, ShortOptionsKeepTheirMeaning) {
  expect_parsed({
      {{"-p22"}, [](O o) { return o.ports == "22"; }},
      {{"-p-"}, [](O o) { return o.ports == "-"; }},
      {{"-p", "-1024"}, [](O o) { return o.ports == "-1024"; }},
      {{"-sS"}, [](O o) { return o.scan_types == Args{"tcp_syn"}; }},
      {{"-sSV"}, [](O o) { return o.scan_types == Args{"tcp_syn"} && o.service_version; }},
      {{"-sV"}, [](O o) { return o.service_version; }},
      {{"-sn"}, [](O o) { return o.ping_scan; }},
      {{"-oX", "file"}, [](O o) { return o.output_xml == "file"; }},
      {{"-oA", "base"}, [](O o) { return o.output_all == "base"; }},
      {{"-PS80"}, [](O o) { return o.syn_ping == Args{"80"}; }},
      {{"-PE"}, [](O o) { return o.echo_ping; }},
      {{"-Pn"}, [](O o) { return o.skip_discovery; }},
      {{"-T4"}, [](O o) { return o.timing == 4; }},
      {{"-T", "4"}, [](O o) { return o.timing == 4; }},
      {{"-v3"}, [](O o) { return o.verbose == 3; }},
      {{"-vv"}, [](O o) { return o.verbose == 2; }},
      {{"-dd"}, [](O o) { return o.debug == 2; }},
      {{"-iL", "hosts"}, [](O o) { return o.input_list == "hosts"; }},
      {{"-n"}, [](O o) { return o.no_dns; }},
      {{"-F"}, [](O o) { return o.fast; }},
      {{"-e", "ps-scan0"}, [](O o) { return o.interface == "ps-scan0"; }},
      {{"-eps-scan0"}, [](O o) { return o.interface == "ps-scan0"; }},
      {{"-g53"}, [](O o) { return o.source_port == 53; }},
      {{"-S198.19.0.9"}, [](O o) { return o.source_ip == "198.19.0.9"; }},
  });
}

// Single-dash long options whose first letter is a short option's (-p, -r,
// -s, -d, -v, -n, -i, -e, -t): the whole word is the long option's name, so
// it is that option, as getopt_long_only reads it.
TEST(NmapSpellings, SingleDashLongOptionsBesideShortOnes) {
  expect_parsed({
      {{"-open"}, [](O o) { return o.open_only; }},
      {{"-traceroute"}, [](O o) { return o.traceroute; }},
      {{"-reason"}, [](O o) { return o.reason; }},
      {{"-version-intensity", "5"}, [](O o) { return o.version_intensity == 5; }},
      {{"-min-rate=100"}, [](O o) { return o.min_rate == 100.0; }},
      {{"-packet-trace"}, [](O o) { return o.packet_trace; }},
      {{"-privileged"}, [](O o) { return o.privileged; }},
      {{"-port-ratio", "0.1"}, [](O o) { return o.port_ratio == "0.1"; }},
      {{"-ports", "22"}, [](O o) { return o.ports == "22"; }},
      {{"-rate", "100"}, [](O o) { return o.rate == 100.0; }},
      {{"-seed", "7"}, [](O o) { return o.seed == 7u; }},
      {{"-scanflags", "SYNFIN"}, [](O o) { return o.scan_flags == "SYNFIN"; }},
      {{"-datadir", "d"}, [](O o) { return o.datadir == "d"; }},
      {{"-debug"}, [](O o) { return o.debug == 1; }},
      {{"-verbose"}, [](O o) { return o.verbose == 1; }},
      {{"-version-light"}, [](O o) { return o.version_light; }},
      {{"-no-stylesheet"}, [](O o) { return o.no_stylesheet; }},
      {{"-excludefile", "skip"}, [](O o) { return o.exclude_file == "skip"; }},
      {{"-exclude", "198.19.0.2"}, [](O o) { return o.exclude == Args{"198.19.0.2"}; }},
      {{"-input-list", "hosts"}, [](O o) { return o.input_list == "hosts"; }},
      {{"-io", "pcap"}, [](O o) { return o.io == "pcap"; }},
      {{"-ttl", "9"}, [](O o) { return o.ttl == 9; }},
      {{"-top-ports", "10"}, [](O o) { return o.top_ports == "10"; }},
      {{"-timing", "4"}, [](O o) { return o.timing == 4; }},
      {{"-iflist"}, [](O o) { return o.iflist; }},
  });
  // Short spellings stay short though a long option's name is the same word
  // without the dash: none today, so the normaliser is asked directly.
  EXPECT_EQ(normalise_nmap_args({"-sV", "-Pn"}, {"--sV", "--Pn"}), (Args{"--service-version", "--skip-discovery"}));
}

TEST(NmapSpellings, SingleDashRefusedOptionsAreNamed) {
  for (const auto& [arg, named] : std::vector<std::pair<Args, std::string>>{
           {{"-script=default"}, "--script"},
           {{"-script-trace"}, "--script-trace"},
           {{"-proxies", "socks4://198.18.0.1:1080"}, "--proxies"},
           {{"-send-ip"}, "--send-ip"}}) {
    Args args = arg;
    args.push_back("198.19.0.1");
    const Parse p = parse(args);
    EXPECT_EQ(p.result.exit_status, 2);
    EXPECT_EQ(p.err.find("portsweep: " + named + " is not supported: "), 0u) << p.err;
  }
}

// getopt_long's prefixes: one name starting with it, or an exact name.
TEST(NmapSpellings, UnambiguousPrefixesOfLongOptions) {
  expect_parsed({
      {{"--max-ret", "2"}, [](O o) { return o.max_retries == 2; }},
      {{"--max-ret=2"}, [](O o) { return o.max_retries == 2; }},
      {{"--top", "10"}, [](O o) { return o.top_ports == "10"; }},
      {{"--version-int", "5"}, [](O o) { return o.version_intensity == 5; }},
      {{"--trace"}, [](O o) { return o.traceroute; }},
      // Exact names win over the longer names they begin.
      {{"--exclude", "198.19.0.2"}, [](O o) { return o.exclude == Args{"198.19.0.2"}; }},
      {{"--source-port", "53"}, [](O o) { return o.source_port == 53; }},
      {{"--open"}, [](O o) { return o.open_only; }},
  });
  // Refused options are reached by prefix too, and named in full.
  const Parse upd = parse({"--script-up", "198.19.0.1"});
  EXPECT_EQ(upd.err.find("portsweep: --script-updatedb is not supported: "), 0u) << upd.err;
}

TEST(NmapSpellings, AmbiguousPrefixesNameTheCandidates) {
  for (const auto& [word, line] : std::vector<std::pair<std::string, std::string>>{
           {"--ex", "option --ex is ambiguous: it could be --exclude, --exclude-ports or --excludefile; expected "
                    "more of its name"},
           {"--osscan=x", "option --osscan is ambiguous: it could be --osscan-guess or --osscan-limit; expected "
                          "more of its name"},
           {"--source", "option --source is ambiguous: it could be --source-port or --source-ports; expected "
                        "more of its name"}}) {
    const Parse p = parse({word, "1", "198.19.0.1"});
    EXPECT_FALSE(p.result.options);
    EXPECT_EQ(p.result.exit_status, 2);
    EXPECT_EQ(p.err, "portsweep: " + line + "\n");
  }
  // A word no name starts with is left to the parser, which names it.
  const Parse none = parse({"--frob", "198.19.0.1"});
  EXPECT_NE(none.err.find("not expected: --frob"), std::string::npos) << none.err;
  // "--" still ends the options.
  const Parse dashes = parse({"-sL", "--", "198.19.0.1"});
  ASSERT_TRUE(dashes.result.options) << dashes.err;
}

// The normaliser on its own, given the parser's names.
TEST(NmapSpellings, NormaliserRewritesToFullNames) {
  const Args names = {"--max-retries", "--max-rate", "--open", "--reason"};
  EXPECT_EQ(normalise_nmap_args({"-open", "--max-ret", "2", "-reason", "--max-ra=5", "-p22", "-T4"}, names),
            (Args{"--open", "--max-retries", "2", "--reason", "--max-rate=5", "--ports=22", "--timing=4"}));
  EXPECT_THROW(normalise_nmap_args({"--max-r", "2"}, names), UsageError);
  // After "--" every word is a target, spelled as it was.
  EXPECT_EQ(normalise_nmap_args({"--", "-open", "--max-ret"}, names), (Args{"--", "-open", "--max-ret"}));
}

// nmap takes a resumed scan's options from its resume file and refuses any
// beside --resume; the resume file holds the whole command line, outputs
// included, so nothing else is needed, and anything given would be ignored.
TEST(NmapSpellings, ResumeStandsAlone) {
  for (const Args& alone : {Args{"--resume", "f"}, Args{"--resume=f"}, Args{"-resume", "f"}, Args{"--res", "f"}}) {
    const Parse p = parse(alone);
    ASSERT_TRUE(p.result.options) << p.err;
    EXPECT_EQ(p.result.options->resume, "f");
  }
  const std::string head =
      "portsweep: --resume takes the scan's options and targets from its resume file: expected nothing beside "
      "--resume FILE, got ";
  for (const auto& [args, got] : std::vector<std::pair<Args, std::string>>{
           {{"--resume", "f", "-oX", "x.xml"}, "-oX"},
           {{"-v", "--resume", "f"}, "-v"},
           {{"--resume", "f", "198.19.0.1"}, "the target \"198.19.0.1\""},
           {{"--resume", "f", "-sS", "-p22", "-g", "53", "-V", "198.19.0.1"},
            "-sS, -p, -g, -V, the target \"198.19.0.1\""},
           {{"-resume", "f", "-open"}, "--open"}}) {
    const Parse p = parse(args);
    EXPECT_FALSE(p.result.options);
    EXPECT_EQ(p.result.exit_status, 2);
    EXPECT_TRUE(p.out.empty());
    EXPECT_EQ(p.err, head + got + "\n");
  }
}

}  // namespace
}  // namespace portsweep
