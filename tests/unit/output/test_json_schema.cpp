// -oJ against its documented schema (data/portsweep-jsonl.schema.json): the
// JSON lines writer writes every kind of record - start, host (with and
// without MAC and round trip), port (every state, reason and protocol),
// trace, service (every field, and the fewest), hostnames, end (complete and stopped) -
// and scripts/validate-jsonl checks each line with python3-jsonschema. A
// field the writer adds, renames or retypes without the schema fails here.
// Skipped only where python3-jsonschema is missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/service_report.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

class JsonSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* root = std::getenv("PORTSWEEP_SOURCE_ROOT");
    if (root == nullptr) GTEST_SKIP() << "PORTSWEEP_SOURCE_ROOT is not set (run through meson test)";
    root_ = root;
  }

  // scripts/validate-jsonl's exit status: 0 valid, 1 not, 77 no jsonschema.
  int validate(const std::string& path, bool complete = true) {
    const std::string cmd = "python3 '" + root_ + "/scripts/validate-jsonl' --schema '" + root_ +
                            "/data/portsweep-jsonl.schema.json' " + (complete ? "--complete " : "") + "'" + path + "'";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string root_;
  TempDir dir;
};

#define EXPECT_VALID(path)                                                                      \
  do {                                                                                          \
    const int rc = validate(path);                                                              \
    if (rc == 77) GTEST_SKIP() << "python3-jsonschema is missing (scripts/setup installs it)"; \
    EXPECT_EQ(rc, 0) << "see the lines above";                                                  \
  } while (0)

ServiceResult full_service() {
  ServiceResult s;
  s.ip = ip(198, 19, 0, 5);
  s.port = 443;
  s.time_us = kStartUs + 2000000;
  s.service = {.name = "http", .product = "nginx", .version = "1.22.1", .extrainfo = "Debian",
               .hostname = "www.example.test", .ostype = "Linux", .devicetype = "general purpose",
               .cpe = {"cpe:/a:igor_sysoev:nginx:1.22.1", "cpe:/o:linux:linux_kernel"}, .ssl_tunnel = true,
               .method = ServiceMethod::Probed, .conf = kConfProbed};
  return s;
}

// Every record the writer has, each enum value at least once.
void write_every_record(OutputFormat& w, ScanInfo info, const ScanSummary& summary) {
  HostTable table(ReportPolicy::for_scan(info));
  w.begin(info);
  HostUp arp{.ip = ip(198, 19, 0, 5), .reason = Reason::ArpResponse, .ttl = 0, .time_us = kStartUs + 500, .rtt_us = 180,
             .mac = {0x02, 0x42, 0xac, 0x11, 0x00, 0x05}, .has_mac = true};
  HostUp echo{.ip = ip(198, 19, 0, 3), .reason = Reason::EchoReply, .ttl = 63, .time_us = kStartUs + 600};
  HostUp pn{.ip = ip(198, 19, 0, 9), .reason = Reason::UserSet};  // -Pn: no record
  for (const HostUp& h : {arp, echo, pn}) {
    table.add_host(h);
    w.on_host_up(h);
  }
  int64_t t = kStartUs + 1000;
  uint16_t port = 1;
  for (uint8_t proto = 0; proto < kProtoCount; ++proto) {
    for (uint8_t state = 0; state <= static_cast<uint8_t>(PortState::ClosedFiltered); ++state) {
      for (uint8_t reason = 0; reason < kReasonCount; ++reason) {
        const PortResult r{ip(198, 19, 0, 5), port++, static_cast<Proto>(proto), static_cast<PortState>(state),
                           static_cast<Reason>(reason), 64, t += 10, 0, {}};
        table.add(r);
        w.on_result(r);
      }
    }
  }
  const PortResult highest{ip(198, 19, 0, 3), 65535, Proto::Tcp, PortState::Open, Reason::SynAck, 255, t += 10, 0, {}};
  table.add(highest);
  w.on_result(highest);
  w.on_trace(ip(198, 19, 0, 3), {{.ttl = 1, .ip = ip(198, 18, 0, 1), .rtt_us = 90},
                                 {.ttl = 3, .ip = ip(198, 19, 0, 3)}});
  w.on_trace(ip(198, 19, 0, 5), {});
  w.on_service(full_service());
  ServiceResult least;
  least.ip = ip(198, 19, 0, 3);
  least.port = 65535;
  least.time_us = t += 10;
  w.on_service(least);  // no name, no product: method "table" and conf only
  w.end(table, summary);
}

