// IPv6 hosts in every format, alone and mixed with IPv4 ones: an IPv6 host's
// report is an IPv4 host's with the address text swapped (nmap -6 changes
// nothing else but XML's addrtype and an echo trace's protocol), names and
// other addresses of either family, and hosts in address order, IPv4 first.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <ctime>

#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/os_report.hpp"
#include "output/report_text.hpp"
#include "output/service_report.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

class Ipv6OutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }

  // A whole scan through one writer (no round trips: run_scan's is IPv4's).
  std::string write(const std::string& format, const std::vector<PortResult>& results,
                    const ScanSummary& summary = sample_summary(), ScanInfo info = sample_info(true)) {
    const std::string path = dir.file("scan." + format);
    {
      auto w = make_writer(format, path);
      HostTable table(ReportPolicy::for_scan(info));
      w->begin(info);
      for (const PortResult& r : results) {
        table.add(r);
        w->on_result(r);
      }
      w->end(table, summary);
    }
    return read_file(path);
  }

  TempDir dir;
};

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

std::vector<PortResult> moved_to(std::vector<PortResult> results, const IpAddress& from, const IpAddress& to) {
  std::vector<PortResult> out;
  for (PortResult& r : results) {
    if (r.ip != from) continue;
    r.ip = to;
    out.push_back(r);
  }
  return out;
}

// 198.19.0.5's results (2 open, closed folded, filtered by ICMP, UDP) on an
// IPv6 address: every format's text is the IPv4 one with the address swapped.
TEST_F(Ipv6OutputTest, AnIpv6HostReadsAsTheSameIpv4HostWithItsAddress) {
  const IpAddress v4 = ip(198, 19, 0, 5), v6 = ip6("2001:db8:1::5");
  const std::vector<PortResult> as_v4 = moved_to(sample_results(), v4, v4);
  const std::vector<PortResult> as_v6 = moved_to(sample_results(), v4, v6);
  ASSERT_GT(as_v4.size(), 30u);
  for (const std::string format : {"normal", "xml", "grepable", "json"}) {
    std::string expected = write(format, as_v4);
    replace_all(expected, "198.19.0.5", "2001:db8:1::5");
    replace_all(expected, "addrtype=\"ipv4\"", "addrtype=\"ipv6\"");
    ASSERT_NE(expected.find("2001:db8:1::5"), std::string::npos) << format;
    EXPECT_EQ(write(format, as_v6), expected) << format;
  }
}

