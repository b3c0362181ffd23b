// The JSON-lines reader of `portsweep detect --from`: -oJ's own lines with
// everything a later -sV adds (service records with arrays, escapes, bytes
// that are not UTF-8), and malformed lines, each one UsageError naming the
// line and what was expected: text that is not JSON, JSON that is not an
// object, values of the wrong type or range, a line past the length bound.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "common/error.hpp"
#include "detect/saved_records.hpp"
#include "detect/saved_scan.hpp"

namespace portsweep::test {
namespace {

using ::testing::StartsWith;

SavedScan parse(const std::string& text) {
  std::istringstream in(text);
  return parse_saved_jsonl(in, "x.jsonl");
}

// The message parse() refuses `text` with; "" when it reads.
std::string refusal(const std::string& text) {
  try {
    parse(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

const std::string kLine =
    R"({"ip":"198.19.0.5","proto":"tcp","port":22,"state":"open","reason":"syn-ack","ttl":63,"time":"2026-11-21T19:00:00.000100Z"})";

// Host discovery's records: one per host found up, before its ports.
TEST(SavedJsonl, ReadsHostStatusRecords) {
  const SavedScan s = parse(
      R"({"ip":"198.19.0.7","status":"up","reason":"echo-reply","ttl":64,"time":"2026-11-21T19:00:00.000050Z","rtt_us":120})"
      "\n" + kLine + "\n");
  ASSERT_EQ(s.hosts.size(), 1u);
  EXPECT_EQ(s.hosts[0].ip, IpAddress::v4(0xc6130007u));
  EXPECT_EQ(s.hosts[0].reason, Reason::EchoReply);
  EXPECT_EQ(s.hosts[0].ttl, 64);
  EXPECT_EQ(s.hosts[0].rtt_us, 120u);
  EXPECT_EQ(s.results.size(), 1u);
  EXPECT_EQ(s.num_targets, 2u);
  EXPECT_THAT(refusal(R"({"ip":"198.19.0.7","status":"down","reason":"no-response"})"),
              StartsWith("x.jsonl:1: invalid \"status\" \"down\""));
  EXPECT_THAT(refusal(R"({"ip":"198.19.0.7","status":"up"})"), StartsWith("x.jsonl:1: missing \"reason\""));
  EXPECT_THAT(refusal(R"({"ip":"198.19.0.7","status":"up","reason":"echo-reply","rtt_us":-1})"),
              StartsWith("x.jsonl:1: invalid \"rtt_us\""));
}

// -oJ's lines of an IPv6 scan: every record's "ip" (and a route's hops) in
// IPv6's text form, read back to the same addresses.
TEST(SavedJsonl, ReadsIpv6Records) {
  const std::string text =
      R"({"ip":"2001:db8:1::5","status":"up","reason":"echo-reply","ttl":64,"time":"2026-11-21T19:00:00.000050Z","rtt_us":120})"
      "\n"
      R"({"ip":"2001:db8:1::5","proto":"tcp","port":22,"state":"open","reason":"syn-ack","ttl":64,"time":"2026-11-21T19:00:00.000100Z"})"
      "\n"
      R"({"ip":"2001:db8:1::5","proto":"tcp","port":22,"service":"ssh","product":"OpenSSH","method":"probed","conf":10})"
      "\n"
      R"({"ip":"2001:db8:1::5","trace":[{"ttl":1,"ip":"2001:db8:0:1::1","rtt_us":210},{"ttl":2,"ip":"2001:db8:1::5"}]})"
      "\n"
      R"({"ip":"2001:db8:1::5","os_hint":{"label":"Linux 3.x","signature":"6:64+0:0:1440:mss*20,7:mss,sok,ts,nop,ws::0"}})"
      "\n" + kLine + "\n";
  const IpAddress host = IpAddress::parse("2001:db8:1::5").value();
  const SavedScan s = parse(text);
  ASSERT_EQ(s.hosts.size(), 1u);
  EXPECT_EQ(s.hosts[0].ip, host);
  ASSERT_EQ(s.results.size(), 2u);
  EXPECT_EQ(s.results[0].ip, host);
  EXPECT_EQ(s.results[0].port, 22);
  EXPECT_EQ(s.results[1].ip, IpAddress::v4(0xc6130005u));
  EXPECT_EQ(s.num_targets, 2u);  // an older file: the hosts it names

  class Collect final : public SavedRecordSink {
   public:
    std::vector<ServiceResult> services;
    std::vector<std::pair<IpAddress, std::vector<TraceHop>>> traces;
    std::vector<OsHint> hints;
    void on_service(const ServiceResult& r) override { services.push_back(r); }
    void on_trace(IpAddress ip, std::vector<TraceHop> hops) override { traces.emplace_back(ip, std::move(hops)); }
    void on_os_hint(OsHint h) override { hints.push_back(std::move(h)); }
  } sink;
  std::istringstream in(text);
  read_jsonl_records(in, "x.jsonl", 0, sink);
  ASSERT_EQ(sink.services.size(), 1u);
  EXPECT_EQ(sink.services[0].ip, host);
  EXPECT_EQ(sink.services[0].service.product, "OpenSSH");
  ASSERT_EQ(sink.traces.size(), 1u);
  EXPECT_EQ(sink.traces[0].first, host);
  ASSERT_EQ(sink.traces[0].second.size(), 2u);
  EXPECT_EQ(sink.traces[0].second[0].ip, IpAddress::parse("2001:db8:0:1::1"));
  EXPECT_EQ(sink.traces[0].second[1].ip, host);
  ASSERT_EQ(sink.hints.size(), 1u);
  EXPECT_EQ(sink.hints[0].ip, host);
}

TEST(SavedJsonl, MalformedIpv6AddressesNameTheLine) {
  const std::string tail = R"(,"proto":"tcp","port":22,"state":"open"})";
  for (const char* bad : {"2001:db8::1::5", "2001:db8:1::g", "2001:db8:1::5%eth0", "[2001:db8:1::5]", "2001:db8:1:5"}) {
    EXPECT_EQ(refusal(kLine + "\n{\"ip\":\"" + bad + "\"" + tail + "\n"),
              std::string("x.jsonl:2: invalid \"ip\" \"") + bad + "\": expected an IPv4 or IPv6 address")
        << bad;
  }
  EXPECT_EQ(refusal(R"({"ip":"2001:db8:1::5","trace":[{"ttl":1,"ip":"2001:db8:::1"}]})"),
            R"(x.jsonl:1: invalid hop "ip" "2001:db8:::1": expected an IPv4 or IPv6 address)");
}

// Whether a port the file does not list went unanswered (detect --from then
// probes a -sU sweep's open|filtered ports): only a whole scan that ended.
// -oJ's hostnames record (written after the scan) reads without error; the
// names are not carried into the scan read back.
TEST(SavedJsonl, HostnamesRecordsAreRead) {
  const SavedScan s = parse(kLine + "\n" +
                            R"({"ip":"198.19.0.5","hostnames":[{"name":"five.lab.test","type":"PTR"}]})" + "\n");
  EXPECT_EQ(s.results.size(), 1u);
}

TEST(SavedJsonl, UnansweredPortsAreKnownOnlyForAWholeCompletedScan) {
  const std::string start =
      R"({"scan":"start","args":"portsweep -sU -p U:53,161 198.19.0.0/24","start":"2026-11-21T19:00:00.000000Z","targets":256,)"
      R"("scans":[{"type":"udp","proto":"udp","services":"53,161","count":2,"unanswered":"open|filtered"}]})";
  const std::string sharded =
      R"({"scan":"start","args":"portsweep -sU -p U:53,161 --shard 1/2 198.19.0.0/24","start":"2026-11-21T19:00:00.000000Z",)"
      R"("targets":256,"shard":"1/2","seed":7,"scans":[{"type":"udp","proto":"udp","services":"53,161","count":2}]})";
  const std::string complete = R"({"scan":"end","time":"2026-11-21T19:00:05.000000Z","status":"complete"})";
  const std::string stopped = R"({"scan":"end","time":"2026-11-21T19:00:05.000000Z","status":"stopped"})";
  EXPECT_TRUE(parse(start + "\n" + kLine + "\n" + complete + "\n").unanswered_known);
  EXPECT_FALSE(parse(start + "\n" + kLine + "\n").unanswered_known);  // cut short
  EXPECT_FALSE(parse(start + "\n" + kLine + "\n" + stopped + "\n").unanswered_known);
  EXPECT_FALSE(parse(sharded + "\n" + kLine + "\n" + complete + "\n").unanswered_known);
  EXPECT_FALSE(parse(kLine + "\n").unanswered_known);  // an older file, no start record
}

TEST(SavedJsonl, ReadsWhatOJWrites) {
  const std::string text =
      kLine + "\n" +
      R"({"ip":"198.19.0.5","proto":"tcp","port":80,"state":"closed","reason":"reset","ttl":63,"time":"2026-11-21T19:00:00.000200Z","service":"http"})"
      "\r\n"  // CRLF, as a file passed through Windows
      "\n   \n"
      // An earlier -sV's record: escapes, an array, and banner bytes that are
      // not UTF-8 (copied raw by nmap's $1). Skipped, not refused.
      R"({"ip":"198.19.0.5","proto":"tcp","port":22,"state":"open","service":"ssh","product":"Open\"SSH\u00e9 )"
      "\xff\xfe\xc3"
      R"(","version":"9.2p1","method":"probed","conf":10,"cpe":["cpe:/a:openbsd:openssh:9.2p1","cpe:/o:linux"],"time":"2026-11-21T19:00:01Z"})"
      "\n"
      // JSON's own escapes in a value that matters, and keys in another order.
      R"({"state":"open|filtered","port":53,"proto":"udp","ip":"198.19.0.\u0036"})";  // no final newline
  const SavedScan s = parse(text);
  ASSERT_EQ(s.results.size(), 3u);
  EXPECT_EQ(s.results[0].ip, IpAddress::v4(0xc6130005u));
  EXPECT_EQ(s.results[0].port, 22);
  EXPECT_EQ(s.results[0].ttl, 63);
  EXPECT_EQ(s.results[0].reason, Reason::SynAck);
  EXPECT_EQ(s.results[0].time_us, 1795287600LL * 1000000 + 100);
  EXPECT_EQ(s.results[1].state, PortState::Closed);
  EXPECT_EQ(s.results[2].ip, IpAddress::v4(0xc6130006u));
  EXPECT_EQ(s.results[2].proto, Proto::Udp);
  EXPECT_EQ(s.results[2].state, PortState::OpenFiltered);
  EXPECT_EQ(s.start_time_us, 1795287600LL * 1000000 + 100);
  EXPECT_EQ(s.num_targets, 2u);
  ASSERT_EQ(s.scans.size(), 2u);
  EXPECT_EQ(s.scans[0].services, "22,80");
  EXPECT_EQ(s.scans[1].type, "udp");
}

TEST(SavedJsonl, MalformedLinesNameTheLineAndWhatWasExpected) {
  struct Bad {
    std::string line;
    std::string message;
  } cases[] = {
      {R"({"ip":"198.19.0.1","proto":"tcp")",
       "x.jsonl:2: invalid JSON at column 33: syntax error while parsing object - unexpected end of input; expected "
       "'}'; expected one object per line, as -oJ writes them"},
      {kLine + " x", "x.jsonl:2: invalid JSON at column "},
      {kLine + kLine, "x.jsonl:2: invalid JSON at column "},
      {"{\"ip\":\"198.19.0.1\x1b\"}", "x.jsonl:2: invalid JSON at column 18: syntax error while parsing value - invalid "
                                      "string: control character U+001B (ESC) must be escaped"},
      {R"({"port":1e400})", "x.jsonl:2: invalid JSON at number overflow parsing '1e400'"},
      {R"([{"ip":"198.19.0.1"}])", "x.jsonl:2: a JSON array, not an object; expected one object per line"},
      {"42", "x.jsonl:2: a JSON number, not an object"},
      {R"({"proto":"tcp","port":22,"state":"open"})", "x.jsonl:2: missing \"ip\"; expected ip, proto, port and state"},
      {R"({"ip":198,"proto":"tcp","port":22,"state":"open"})", "x.jsonl:2: invalid \"ip\" 198: expected an IPv4 or IPv6 address"},
      {R"({"ip":"198.19.0.1","proto":["tcp"],"port":22,"state":"open"})",
       "x.jsonl:2: invalid \"proto\" (an array): expected tcp, udp, sctp or ip"},
      {R"({"ip":"198.19.0.1","proto":"tcp","port":"22","state":"open"})",
       "x.jsonl:2: invalid \"port\" \"22\": expected 0-65535"},
      {R"({"ip":"198.19.0.1","proto":"tcp","port":22.5,"state":"open"})", "x.jsonl:2: invalid \"port\" 22.5: expected 0-65535"},
      {R"({"ip":"198.19.0.1","proto":"tcp","port":-22,"state":"open"})", "x.jsonl:2: invalid \"port\" -22: expected 0-65535"},
      {R"({"ip":"198.19.0.1","proto":"tcp","port":65536,"state":"open"})", "x.jsonl:2: invalid \"port\" 65536: expected 0-65535"},
      {R"({"ip":"198.19.0.1","proto":"tcp","port":18446744073709551616,"state":"open"})",
       "x.jsonl:2: invalid \"port\" 1.8446744073709552e+19: expected 0-65535"},
      {R"({"ip":"198.19.0.1","proto":"ip","port":256,"state":"open"})",
       "x.jsonl:2: invalid \"port\" 256 of an \"ip\" result: expected a protocol number 0-255"},
      {R"({"ip":"198.19.0.1","proto":"tcp","port":22,"state":null})", "x.jsonl:2: invalid \"state\" null: expected one of nmap's port states"},
      {R"({"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open","reason":"because"})",
       "x.jsonl:2: invalid \"reason\" \"because\": expected one of nmap's reasons"},
      {R"({"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open","ttl":true})", "x.jsonl:2: invalid \"ttl\" true: expected 0-255"},
      {R"({"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open","time":1795287600})",
       "x.jsonl:2: invalid \"time\" 1795287600: expected a UTC time as -oJ writes it"},
  };
  for (const Bad& bad : cases) {
    const std::string message = refusal(kLine + "\n" + bad.line + "\n" + kLine + "\n");
    EXPECT_THAT(message, StartsWith(bad.message)) << bad.line;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(SavedJsonl, EveryTruncationOfALineIsOneClearError) {
  for (std::size_t cut = 1; cut < kLine.size(); ++cut) {
    EXPECT_THAT(refusal(kLine.substr(0, cut)), StartsWith("x.jsonl:1: ")) << cut;
  }
}

TEST(SavedJsonl, LinesAreBoundedAtOneMebibyte) {
  // A line of exactly the bound reads (spaces after the object are JSON's);
  // one byte more is refused without reading on to a newline.
  const std::size_t bound = std::size_t{1} << 20;
  const std::string full = kLine + std::string(bound - kLine.size(), ' ');
  EXPECT_EQ(parse(full + "\n" + kLine + "\n").results.size(), 2u);
  EXPECT_EQ(parse(full).results.size(), 1u);
  EXPECT_EQ(refusal(kLine + "\n" + full + " \n"),
            "x.jsonl:2: a line longer than 1048576 bytes; expected one JSON object per line, as -oJ writes them");
  EXPECT_THAT(refusal("{\"ip\":\"" + std::string(3 * bound, 'a')), StartsWith("x.jsonl:1: a line longer than"));
  // Deep nesting within the bound neither recurses nor refuses differently.
  EXPECT_THAT(refusal(std::string(bound / 2, '[') + std::string(bound / 2, ']')),
              StartsWith("x.jsonl:1: a JSON array, not an object"));
}

TEST(SavedJsonl, TimesStayWithinTheYear9999) {
  const std::string line = R"({"ip":"198.19.0.1","proto":"tcp","port":22,"state":"open","time":")";
  EXPECT_EQ(parse(line + "9999-12-31T23:59:59.999999Z\"}").results.at(0).time_us,
            kMaxSavedTimeSeconds * 1000000 + 999999);
  // A leap second there would be 10000-01-01T00:00:00.
  EXPECT_THAT(refusal(line + "9999-12-31T23:59:60Z\"}"),
              StartsWith("x.jsonl:1: invalid \"time\" \"9999-12-31T23:59:60Z\": expected a UTC time"));
}

TEST(SavedJsonl, LineNumbersCountTheLinesBefore) {
  std::istringstream in("\n" + kLine + "\n{\n");
  EXPECT_THAT([&] { parse_saved_jsonl(in, "x.jsonl", 3); },
              ::testing::ThrowsMessage<UsageError>(StartsWith("x.jsonl:6: invalid JSON at column 2")));
}

}  // namespace
}  // namespace portsweep::test