TEST_F(JsonSchemaTest, EveryRecordOfACompleteScanIsValid) {
  ScanInfo info = sample_info(true);
  info.version_scan = true;
  info.shard = "2/4";
  info.seed = 7;
  info.scans.clear();
  for (const char* type : {"syn", "ack", "bounce", "connect", "null", "xmas", "window", "maimon", "fin", "udp",
                           "sctpinit", "sctpcookieecho", "ipproto", "idle"})
    info.scans.push_back({type, Proto::Tcp, "1-100", 100, std::nullopt});
  const std::string path = dir.file("every.jsonl");
  {
    auto w = make_writer("json", path);
    write_every_record(*w, info, sample_summary());
  }
  EXPECT_VALID(path);
}

// The hostnames record: a user name with a PTR, a PTR alone, a user name alone.
TEST_F(JsonSchemaTest, HostnamesRecordsAreValid) {
  ScanSummary summary = sample_summary();
  summary.names_of = [](const IpAddress& a) {
    HostNames n;
    if (a == ip(198, 19, 0, 3)) n = {.user = "web.example.test", .user_others = {}, .ptr = "beta.example.test"};
    if (a == ip(198, 19, 0, 5)) n.ptr = "five.example.test";
    if (a == ip(198, 19, 0, 200)) n.user = "only-typed.example.test";
    return n;
  };
  const std::string path = dir.file("names.jsonl");
  {
    auto w = make_writer("json", path);
    run_scan(*w, sample_info(), sample_results(), summary);
  }
  EXPECT_NE(read_file(path).find("\"hostnames\":[{\"name\":\"web.example.test\",\"type\":\"user\"},"
                                 "{\"name\":\"beta.example.test\",\"type\":\"PTR\"}]"),
            std::string::npos);
  EXPECT_VALID(path);
}

TEST_F(JsonSchemaTest, StoppedScanAndPingScanAreValid) {
  ScanInfo info = sample_info();
  info.port_scan = false;
  ScanSummary summary = sample_summary();
  summary.error = "interrupted by \"Ctrl-C\"\n";
  const std::string path = dir.file("stopped.jsonl");
  {
    auto w = make_writer("json", path);
    write_every_record(*w, info, summary);
  }
  EXPECT_VALID(path);
}

// IPv6 addresses in every record that has one, mixed with IPv4 hosts.
TEST_F(JsonSchemaTest, IpAddressesOfEitherFamilyAreValid) {
  const IpAddress host = ip6("2001:db8:1::5");
  const std::string path = dir.file("v6.jsonl");
  {
    auto w = make_writer("json", path);
    const ScanInfo info = sample_info(true);
    w->begin(info);
    w->on_host_up({.ip = host, .reason = Reason::EchoReply, .ttl = 64, .time_us = kStartUs});
    HostTable table(ReportPolicy::for_scan(info));
    for (const PortResult& r : mixed_results()) {
      table.add(r);
      w->on_result(r);
    }
    w->on_trace(host, {{.ttl = 1, .ip = ip6("2001:db8:ffff::1"), .rtt_us = 90, .tcp_port = 0},
                       {.ttl = 2, .ip = host, .rtt_us = 0, .tcp_port = 0}});
    ServiceResult s = full_service();
    s.ip = host;
    w->on_service(s);
    OsHint hint;
    hint.ip = ip6("::1.2.3.4");  // an IPv4-compatible address: inet_ntop's dotted tail
    hint.label = "Linux 3.x";
    hint.signature = "6:64+0:0:1440:mss*20,7:mss,sok,ts,nop,ws::0";
    w->on_os_hint(hint);
    ScanSummary summary = sample_summary();
    summary.names_of = [&](const IpAddress& a) {
      HostNames n;
      if (a == host) n = {.user = "v6.example.test", .user_others = {ip6("2001:db8:1::9")}, .ptr = "five.example.test"};
      return n;
    };
    w->end(table, summary);
  }
  const std::string text = read_file(path);
  EXPECT_NE(text.find("{\"ip\":\"2001:db8:1::5\",\"hostnames\":"), std::string::npos) << text;
  EXPECT_NE(text.find("{\"ip\":\"::1.2.3.4\",\"os_hint\":"), std::string::npos) << text;
  EXPECT_VALID(path);

  // A list scan's records of both families.
  const std::string listed = dir.file("listed.jsonl");
  {
    auto w = make_writer("json", listed);
    ScanInfo info = sample_info();
    info.list_scan = true;
    info.port_scan = false;
    w->begin(info);
    ScanSummary summary = sample_summary();
    summary.each_target = [](const std::function<void(const IpAddress&)>& visit) {
      visit(ip(198, 19, 0, 1));
      visit(ip6("2001:db8::1"));
      visit(ip6("fe80::1:2:3:4"));
    };
    w->end(HostTable(), summary);
  }
  EXPECT_VALID(listed);
}

