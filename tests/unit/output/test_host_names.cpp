// Host names in every format, as nmap 7.93 prints them (checked in the lab):
// the target's name heads the normal report, with its other addresses and a
// differing PTR under "Host is up"; XML lists the user name then the PTR;
// grepable output shows only the PTR.
#include <gtest/gtest.h>

#include "output/format_registry.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

// 198.19.0.3: typed as web.example.test (which also has 198.19.0.9), PTR
// beta.example.test; 198.19.0.5: PTR only; 198.19.0.200: no name.
ScanSummary named_summary() {
  ScanSummary summary = sample_summary();
  summary.names_of = [](const IpAddress& a) {
    HostNames n;
    if (a == ip(198, 19, 0, 3)) n = {.user = "web.example.test", .user_others = {ip(198, 19, 0, 9)}, .ptr = "beta.example.test"};
    if (a == ip(198, 19, 0, 5)) n.ptr = "five.example.test";
    return n;
  };
  return summary;
}

class HostNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
  std::string write(const char* format, ScanSummary summary) {
    const std::string path = dir.file(std::string("scan.") + format);
    {
      auto w = make_writer(format, path);
      run_scan(*w, sample_info(), sample_results(), summary);
    }
    return read_file(path);
  }
  TempDir dir;
};

TEST_F(HostNamesTest, NormalHeadsWithTheTypedNameThenOtherAddressesAndRdns) {
  const std::string text = write("normal", named_summary());
  EXPECT_NE(text.find("Nmap scan report for web.example.test (198.19.0.3)\nHost is up.\n"
                      "Other addresses for web.example.test (not scanned): 198.19.0.9\n"
                      "rDNS record for 198.19.0.3: beta.example.test\nNot shown:"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Nmap scan report for five.example.test (198.19.0.5)\nHost is up (0.00012s latency).\nNot shown:"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Nmap scan report for 198.19.0.200\n"), std::string::npos) << text;
}

TEST_F(HostNamesTest, NormalSaysNoRdnsLineWhenThePtrIsTheTypedName) {
  ScanSummary summary = sample_summary();
  summary.names_of = [](const IpAddress& a) {
    HostNames n;
    if (a == ip(198, 19, 0, 3)) n = {.user = "same.example.test", .user_others = {}, .ptr = "same.example.test"};
    return n;
  };
  const std::string text = write("normal", summary);
  EXPECT_NE(text.find("Nmap scan report for same.example.test (198.19.0.3)\nHost is up.\nNot shown:"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("rDNS record"), std::string::npos);
}

TEST_F(HostNamesTest, XmlListsUserThenPtr) {
  const std::string text = write("xml", named_summary());
  EXPECT_NE(text.find("<address addr=\"198.19.0.3\" addrtype=\"ipv4\"/>\n<hostnames>\n"
                      "<hostname name=\"web.example.test\" type=\"user\"/>\n"
                      "<hostname name=\"beta.example.test\" type=\"PTR\"/>\n</hostnames>\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("<address addr=\"198.19.0.5\" addrtype=\"ipv4\"/>\n<hostnames>\n"
                      "<hostname name=\"five.example.test\" type=\"PTR\"/>\n</hostnames>\n"),
            std::string::npos);
  EXPECT_NE(text.find("<address addr=\"198.19.0.200\" addrtype=\"ipv4\"/>\n<hostnames>\n</hostnames>\n"),
            std::string::npos);
}

TEST_F(HostNamesTest, GrepableShowsThePtrOnly) {
  const std::string text = write("grepable", named_summary());
  EXPECT_NE(text.find("Host: 198.19.0.3 (beta.example.test)\tStatus: Up\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Host: 198.19.0.3 (beta.example.test)\tPorts: "), std::string::npos) << text;
  EXPECT_NE(text.find("Host: 198.19.0.5 (five.example.test)\tStatus: Up\n"), std::string::npos);
  EXPECT_NE(text.find("Host: 198.19.0.200 ()\tStatus: Up\n"), std::string::npos);
}

TEST_F(HostNamesTest, JsonWritesOneHostnamesRecordPerNamedHostBeforeTheEnd) {
  const std::vector<std::string> lines = lines_of(write("json", named_summary()));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[lines.size() - 3],
            "{\"ip\":\"198.19.0.3\",\"hostnames\":[{\"name\":\"web.example.test\",\"type\":\"user\"},"
            "{\"name\":\"beta.example.test\",\"type\":\"PTR\"}]}");
  EXPECT_EQ(lines[lines.size() - 2],
            "{\"ip\":\"198.19.0.5\",\"hostnames\":[{\"name\":\"five.example.test\",\"type\":\"PTR\"}]}");
  EXPECT_EQ(lines.back().rfind("{\"scan\":\"end\"", 0), 0u);
}

TEST_F(HostNamesTest, NoNamesLeaveEveryFormatAsBefore) {
  EXPECT_EQ(write("normal", sample_summary()).find("Other addresses"), std::string::npos);
  EXPECT_EQ(write("json", sample_summary()).find("hostnames"), std::string::npos);
}

}  // namespace
}  // namespace portsweep::test
