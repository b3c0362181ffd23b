// Saved results read back for `portsweep detect --from`: portsweep's own
// JSON lines and XML round-trip, nmap's XML (with <extraports> port lists)
// is understood, and bad input gets one line naming the file and line.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "detect/saved_scan.hpp"
#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/scan_summary.hpp"

namespace portsweep::test {
namespace {

constexpr int64_t kStartUs = 1795287600LL * 1000000;

std::vector<PortResult> sample() {
  return {
      {IpAddress::v4(0xc6130001), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs + 100, 0, {}},
      {IpAddress::v4(0xc6130001), 8080, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStartUs + 200, 0, {}},
      {IpAddress::v4(0xc6130002), 80, Proto::Tcp, PortState::Open, Reason::SynAck, 63, kStartUs + 300, 0, {}},
      {IpAddress::v4(0xc6130002), 443, Proto::Tcp, PortState::Filtered, Reason::AdminProhibited, 64, kStartUs + 400, 0, {}},
  };
}

class SavedScanTest : public ::testing::Test {
 protected:
  SavedScanTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("portsweep-saved-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~SavedScanTest() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Writes `results` through one of portsweep's writers.
  std::string save(std::string_view format, const std::vector<PortResult>& results) {
    const std::string p = path(std::string(format));
    ScanInfo info;
    info.args = "portsweep -sS -p 22,80,443,8080 198.19.0.1-2";
    info.start_time_us = kStartUs;
    info.scans.push_back({"syn", Proto::Tcp, "22,80,443,8080", 4, {}});
    info.num_targets = 2;
    HostTable table(ReportPolicy::for_scan(info));
    {
      auto w = make_writer(format, p);
      w->begin(info);
      for (const PortResult& r : results) {
        table.add(r);
        w->on_result(r);
      }
      ScanSummary summary;
      summary.end_time_us = kStartUs + 1000000;
      w->end(table, summary);
    }
    return p;
  }

  void write(const std::string& name, const std::string& text) { std::ofstream(path(name)) << text; }

  std::filesystem::path dir_;
};

bool same(const PortResult& a, const PortResult& b) {
  return a.ip == b.ip && a.port == b.port && a.proto == b.proto && a.state == b.state && a.reason == b.reason &&
         a.ttl == b.ttl;
}

TEST_F(SavedScanTest, JsonLinesRoundTrip) {
  SavedScan s = read_saved_scan(save("json", sample()));
  ASSERT_EQ(s.results.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(same(s.results[i], sample()[i])) << i;
  EXPECT_EQ(s.results[0].time_us, kStartUs + 100);
  // The start record says when the scan began and what it was.
  EXPECT_EQ(s.start_time_us, kStartUs);
  EXPECT_EQ(s.args, "portsweep -sS -p 22,80,443,8080 198.19.0.1-2");
  EXPECT_EQ(s.num_targets, 2u);
  ASSERT_EQ(s.scans.size(), 1u);
  EXPECT_EQ(s.scans[0].services, "22,80,443,8080");
  EXPECT_EQ(s.scans[0].num_services, 4u);
}

TEST_F(SavedScanTest, JsonLinesSkipEarlierServiceRecords) {
  write("with-sv.jsonl",
        "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"port\":22,\"state\":\"open\",\"reason\":\"syn-ack\",\"ttl\":64}\n"
        "\n"
        "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"port\":22,\"state\":\"open\",\"service\":\"ssh\","
        "\"product\":\"Open\\\"SSH\",\"method\":\"probed\",\"conf\":10,\"cpe\":[\"cpe:/a:x\",\"cpe:/o:y\"]}\n");
  SavedScan s = read_saved_scan(path("with-sv.jsonl"));
  ASSERT_EQ(s.results.size(), 1u);
  EXPECT_EQ(s.results[0].port, 22);
}

TEST_F(SavedScanTest, BadJsonLineNamesFileAndLine) {
  write("bad.jsonl",
        "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"port\":22,\"state\":\"open\"}\n"
        "{\"ip\":\"198.19.0.300\",\"proto\":\"tcp\",\"port\":22,\"state\":\"open\"}\n");
  try {
    read_saved_scan(path("bad.jsonl"));
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), path("bad.jsonl") + ":2: invalid \"ip\" \"198.19.0.300\": expected an IPv4 or IPv6 address");
  }
  write("bad2.jsonl", "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"state\":\"open\"}\n");
  EXPECT_THROW(read_saved_scan(path("bad2.jsonl")), UsageError);
  write("bad3.jsonl", "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\"\n");
  EXPECT_THROW(read_saved_scan(path("bad3.jsonl")), UsageError);
}

TEST_F(SavedScanTest, XmlRoundTripKeepsListedPorts) {
  SavedScan s = read_saved_scan(save("xml", sample()));
  // 2 hosts x 4 ports: the sample's four answers, and the four unanswered
  // ports the XML lists by name (filtered, no-response), read back as
  // nmap's own listed ports are.
  ASSERT_EQ(s.results.size(), 8u);
  for (const PortResult& want : sample()) {
    EXPECT_EQ(std::count_if(s.results.begin(), s.results.end(), [&](const PortResult& r) { return same(r, want); }), 1)
        << want.port;
  }
  EXPECT_EQ(std::count_if(s.results.begin(), s.results.end(),
                          [](const PortResult& r) {
                            return r.state == PortState::Filtered && r.reason == Reason::NoResponse;
                          }),
            4);
  EXPECT_EQ(s.args, "portsweep -sS -p 22,80,443,8080 198.19.0.1-2");
  EXPECT_EQ(s.start_time_us, kStartUs);
  EXPECT_EQ(s.num_targets, 2u);
  ASSERT_EQ(s.scans.size(), 1u);
  EXPECT_EQ(s.scans[0].type, "syn");
  EXPECT_EQ(s.scans[0].num_services, 4u);
}

TEST_F(SavedScanTest, NmapXmlWithExtraportsLists) {
  write("nmap.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>
<!-- Nmap 7.93 scan initiated as: nmap -sS -p 21-25 198.19.0.1 -->
<nmaprun scanner="nmap" args="nmap -sS -p 21-25 -&#45;reason 198.19.0.1 2001:db8:1::1" start="1795288180" version="7.93" xmloutputversion="1.05">
<scaninfo type="syn" protocol="tcp" numservices="5" services="21-25"/>
<host starttime="1795288180" endtime="1795288192"><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="198.19.0.1" addrtype="ipv4"/>
<hostnames>
</hostnames>
<ports><extraports state="closed" count="3">
<extrareasons reason="reset" count="3" proto="tcp" ports="23-25"/>
</extraports>
<port protocol="tcp" portid="21"><state state="open" reason="syn-ack" reason_ttl="64"/><service name="ftp" method="table" conf="3"/></port>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/></port>
</ports>
</host>
<host><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="2001:db8:1::1" addrtype="ipv6"/>
<ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/></port></ports>
</host>
<runstats><finished time="1795288192"/><hosts up="2" down="0" total="2"/></runstats>
</nmaprun>
)");
  SavedScan s = read_saved_scan(path("nmap.xml"));
  EXPECT_EQ(s.args, "nmap -sS -p 21-25 --reason 198.19.0.1 2001:db8:1::1");
  ASSERT_EQ(s.results.size(), 3u);
  EXPECT_EQ(s.results[0].port, 21);
  EXPECT_EQ(s.results[0].state, PortState::Open);
  EXPECT_EQ(s.results[0].ttl, 64);
  EXPECT_EQ(s.results[1].port, 22);
  EXPECT_EQ(s.results[1].ip, IpAddress::v4(0xc6130001u));
  EXPECT_EQ(s.results[2].ip, IpAddress::parse("2001:db8:1::1"));  // the IPv6 host's port
  EXPECT_EQ(s.results[2].port, 22);
  EXPECT_EQ(s.results[2].state, PortState::Open);
  ASSERT_EQ(s.hosts.size(), 2u);
  EXPECT_EQ(s.hosts[1].ip, IpAddress::parse("2001:db8:1::1"));
  ASSERT_EQ(s.runs.size(), 1u);             // <extrareasons ports="23-25">
  EXPECT_EQ(s.runs[0].first, 23);
  EXPECT_EQ(s.runs[0].last, 25);
  EXPECT_EQ(s.runs[0].result.state, PortState::Closed);
  EXPECT_EQ(s.runs[0].result.reason, Reason::Reset);
  EXPECT_EQ(s.result_count(), 6u);
  std::vector<uint16_t> ports;
  for_each_result_batch(s, [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) ports.push_back(r.port);
  });
  EXPECT_EQ(ports, (std::vector<uint16_t>{21, 22, 22, 23, 24, 25}));
  EXPECT_EQ(s.num_targets, 2u);
}

// 200 hosts whose every port is listed as one closed range: a few dozen KB
// that, expanded, were 13 million results (400 MB). The reader keeps one run
// per range and hands the ports on a batch at a time.
TEST_F(SavedScanTest, PortRangesStayRangesUntilFed) {
  std::string xml = "<?xml version=\"1.0\"?>\n<nmaprun start=\"1795288180\">\n";
  for (int i = 0; i < 200; ++i) {
    xml += "<host><address addr=\"198.19.0." + std::to_string(i + 1) +
           "\" addrtype=\"ipv4\"/><ports><extraports state=\"closed\"><extrareasons reason=\"reset\" "
           "proto=\"tcp\" ports=\"1-65535\"/></extraports></ports></host>\n";
  }
  xml += "</nmaprun>\n";
  write("big.xml", xml);
  SavedScan s = read_saved_scan(path("big.xml"));
  EXPECT_TRUE(s.results.empty());
  EXPECT_EQ(s.runs.size(), 200u);
  EXPECT_EQ(s.result_count(), 200u * 65535u);
  uint64_t count = 0;
  std::size_t largest = 0;
  IpAddress last_ip;
  uint16_t last_port = 0;
  for_each_result_batch(s, [&](std::span<const PortResult> batch) {
    count += batch.size();
    largest = std::max(largest, batch.size());
    last_ip = batch.back().ip;
    last_port = batch.back().port;
  });
  EXPECT_EQ(count, 200u * 65535u);
  EXPECT_LE(largest, kResultBatch);
  EXPECT_EQ(last_ip, IpAddress::v4(0xc61300c8u));
  EXPECT_EQ(last_port, 65535);
}

// Every number a saved scan gives is bounded before it is used: times fit
// int64_t microseconds, counts their fields, ports and TTLs their ranges.
TEST_F(SavedScanTest, NumbersOutOfRangeNameFileLineAndAttribute) {
  const std::string head = "<?xml version=\"1.0\"?>\n<nmaprun start=\"1\">\n";
  const std::string host = "<host><address addr=\"198.19.0.1\" addrtype=\"ipv4\"/>\n";
  struct Bad {
    std::string xml;
    std::string message;
  } cases[] = {
      {"<?xml version=\"1.0\"?>\n<nmaprun start=\"99999999999999999999\">\n</nmaprun>\n",
       ":2: start=\"99999999999999999999\" of <nmaprun> is not a whole number from 0 to 253402300799; expected "
       "seconds since 1970, up to the year 9999"},
      {"<nmaprun start=\"9223372036854775807\"></nmaprun>", ":1: start=\"9223372036854775807\" of <nmaprun>"},
      {"<nmaprun start=\"-1\"></nmaprun>", ":1: start=\"-1\" of <nmaprun>"},
      {"<nmaprun start=\"12x\"></nmaprun>", ":1: start=\"12x\" of <nmaprun>"},
      {head + "<host starttime=\"-9223372036854775808\">\n</host></nmaprun>", ":3: starttime=\"-9223372036854775808\" of <host>"},
      {head + "<host starttime=\"1\" endtime=\"18446744073709551616\">\n</host></nmaprun>",
       ":3: endtime=\"18446744073709551616\" of <host>"},
      {head + "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"4294967297\" services=\"1\"/>\n</nmaprun>",
       ":3: numservices=\"4294967297\" of <scaninfo> is not a whole number from 0 to 65536"},
      {head + host + "<ports><port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" "
                     "reason_ttl=\"300\"/></port></ports>\n</host></nmaprun>",
       ":4: reason_ttl=\"300\" of <state> is not a whole number from 0 to 255; expected a TTL from 0 to 255"},
      {head + host + "<ports><port protocol=\"tcp\" portid=\"70000\"></port></ports>\n</host></nmaprun>",
       ":4: portid=\"70000\" of <port> is not a port number; expected 0-65535"},
      {head + host + "<ports><extraports state=\"closed\"><extrareasons reason=\"reset\" ports=\"1-99999\"/>\n",
       ":4: ports=\"1-99999\" of <extrareasons> is not a list of ports"},
      {head + host + "<ports><extraports state=\"closed\"><extrareasons reason=\"reset\" ports=\"9-2\"/>\n",
       ":4: ports=\"9-2\" of <extrareasons>"},
      {head + host + "<ports><extraports state=\"closed\"><extrareasons reason=\"reset\" ports=\"1,,2\"/>\n",
       ":4: ports=\"1,,2\" of <extrareasons>"},
      {head + host + "<ports><extraports state=\"open\">\n", ":4: <extraports state=\"open\"> folds open ports"},
      {head + "<runstats><hosts total=\"-5\"/></runstats>\n</nmaprun>", ":3: total=\"-5\" of <hosts>"},
  };
  int n = 0;
  for (const Bad& bad : cases) {
    const std::string name = "bad" + std::to_string(n++) + ".xml";
    write(name, bad.xml);
    try {
      read_saved_scan(path(name));
      ADD_FAILURE() << "accepted: " << bad.xml;
    } catch (const UsageError& e) {
      EXPECT_THAT(std::string(e.what()), ::testing::StartsWith(path(name) + bad.message)) << bad.xml;
    }
  }
  // The largest values accepted.
  write("max.xml", "<nmaprun start=\"253402300799\"><runstats><hosts total=\"4294967296\"/></runstats></nmaprun>");
  SavedScan s = read_saved_scan(path("max.xml"));
  EXPECT_EQ(s.start_time_us, 253402300799LL * 1000000);
  EXPECT_EQ(s.num_targets, uint64_t{1} << 32);
}

TEST_F(SavedScanTest, JsonTimesMustBeReadable) {
  const std::string line = "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"port\":22,\"state\":\"open\",\"time\":\"";
  for (const char* time : {"99999-01-01T00:00:00Z", "yesterday", "2026-13-01T00:00:00Z", "1969-12-31T23:59:59Z",
                           "2026-11-21T19:00:00", "2026-11-21T19:00:00.Z", "2026-11-21 19:00:00Z", ""}) {
    write("t.jsonl", "\n" + line + time + "\"}\n");
    try {
      read_saved_scan(path("t.jsonl"));
      ADD_FAILURE() << "accepted " << time;
    } catch (const UsageError& e) {
      EXPECT_THAT(std::string(e.what()),
                  ::testing::StartsWith(path("t.jsonl") + ":2: invalid \"time\" \"" + time + "\": expected a UTC time"));
    }
  }
  write("ok.jsonl", line + "9999-12-31T23:59:59.999999Z\"}\n");
  EXPECT_EQ(read_saved_scan(path("ok.jsonl")).results.at(0).time_us, 253402300799LL * 1000000 + 999999);
  write("ok2.jsonl", line + "2026-11-21T19:00:00Z\"}\n");
  EXPECT_EQ(read_saved_scan(path("ok2.jsonl")).results.at(0).time_us, 1795287600LL * 1000000);
}

TEST_F(SavedScanTest, UnreadableInput) {
  EXPECT_THROW(read_saved_scan(path("missing")), RuntimeFailure);
  write("empty", "\n\n");
  EXPECT_THROW(read_saved_scan(path("empty")), UsageError);
  write("text", "Nmap scan report for 198.19.0.1\n");
  EXPECT_THROW(read_saved_scan(path("text")), UsageError);
  write("notnmap.xml", "<html><body/></html>");
  EXPECT_THROW(read_saved_scan(path("notnmap.xml")), UsageError);
  write("broken.xml", "<nmaprun><host><address addr=198.19.0.1/></host></nmaprun>");
  EXPECT_THROW(read_saved_scan(path("broken.xml")), UsageError);
}

// Inputs tests/fuzz found (fuzz_saved_jsonl, fuzz_saved_xml), reduced.
TEST_F(SavedScanTest, ProtocolScanResultsRoundTrip) {
  // -sO's reason was left out of the words read back, so its results did
  // not read at all.
  const std::vector<PortResult> results = {
      {IpAddress::v4(0xc6130001), 47, Proto::Ip, PortState::Open, Reason::ProtoResponse, 64, kStartUs + 100, 0, {}},
      {IpAddress::v4(0xc6130001), 1, Proto::Ip, PortState::Open, Reason::EchoReply, 64, kStartUs + 200, 0, {}},
  };
  // Without the start record (an older portsweep's file) the scan kinds
  // are derived from the results.
  std::string text;
  {
    std::ifstream in(save("json", results));
    std::string line;
    while (std::getline(in, line))
      if (!line.starts_with("{\"scan\":")) text += line + "\n";
  }
  write("no-header.jsonl", text);
  SavedScan s = read_saved_scan(path("no-header.jsonl"));
  ASSERT_EQ(s.results.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_TRUE(same(s.results[i], results[i])) << i;
  ASSERT_EQ(s.scans.size(), 1u);
  EXPECT_EQ(s.scans[0].type, "ipproto");
  EXPECT_EQ(s.scans[0].proto, Proto::Ip);
}

TEST(SavedScanFuzzFound, JsonProtocolNumberAbove255IsRefused) {
  std::istringstream in("{\"ip\":\"1.2.3.4\",\"proto\":\"ip\",\"port\":300,\"state\":\"open\"}\n");
  try {
    parse_saved_jsonl(in, "x.jsonl");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "x.jsonl:1: invalid \"port\" 300 of an \"ip\" result: expected a protocol number 0-255");
  }
}

TEST(SavedScanFuzzFound, XmlProtocolNumberAbove255IsRefused) {
  EXPECT_THAT([] {
    parse_saved_xml(R"(<nmaprun><host><address addr="198.19.0.1" addrtype="ipv4"/>
<ports><port protocol="ip" portid="300"><state state="open" reason="proto-response"/></port></ports></host></nmaprun>)",
                    "x.xml");
  }, ::testing::ThrowsMessage<UsageError>(::testing::HasSubstr("is not a protocol number; expected 0-255")));
  const SavedScan s = parse_saved_xml(R"(<nmaprun><host><address addr="198.19.0.1" addrtype="ipv4"/>
<ports><port protocol="ip" portid="47"><state state="open" reason="proto-response"/></port></ports></host></nmaprun>)",
                                      "x.xml");
  ASSERT_EQ(s.results.size(), 1u);
  EXPECT_EQ(s.results[0].port, 47);
  EXPECT_EQ(s.results[0].reason, Reason::ProtoResponse);
}

