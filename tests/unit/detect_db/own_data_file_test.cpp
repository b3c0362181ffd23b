// data/portsweep-service-probes, the file used when nmap's is not installed,
// parses cleanly and identifies the lab's services from their real responses.
#include <gtest/gtest.h>

#include "detect_db_fixtures.hpp"
#include "portsweep_config.h"

namespace portsweep {
namespace {

using test::banner;
using test::expect_fields;
using test::replay;

const ServiceProbeDb& own_db() {
  static const ServiceProbeDb db =
      ServiceProbeDb::load_file(std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-service-probes");
  return db;
}

TEST(OwnDataFile, ParsesWithEveryPatternCompiled) {
  const ServiceProbeDb& db = own_db();
  EXPECT_EQ(db.stats().jitted, db.stats().matches + db.stats().softmatches);
  EXPECT_EQ(db.probes().front().name, "NULL");
  EXPECT_NE(db.null_probe(), nullptr);
  EXPECT_GE(db.probes().size(), 6u);
  EXPECT_TRUE(db.excluded(9100, Proto::Tcp));
  const ServiceProbe* tls = db.find("TLSClientHello", Proto::Tcp);
  ASSERT_NE(tls, nullptr);
  EXPECT_EQ(tls->payload.size(), 70u);  // a 5-byte record header + 65 bytes of handshake
  EXPECT_EQ(tls->fallbacks.at(0), db.find("GetRequest", Proto::Tcp));
  EXPECT_EQ(db.find("DNSVersionBindTCP", Proto::Tcp)->fallbacks.at(0), db.find("DNSVersionBind", Proto::Udp));
}

TEST(OwnDataFile, IsTheLastResortOfTheSearchPath) {
  auto paths = ServiceProbeDb::search_path();
  EXPECT_EQ(paths.back(), std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-service-probes");
  // --datadir with only portsweep's file in it finds that file.
  ServiceProbeDb db = ServiceProbeDb::load(PORTSWEEP_SOURCE_DATADIR);
  EXPECT_EQ(db.source(), std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-service-probes");
}

// The NULL and GET responses were recorded with the same bytes this file sends.
TEST(OwnDataFile, IdentifiesBanners) {
  const ServiceProbeDb& db = own_db();
  const ServiceProbe& null = *db.null_probe();
  const ServiceProbe& get = *db.find("GetRequest", Proto::Tcp);
  auto ftp = db.match(null, banner("local-vsftpd__TCP_NULL"));
  ASSERT_TRUE(ftp);
  expect_fields(*ftp, "ftp", "vsftpd", "3.0.3", "", "", "Unix", {"cpe:/a:vsftpd:vsftpd:3.0.3"});
  auto ssh = db.match(null, banner("lab-openssh__TCP_NULL"));
  ASSERT_TRUE(ssh);
  expect_fields(*ssh, "ssh", "OpenSSH", "9.2p1 Debian 2+deb12u10", "protocol 2.0", "", "Linux",
                {"cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel"});
  auto nginx = db.match(get, banner("lab-nginx__TCP_GetRequest"));
  ASSERT_TRUE(nginx);
  expect_fields(*nginx, "http", "nginx", "1.22.1", "", "", "", {"cpe:/a:igor_sysoev:nginx:1.22.1"});
  auto py = db.match(get, banner("local-pyhttp__TCP_GetRequest"));
  ASSERT_TRUE(py);
  expect_fields(*py, "http", "SimpleHTTPServer", "0.6", "Python 3.11.2", "", "",
                {"cpe:/a:python:simplehttpserver:0.6"});
  auto redis = db.match(get, banner("lab-redis__TCP_GetRequest"));
  ASSERT_TRUE(redis);
  EXPECT_EQ(redis->service, "redis");
}

TEST(OwnDataFile, LabVsftpdThroughHelp) {
  auto verdict = replay(own_db(), 21, Proto::Tcp, false,
                        {{"NULL", banner("lab-vsftpd__TCP_NULL")}, {"Help", banner("lab-vsftpd__TCP_Help")}});
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->probe, "Help");
  EXPECT_FALSE(verdict->match.soft);
  EXPECT_EQ(verdict->match.product, "vsftpd");
}

TEST(OwnDataFile, LabServicesWithItsOwnProbes) {
  const ServiceProbeDb& db = own_db();
  auto dns = replay(db, 53, Proto::Udp, false, {{"DNSVersionBind", banner("lab-dnsmasq__UDP_DNSVersionBind")}});
  ASSERT_TRUE(dns);
  expect_fields(dns->match, "domain", "dnsmasq", "2.90", "", "", "", {"cpe:/a:thekelleys:dnsmasq:2.90"});
  auto dns_tcp =
      replay(db, 53, Proto::Tcp, false, {{"DNSVersionBindTCP", banner("lab-dnsmasq__TCP_DNSVersionBindTCP")}});
  ASSERT_TRUE(dns_tcp);
  EXPECT_EQ(dns_tcp->match.version, "2.90");
  auto redis = replay(db, 6379, Proto::Tcp, false, {{"RedisInfo", banner("lab-redis__TCP_RedisInfo")}});
  ASSERT_TRUE(redis);
  expect_fields(redis->match, "redis", "Redis key-value store", "7.0.15", "", "", "",
                {"cpe:/a:redislabs:redis:7.0.15"});
  auto tls = replay(db, 443, Proto::Tcp, false, {{"TLSClientHello", banner("lab-nginx__TCP_TLSClientHello")}});
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->match.service, "ssl");
  auto inside = replay(db, 443, Proto::Tcp, true, {{"GetRequest", banner("lab-nginx__TLS_GetRequest")}});
  ASSERT_TRUE(inside);
  EXPECT_EQ(inside->match.product, "nginx");
}

}  // namespace
}  // namespace portsweep
