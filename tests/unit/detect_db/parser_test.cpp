// The nmap-service-probes reader: every directive, any delimiter, the probe
// string escapes, and errors that name the file, the line and what was expected.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "common/error.hpp"
#include "detect_db_fixtures.hpp"

namespace portsweep {
namespace {

using test::parse_text;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Parser, ProbeStringEscapes) {
  // The delimiter cannot be escaped (nmap's format has no way to), but other
  // punctuation may be.
  ServiceProbeDb db = parse_text(R"(Probe TCP Esc q|\0\x41\xfF\r\n\t\\\a\b\f\v\"\'/|)" "\n");
  const ServiceProbe& p = db.probes().at(0);
  EXPECT_EQ(p.payload, std::string("\0A\xff\r\n\t\\\a\b\f\v\"'/", 14));
}

TEST(Parser, AnyDelimiter) {
  ServiceProbeDb db = parse_text(
      "Probe UDP Pct q%a|b%\n"
      "match svc m=^a|b$= p|x/y| v%1%  i@z@ cpe:|a:v:p|a\n"
      "softmatch other m#^c#\n");
  const ServiceProbe& p = db.probes().at(0);
  EXPECT_EQ(p.proto, Proto::Udp);
  EXPECT_EQ(p.payload, "a|b");
  ASSERT_EQ(p.matches.size(), 2u);
  const VersionMatch& m = p.matches[0];
  EXPECT_EQ(m.pattern, "^a|b$");
  EXPECT_EQ(m.fields[static_cast<size_t>(VersionField::Product)], "x/y");
  EXPECT_EQ(m.fields[static_cast<size_t>(VersionField::Version)], "1");
  EXPECT_EQ(m.fields[static_cast<size_t>(VersionField::Info)], "z");
  ASSERT_EQ(m.cpes.size(), 1u);
  EXPECT_EQ(m.cpes[0].templ, "a:v:p");
  EXPECT_TRUE(m.cpes[0].a_flag);
  EXPECT_TRUE(p.matches[1].soft);
  EXPECT_EQ(p.matches[1].service, "other");
  EXPECT_EQ(db.stats().matches, 1u);
  EXPECT_EQ(db.stats().softmatches, 1u);
}

TEST(Parser, EveryDirective) {
  ServiceProbeDb db = parse_text(
      "# comment\n"
      "\n"
      "Exclude 53,T:9100-9102,U:30000-30001\r\n"
      "Probe TCP NULL q||\n"
      "totalwaitms 6000\n"
      "tcpwrappedms 3000\n"
      "  # an indented comment\n"
      "Probe TCP Get q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
      "rarity 1\n"
      "ports 80,8080-8085,1\n"
      "sslports 443\n"
      "fallback Later,NULL\n"
      "Probe UDP Later q|\\x01| no-payload\n"
      "rarity 9\n");
  ASSERT_EQ(db.probes().size(), 3u);
  const ServiceProbe& null = db.probes()[0];
  EXPECT_EQ(null.total_wait, std::chrono::milliseconds(6000));
  EXPECT_EQ(null.tcpwrapped, std::chrono::milliseconds(3000));
  EXPECT_EQ(null.rarity, 5);  // unset: nmap's default
  const ServiceProbe& get = db.probes()[1];
  EXPECT_EQ(get.rarity, 1);
  EXPECT_EQ(get.total_wait, std::chrono::milliseconds(5000));
  EXPECT_EQ(get.tcpwrapped, std::chrono::milliseconds(2000));
  EXPECT_TRUE(get.ports.contains(1));
  EXPECT_TRUE(get.ports.contains(80));
  EXPECT_TRUE(get.ports.contains(8082));
  EXPECT_FALSE(get.ports.contains(8086));
  EXPECT_FALSE(get.ports.contains(443));
  EXPECT_TRUE(get.sslports.contains(443));
  EXPECT_TRUE(get.lists_port(443, true));
  EXPECT_FALSE(get.lists_port(443, false));
  // Forward references resolve; the UDP probe is found for a TCP probe when
  // no TCP probe has the name.
  ASSERT_EQ(get.fallbacks.size(), 2u);
  EXPECT_EQ(get.fallbacks[0], &db.probes()[2]);
  EXPECT_EQ(get.fallbacks[1], &null);
  const ServiceProbe& later = db.probes()[2];
  EXPECT_TRUE(later.no_payload);
  EXPECT_EQ(later.payload, "\x01");
  EXPECT_EQ(later.rarity, 9);
  EXPECT_TRUE(db.excluded(53, Proto::Tcp));
  EXPECT_TRUE(db.excluded(53, Proto::Udp));
  EXPECT_TRUE(db.excluded(9101, Proto::Tcp));
  EXPECT_FALSE(db.excluded(9101, Proto::Udp));
  EXPECT_TRUE(db.excluded(30001, Proto::Udp));
  EXPECT_FALSE(db.excluded(30001, Proto::Tcp));
}

TEST(Parser, FallbackPrefersTheSameProtocol) {
  ServiceProbeDb db = parse_text(
      "Probe UDP Twin q|u|\n"
      "Probe TCP Twin q|t|\n"
      "Probe TCP Asker q|a|\n"
      "fallback Twin\n"
      "Probe UDP UdpAsker q|b|\n"
      "fallback Twin\n");
  EXPECT_EQ(db.find("Asker", Proto::Tcp)->fallbacks.at(0), db.find("Twin", Proto::Tcp));
  EXPECT_EQ(db.find("UdpAsker", Proto::Udp)->fallbacks.at(0), db.find("Twin", Proto::Udp));
}

TEST(Parser, PatternFlags) {
  ServiceProbeDb db = parse_text(
      "Probe TCP NULL q||\n"
      "match a m|^hello.world$|i\n"
      "match b m|^line1.line2$|s\n"
      "match c m|^x.y$|si\n");
  const ServiceProbe& p = *db.null_probe();
  EXPECT_TRUE(p.matches[0].caseless);
  EXPECT_FALSE(p.matches[0].dotall);
  EXPECT_TRUE(p.matches[1].dotall);
  EXPECT_TRUE(p.matches[2].caseless && p.matches[2].dotall);
  EXPECT_EQ(db.match(p, "HELLO WORLD")->service, "a");
  EXPECT_EQ(db.match(p, "line1\nline2")->service, "b");
  EXPECT_FALSE(db.match(p, "LINE1\nline2"));  // b is case-sensitive; c needs x.y
  EXPECT_EQ(db.match(p, "X\nY")->service, "c");
}

// A pattern PCRE2 rejects refuses the whole file at its line, as nmap does:
// loading the rest would leave that service silently unidentifiable.
TEST(Parser, RejectedPatternRefusesTheFile) {
  try {
    parse_text(
        "Probe TCP NULL q||\n"
        "match fine m|^ok|\n"
        "match broken m|^(unclosed|\n"
        "match fine2 m|^ok2|\n",
        "nmap-service-probes");
    FAIL() << "a file with a pattern PCRE2 rejects was loaded";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "nmap-service-probes:3: match broken: regular expression \"^(unclosed\" does not compile: missing "
              "closing parenthesis at offset 10; expected an expression PCRE2 accepts");
  }
}

