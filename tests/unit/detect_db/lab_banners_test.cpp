// Responses recorded from the lab's real services and from daemons started on
// 127.0.0.1 (tests/unit/detect_db/collect_banners.py) give exactly the fields
// nmap 7.93 -sV printed for those same services (banners/nmap-sV.txt).
#include <gtest/gtest.h>

#include "detect_db_fixtures.hpp"

namespace portsweep {
namespace {

using test::banner;
using test::expect_fields;
using test::installed_db;
using test::replay;

const ServiceProbe& probe(const char* name, Proto proto = Proto::Tcp) {
  const ServiceProbe* p = installed_db().find(name, proto);
  if (p == nullptr) throw std::runtime_error(std::string("no probe ") + name);
  return *p;
}

TEST(LabBanners, VsftpdDefaultBannerOnTheNullProbe) {
  REQUIRE_INSTALLED_PROBES();
  auto m = installed_db().match(probe("NULL"), banner("local-vsftpd__TCP_NULL"));
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->soft);
  expect_fields(*m, "ftp", "vsftpd", "3.0.3", "", "", "Unix", {"cpe:/a:vsftpd:vsftpd:3.0.3"});
}

TEST(LabBanners, VsftpdWithLoginsDisabled) {
  REQUIRE_INSTALLED_PROBES();
  auto m = installed_db().match(probe("NULL"), banner("local-vsftpd-noaccess__TCP_NULL"));
  ASSERT_TRUE(m);
  expect_fields(*m, "ftp", "vsftpd", "", "broken: both local and anonymous access disabled!", "", "Unix",
                {"cpe:/a:vsftpd:vsftpd"});
}

// The lab's vsftpd greets with its own banner: the NULL probe only softmatches
// (naming the host), and Help's "530 Please login" answer is the hard match;
// nmap reports the two combined.
TEST(LabBanners, LabVsftpdNeedsTheHelpProbe) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& db = installed_db();
  auto soft = db.match(probe("NULL"), banner("lab-vsftpd__TCP_NULL"));
  ASSERT_TRUE(soft);
  EXPECT_TRUE(soft->soft);
  EXPECT_EQ(soft->service, "ftp");
  EXPECT_EQ(soft->hostname, "portsweep");

  auto verdict = replay(db, 21, Proto::Tcp, false,
                        {{"NULL", banner("lab-vsftpd__TCP_NULL")},
                         {"GenericLines", banner("lab-vsftpd__TCP_GenericLines")},
                         {"Help", banner("lab-vsftpd__TCP_Help")}});
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->probe, "Help");
  EXPECT_FALSE(verdict->match.soft);
  expect_fields(verdict->match, "ftp", "vsftpd", "2.0.8 or later", "", "portsweep", "", {"cpe:/a:vsftpd:vsftpd"});
}

TEST(LabBanners, OpenSshDebian) {
  REQUIRE_INSTALLED_PROBES();
  auto m = installed_db().match(probe("NULL"), banner("lab-openssh__TCP_NULL"));
  ASSERT_TRUE(m);
  expect_fields(*m, "ssh", "OpenSSH", "9.2p1 Debian 2+deb12u10", "protocol 2.0", "", "Linux",
                {"cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel"});
}

TEST(LabBanners, NginxOnPort80) {
  REQUIRE_INSTALLED_PROBES();
  auto verdict = replay(installed_db(), 80, Proto::Tcp, false,
                        {{"GetRequest", banner("lab-nginx__TCP_GetRequest")},
                         {"HTTPOptions", banner("lab-nginx__TCP_HTTPOptions")}});
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->probe, "GetRequest");
  expect_fields(verdict->match, "http", "nginx", "1.22.1", "", "", "", {"cpe:/a:igor_sysoev:nginx:1.22.1"});
  // HTTPOptions' own lines do not know nginx's 405; its fallback GetRequest's do.
  auto options = installed_db().match(probe("HTTPOptions"), banner("lab-nginx__TCP_HTTPOptions"));
  ASSERT_TRUE(options);
  EXPECT_EQ(options->product, "nginx");
  EXPECT_EQ(options->version, "1.22.1");
}

