// Every option nmap 7.93's `nmap --help` lists, through portsweep's command
// line: one row per option, each either parsed into the field it sets (and
// checked there) or refused with one line that names it and says it is not
// supported. No row is "accepted and ignored". A second test reads the
// installed nmap's --help and fails if it lists an option this table lacks.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "cli/command_line.hpp"
#include "cli/nmap_args.hpp"
#include "parse_for_test.hpp"
#include "cli/scan_report.hpp"

namespace portsweep {
namespace {

using Args = std::vector<std::string>;
using Check = std::function<bool(const ScanOptions&)>;

struct Row {
  std::string option;  // as nmap --help spells it
  Args args;           // a command line using it, args[0] the option (a target is added unless alone)
  Check takes_effect;  // null: the option must be refused
  bool alone = false;  // nothing may stand beside it (--resume)
};

Row works(std::string option, Args args, Check check) { return {std::move(option), std::move(args), std::move(check)}; }
Row works_alone(std::string option, Args args, Check check) {
  return {std::move(option), std::move(args), std::move(check), true};
}
Row refused(std::string option, Args args) { return {std::move(option), std::move(args), nullptr}; }

bool scan_is(const ScanOptions& o, const char* module) { return o.scan_types == Args{module}; }

const std::vector<Row>& rows() {
  using O = const ScanOptions&;
  static const std::vector<Row> table = {
      // TARGET SPECIFICATION
      works("-iL", {"-iL", "hosts.txt"}, [](O o) { return o.input_list == "hosts.txt"; }),
      refused("-iR", {"-iR", "100"}),
      works("--exclude", {"--exclude", "198.19.0.1,198.19.0.2"}, [](O o) { return o.exclude.size() == 2; }),
      works("--excludefile", {"--excludefile", "skip.txt"}, [](O o) { return o.exclude_file == "skip.txt"; }),
      // HOST DISCOVERY
      works("-sL", {"-sL"}, [](O o) { return o.list_scan; }),
      works("-sn", {"-sn"}, [](O o) { return o.ping_scan; }),
      works("-Pn", {"-Pn"}, [](O o) { return o.skip_discovery; }),
      works("-PS", {"-PS22,80"}, [](O o) { return o.syn_ping == Args{"22,80"}; }),
      works("-PA", {"-PA"}, [](O o) { return o.ack_ping == Args{std::string(kDefaultPingPorts)}; }),
      works("-PU", {"-PU53"}, [](O o) { return o.udp_ping == Args{"53"}; }),
      refused("-PY", {"-PY22"}),
      works("-PE", {"-PE"}, [](O o) { return o.echo_ping; }),
      works("-PP", {"-PP"}, [](O o) { return o.timestamp_ping; }),
      works("-PM", {"-PM"}, [](O o) { return o.netmask_ping; }),
      works("-PO", {"-PO1,6"}, [](O o) { return o.proto_ping == Args{"1,6"}; }),
      works("-n", {"-n"}, [](O o) { return o.no_dns; }),
      works("-R", {"-R"}, [](O o) { return o.always_resolve && !o.no_dns; }),
      works("--dns-servers", {"--dns-servers", "198.18.0.53,2001:db8::53"},
            [](O o) { return o.dns_servers == "198.18.0.53,2001:db8::53" && !o.system_dns; }),
      works("--system-dns", {"--system-dns"}, [](O o) { return o.system_dns && o.dns_servers.empty(); }),
      works("--traceroute", {"--traceroute"}, [](O o) { return o.traceroute; }),
      // SCAN TECHNIQUES
      works("-sS", {"-sS"}, [](O o) { return scan_is(o, "tcp_syn"); }),
      works("-sT", {"-sT"}, [](O o) { return scan_is(o, "tcp_connect"); }),
      works("-sA", {"-sA"}, [](O o) { return scan_is(o, "tcp_ack"); }),
      works("-sW", {"-sW"}, [](O o) { return scan_is(o, "tcp_window"); }),
      works("-sM", {"-sM"}, [](O o) { return scan_is(o, "tcp_maimon"); }),
      works("-sU", {"-sU"}, [](O o) { return scan_is(o, "udp"); }),
      works("-sN", {"-sN"}, [](O o) { return scan_is(o, "tcp_null"); }),
      works("-sF", {"-sF"}, [](O o) { return scan_is(o, "tcp_fin"); }),
      works("-sX", {"-sX"}, [](O o) { return scan_is(o, "tcp_xmas"); }),
      works("--scanflags", {"--scanflags", "SYNFIN"}, [](O o) { return o.scan_flags == "SYNFIN"; }),
      works("-sI", {"-sI", "198.18.3.10:80"}, [](O o) {
        return scan_is(o, "tcp_idle") && o.scan_arguments == std::vector<std::pair<std::string, std::string>>{
                                                                {"tcp_idle", "198.18.3.10:80"}};
      }),
      refused("-sY", {"-sY"}),
      refused("-sZ", {"-sZ"}),
      works("-sO", {"-sO"}, [](O o) { return scan_is(o, "ip_proto"); }),
      works("-b", {"-b", "anonymous:x@198.18.3.21"}, [](O o) {
        return scan_is(o, "ftp_bounce") && o.scan_arguments.size() == 1 &&
               o.scan_arguments[0].second == "anonymous:x@198.18.3.21";
      }),
      // PORT SPECIFICATION AND SCAN ORDER
      works("-p", {"-p", "22,80"}, [](O o) { return o.ports == "22,80"; }),
      works("--exclude-ports", {"--exclude-ports", "25"}, [](O o) { return o.exclude_ports == "25"; }),
      works("-F", {"-F"}, [](O o) { return o.fast; }),
      refused("-r", {"-r"}),
      works("--top-ports", {"--top-ports", "100"}, [](O o) { return o.top_ports == "100"; }),
      works("--port-ratio", {"--port-ratio", "0.1"}, [](O o) { return o.port_ratio == "0.1"; }),
      // SERVICE/VERSION DETECTION
      works("-sV", {"-sV"}, [](O o) { return o.service_version; }),
      works("--version-intensity", {"--version-intensity", "5"}, [](O o) { return o.version_intensity == 5; }),
      works("--version-light", {"--version-light"}, [](O o) { return o.version_light; }),
      works("--version-all", {"--version-all"}, [](O o) { return o.version_all; }),
      works("--version-trace", {"--version-trace"}, [](O o) { return o.version_trace; }),
      // SCRIPT SCAN
      refused("-sC", {"-sC"}),
      refused("--script", {"--script=default"}),
      refused("--script-args", {"--script-args=user=x"}),
      refused("--script-args-file", {"--script-args-file=args.txt"}),
      refused("--script-trace", {"--script-trace"}),
      refused("--script-updatedb", {"--script-updatedb"}),
      refused("--script-help", {"--script-help=default"}),
      // OS DETECTION
      works("-O", {"-O"}, [](O o) { return o.os_detection; }),
      works("--osscan-limit", {"--osscan-limit", "-O"}, [](O o) { return o.os_detection && o.osscan_limit; }),
      works("--osscan-guess", {"--osscan-guess", "-O"}, [](O o) { return o.os_detection && o.osscan_guess; }),
      // TIMING AND PERFORMANCE
      works("-T", {"-T4"}, [](O o) { return o.timing == 4; }),
      refused("--min-hostgroup", {"--min-hostgroup", "64"}),
      refused("--max-hostgroup", {"--max-hostgroup", "64"}),
      works("--min-parallelism", {"--min-parallelism", "10"}, [](O o) { return o.min_parallelism == 10u; }),
      works("--max-parallelism", {"--max-parallelism", "100"}, [](O o) { return o.max_parallelism == 100u; }),
      works("--min-rtt-timeout", {"--min-rtt-timeout", "100ms"}, [](O o) { return o.min_rtt_timeout == 0.1; }),
      works("--max-rtt-timeout", {"--max-rtt-timeout", "1s"}, [](O o) { return o.max_rtt_timeout == 1.0; }),
      works("--initial-rtt-timeout", {"--initial-rtt-timeout", "500ms"},
            [](O o) { return o.initial_rtt_timeout == 0.5; }),
      works("--max-retries", {"--max-retries", "3"}, [](O o) { return o.max_retries == 3; }),
      works("--host-timeout", {"--host-timeout", "30m"}, [](O o) { return o.host_timeout == 1800.0; }),
      works("--scan-delay", {"--scan-delay", "1s"}, [](O o) { return o.scan_delay == 1.0; }),
      works("--max-scan-delay", {"--max-scan-delay", "20ms"}, [](O o) { return o.max_scan_delay == 0.02; }),
      works("--min-rate", {"--min-rate", "100"}, [](O o) { return o.min_rate == 100.0; }),
      works("--max-rate", {"--max-rate", "1000"}, [](O o) { return o.max_rate == 1000.0; }),
      // FIREWALL/IDS EVASION AND SPOOFING
      works("-f", {"-f"}, [](O o) { return o.fragment == 1; }),
      works("--mtu", {"--mtu", "16"}, [](O o) { return o.mtu == 16u; }),
      works("-D", {"-D", "RND:5,ME"}, [](O o) { return o.decoys == "RND:5,ME"; }),
      works("-S", {"-S", "198.19.0.9"}, [](O o) { return o.source_ip == "198.19.0.9"; }),
      works("-e", {"-e", "ps-scan0"}, [](O o) { return o.interface == "ps-scan0"; }),
      works("-g", {"-g", "53"}, [](O o) { return o.source_port == 53; }),
      works("--source-port", {"--source-port", "53"}, [](O o) { return o.source_port == 53; }),
      refused("--proxies", {"--proxies", "socks4://198.18.0.1:1080"}),
      works("--data", {"--data", "deadbeef"}, [](O o) { return o.data_hex == "deadbeef"; }),
      works("--data-string", {"--data-string", "hello"}, [](O o) { return o.data_string == "hello"; }),
      works("--data-length", {"--data-length", "20"}, [](O o) { return o.data_length == 20u; }),
      works("--ip-options", {"--ip-options", "R"}, [](O o) { return o.ip_options == "R"; }),
      works("--ttl", {"--ttl", "10"}, [](O o) { return o.ttl == 10; }),
      works("--spoof-mac", {"--spoof-mac", "0"}, [](O o) { return o.spoof_mac == "0"; }),
      works("--badsum", {"--badsum"}, [](O o) { return o.badsum; }),
      // OUTPUT
      works("-oN", {"-oN", "scan.nmap"}, [](O o) { return o.output_normal == "scan.nmap"; }),
      works("-oX", {"-oX", "scan.xml"}, [](O o) { return o.output_xml == "scan.xml"; }),
      works("-oS", {"-oS", "scan.skid"}, [](O o) { return o.output_skid == "scan.skid"; }),
      works("-oG", {"-oG", "scan.gnmap"}, [](O o) { return o.output_grepable == "scan.gnmap"; }),
      works("-oA", {"-oA", "scan"}, [](O o) { return o.output_all == "scan"; }),
      works("-v", {"-vv"}, [](O o) { return o.verbose == 2; }),
      works("-d", {"-d"}, [](O o) { return o.debug == 1 && o.verbose == 1; }),  // -d raises -v too, as nmap's
      works("--reason", {"--reason"}, [](O o) { return o.reason; }),
      works("--open", {"--open"}, [](O o) { return o.open_only; }),
      works("--packet-trace", {"--packet-trace"}, [](O o) { return o.packet_trace; }),
      works("--iflist", {"--iflist"}, [](O o) { return o.iflist; }),
      works("--append-output", {"--append-output"}, [](O o) { return o.append_output; }),
      works_alone("--resume", {"--resume", "scan.resume"}, [](O o) { return o.resume == "scan.resume"; }),
      works("--noninteractive", {"--noninteractive"}, [](O o) { return o.noninteractive; }),
      works("--stylesheet", {"--stylesheet", "my.xsl"}, [](O o) { return o.stylesheet == "my.xsl"; }),
      works("--webxml", {"--webxml"}, [](O o) { return o.webxml; }),
      works("--no-stylesheet", {"--no-stylesheet"}, [](O o) { return o.no_stylesheet && o.stylesheet.empty(); }),
      // MISC
      works("-6", {"-6"}, [](O o) { return o.ipv6; }),
      works("-A", {"-A"}, [](O o) { return o.aggressive && o.service_version && o.os_detection && o.traceroute; }),
      works("--datadir", {"--datadir", "/usr/share/nmap"}, [](O o) { return o.datadir == "/usr/share/nmap"; }),
      works("--send-eth", {"--send-eth"}, [](O o) { return o.send_eth; }),
      refused("--send-ip", {"--send-ip"}),
      works("--privileged", {"--privileged"}, [](O o) { return o.privileged; }),
      works("--unprivileged", {"--unprivileged"}, [](O o) { return o.unprivileged; }),
      works("-V", {"-V"}, [](O o) { return o.version; }),
      // -h is checked on its own below: it prints the help instead of parsing.
  };
  return table;
}

using test::Parse;
using test::parse;

// The row's command line with its option spelled `spelling` ("-open" for
// "--open", "--scr=x" for "--script=x"), and the target unless it stands alone.
Args spelled(const Row& row, const std::string& spelling) {
  Args args = row.args;
  EXPECT_TRUE(args[0].starts_with(row.option)) << row.option;
  args[0] = spelling + args[0].substr(row.option.size());
  if (!row.alone) args.push_back("198.19.0.1");
  return args;
}

// The row's outcome: parsed into the field it sets, or refused in one line
// that names it: "portsweep: OPTION ... is not supported: why".
void expect_row_outcome(const Row& row, const Parse& p) {
  if (row.takes_effect) {
    ASSERT_TRUE(p.result.options) << "refused: " << p.err;
    EXPECT_TRUE(p.err.empty()) << p.err;
    EXPECT_TRUE(row.takes_effect(*p.result.options)) << "parsed, but the field it sets is not set";
    return;
  }
  EXPECT_FALSE(p.result.options) << "accepted";
  EXPECT_EQ(p.result.exit_status, 2);
  EXPECT_TRUE(p.out.empty());
  EXPECT_EQ(p.err.find("portsweep: " + row.option + " "), 0u) << p.err;
  EXPECT_NE(p.err.find(" is not supported"), std::string::npos) << p.err;
  EXPECT_EQ(p.err.find('\n'), p.err.size() - 1) << p.err;
}

TEST(NmapHelpOptions, EachWorksOrIsRefusedByName) {
  for (const Row& row : rows()) {
    SCOPED_TRACE(row.option);
    expect_row_outcome(row, parse(spelled(row, row.option)));
  }
}

// nmap (getopt_long_only) takes every long option with one dash too:
// -open, -traceroute, -version-intensity 5, -script=default.
TEST(NmapHelpOptions, EachLongOptionTakesOneDashToo) {
  size_t long_rows = 0;
  for (const Row& row : rows()) {
    if (!row.option.starts_with("--")) continue;
    ++long_rows;
    SCOPED_TRACE(row.option.substr(1));
    expect_row_outcome(row, parse(spelled(row, row.option.substr(1))));
  }
  EXPECT_GE(long_rows, 50u);
}

// And a prefix of its name (getopt_long): each long option without its last
// letter is either that option, when no other name starts so, or refused as
// ambiguous with this option among the candidates; never "not expected".
TEST(NmapHelpOptions, EachLongOptionTakesAPrefix) {
  size_t unique = 0, ambiguous = 0;
  for (const Row& row : rows()) {
    if (!row.option.starts_with("--")) continue;
    const std::string prefix = row.option.substr(0, row.option.size() - 1);
    SCOPED_TRACE(prefix);
    const Parse p = parse(spelled(row, prefix));
    if (p.err.starts_with("portsweep: option " + prefix + " is ambiguous: it could be ")) {
      ++ambiguous;
      EXPECT_FALSE(p.result.options);
      EXPECT_EQ(p.result.exit_status, 2);
      const size_t from = p.err.find(" could be ") + 10;
      std::string list = std::regex_replace(p.err.substr(from, p.err.find(';') - from), std::regex(",| or"), "");
      std::istringstream words(list);
      bool named = false;
      for (std::string w; words >> w;) named = named || w == row.option;
      EXPECT_TRUE(named) << p.err;
      EXPECT_EQ(p.err.find('\n'), p.err.size() - 1) << p.err;
      continue;
    }
    ++unique;
    expect_row_outcome(row, p);
  }
  EXPECT_GE(unique, 20u);
  EXPECT_GE(ambiguous, 5u);
}

TEST(NmapHelpOptions, HelpFlagPrintsTheHelp) {
  for (const char* flag : {"-h", "--help"}) {
    const Parse p = parse({flag});
    EXPECT_FALSE(p.result.options);
    EXPECT_EQ(p.result.exit_status, 0);
    EXPECT_NE(p.out.find("TARGET SPECIFICATION"), std::string::npos);
    // The options refused by name are listed, so the help is honest too.
    EXPECT_NE(p.out.find("NOT SUPPORTED"), std::string::npos);
    EXPECT_NE(p.out.find("--proxies"), std::string::npos);
  }
}

// As nmap: no arguments at all print the help; the status says nothing ran.
TEST(NmapHelpOptions, NoArgumentsPrintTheHelp) {
  const Parse p = parse({});
  EXPECT_FALSE(p.result.options);
  EXPECT_EQ(p.result.exit_status, 2);
  EXPECT_NE(p.out.find("TARGET SPECIFICATION"), std::string::npos);
  EXPECT_TRUE(p.err.empty());
}

TEST(NmapHelpOptions, TimingTakesASpaceToo) {
  const Parse p = parse({"-T", "4", "198.19.0.1"});
  ASSERT_TRUE(p.result.options) << p.err;
  EXPECT_EQ(p.result.options->timing, 4);
  EXPECT_EQ(p.result.options->targets, Args{"198.19.0.1"});
  const Parse named = parse({"-T", "aggressive", "198.19.0.1"});
  ASSERT_TRUE(named.result.options) << named.err;
  EXPECT_EQ(named.result.options->timing, 4);
}

// nmap's -sSV is -sS -sV; a letter refused on its own is refused inside one.
TEST(NmapHelpOptions, ScanLettersRunTogether) {
  const Parse sv = parse({"-sSV", "198.19.0.1"});
  ASSERT_TRUE(sv.result.options) << sv.err;
  EXPECT_EQ(sv.result.options->scan_types, Args{"tcp_syn"});
  EXPECT_TRUE(sv.result.options->service_version);
  const Parse su = parse({"-sSUV", "198.19.0.1"});
  ASSERT_TRUE(su.result.options) << su.err;
  EXPECT_EQ(su.result.options->scan_types, (Args{"tcp_syn", "udp"}));
  EXPECT_TRUE(su.result.options->service_version);
  const Parse sc = parse({"-sSC", "198.19.0.1"});
  EXPECT_EQ(sc.result.exit_status, 2);
  EXPECT_EQ(sc.err.find("portsweep: -sC is not supported"), 0u) << sc.err;
  // -sI takes a value: not split, so the parser names the whole word.
  const Parse si = parse({"-sSI", "198.18.3.10", "198.19.0.1"});
  EXPECT_EQ(si.result.exit_status, 2);
  EXPECT_NE(si.err.find("-sSI"), std::string::npos) << si.err;
}

TEST(NmapHelpOptions, StylesheetChoicesAreExclusive) {
  const Parse p = parse({"--webxml", "--stylesheet", "a.xsl", "198.19.0.1"});
  EXPECT_EQ(p.result.exit_status, 2);
  EXPECT_NE(p.err.find("--stylesheet, --webxml and --no-stylesheet"), std::string::npos) << p.err;
}

// The option names `nmap --help` lists: "-PS/PA/PU/PY[portlist]" is four,
// "--min-hostgroup/max-hostgroup <size>" two, "-T<0-5>" is -T.
std::set<std::string> nmap_help_options(const std::string& help) {
  std::set<std::string> names;
  std::istringstream in(help);
  for (std::string line; std::getline(in, line);) {
    const size_t start = line.find_first_not_of(' ');
    if (start != 2 || line[2] != '-') continue;  // option lines only, not their continuations
    std::string head = line.substr(2, line.find(": ") == std::string::npos ? std::string::npos : line.find(": ") - 2);
    head = std::regex_replace(head, std::regex("<[^>]*>|\\[[^\\]]*\\]|=.*$"), "");
    std::string prefix;
    std::istringstream words(std::regex_replace(head, std::regex("[/;]"), " "));
    for (std::string w; words >> w;) {
      if (w[0] == '-') prefix = w.starts_with("--") ? "--" : "-";
      else w = prefix + w;
      names.insert(w);
    }
  }
  return names;
}

TEST(NmapHelpOptions, TableCoversInstalledNmapsHelp) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen("nmap --help 2>/dev/null", "r"), pclose);
  std::string help;
  if (pipe) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, pipe.get())) > 0;) help.append(buf, n);
  }
  if (help.find("Nmap ") == std::string::npos) GTEST_SKIP() << "nmap is not installed";
  const std::set<std::string> listed = nmap_help_options(help);
  EXPECT_GE(listed.size(), 100u) << "reading nmap --help went wrong";
  std::set<std::string> covered = {"-h"};
  for (const Row& row : rows()) covered.insert(row.option);
  for (const std::string& name : listed) EXPECT_TRUE(covered.count(name)) << name << " is missing from the table";
  for (const std::string& name : covered) EXPECT_TRUE(listed.count(name)) << name << " is not in nmap --help";
}

}  // namespace
}  // namespace portsweep

