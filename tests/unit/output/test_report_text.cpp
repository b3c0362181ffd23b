#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "output/report_text.hpp"
#include "output/time_text.hpp"
#include "output/xml_escape.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

TEST(ReportText, LatencyHasTwoSignificantDigits) {
  EXPECT_EQ(latency_text(5), "0.0000050s");
  EXPECT_EQ(latency_text(44), "0.000044s");
  EXPECT_EQ(latency_text(340), "0.00034s");
  EXPECT_EQ(latency_text(120000), "0.12s");
  EXPECT_EQ(latency_text(1500000), "1.5s");
}

TEST(ReportText, ByteCountsUsePowersOfAThousand) {
  EXPECT_EQ(byte_count_text(132), "132B");
  EXPECT_EQ(byte_count_text(44000), "44.000KB");
  EXPECT_EQ(byte_count_text(26660480), "26.660MB");
}

TEST(ReportText, HostsScannedPluralisation) {
  EXPECT_EQ(hosts_scanned_text(1, 1), "1 IP address (1 host up)");
  EXPECT_EQ(hosts_scanned_text(65536, 0), "65536 IP addresses (0 hosts up)");
}

TEST(ReportText, ReasonTtlOnlyWhenThereWasAReply) {
  EXPECT_EQ(reason_text(Reason::SynAck, 64), "syn-ack ttl 64");
  EXPECT_EQ(reason_text(Reason::NoResponse, 0), "no-response");
}

TEST(ReportText, Addresses) {
  EXPECT_EQ(ipv4_text(ip4(198, 19, 0, 5)), "198.19.0.5");
  EXPECT_EQ(ipv4_text(0xffffffffu), "255.255.255.255");
  EXPECT_EQ(address_text(ip(198, 19, 0, 5)), "198.19.0.5");
  EXPECT_EQ(address_text(ip(0, 0, 0, 0)), "0.0.0.0");
  EXPECT_EQ(address_text(ip6("2001:db8:1:0:0:0:0:5")), "2001:db8:1::5");
  EXPECT_EQ(address_text(ip6("2001:0db8::00ff")), "2001:db8::ff");
  EXPECT_EQ(addrtype_text(ip(198, 19, 0, 5)), "ipv4");
  EXPECT_EQ(addrtype_text(ip6("2001:db8::1")), "ipv6");
  EXPECT_EQ(addrtype_text(ip6("::1")), "ipv6");
}

TEST(TimeText, Forms) {
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(ctime_text(kStartUs), "Sat Nov 21 19:00:00 2026");
  EXPECT_EQ(short_time_text(kStartUs), "2026-11-21 19:00 UTC");
  EXPECT_EQ(iso_utc_text(kStartUs + 123456), "2026-11-21T19:00:00.123456Z");
  EXPECT_EQ(epoch_seconds(kStartUs + 999999), 1795287600);
}

TEST(XmlEscape, MarkupDashesControlsAndBadUtf8) {
  EXPECT_EQ(xml_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(xml_escape("--max-retries"), "-&#45;max-retries");
  EXPECT_EQ(xml_escape("a\x01" "b\tc"), "a?b&#9;c");
  EXPECT_EQ(xml_escape("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(xml_escape("bad\xff\xc3"), "bad??");
}

}  // namespace
}  // namespace portsweep::test
