// -sV's findings in every output format: the VERSION column and "Service
// Info" of normal output, <service> in XML (valid against nmap.dtd), the
// version field of grepable output, and a JSON record per service.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "detect/service_stage.hpp"
#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"

namespace portsweep::test {
namespace {

constexpr int64_t kStartUs = 1795287600LL * 1000000;  // 2026-11-21 19:00:00 UTC
const IpAddress kHost = IpAddress::v4(0xc6130001);  // 198.19.0.1

ServiceReport ssh_report() {
  ServiceReport s;
  s.name = "ssh";
  s.product = "OpenSSH";
  s.version = "9.2p1 Debian 2+deb12u10";
  s.extrainfo = "protocol 2.0";
  s.ostype = "Linux";
  s.cpe = {"cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel"};
  s.method = ServiceMethod::Probed;
  s.conf = kConfProbed;
  return s;
}

ServiceReport ftp_report() {
  ServiceReport s;
  s.name = "ftp";
  s.product = "vsftpd";
  s.version = "2.0.8 or later";
  s.hostname = "portsweep";
  s.cpe = {"cpe:/a:vsftpd:vsftpd"};
  s.method = ServiceMethod::Probed;
  s.conf = kConfProbed;
  return s;
}

ServiceReport https_report() {
  ServiceReport s;
  s.name = "http";
  s.product = "nginx";
  s.version = "1.22.1";
  s.ssl_tunnel = true;
  s.cpe = {"cpe:/a:igor_sysoev:nginx:1.22.1"};
  s.method = ServiceMethod::Probed;
  s.conf = kConfProbed;
  return s;
}

class ServiceOutputTest : public ::testing::Test {
 protected:
  ServiceOutputTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("portsweep-sv-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~ServiceOutputTest() override { std::filesystem::remove_all(dir_); }

  // A SYN scan of 21,22,443,8080,9000 on one host with -sV: 21, 22 and 443
  // identified, 9000 open but unidentified, 8080 closed.
  std::string write(std::string_view format, bool with_services = true) {
    const std::string path = (dir_ / "out").string();
    ScanInfo info;
    info.args = "portsweep -sS -sV -p 21,22,443,8080,9000 198.19.0.1";
    info.start_time_us = kStartUs;
    info.scans.push_back({"syn", Proto::Tcp, "21-22,443,8080,9000", 5, {}});
    info.num_targets = 1;
    info.version_scan = with_services;
    info.service_name = [](uint16_t port, Proto) -> std::string_view {
      switch (port) {
        case 21: return "ftp";
        case 22: return "ssh";
        case 443: return "https";
        case 8080: return "http-proxy";
        case 9000: return "cslistener";
      }
      return {};
    };
    HostTable table(ReportPolicy::for_scan(info));
    {
      auto w = make_writer(format, path);
      w->begin(info);
      for (uint16_t port : {21, 22, 443, 9000}) {
        PortResult r{kHost, port, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs + 1000, 0, {}};
        table.add(r);
        w->on_result(r);
      }
      PortResult closed{kHost, 8080, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStartUs + 2000, 0, {}};
      table.add(closed);
      w->on_result(closed);
      if (with_services) {
        ServiceOutcome unknown;
        unknown.target = {kHost, 9000, Proto::Tcp};
        unknown.verdict = ServiceVerdict::NoMatch;
        for (auto [port, report] : {std::pair{21, ftp_report()}, {22, ssh_report()}, {443, https_report()},
                                    {9000, service_report(unknown, "cslistener")}}) {
          ServiceResult s{kHost, static_cast<uint16_t>(port), Proto::Tcp, kStartUs + 5000000, report};
          table.set_service(s);
          w->on_service(s);
        }
      }
      ScanSummary summary;
      summary.end_time_us = kStartUs + 6000000;
      w->end(table, summary);
    }
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::filesystem::path dir_;
};

TEST_F(ServiceOutputTest, NormalHasTheVersionColumnAndServiceInfo) {
  const std::string text = write("normal");
  EXPECT_NE(text.find("PORT     STATE  SERVICE     VERSION\n"
                      "21/tcp   open   ftp         vsftpd 2.0.8 or later\n"
                      "22/tcp   open   ssh         OpenSSH 9.2p1 Debian 2+deb12u10 (protocol 2.0)\n"
                      "443/tcp  open   ssl/http    nginx 1.22.1\n"
                      "8080/tcp closed http-proxy\n"
                      "9000/tcp open   cslistener?\n"
                      "Service Info: Host: portsweep; OS: Linux; CPE: cpe:/o:linux:linux_kernel\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Service detection performed.\n"), std::string::npos) << text;
}

TEST_F(ServiceOutputTest, NormalWithoutVersionScanIsUnchanged) {
  const std::string text = write("normal", false);
  EXPECT_NE(text.find("PORT     STATE  SERVICE\n21/tcp   open   ftp\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("VERSION"), std::string::npos) << text;
  EXPECT_EQ(text.find("Service detection"), std::string::npos) << text;
}

TEST_F(ServiceOutputTest, XmlServiceElements) {
  const std::string text = write("xml");
  EXPECT_NE(text.find("<service name=\"ssh\" product=\"OpenSSH\" version=\"9.2p1 Debian 2+deb12u10\" "
                      "extrainfo=\"protocol 2.0\" ostype=\"Linux\" method=\"probed\" conf=\"10\">"
                      "<cpe>cpe:/a:openbsd:openssh:9.2p1</cpe><cpe>cpe:/o:linux:linux_kernel</cpe></service>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("<service name=\"http\" product=\"nginx\" version=\"1.22.1\" tunnel=\"ssl\" "
                      "method=\"probed\" conf=\"10\"><cpe>cpe:/a:igor_sysoev:nginx:1.22.1</cpe></service>"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("<service name=\"cslistener\" method=\"table\" conf=\"3\"/>"), std::string::npos) << text;
  EXPECT_NE(text.find("<service name=\"http-proxy\" method=\"table\" conf=\"3\"/>"), std::string::npos) << text;
}

TEST_F(ServiceOutputTest, XmlIsValidAgainstNmapDtd) {
  constexpr const char* kDtd = "/usr/share/nmap/nmap.dtd";
  if (!std::filesystem::exists(kDtd)) GTEST_SKIP() << kDtd << " is missing (install nmap)";
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint is missing";
  write("xml");
  const std::string cmd = std::string("xmllint --noout --dtdvalid ") + kDtd + " '" + (dir_ / "out").string() + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST_F(ServiceOutputTest, GrepableVersionField) {
  const std::string text = write("grepable");
  EXPECT_NE(text.find("Ports: 21/open/tcp//ftp//vsftpd 2.0.8 or later/, "
                      "22/open/tcp//ssh//OpenSSH 9.2p1 Debian 2+deb12u10 (protocol 2.0)/, "
                      "443/open/tcp//ssl|http//nginx 1.22.1/, 8080/closed/tcp//http-proxy///, "
                      "9000/open/tcp//cslistener///"),
            std::string::npos)
      << text;
}

TEST_F(ServiceOutputTest, JsonRecordPerService) {
  const std::string text = write("json");
  EXPECT_NE(text.find("{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"port\":443,\"state\":\"open\",\"service\":\"http\","
                      "\"product\":\"nginx\",\"version\":\"1.22.1\",\"tunnel\":\"ssl\",\"method\":\"probed\","
                      "\"conf\":10,\"cpe\":[\"cpe:/a:igor_sysoev:nginx:1.22.1\"],\"time\":\"2026-11-21T19:00:05.000000Z\"}\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\"port\":9000,\"state\":\"open\",\"service\":\"cslistener\",\"method\":\"table\",\"conf\":3,"),
            std::string::npos)
      << text;
}

TEST(ServiceReportText, VersionAndServiceColumns) {
  ServiceReport s = ssh_report();
  EXPECT_EQ(version_text(s), "OpenSSH 9.2p1 Debian 2+deb12u10 (protocol 2.0)");
  s.product.clear();
  s.version.clear();
  EXPECT_EQ(version_text(s), "(protocol 2.0)");
  EXPECT_EQ(service_column_text(https_report(), false), "ssl/http");
  ServiceReport nameless;
  EXPECT_EQ(service_column_text(nameless, true), "unknown");
}

TEST(ServiceReportText, ServiceInfoListsEachValueOnce) {
  std::vector<PortService> services = {{22, Proto::Tcp, ssh_report()}, {2222, Proto::Tcp, ssh_report()}};
  EXPECT_EQ(service_info_text(services), "OS: Linux; CPE: cpe:/o:linux:linux_kernel");
  services[1].service.ostype = "Unix";
  services[1].service.devicetype = "router";
  EXPECT_EQ(service_info_text(services), "OSs: Linux, Unix; Device: router; CPE: cpe:/o:linux:linux_kernel");
  EXPECT_EQ(service_info_text({}), "");
}

TEST(ServiceReportFromOutcome, EachVerdict) {
  ServiceOutcome o;
  o.verdict = ServiceVerdict::TcpWrapped;
  ServiceReport r = service_report(o, "ssh");
  EXPECT_EQ(r.name, "tcpwrapped");
  EXPECT_EQ(r.method, ServiceMethod::Probed);
  EXPECT_EQ(r.conf, kConfTcpWrapped);

  o.verdict = ServiceVerdict::Incomplete;
  r = service_report(o, "ssh");
  EXPECT_EQ(r.name, "ssh");
  EXPECT_EQ(r.method, ServiceMethod::Table);
  EXPECT_EQ(r.conf, kConfTable);

  o.verdict = ServiceVerdict::SoftMatched;
  o.match = ServiceMatch{};
  o.match->service = "ftp";
  o.match->soft = true;
  o.tls = true;
  r = service_report(o, "");
  EXPECT_EQ(r.name, "ftp");
  EXPECT_TRUE(r.ssl_tunnel);
  EXPECT_EQ(r.conf, kConfProbed);
}

}  // namespace
}  // namespace portsweep::test