// Port 443 in clear: the SSL probe's alert says "ssl"; inside TLS the HTTP
// probes see nginx (nmap prints ssl/http nginx 1.22.1).
TEST(LabBanners, NginxBehindTls) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& db = installed_db();
  auto clear = replay(db, 443, Proto::Tcp, false, {{"SSLSessionReq", banner("lab-nginx__TCP_SSLSessionReq")}});
  ASSERT_TRUE(clear);
  EXPECT_EQ(clear->match.service, "ssl");
  EXPECT_EQ(clear->probe, "SSLSessionReq");

  auto inside = replay(db, 443, Proto::Tcp, true,
                       {{"GetRequest", banner("lab-nginx__TLS_GetRequest")},
                        {"HTTPOptions", banner("lab-nginx__TLS_HTTPOptions")}});
  ASSERT_TRUE(inside);
  EXPECT_EQ(inside->probe, "GetRequest");
  expect_fields(inside->match, "http", "nginx", "1.22.1", "", "", "", {"cpe:/a:igor_sysoev:nginx:1.22.1"});
}

TEST(LabBanners, RedisInfo) {
  REQUIRE_INSTALLED_PROBES();
  auto verdict = replay(installed_db(), 6379, Proto::Tcp, false,
                        {{"redis-server", banner("lab-redis__TCP_redis-server")},
                         {"GetRequest", banner("lab-redis__TCP_GetRequest")}});
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->probe, "redis-server");
  expect_fields(verdict->match, "redis", "Redis key-value store", "7.0.15", "", "", "",
                {"cpe:/a:redislabs:redis:7.0.15"});
  // Redis' complaint about the HTTP request line is recognised too.
  auto get = installed_db().match(probe("GetRequest"), banner("lab-redis__TCP_GetRequest"));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->service, "redis");
}

TEST(LabBanners, DnsmasqOverUdpAndTcp) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& db = installed_db();
  auto udp = replay(db, 53, Proto::Udp, false,
                    {{"DNSVersionBindReq", banner("lab-dnsmasq__UDP_DNSVersionBindReq")},
                     {"DNSStatusRequest", banner("lab-dnsmasq__UDP_DNSStatusRequest")}});
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->probe, "DNSVersionBindReq");
  expect_fields(udp->match, "domain", "dnsmasq", "2.90", "", "", "", {"cpe:/a:thekelleys:dnsmasq:2.90"});

  auto tcp = replay(db, 53, Proto::Tcp, false,
                    {{"DNSVersionBindReqTCP", banner("lab-dnsmasq__TCP_DNSVersionBindReqTCP")},
                     {"DNSStatusRequestTCP", banner("lab-dnsmasq__TCP_DNSStatusRequestTCP")}});
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->probe, "DNSVersionBindReqTCP");
  expect_fields(tcp->match, "domain", "dnsmasq", "2.90", "", "", "", {"cpe:/a:thekelleys:dnsmasq:2.90"});
}

TEST(LabBanners, PythonHttpServer) {
  REQUIRE_INSTALLED_PROBES();
  auto m = installed_db().match(probe("GetRequest"), banner("local-pyhttp__TCP_GetRequest"));
  ASSERT_TRUE(m);
  expect_fields(*m, "http", "SimpleHTTPServer", "0.6", "Python 3.11.2", "", "",
                {"cpe:/a:python:simplehttpserver:0.6"});
}

TEST(LabBanners, SilenceMatchesNothing) {
  REQUIRE_INSTALLED_PROBES();
  EXPECT_FALSE(installed_db().match(probe("NULL"), ""));
  EXPECT_FALSE(installed_db().match(probe("GetRequest"), std::string(4096, '\0')));
}

}  // namespace
}  // namespace portsweep
