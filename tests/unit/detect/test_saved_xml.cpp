// The XML reader of `portsweep detect --from` as other tools' files meet it:
// a report as nmap 7.93 writes it (DOCTYPE, stylesheet, comments, entities,
// character references, CDATA in a script's output), old nmap's DOCTYPE
// naming nmap.dtd (read, never fetched), and hostile or broken XML: every
// truncation of a real report, unclosed and mismatched tags, entity bombs
// and external entities (refused before anything expands or is read), text
// past libxml2's limits. Each is one UsageError line naming file and line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "detect/saved_records.hpp"
#include "detect/saved_scan.hpp"

namespace portsweep::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// What `nmap -sS -sV --reason -p 21,22,80,443 -oX - 198.19.0.5` writes, with
// the parts the reader must pass over: the stylesheet PI, a comment holding
// "&#45;" for "--", <hosthint>, service and script elements, entities in
// attributes and a CDATA section in a script's table.
constexpr const char* kNmapReport = R"nmap(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>
<!-- Nmap 7.93 scan initiated Sat Nov 21 19:00:00 2026 as: nmap -sS -sV -&#45;reason -p 21,22,80,443 -oX - 198.19.0.5 -->
<nmaprun scanner="nmap" args="nmap -sS -sV -&#45;reason -&#45;script-args &apos;x=&#x41;&amp;&quot;&lt;&#66;&gt;&quot;&apos; -p 21,22,80,443 -oX - 198.19.0.5" start="1795287600" startstr="Sat Nov 21 19:00:00 2026" version="7.93" xmloutputversion="1.05">
<scaninfo type="syn" protocol="tcp" numservices="4" services="21-22,80,443"/>
<verbose level="0"/>
<debugging level="0"/>
<hosthint><status state="up" reason="unknown-response" reason_ttl="0"/>
<address addr="198.19.0.5" addrtype="ipv4"/>
<hostnames>
</hostnames>
</hosthint>
<host starttime="1795287600" endtime="1795287612"><status state="up" reason="echo-reply" reason_ttl="63"/>
<address addr="198.19.0.5" addrtype="ipv4"/>
<address addr="02:00:C6:13:00:05" addrtype="mac"/>
<hostnames>
<hostname name="tom&amp;jerry.example.test" type="PTR"/>
</hostnames>
<ports><extraports state="filtered" count="1">
<extrareasons reason="no-response" count="1" proto="tcp" ports="443"/>
</extraports>
<port protocol="tcp" portid="21"><state state="closed" reason="reset" reason_ttl="63"/><service name="ftp" method="table" conf="3"/></port>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="63"/><service name="ssh" product="OpenSSH" version="9.2p1 Debian 2+deb12u3" extrainfo="protocol 2.0" ostype="Linux" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe><cpe>cpe:/o:linux:linux_kernel</cpe></service><script id="ssh-hostkey" output="&#xa;  256 3e:1f:aa:7c (ECDSA)&#xa;  256 9b:02:c4:d1 (ED25519)"><table>
<elem key="type">ecdsa-sha2-nistp256</elem>
<elem key="bits">256</elem>
</table>
</script></port>
<port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="63"/><service name="http" product="nginx" method="probed" conf="10"><cpe>cpe:/a:igor_sysoev:nginx</cpe></service><script id="http-title" output="Tom &amp; Jerry&apos;s &lt;page&gt;"><elem key="title"><![CDATA[Tom & Jerry's <page> ]]></elem>
</script></port>
</ports>
<times srtt="412" rttvar="170" to="100000"/>
</host>
<runstats><finished time="1795287612" timestr="Sat Nov 21 19:00:12 2026" summary="Nmap done at Sat Nov 21 19:00:12 2026; 1 IP address (1 host up) scanned in 12.04 seconds" elapsed="12.04" exit="success"/><hosts up="1" down="0" total="1"/>
</runstats>
</nmaprun>
)nmap";

constexpr int64_t kStartUs = 1795287600LL * 1000000;

// The message parse_saved_xml refuses `xml` with; "" when it reads.
std::string refusal(const std::string& xml) {
  try {
    parse_saved_xml(xml, "x.xml");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

// A file of its own in a directory removed at the end of the test.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text)
      : path_(std::filesystem::temp_directory_path() / ("portsweep-saved-xml-" + std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(SavedXml, ReadsNmapsOwnReport) {
  const SavedScan s = parse_saved_xml(kNmapReport, "nmap.xml");
  // Entities and character references in an attribute, replaced.
  EXPECT_EQ(s.args, "nmap -sS -sV --reason --script-args 'x=A&\"<B>\"' -p 21,22,80,443 -oX - 198.19.0.5");
  EXPECT_EQ(s.start_time_us, kStartUs);
  EXPECT_EQ(s.num_targets, 1u);
  ASSERT_EQ(s.scans.size(), 1u);
  EXPECT_EQ(s.scans[0].type, "syn");
  EXPECT_EQ(s.scans[0].services, "21-22,80,443");
  EXPECT_EQ(s.scans[0].num_services, 4u);
  ASSERT_EQ(s.results.size(), 3u);
  const uint16_t ports[] = {21, 22, 80};
  const PortState states[] = {PortState::Closed, PortState::Open, PortState::Open};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(s.results[i].ip, IpAddress::v4(0xc6130005u));
    EXPECT_EQ(s.results[i].port, ports[i]);
    EXPECT_EQ(s.results[i].proto, Proto::Tcp);
    EXPECT_EQ(s.results[i].state, states[i]);
    EXPECT_EQ(s.results[i].ttl, 63);
    EXPECT_EQ(s.results[i].time_us, kStartUs);
  }
  EXPECT_EQ(s.results[0].reason, Reason::Reset);
  EXPECT_EQ(s.results[1].reason, Reason::SynAck);
  EXPECT_TRUE(s.runs.empty());  // the unanswered 443 is counted, not a result
}

// Every host the report says is up is kept with its status: a ping scan's
// hosts have nothing else.
TEST(SavedXml, KeepsEachHostsStatusAndRoundTrip) {
  const SavedScan s = parse_saved_xml(kNmapReport, "nmap.xml");
  ASSERT_EQ(s.hosts.size(), 1u);
  EXPECT_EQ(s.hosts[0].ip, IpAddress::v4(0xc6130005u));
  EXPECT_EQ(s.hosts[0].rtt_us, 412u);
  EXPECT_EQ(s.hosts[0].time_us, kStartUs);
  const SavedScan ping = parse_saved_xml(
      "<nmaprun start=\"1795287600\"><host><status state=\"up\" reason=\"timestamp-reply\" reason_ttl=\"63\"/>"
      "<address addr=\"198.19.0.9\" addrtype=\"ipv4\"/></host>"
      "<host><status state=\"down\" reason=\"no-response\" reason_ttl=\"0\"/>"
      "<address addr=\"198.19.0.10\" addrtype=\"ipv4\"/></host></nmaprun>",
      "ping.xml");
  ASSERT_EQ(ping.hosts.size(), 1u);
  EXPECT_EQ(ping.hosts[0].ip, IpAddress::v4(0xc6130009u));
  EXPECT_EQ(ping.hosts[0].reason, Reason::TimestampReply);
  EXPECT_EQ(ping.hosts[0].ttl, 63);
  EXPECT_TRUE(ping.results.empty());
  EXPECT_NE(refusal("<nmaprun><host><status state=\"up\" reason=\"echo-reply\" reason_ttl=\"64\"/>"
                    "<times srtt=\"99999999999\" rttvar=\"0\" to=\"0\"/></host></nmaprun>"),
            "");
}

TEST(SavedXml, ReadsTheReportFromAFileAfterBlankLines) {
  // read_saved_scan skips the blank lines, then streams the rest; the lines
  // it skipped still count in a message.
  TempFile ok("ok.xml", std::string("\n\n") + kNmapReport);
  EXPECT_EQ(read_saved_scan(ok.path()).results.size(), 3u);
  TempFile bad("bad.xml", "\n\n<?xml version=\"1.0\"?>\n<nmaprun start=\"x\">\n</nmaprun>\n");
  EXPECT_THAT([&] { read_saved_scan(bad.path()); },
              ::testing::ThrowsMessage<UsageError>(StartsWith(bad.path() + ":4: start=\"x\" of <nmaprun>")));
}

TEST(SavedXml, DoctypeNamingADtdIsNotFetched) {
  // Older nmap named its DTD by URL. Neither it nor a local file named
  // instead is opened: a DTD that is not one would fail the read if it were.
  TempFile garbage("garbage.dtd", "this is not a DTD <!ELEMENT");
  for (const std::string& doctype :
       {std::string(R"(<!DOCTYPE nmaprun PUBLIC "-//IDN nmap.org//DTD Nmap XML 1.04//EN" "https://svn.nmap.org/nmap/docs/nmap.dtd">)"),
        "<!DOCTYPE nmaprun SYSTEM \"" + garbage.path() + "\">",
        "<!DOCTYPE nmaprun SYSTEM \"file://" + garbage.path() + "\">",
        std::string("<!DOCTYPE nmaprun SYSTEM \"/usr/share/nmap/nmap.dtd\">")}) {
    std::string xml = kNmapReport;
    xml.replace(xml.find("<!DOCTYPE nmaprun>"), 18, doctype);
    const SavedScan s = parse_saved_xml(xml, "old.xml");
    EXPECT_EQ(s.results.size(), 3u) << doctype;
  }
}

TEST(SavedXml, DeclaredEntitiesAreRefusedBeforeTheyExpand) {
  // A billion laughs: ten levels of ten references, 10^9 copies of "lol".
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n<!ENTITY lol0 \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) bomb += "&lol" + std::to_string(i - 1) + ";";
    bomb += "\">\n";
  }
  bomb += "]>\n<nmaprun args=\"&lol9;\">\n<verbose level=\"&lol9;\">&lol9;</verbose>\n</nmaprun>\n";
  const auto t0 = std::chrono::steady_clock::now();
  // libxml2 may see the loop in <nmaprun>'s attribute before the DOCTYPE
  // reaches the reader; either way nothing expands.
  EXPECT_THAT(refusal(bomb), ::testing::AnyOf(HasSubstr("x.xml:13: the DOCTYPE before <nmaprun> declares entities; expected one that declares none"),
                                              HasSubstr(": XML error: Detected an entity reference loop")));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));

  // The same with the bomb's first use in the DOCTYPE's own attribute
  // defaults, and one large entity used many times (quadratic growth).
  EXPECT_THAT(refusal("<!DOCTYPE nmaprun [<!ENTITY a \"" + std::string(100000, 'a') + "\">]>\n<nmaprun args=\"" +
                      [] { std::string s; for (int i = 0; i < 1000; ++i) s += "&a;"; return s; }() + "\"/>"),
              HasSubstr("declares entities"));
  // An entity harmless in itself is refused as well, naming the root's line.
  EXPECT_EQ(refusal("<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n<!ENTITY a \"b\">\n]>\n<nmaprun args=\"&a;\">\n"
                    "<!-- -->\n</nmaprun>\n"),
            "x.xml:5: the DOCTYPE before <nmaprun> declares entities; expected one that declares none, as nmap's "
            "reports (<!DOCTYPE nmaprun>)");
}

TEST(SavedXml, ExternalEntitiesAreNeverRead) {
  TempFile secret("secret.txt", "the-secret-text");
  const std::string url = "file://" + secret.path();
  for (const std::string& xml : {
           // A general entity in an attribute and in text.
           "<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM \"" + url + "\">]>\n<nmaprun args=\"&xxe;\">&xxe;</nmaprun>",
           // A parameter entity pulled into the DTD.
           "<!DOCTYPE nmaprun [<!ENTITY % p SYSTEM \"" + url + "\">\n%p;]>\n<nmaprun args=\"a\"/>",
           // By path, not URL, and through the network.
           "<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM \"" + secret.path() + "\">]>\n<nmaprun>&xxe;</nmaprun>",
           std::string("<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM \"http://198.18.0.2/x\">]>\n<nmaprun>&xxe;</nmaprun>"),
       }) {
    const std::string message = refusal(xml);
    EXPECT_THAT(message, StartsWith("x.xml:")) << xml;
    EXPECT_THAT(message, ::testing::Not(HasSubstr("the-secret-text"))) << xml;
  }
}

TEST(SavedXml, EveryTruncationOfARealReportIsOneClearError) {
  const std::string report = kNmapReport;
  const std::size_t root_end = report.find("</nmaprun>");
  for (std::size_t cut = 0; cut < root_end; ++cut) {
    std::istringstream in(report.substr(0, cut));
    try {
      parse_saved_xml(in, "cut.xml");
      ADD_FAILURE() << "read a report cut at byte " << cut;
    } catch (const UsageError& e) {
      const std::string what = e.what();
      EXPECT_THAT(what, StartsWith("cut.xml:")) << cut;
      EXPECT_EQ(what.find('\n'), std::string::npos) << cut << ": " << what;
    }
  }
}

TEST(SavedXml, MalformedXmlNamesTheLineAndTheFault) {
  struct Bad {
    std::string xml;
    std::string message;
  } cases[] = {
      {"<nmaprun start=\"1\">\n<host>\n", "x.xml:2: XML error: the file ends before <host> is closed"},
      {"<nmaprun start=\"1\">\n<host></host>\n", "x.xml:2: XML error: the file ends before <nmaprun> is closed"},
      {"<nmaprun>\n<host>\n</nmaprun>\n", "x.xml:3: XML error: Opening and ending tag mismatch: host line 2 and nmaprun"},
      {"<nmaprun><host><address addr=198.19.0.1/></host></nmaprun>", "x.xml:1: XML error: AttValue: \" or ' expected"},
      {"<nmaprun>\n<port portid=\"1\" portid=\"2\"/></nmaprun>", "x.xml:2: XML error: Attribute portid redefined"},
      {"<nmaprun>&nosuch;</nmaprun>", "x.xml:1: XML error: Entity 'nosuch' not defined"},
      {"<nmaprun>&#0;</nmaprun>", "x.xml:1: XML error: xmlParseCharRef: invalid xmlChar value 0"},
      {"<nmaprun></nmaprun><nmaprun></nmaprun>", "x.xml:1: XML error: Extra content at the end of the document"},
      // Two lines from libxml2, joined.
      {"<nmaprun>\xff\xfe</nmaprun>", "x.xml:1: XML error: Input is not proper UTF-8, indicate encoding ! Bytes: 0xFF"},
      {"<?xml version=\"1.0\"?>\n<!-- nothing -->\n", "x.xml:3: XML error: the file ends before its root element"},
      {"<html><nmaprun/></html>", "x.xml:1: the root element is <html>, not <nmaprun>"},
  };
  for (const Bad& bad : cases) {
    const std::string message = refusal(bad.xml);
    EXPECT_THAT(message, StartsWith(bad.message)) << bad.xml;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(SavedXml, SizesPastTheBoundsAreRefused) {
  // Kept text: a command line of 3 MB.
  EXPECT_THAT(refusal("<nmaprun args=\"" + std::string(3 << 20, 'a') + "\"/>"),
              StartsWith("x.xml:1: args of <nmaprun> is 3145728 bytes long; expected at most 2097152"));
  // Any other attribute read: a word of 5000 bytes.
  EXPECT_THAT(refusal("<nmaprun><host><address addrtype=\"ipv4\" addr=\"" + std::string(5000, '1') + "\"/></host></nmaprun>"),
              StartsWith("x.xml:1: addr of <address> is 5000 bytes long; expected at most 4096"));
  // libxml2's own limits, kept on: text past 10 MB, nesting past 256 levels.
  // Neither may print anything of its own.
  ::testing::internal::CaptureStderr();
  const std::string huge = refusal("<nmaprun><x a=\"" + std::string((10 << 20) + 1, 'a') + "\"/></nmaprun>");
  std::string deep = "<nmaprun>";
  for (int i = 0; i < 300; ++i) deep += "<a>";
  const std::string too_deep = refusal(deep);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_THAT(huge, StartsWith("x.xml:1: XML error: "));
  EXPECT_THAT(too_deep, StartsWith("x.xml:1: XML error: Excessive depth in document: 256"));
}

// What `nmap -6 -sS -sV --traceroute -p 22,80,443 -oX - 2001:db8:1::5` writes
// (nmap.dtd's form, by hand): the host's address is addrtype="ipv6", its
// MAC is from neighbor discovery, the route's hops are IPv6 addresses.
constexpr const char* kNmapIpv6Report = R"nmap(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -6 -sS -sV -&#45;traceroute -p 22,80,443 -oX - 2001:db8:1::5 2001:db8:1::6" start="1795287600" version="7.93" xmloutputversion="1.05">
<scaninfo type="syn" protocol="tcp" numservices="3" services="22,80,443"/>
<host starttime="1795287600" endtime="1795287612"><status state="up" reason="echo-reply" reason_ttl="64"/>
<address addr="2001:db8:1::5" addrtype="ipv6"/>
<address addr="02:00:C6:13:00:05" addrtype="mac"/>
<hostnames>
</hostnames>
<ports><extraports state="closed" count="1">
<extrareasons reason="reset" count="1" proto="tcp" ports="443"/>
</extraports>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/><service name="ssh" product="OpenSSH" version="9.2p1" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe></service></port>
<port protocol="tcp" portid="80"><state state="filtered" reason="admin-prohibited" reason_ttl="63"/></port>
</ports>
<trace port="443" proto="tcp">
<hop ttl="1" ipaddr="2001:db8:0:1::1" rtt="0.21"/>
<hop ttl="2" ipaddr="2001:db8:1::5" rtt="0.40"/>
</trace>
<times srtt="412" rttvar="170" to="100000"/>
</host>
<host starttime="1795287600" endtime="1795287612"><status state="down" reason="no-response" reason_ttl="0"/>
<address addr="2001:db8:1::6" addrtype="ipv6"/>
</host>
<runstats><finished time="1795287612" elapsed="12.04" exit="success"/><hosts up="1" down="1" total="2"/>
</runstats>
</nmaprun>
)nmap";

TEST(SavedXml, ReadsNmapsIpv6Report) {
  const IpAddress host = IpAddress::parse("2001:db8:1::5").value();
  const SavedScan s = parse_saved_xml(kNmapIpv6Report, "nmap6.xml");
  EXPECT_EQ(s.num_targets, 2u);
  ASSERT_EQ(s.hosts.size(), 1u);
  EXPECT_EQ(s.hosts[0].ip, host);
  EXPECT_EQ(s.hosts[0].reason, Reason::EchoReply);
  EXPECT_TRUE(s.hosts[0].has_mac);
  ASSERT_EQ(s.results.size(), 2u);
  EXPECT_EQ(s.results[0].ip, host);
  EXPECT_EQ(s.results[0].port, 22);
  EXPECT_EQ(s.results[0].state, PortState::Open);
  EXPECT_EQ(s.results[1].port, 80);
  EXPECT_EQ(s.results[1].reason, Reason::AdminProhibited);
  ASSERT_EQ(s.runs.size(), 1u);
  EXPECT_EQ(s.runs[0].result.ip, host);
  EXPECT_EQ(s.runs[0].first, 443);

  // The records a merge reads: -sV's service and the route, by the IPv6 address.
  class Collect final : public SavedRecordSink {
   public:
    std::vector<ServiceResult> services;
    std::vector<std::pair<IpAddress, std::vector<TraceHop>>> traces;
    std::vector<IpAddress> seen;
    void on_service(const ServiceResult& r) override { services.push_back(r); }
    void on_trace(IpAddress ip, std::vector<TraceHop> hops) override { traces.emplace_back(ip, std::move(hops)); }
    void on_host_seen(IpAddress ip) override { seen.push_back(ip); }
  } sink;
  std::istringstream in(kNmapIpv6Report);
  read_xml_records(in, "nmap6.xml", 0, sink);
  ASSERT_EQ(sink.services.size(), 1u);
  EXPECT_EQ(sink.services[0].ip, host);
  EXPECT_EQ(sink.services[0].service.product, "OpenSSH");
  ASSERT_EQ(sink.traces.size(), 1u);
  EXPECT_EQ(sink.traces[0].first, host);
  ASSERT_EQ(sink.traces[0].second.size(), 2u);
  EXPECT_EQ(sink.traces[0].second[0].ip, IpAddress::parse("2001:db8:0:1::1"));
  EXPECT_EQ(sink.traces[0].second[0].rtt_us, 210u);
  EXPECT_EQ(sink.traces[0].second[1].ip, host);
  EXPECT_EQ(sink.traces[0].second[1].tcp_port, 443);
  EXPECT_EQ(sink.seen, (std::vector<IpAddress>{host, IpAddress::parse("2001:db8:1::6").value()}));
}

// A malformed address of either family, or one of the other family than
// addrtype says, is one error line naming the file, the line and the value.
TEST(SavedXml, MalformedAddressesAreRefusedNamingTheLine) {
  struct Bad {
    std::string xml;
    std::string message;
  } cases[] = {
      {"<nmaprun>\n<host><address addr=\"2001:db8::1::5\" addrtype=\"ipv6\"/></host></nmaprun>",
       "x.xml:2: addr=\"2001:db8::1::5\" of <address addrtype=\"ipv6\"> is not an IPv6 address; expected one like "
       "2001:db8::1"},
      {"<nmaprun>\n\n<host><address addr=\"2001:db8:1::g\" addrtype=\"ipv6\"/></host></nmaprun>",
       "x.xml:3: addr=\"2001:db8:1::g\" of <address addrtype=\"ipv6\"> is not an IPv6 address"},
      {"<nmaprun><host><address addr=\"198.19.0.5\" addrtype=\"ipv6\"/></host></nmaprun>",
       "x.xml:1: addr=\"198.19.0.5\" of <address addrtype=\"ipv6\"> is not an IPv6 address"},
      {"<nmaprun><host><address addr=\"2001:db8:1::5\" addrtype=\"ipv4\"/></host></nmaprun>",
       "x.xml:1: addr=\"2001:db8:1::5\" of <address addrtype=\"ipv4\"> is not an IPv4 address; expected one like "
       "192.0.2.1"},
      {"<nmaprun><host><address addr=\"198.19.0.300\" addrtype=\"ipv4\"/></host></nmaprun>",
       "x.xml:1: addr=\"198.19.0.300\" of <address addrtype=\"ipv4\"> is not an IPv4 address"},
      {"<nmaprun><host><address addr=\"2001:db8:1::5\" addrtype=\"ipv6\"/>\n<trace><hop ttl=\"1\" "
       "ipaddr=\"2001:db8:::1\"/></trace></host></nmaprun>",
       "x.xml:2: ipaddr=\"2001:db8:::1\" of <hop> is not an IPv4 or IPv6 address"},
  };
  for (const Bad& bad : cases) {
    const std::string message = refusal(bad.xml);
    EXPECT_THAT(message, StartsWith(bad.message)) << bad.xml;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(SavedXml, EmptyElementsCloseThemselves) {
  // <host/> ends the host: the <port> after it belongs to no host, and the
  // hosts counted are those with an IPv4 or IPv6 address.
  const SavedScan s = parse_saved_xml(R"(<nmaprun><host><address addr="198.19.0.1" addrtype="ipv4"/></host><host/>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/></port></nmaprun>)",
                                      "x.xml");
  EXPECT_TRUE(s.results.empty());
  EXPECT_EQ(s.num_targets, 1u);
}

}  // namespace
}  // namespace portsweep::test