TEST(SavedScanFuzzFound, XmlStartTimeOutOfRangeIsAnError) {
  // Multiplying it into microseconds overflowed (undefined behaviour).
  try {
    parse_saved_xml(R"(<nmaprun start="17952881806666666666666666666666"></nmaprun>)", "x.xml");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "x.xml:1: start=\"17952881806666666666666666666666\" of <nmaprun> is not a whole number from 0 to "
              "253402300799; expected seconds since 1970, up to the year 9999");
  }
  EXPECT_THROW(parse_saved_xml(R"(<nmaprun><host starttime="-9999999999999999"></host></nmaprun>)", "x.xml"),
               UsageError);
}

TEST(SavedScanWords, NmapWordsParse) {
  Reason r{};
  EXPECT_TRUE(parse_reason("admin-prohibited", r));
  EXPECT_EQ(r, Reason::AdminProhibited);
  EXPECT_TRUE(parse_reason("conn-refused", r));  // -sT's closed ports
  EXPECT_EQ(r, Reason::ConnRefused);
  EXPECT_TRUE(parse_reason("proto-response", r));  // the last before it
  EXPECT_EQ(r, Reason::ProtoResponse);
  EXPECT_FALSE(parse_reason("syn-ack-ack", r));
  PortState st{};
  EXPECT_TRUE(parse_port_state("open|filtered", st));
  EXPECT_EQ(st, PortState::OpenFiltered);
  Proto p{};
  EXPECT_TRUE(parse_proto("udp", p));
  EXPECT_FALSE(parse_proto("icmp", p));
}

}  // namespace
}  // namespace portsweep::test