namespace portsweep::test {
namespace {

// Without --stylesheet, --webxml or --no-stylesheet the XML names nmap.xsl
// where nmap's data files are, --datadir's first.
TEST(DefaultXmlStylesheet, NamesNmapXslOfTheDataDirFirst) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("portsweep-xsl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  EXPECT_NE(default_xml_stylesheet(dir.string()), "file://" + (dir / "nmap.xsl").string());
  std::ofstream(dir / "nmap.xsl") << "<xsl/>";
  EXPECT_EQ(default_xml_stylesheet(dir.string()), "file://" + (dir / "nmap.xsl").string());
  std::filesystem::remove_all(dir);
  // Without it, the one nmap-common installs, if any.
  const bool installed = std::filesystem::exists("/usr/share/nmap/nmap.xsl");
  EXPECT_EQ(default_xml_stylesheet(""), installed ? "file:///usr/share/nmap/nmap.xsl" : "");
}

}  // namespace
}  // namespace portsweep::test

namespace portsweep::test {
namespace {

// Progress lines: every --stats-every, else the scan's own interval; none
// with --noninteractive unless --stats-every asks for them.
TEST(ProgressPlan, StatsEveryAndNoninteractive) {
  std::ostringstream err;
  ScanOptions o;
  ProgressPlan p = progress_plan(o, err, 5);
  EXPECT_EQ(p.stream, &err);
  EXPECT_EQ(p.every_s, 5);
  o.noninteractive = true;
  EXPECT_EQ(progress_plan(o, err, 5).stream, nullptr);
  o.stats_every = 0.25;
  p = progress_plan(o, err, 5);
  EXPECT_EQ(p.stream, &err);
  EXPECT_EQ(p.every_s, 0.25);
  const ParsedCommandLine parsed = [] {
    std::ostringstream out, e;
    return parse_command_line({"--stats-every", "250ms", "--noninteractive", "198.19.0.1"}, out, e);
  }();
  ASSERT_TRUE(parsed.options);
  EXPECT_EQ(parsed.options->stats_every, 0.25);
  EXPECT_TRUE(parsed.options->noninteractive);
}

}  // namespace
}  // namespace portsweep::test