TEST_F(Ipv6OutputTest, NormalNamesAnIpv6HostAsNmapDoes) {
  ScanSummary summary = sample_summary();
  summary.names_of = [](const IpAddress& a) {
    HostNames n;
    if (a == ip6("2001:db8:1::5"))
      n = {.user = "web.example.test", .user_others = {ip(198, 19, 0, 9), ip6("2001:db8:1::9")}, .ptr = "v6.example.test"};
    return n;
  };
  const std::string text = write("normal", mixed_results(), summary);
  EXPECT_NE(text.find("Nmap scan report for web.example.test (2001:db8:1::5)\n"
                      "Host is up, received syn-ack ttl 57.\n"
                      "Other addresses for web.example.test (not scanned): 198.19.0.9 2001:db8:1::9\n"
                      "rDNS record for 2001:db8:1::5: v6.example.test\n"
                      "Not shown: 96 filtered tcp ports (no-response), 3 filtered tcp ports (admin-prohibited)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Nmap scan report for 2001:db8:1::10\nHost is up, received syn-ack ttl 64.\n"
                      "Not shown: 69 filtered tcp ports (no-response), 30 closed tcp ports (reset)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("(5 hosts up)"), std::string::npos) << text;
}

TEST_F(Ipv6OutputTest, NormalSaysAllPortsIgnoredOnAnIpv6Host) {
  ScanInfo info = sample_info();
  info.scans = {{"syn", Proto::Tcp, "1-30", 30, std::nullopt}};
  std::vector<PortResult> results;
  for (uint16_t p = 1; p <= 30; ++p)
    results.push_back({ip6("2001:db8::7"), p, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStartUs, 0, {}});
  const std::string text = write("normal", results, sample_summary(), info);
  EXPECT_NE(text.find("Nmap scan report for 2001:db8::7\nHost is up.\n"
                      "All 30 scanned ports on 2001:db8::7 are in ignored states.\n"
                      "Not shown: 30 closed tcp ports (reset)\n"),
            std::string::npos)
      << text;
}

TEST_F(Ipv6OutputTest, TerminalTaskLinesNameAnIpv6Host) {
  const std::string path = dir.file("v.txt");
  {
    auto w = make_writer("N", path, WriterOptions{.interactive = true});
    ScanInfo info = sample_info();
    info.verbose = 1;
    w->begin(info);
    TaskEvent one = TaskEvent::begins("SYN Stealth Scan", kStartUs, 1, 2);
    one.only_host = ip6("2001:db8:1::5");
    w->on_task(one);
    w->on_result({ip6("2001:db8:1::5"), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
    w->end(HostTable(ReportPolicy::for_scan(info)), sample_summary());
  }
  const std::string text = read_file(path);
  EXPECT_NE(text.find("Scanning 2001:db8:1::5 [2 ports]\nDiscovered open port 22/tcp on 2001:db8:1::5\n"),
            std::string::npos)
      << text;
}

// nmap -6 --traceroute: ICMPv6's echo is "proto 58/ipv6-icmp" in normal
// output, and nmap's XML names no protocol for it; a TCP trace is as for IPv4.
TEST_F(Ipv6OutputTest, TracesOfIpv6Hosts) {
  const IpAddress host = ip6("2001:db8:1::5");
  const std::vector<PortResult> results = moved_to(mixed_results(), host, host);
  const auto traced = [&](const std::string& format, uint16_t tcp_port) {
    HostTable table(ReportPolicy::for_scan(sample_info()));
    for (const PortResult& r : results) table.add(r);
    table.set_trace(host, {{.ttl = 1, .ip = ip6("2001:db8:ffff::1"), .rtt_us = 90, .tcp_port = 0},
                           {.ttl = 3, .ip = host, .rtt_us = 0, .tcp_port = tcp_port}});
    const std::string path = dir.file("trace." + format);
    {
      auto w = make_writer(format, path);
      w->begin(sample_info());
      w->end(table, sample_summary());
    }
    return read_file(path);
  };
  EXPECT_NE(traced("normal", 0).find("\nTRACEROUTE (using proto 58/ipv6-icmp)\nHOP RTT      ADDRESS\n"
                                     "1   0.09 ms  2001:db8:ffff::1\n2   ...\n3   --       2001:db8:1::5\n"),
            std::string::npos)
      << traced("normal", 0);
  EXPECT_NE(traced("normal", 80).find("\nTRACEROUTE (using port 80/tcp)\n"), std::string::npos);
  EXPECT_NE(traced("xml", 0).find("<trace>\n<hop ttl=\"1\" ipaddr=\"2001:db8:ffff::1\" rtt=\"0.09\"/>\n"
                                  "<hop ttl=\"3\" ipaddr=\"2001:db8:1::5\"/>\n</trace>\n"),
            std::string::npos)
      << traced("xml", 0);
  EXPECT_NE(traced("xml", 80).find("<trace port=\"80\" proto=\"tcp\">\n"), std::string::npos);
}

TEST_F(Ipv6OutputTest, XmlAddressesOfEitherFamily) {
  const std::string xml = write("xml", mixed_results());
  EXPECT_NE(xml.find("<address addr=\"2001:db8:1::5\" addrtype=\"ipv6\"/>\n"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<address addr=\"2001:db8:1::10\" addrtype=\"ipv6\"/>\n"), std::string::npos);
  EXPECT_NE(xml.find("<address addr=\"198.19.0.5\" addrtype=\"ipv4\"/>\n"), std::string::npos);
  EXPECT_EQ(xml.find("addr=\"2001:db8:1::5\" addrtype=\"ipv4\""), std::string::npos);

  // Discovery's hint, as it is found.
  const std::string path = dir.file("hint.xml");
  {
    auto w = make_writer("xml", path);
    w->begin(sample_info());
    w->on_host_up({.ip = ip6("2001:db8::9"), .reason = Reason::EchoReply, .ttl = 64, .time_us = kStartUs});
    w->end(HostTable(), sample_summary());
  }
  EXPECT_NE(read_file(path).find("<hosthint><status state=\"up\" reason=\"echo-reply\" reason_ttl=\"64\"/>\n"
                                 "<address addr=\"2001:db8::9\" addrtype=\"ipv6\"/>\n<hostnames>\n</hostnames>\n</hosthint>\n"),
            std::string::npos)
      << read_file(path);
}

TEST_F(Ipv6OutputTest, GrepableLinesOfIpv6Hosts) {
  ScanSummary summary = sample_summary();
  summary.names_of = [](const IpAddress& a) {
    HostNames n;
    if (a == ip6("2001:db8:1::10")) n.ptr = "ten.example.test";
    return n;
  };
  const std::vector<std::string> lines = lines_of(write("grepable", mixed_results(), summary));
  ASSERT_EQ(lines.size(), 12u);
  EXPECT_EQ(lines[7], "Host: 2001:db8:1::5 ()\tStatus: Up");
  EXPECT_EQ(lines[8],
            "Host: 2001:db8:1::5 ()\tPorts: 80/open/tcp//http///, 53/open|filtered/udp//domain///, "
            "161/open|filtered/udp//snmp///\tIgnored State: filtered (99)");
  EXPECT_EQ(lines[9], "Host: 2001:db8:1::10 (ten.example.test)\tStatus: Up");
  EXPECT_EQ(lines[10],
            "Host: 2001:db8:1::10 (ten.example.test)\tPorts: 22/open/tcp//ssh///, 53/open/udp//domain///, "
            "161/open|filtered/udp//snmp///");
}

TEST_F(Ipv6OutputTest, JsonRecordsOfIpv6Hosts) {
  const IpAddress host = ip6("2001:db8:1::5");
  const std::string path = dir.file("v6.jsonl");
  {
    auto w = make_writer("json", path);
    ScanInfo info = sample_info();
    w->begin(info);
    w->on_host_up({.ip = host, .reason = Reason::EchoReply, .ttl = 64, .time_us = kStartUs});
    w->on_result({host, 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
    w->on_trace(host, {{.ttl = 1, .ip = ip6("2001:db8:ffff::1"), .rtt_us = 90, .tcp_port = 0},
                       {.ttl = 2, .ip = host, .rtt_us = 0, .tcp_port = 0}});
    ServiceResult s;
    s.ip = host;
    s.port = 22;
    s.time_us = kStartUs;
    w->on_service(s);
    OsHint hint;
    hint.ip = host;
    w->on_os_hint(hint);
    HostTable table(ReportPolicy::for_scan(info));
    table.add({host, 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
    ScanSummary summary = sample_summary();
    summary.names_of = [&](const IpAddress& a) {
      HostNames n;
      if (a == host) n.ptr = "v6.example.test";
      return n;
    };
    w->end(table, summary);
  }
  const std::vector<std::string> lines = result_lines(read_file(path));
  ASSERT_EQ(lines.size(), 6u) << read_file(path);
  for (const std::string& line : lines) EXPECT_EQ(line.rfind("{\"ip\":\"2001:db8:1::5\",", 0), 0u) << line;
  EXPECT_NE(lines[2].find("\"trace\":[{\"ttl\":1,\"ip\":\"2001:db8:ffff::1\",\"rtt_us\":90},{\"ttl\":2,\"ip\":\"2001:db8:1::5\"}]"),
            std::string::npos)
      << lines[2];
  EXPECT_NE(lines[5].find("\"hostnames\":[{\"name\":\"v6.example.test\",\"type\":\"PTR\"}]"), std::string::npos);
}

// A list scan (-sL) of targets of both families: each listed in address order.
TEST_F(Ipv6OutputTest, ListScanOfBothFamilies) {
  ScanInfo info = sample_info();
  info.list_scan = true;
  info.port_scan = false;
  ScanSummary summary = sample_summary();
  summary.each_target = [](const std::function<void(const IpAddress&)>& visit) {
    visit(ip(198, 19, 0, 1));
    visit(ip6("2001:db8::1"));
  };
  EXPECT_NE(write("normal", {}, summary, info).find("Nmap scan report for 198.19.0.1\nNmap scan report for 2001:db8::1\n"),
            std::string::npos);
  EXPECT_NE(write("xml", {}, summary, info).find("<host><status state=\"unknown\" reason=\"user-set\" reason_ttl=\"0\"/>\n"
                                                 "<address addr=\"2001:db8::1\" addrtype=\"ipv6\"/>\n</host>\n"),
            std::string::npos);
  EXPECT_NE(write("grepable", {}, summary, info).find("Host: 198.19.0.1 ()\tStatus: Unknown\nHost: 2001:db8::1 ()\tStatus: Unknown\n"),
            std::string::npos);
  EXPECT_NE(write("json", {}, summary, info).find("{\"ip\":\"198.19.0.1\",\"status\":\"unknown\"}\n"
                                                  "{\"ip\":\"2001:db8::1\",\"status\":\"unknown\"}\n"),
            std::string::npos);
}

// Hosts in address order, IPv4 first; IPv6 by number (::5 before ::10,
// though "::10" sorts first as text), in every format that prints at the end.
TEST_F(Ipv6OutputTest, MixedHostsInAddressOrder) {
  HostTable table(ReportPolicy::for_scan(sample_info()));
  for (const PortResult& r : mixed_results()) table.add(r);
  const std::vector<IpAddress> order = {ip(198, 19, 0, 3), ip(198, 19, 0, 5), ip(198, 19, 0, 200),
                                        ip6("2001:db8:1::5"), ip6("2001:db8:1::10")};
  EXPECT_EQ(table.sorted_addresses(), order);
  std::vector<IpAddress> reported;
  table.for_each_report(sample_summary(), [&](const HostReport& r) { reported.push_back(r.ip); });
  EXPECT_EQ(reported, order);

  const std::vector<std::string> texts = {"198.19.0.3", "198.19.0.5", "198.19.0.200", "2001:db8:1::5", "2001:db8:1::10"};
  // Where each format names a host: before and after its address.
  const std::vector<std::array<std::string, 3>> formats = {
      {"normal", "Nmap scan report for ", "\n"}, {"xml", "<address addr=\"", "\""}, {"grepable", "Host: ", " "}};
  for (const auto& [format, before, after] : formats) {
    const std::string out = write(format, mixed_results());
    for (size_t i = 0; i + 1 < texts.size(); ++i) {
      const size_t a = out.find(before + texts[i] + after);
      const size_t b = out.find(before + texts[i + 1] + after);
      ASSERT_NE(a, std::string::npos) << format << " " << texts[i];
      ASSERT_NE(b, std::string::npos) << format << " " << texts[i + 1];
      EXPECT_LT(a, b) << format << ": " << texts[i] << " after " << texts[i + 1];
    }
  }
}

// -v's down hosts of both families: reported in the order each_target gives.
TEST_F(Ipv6OutputTest, DownHostsOfBothFamilies) {
  ScanSummary summary = sample_summary();
  summary.each_target = [](const std::function<void(const IpAddress&)>& visit) {
    visit(ip(198, 19, 0, 4));
    visit(ip(198, 19, 0, 5));
    visit(ip6("2001:db8:1::4"));
    visit(ip6("2001:db8:1::5"));
  };
  const std::string text = write("normal", mixed_results(), summary, sample_info());
  const size_t down4 = text.find("Nmap scan report for 198.19.0.4 [host down]\n");
  const size_t down6 = text.find("Nmap scan report for 2001:db8:1::4 [host down]\n");
  const size_t up4 = text.find("Nmap scan report for 198.19.0.5\n");
  const size_t up6 = text.find("Nmap scan report for 2001:db8:1::5\n");
  ASSERT_NE(down6, std::string::npos) << text;
  EXPECT_LT(down4, down6);
  EXPECT_LT(down6, up4);
  EXPECT_LT(up4, up6);
  EXPECT_EQ(text.find("2001:db8:1::10"), std::string::npos);  // not a target of this listing
  EXPECT_NE(write("xml", mixed_results(), summary).find("<host><status state=\"down\" reason=\"no-response\" reason_ttl=\"0\"/>\n"
                                                        "<address addr=\"2001:db8:1::4\" addrtype=\"ipv6\"/>\n"),
            std::string::npos);
  EXPECT_NE(write("grepable", mixed_results(), summary).find("Host: 2001:db8:1::4 ()\tStatus: Down\n"), std::string::npos);
}

// The table keys on the whole address: an IPv4 host and IPv6 hosts that
// share its last 32 bits (::c613:5, 64:ff9b::198.19.0.5) are three hosts.
// (The order is IpAddress's, by the 16 bytes: ::/96 sorts before IPv4's
// ::ffff:0:0/96, every other IPv6 address after it.)
TEST_F(Ipv6OutputTest, FamiliesNeverShareAHost) {
  HostTable table(ReportPolicy::for_scan(sample_info()));
  const IpAddress v4 = ip(198, 19, 0, 5), compat = ip6("::c613:5"), nat64 = ip6("64:ff9b::c613:5");
  table.add({v4, 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
  table.add({compat, 80, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
  table.add({nat64, 443, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
  table.add_rtt(compat, 700);
  ASSERT_EQ(table.hosts_up(), 3u);
  EXPECT_EQ(table.find(v4)->ports.at(0).port, 22);
  EXPECT_EQ(table.find(compat)->ports.at(0).port, 80);
  EXPECT_EQ(table.find(nat64)->ports.at(0).port, 443);
  EXPECT_FALSE(table.find(v4)->has_rtt);
  EXPECT_TRUE(table.find(compat)->has_rtt);
  EXPECT_EQ(table.find(ip6("2001:db8::5")), nullptr);
  EXPECT_EQ(table.sorted_addresses(), (std::vector<IpAddress>{compat, v4, nat64}));
}

}  // namespace
}  // namespace portsweep::test
