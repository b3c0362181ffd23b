#include "ports/services_db.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "common/error.hpp"
#include "ports/port_set.hpp"
#include "portsweep_config.h"
#include "services_fixture.hpp"

namespace portsweep {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using Ports = std::vector<uint16_t>;
using testing::TempServicesFile;

ServicesDb parse(const std::string& text) {
  std::istringstream in(text);
  return ServicesDb::parse(in, "inline");
}

TEST(ServicesDb, ParsesEntriesAndSkipsComments) {
  TempServicesFile file;
  ServicesDb db = file.load();
  EXPECT_EQ(db.source(), file.path());
  EXPECT_EQ(db.skipped_lines(), 0u);
  EXPECT_EQ(db.entries().size(), 18u);
  EXPECT_EQ(db.name_of(22, Proto::Tcp), "ssh");
  EXPECT_EQ(db.name_of(53, Proto::Udp), "domain");
  EXPECT_EQ(db.name_of(6001, Proto::Tcp), "X11:1");
  EXPECT_EQ(db.name_of(111, Proto::Tcp), std::nullopt);
  EXPECT_EQ(db.name_of(9, Proto::Tcp), std::nullopt);
  EXPECT_EQ(db.name_of(80, Proto::Ip), std::nullopt);
}

TEST(ServicesDb, SkipsMalformedLinesAndKeepsTheFirstDuplicate) {
  ServicesDb db = parse(
      "good\t1/tcp\t0.5\n"
      "\n"
      "   # indented comment\n"
      "noport\t/tcp\t0.1\n"
      "bigport\t70000/tcp\t0.1\n"
      "badproto\t5/ddp\t0.1\n"
      "noproto\t5\t0.1\n"
      "badfreq\t6/tcp\tabc\n"
      "negfreq\t6/tcp\t-0.1\n"
      "bigfreq\t6/tcp\t1.5\n"
      "short\t7/tcp\n"
      "commented\t8/tcp\t# 0.1\n"
      "dup\t1/tcp\t0.9\n"
      "spaces  9/udp   0.25   # spaces work too\r\n");
  EXPECT_EQ(db.skipped_lines(), 9u);
  ASSERT_EQ(db.entries().size(), 2u);
  EXPECT_EQ(db.name_of(1, Proto::Tcp), "good");
  EXPECT_DOUBLE_EQ(db.entries()[0].frequency, 0.5);
  EXPECT_EQ(db.name_of(9, Proto::Udp), "spaces");
}

TEST(ServicesDb, EntriesAreOrderedByProtocolThenPort) {
  ServicesDb db = parse("b\t9/udp\t0.1\na\t7/tcp\t0.1\nc\t3/tcp\t0.1\nd\t1/sctp\t0.1\n");
  ASSERT_EQ(db.entries().size(), 4u);
  EXPECT_EQ(db.entries()[0].port, 3);
  EXPECT_EQ(db.entries()[1].port, 7);
  EXPECT_EQ(db.entries()[2].proto, Proto::Udp);
  EXPECT_EQ(db.entries()[3].proto, Proto::Sctp);
}

TEST(ServicesDb, PortsNamedWithWildcards) {
  ServicesDb db = TempServicesFile().load();
  EXPECT_EQ(db.ports_named("ssh", Proto::Tcp), (Ports{22}));
  EXPECT_EQ(db.ports_named("SSH", Proto::Tcp), (Ports{22}));
  EXPECT_EQ(db.ports_named("http*", Proto::Tcp), (Ports{80, 443, 8080, 8443}));
  EXPECT_EQ(db.ports_named("http*", Proto::Udp), (Ports{80}));
  EXPECT_EQ(db.ports_named("http?", Proto::Tcp), (Ports{443}));
  EXPECT_EQ(db.ports_named("*-*", Proto::Tcp), (Ports{8080, 8443}));
  EXPECT_EQ(db.ports_named("x11:?", Proto::Tcp), (Ports{6001}));
  EXPECT_TRUE(db.ports_named("nope", Proto::Tcp).empty());
  EXPECT_EQ(db.ports_named("*", Proto::Sctp), (Ports{80, 3868}));
}

TEST(ServiceNameMatches, Globbing) {
  EXPECT_TRUE(service_name_matches("*", ""));
  EXPECT_TRUE(service_name_matches("a*b*c", "aXXbYYc"));
  EXPECT_TRUE(service_name_matches("a*c", "abcbc"));
  EXPECT_FALSE(service_name_matches("a*c", "abcb"));
  EXPECT_TRUE(service_name_matches("**x", "x"));
  EXPECT_FALSE(service_name_matches("?", ""));
  EXPECT_FALSE(service_name_matches("ssh", "sshd"));
  EXPECT_TRUE(service_name_matches("NetBios-*", "netbios-ssn"));
}

TEST(ServicesDb, TopPortsByFrequencyWithTiesToTheLowerPort) {
  ServicesDb db = TempServicesFile().load();
  EXPECT_EQ(db.top_ports(Proto::Tcp, 1), (Ports{80}));
  EXPECT_EQ(db.top_ports(Proto::Tcp, 4), (Ports{80, 443, 21, 22}));
  EXPECT_EQ(db.top_ports(Proto::Tcp, 5), (Ports{80, 443, 21, 22, 23}));
  EXPECT_EQ(db.top_ports(Proto::Udp, 3), (Ports{161, 53, 111}));
  EXPECT_EQ(db.top_ports(Proto::Sctp, 100), (Ports{3868, 80}));
  EXPECT_EQ(db.top_ports(Proto::Tcp, 1000).size(), 11u);
  EXPECT_TRUE(db.top_ports(Proto::Tcp, 0).empty());
  auto not_https = [](uint16_t port) { return port != 443; };
  EXPECT_EQ(db.top_ports(Proto::Tcp, 3, not_https), (Ports{80, 21, 22}));
}

TEST(ServicesDb, PortsWithRatioIncludeTheThreshold) {
  ServicesDb db = TempServicesFile().load();
  EXPECT_EQ(db.ports_with_ratio(Proto::Tcp, 0.2), (Ports{80, 443}));
  EXPECT_EQ(db.ports_with_ratio(Proto::Tcp, 0.182286), (Ports{80, 443, 21, 22, 23}));
  EXPECT_EQ(db.ports_with_ratio(Proto::Tcp, 0.0).size(), 11u);
  EXPECT_TRUE(db.ports_with_ratio(Proto::Tcp, 0.9).empty());
}

TEST(ServicesDb, UnreadableFileIsAnError) {
  EXPECT_THAT([] { ServicesDb::load_file("/nonexistent/nmap-services"); },
              ThrowsMessage<RuntimeFailure>(
                  "cannot read services file \"/nonexistent/nmap-services\": No such file or directory"));
  EXPECT_THAT([] { ServicesDb::load_file(::testing::TempDir()); },
              ThrowsMessage<RuntimeFailure>(HasSubstr("Is a directory")));
}

TEST(ServicesDb, SearchPathOrder) {
  std::vector<std::string> paths = ServicesDb::search_path("/opt/data");
  ASSERT_EQ(paths.size(), 6u);
  EXPECT_EQ(paths[0], "/opt/data/nmap-services");
  EXPECT_EQ(paths[1], "/opt/data/portsweep-services");
  EXPECT_EQ(paths[2], "/usr/share/nmap/nmap-services");
  EXPECT_EQ(paths[3], "/usr/local/share/nmap/nmap-services");
  EXPECT_EQ(paths[4], std::string(PORTSWEEP_DATADIR) + "/portsweep-services");
  EXPECT_EQ(paths[5], std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-services");
  EXPECT_EQ(ServicesDb::search_path().size(), 4u);
}

TEST(ServicesDb, DatadirComesFirst) {
  std::filesystem::path dir = testing::scratch_dir() / "portsweep-datadir-test";
  std::filesystem::create_directories(dir);
  {
    TempServicesFile file(testing::kSmallServices, "portsweep-datadir-test/nmap-services");
    ServicesDb db = ServicesDb::load(dir.string());
    EXPECT_EQ(db.source(), (dir / "nmap-services").string());
    EXPECT_EQ(db.entries().size(), 18u);
  }
  {
    TempServicesFile file("only\t1/tcp\t0.1\n", "portsweep-datadir-test/portsweep-services");
    EXPECT_EQ(ServicesDb::load(dir.string()).source(), (dir / "portsweep-services").string());
  }
  // An empty datadir falls through to the system-wide files.
  EXPECT_NE(ServicesDb::load(dir.string()).source().rfind(dir.string(), 0), 0u);
  std::filesystem::remove_all(dir);
  std::error_code ignored;
  std::filesystem::remove(testing::scratch_dir(), ignored);
}

TEST(ServicesDb, LoadFindsSomeFile) {
  ServicesDb db = ServicesDb::load();
  EXPECT_FALSE(db.source().empty());
  EXPECT_GE(db.top_ports(Proto::Tcp, 1000).size(), 1000u);
}

TEST(ServicesDb, InstalledNmapServices) {
  if (!testing::nmap_services_installed()) GTEST_SKIP() << "nmap's data files are not installed";
  ServicesDb db = ServicesDb::load_file(testing::kNmapServices);
  EXPECT_EQ(db.name_of(22, Proto::Tcp), "ssh");
  EXPECT_EQ(db.name_of(80, Proto::Tcp), "http");
  Ports top = db.top_ports(Proto::Tcp, 100);
  EXPECT_EQ(top.size(), 100u);
  EXPECT_EQ(top.front(), 80);
  EXPECT_THAT(top, Contains(22));
  EXPECT_THAT(top, Contains(443));
  EXPECT_EQ(db.top_ports(Proto::Udp, 1000).size(), 1000u);
}

// The project's fallback file must pick exactly the ports nmap's file picks,
// or scans would differ depending on whether nmap is installed.
TEST(ServicesDb, FallbackFileMatchesNmapTopPorts) {
  ServicesDb own = ServicesDb::load_file(std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-services");
  EXPECT_EQ(own.skipped_lines(), 0u);
  EXPECT_EQ(own.top_ports(Proto::Tcp, 5000).size(), 1000u);
  EXPECT_EQ(own.top_ports(Proto::Udp, 5000).size(), 1000u);
  EXPECT_EQ(own.name_of(22, Proto::Tcp), "ssh");
  if (!testing::nmap_services_installed()) GTEST_SKIP() << "nmap's data files are not installed";
  ServicesDb nmap = ServicesDb::load_file(testing::kNmapServices);
  for (Proto proto : {Proto::Tcp, Proto::Udp}) {
    for (size_t n : {10u, 100u, 1000u}) EXPECT_EQ(own.top_ports(proto, n), nmap.top_ports(proto, n));
  }
}

}  // namespace
}  // namespace portsweep