// The schema refuses what is neither family's text.
TEST_F(JsonSchemaTest, AnAddressOfNeitherFamilyIsRefused) {
  const std::string good = dir.file("good6.jsonl");
  {
    auto w = make_writer("json", good);
    run_scan(*w, sample_info(), mixed_results(), sample_summary());
  }
  const std::vector<std::string> lines = lines_of(read_file(good));
  ASSERT_GE(lines.size(), 3u);
  ASSERT_EQ(lines[1].rfind("{\"ip\":\"2001:db8:1::10\",", 0), 0u) << lines[1];
  for (const char* bad : {"2001:DB8:1::10", "2001:db8:1:::10", "2001:db8::1::10", "2001:db8:1::10/64", "198.19.0.256"}) {
    std::string line = lines[1];
    line.replace(8, std::string("2001:db8:1::10").size(), bad);
    const std::string path = dir.file("bad6.jsonl");
    std::ofstream(path) << lines[0] << '\n' << line << '\n' << lines.back() << '\n';
    const int rc = validate(path);
    if (rc == 77) GTEST_SKIP() << "python3-jsonschema is missing";
    EXPECT_EQ(rc, 1) << bad << " passed: " << line;
  }
}

TEST_F(JsonSchemaTest, TheSampleScanIsValid) {
  const std::string path = dir.file("sample.jsonl");
  {
    auto w = make_writer("json", path);
    run_scan(*w, sample_info(), sample_results(), sample_summary());
  }
  EXPECT_VALID(path);
}

// The check itself: a record that drifts from the schema (a field renamed,
// added or retyped) or a file out of order is refused.
TEST_F(JsonSchemaTest, DriftIsCaught) {
  const std::string good = dir.file("good.jsonl");
  {
    auto w = make_writer("json", good);
    run_scan(*w, sample_info(), sample_results(), sample_summary());
  }
  const std::vector<std::string> lines = lines_of(read_file(good));
  ASSERT_GE(lines.size(), 3u);
  const auto with = [&](size_t index, const std::string& from, const std::string& to) {
    std::string line = lines[index];
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from << " is not in " << line;
    if (at != std::string::npos) line.replace(at, from.size(), to);
    return line;
  };
  const std::vector<std::vector<std::string>> broken = {
      {lines[0], with(1, "\"state\":", "\"status\":"), lines.back()},    // renamed field
      {lines[0], with(1, "\"ttl\":", "\"hops\":1,\"ttl\":"), lines.back()},  // unknown field
      {lines[0], with(1, "\"port\":", "\"port\":\"x\",\"p\":"), lines.back()},  // retyped
      {lines[0], with(1, "\"state\":\"", "\"state\":\"sideways"), lines.back()},  // unknown state
      {with(0, "\"version\":", "\"versio\":"), lines[1], lines.back()},
      {lines[0], lines[1], with(lines.size() - 1, "\"hosts_up\":", "\"up\":")},
      {lines[1], lines[0], lines.back()},                                   // start not first
      {lines[0], lines.back(), lines[1]},                                   // record after the end
  };
  for (size_t i = 0; i < broken.size(); ++i) {
    const std::string path = dir.file("broken" + std::to_string(i) + ".jsonl");
    std::ofstream(path) << broken[i][0] << '\n' << broken[i][1] << '\n' << broken[i][2] << '\n';
    const int rc = validate(path);
    if (rc == 77) GTEST_SKIP() << "python3-jsonschema is missing";
    EXPECT_EQ(rc, 1) << "case " << i << " passed: " << broken[i][1];
  }
}

}  // namespace
}  // namespace portsweep::test