TEST(Parser, JitCanBeTurnedOff) {
  std::istringstream in("Probe TCP NULL q||\nmatch a m|^a(b)| v/$1/\n");
  ServiceProbeDb db = ServiceProbeDb::parse(in, "nojit", ServiceProbeLoadOptions{.jit = false});
  EXPECT_EQ(db.stats().jitted, 0u);
  EXPECT_FALSE(db.null_probe()->matches[0].regex().jitted());
  EXPECT_EQ(db.match(*db.null_probe(), "ab")->version, "b");
}

struct BadInput {
  const char* text;
  size_t line;          // 0: the error names the file only
  const char* message;  // a fragment of what follows "FILE:LINE: "
};

class ParserErrors : public ::testing::TestWithParam<BadInput> {};

TEST_P(ParserErrors, NameFileLineAndExpectation) {
  const BadInput& bad = GetParam();
  try {
    parse_text(bad.text, "bad.probes");
    FAIL() << "parsed without error: " << bad.text;
  } catch (const UsageError& e) {
    std::string where = bad.line ? "bad.probes:" + std::to_string(bad.line) + ": " : "bad.probes: ";
    EXPECT_THAT(e.what(), StartsWith(where));
    EXPECT_THAT(e.what(), HasSubstr(bad.message));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, ParserErrors,
    ::testing::Values(
        BadInput{"Probe TCP NULL q||\nmatchh x m/a/\n", 2, "unknown directive \"matchh\"; expected Exclude, Probe"},
        BadInput{"# header\nmatch x m/a/\n", 2, "match before any Probe directive"},
        BadInput{"Probe SCTP X q||\n", 1, "Probe protocol \"SCTP\"; expected TCP or UDP"},
        BadInput{"Probe TCP\n", 1, "Probe has no name"},
        BadInput{"Probe TCP X |abc|\n", 1, "expected q|STRING|"},
        BadInput{"Probe TCP X q|abc\n", 1, "the probe string has no closing '|'"},
        BadInput{"Probe TCP X q|\\xZZ|\n", 1, "expected two hex digits after \\x"},
        BadInput{"Probe TCP X q|\\q|\n", 1, "unknown escape \\q"},
        BadInput{"Probe TCP X q|a| payload\n", 1, "expected nothing or no-payload"},
        BadInput{"Probe TCP X q||\nProbe TCP X q|a|\n", 2, "second TCP probe named X"},
        BadInput{"Probe TCP X q||\nmatch\n", 2, "match has no service"},
        BadInput{"Probe TCP X q||\nmatch ftp /220/\n", 2, "expected m/REGEX/"},
        BadInput{"Probe TCP X q||\n\nmatch ftp m/220\n", 3, "the pattern has no closing '/'"},
        BadInput{"Probe TCP X q||\nmatch ftp m/220/x\n", 2, "unknown pattern flag 'x'; expected i or s"},
        BadInput{"Probe TCP X q||\nmatch ftp m/220/ z/foo/\n", 2, "expected p/ v/ i/ h/ o/ d/ or cpe:/"},
        BadInput{"Probe TCP X q||\nmatch ftp m/220/ p/foo\n", 2, "p/ field has no closing '/'"},
        BadInput{"Probe TCP X q||\nmatch ftp m/2[20/\n", 2, "match ftp: regular expression \"2[20\" does not compile: "
                 "missing terminating ] for character class at offset 4"},
        BadInput{"Probe TCP X q||\nmatch a m/a/\nsoftmatch ftp m/(?<=a+)b/\n", 3, "softmatch ftp: regular expression"},
        BadInput{"Probe TCP X q||\nmatch ftp m/a{2,1}/\n", 2, "numbers out of order in {} quantifier"},
        BadInput{"Probe TCP X q||\nmatch ftp m/\\/\n", 2, "\\ at end of pattern"},
        // The first bad line is named, even when a later one is bad too.
        BadInput{"Probe TCP X q||\nmatch ftp m/(/\nmatchh x\n", 2, "does not compile"},
        BadInput{"Probe TCP X q||\nmatch ftp m/220/ p/a/ p/b/\n", 2, "p/ field given twice"},
        BadInput{"Probe TCP X q||\nmatch ftp m/220/ p/a/b\n", 2, "expected a space before the next field"},
        BadInput{"Probe TCP X q||\nmatch ftp m/(2)20/ v/$P(1/\n", 2, "expected ')'"},
        BadInput{"Probe TCP X q||\nmatch ftp m/220/ cpe:/x:y/\n", 2, "expected cpe:/a:…/"},
        BadInput{"Probe TCP X q||\nmatch ftp m/220/ cpe:/a:y/q\n", 2, "unknown cpe flag 'q'"},
        BadInput{"Probe TCP X q||\nrarity 0\n", 2, "invalid rarity \"0\"; expected a number 1-9"},
        BadInput{"Probe TCP X q||\nrarity ten\n", 2, "invalid rarity"},
        BadInput{"Probe TCP X q||\nports 80-70\n", 2, "runs backwards"},
        BadInput{"Probe TCP X q||\nports 70000\n", 2, "expected a number 0-65535"},
        BadInput{"Probe TCP X q||\nports 80,,81\n", 2, "empty entry in ports"},
        BadInput{"Probe TCP X q||\nsslports 443\nsslports 8443\n", 3, "sslports given twice"},
        BadInput{"Probe TCP X q||\ntotalwaitms soon\n", 2, "expected a whole number of milliseconds"},
        BadInput{"Probe TCP X q||\nfallback\n", 2, "invalid fallback list"},
        BadInput{"Probe TCP X q||\nfallback Y\nProbe TCP Z q||\n", 2, "fallback names unknown probe \"Y\""},
        BadInput{"Exclude T:80\nExclude U:53\nProbe TCP X q||\n", 2, "Exclude given twice"},
        BadInput{"Exclude Q:80\nProbe TCP X q||\n", 1, "expected T:, U: or S:"},
        BadInput{"", 0, "no Probe directive"},
        BadInput{"# only comments\n", 0, "no Probe directive"}));

}  // namespace
}  // namespace portsweep
