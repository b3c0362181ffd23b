// Debian's nmap-service-probes loads completely: every directive counted,
// every expression compiled, every fallback resolved.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "common/error.hpp"
#include "detect_db_fixtures.hpp"

namespace portsweep {
namespace {

using test::installed_db;

// Directive counts by a plain line scan, independent of the parser.
struct LineCounts {
  size_t probes = 0, matches = 0, softmatches = 0, fallbacks = 0;
};

LineCounts count_lines() {
  LineCounts c;
  std::ifstream in(test::kInstalledProbes, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Probe ", 0) == 0) ++c.probes;
    if (line.rfind("match ", 0) == 0) ++c.matches;
    if (line.rfind("softmatch ", 0) == 0) ++c.softmatches;
    if (line.rfind("fallback ", 0) == 0) ++c.fallbacks;
  }
  return c;
}

TEST(InstalledFile, CountsEveryDirective) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& db = installed_db();
  const ServiceProbeStats& s = db.stats();
  LineCounts lines = count_lines();
  EXPECT_EQ(s.probes, lines.probes);
  EXPECT_EQ(db.probes().size(), lines.probes);
  EXPECT_EQ(s.matches, lines.matches);
  EXPECT_EQ(s.softmatches, lines.softmatches);
  size_t in_probes = 0;
  for (const ServiceProbe& p : db.probes()) in_probes += p.matches.size();
  EXPECT_EQ(in_probes, lines.matches + lines.softmatches);
  // Debian 12's nmap-common 7.93 has 148 probes, 11721 matches and 196
  // softmatches; the exact numbers above follow whatever is installed.
  EXPECT_GE(s.probes, 100u);
  EXPECT_GE(s.matches, 10000u);
  RecordProperty("probes", std::to_string(s.probes));
  RecordProperty("matches", std::to_string(s.matches));
  RecordProperty("softmatches", std::to_string(s.softmatches));
  RecordProperty("parse_us", std::to_string(s.parse_time.count()));
  RecordProperty("compile_us", std::to_string(s.compile_time.count()));
  std::printf(
      "[ info     ] %zu probes, %zu matches, %zu softmatches (%zu indexed by first byte); parse %.1f ms, "
      "PCRE2 compile+JIT %.1f ms\n",
      s.probes, s.matches, s.softmatches, s.first_byte_indexed, s.parse_time.count() / 1000.0,
      s.compile_time.count() / 1000.0);
}

TEST(InstalledFile, EveryExpressionCompilesAndJits) {
  REQUIRE_INSTALLED_PROBES();
  // A pattern PCRE2 rejected would have refused the file (the load throws).
  const ServiceProbeStats& s = installed_db().stats();
  EXPECT_EQ(s.jitted, s.matches + s.softmatches);
}

TEST(InstalledFile, NullProbeFirstWithItsTimeouts) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& db = installed_db();
  const ServiceProbe& null = db.probes().front();
  EXPECT_EQ(null.name, "NULL");
  EXPECT_EQ(null.proto, Proto::Tcp);
  EXPECT_TRUE(null.payload.empty());
  EXPECT_TRUE(null.is_null());
  EXPECT_EQ(db.null_probe(), &null);
  EXPECT_EQ(null.total_wait, std::chrono::milliseconds(6000));
  EXPECT_EQ(null.tcpwrapped, std::chrono::milliseconds(3000));
  EXPECT_GT(null.matches.size(), 3000u);
}

TEST(InstalledFile, FallbacksResolveToProbes) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& db = installed_db();
  size_t with_fallback = 0;
  for (const ServiceProbe& p : db.probes()) {
    if (!p.fallbacks.empty()) ++with_fallback;
    for (const ServiceProbe* f : p.fallbacks) {
      ASSERT_NE(f, nullptr);
      EXPECT_GE(f, db.probes().data());
      EXPECT_LT(f, db.probes().data() + db.probes().size());
    }
  }
  EXPECT_EQ(with_fallback, count_lines().fallbacks);

  const ServiceProbe* options = db.find("HTTPOptions", Proto::Tcp);
  ASSERT_NE(options, nullptr);
  ASSERT_EQ(options->fallbacks.size(), 1u);
  EXPECT_EQ(options->fallbacks[0], db.find("GetRequest", Proto::Tcp));
  // The TCP status request falls back to the UDP probe of the same name stem.
  const ServiceProbe* status = db.find("DNSStatusRequestTCP", Proto::Tcp);
  ASSERT_NE(status, nullptr);
  ASSERT_EQ(status->fallbacks.size(), 1u);
  EXPECT_EQ(status->fallbacks[0], db.find("DNSStatusRequest", Proto::Udp));
  // match() consults: the probe, its fallbacks, then NULL (TCP only).
  auto chain = db.match_chain(*options);
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_EQ(chain[1]->name, "GetRequest");
  EXPECT_EQ(chain[2], db.null_probe());
  const ServiceProbe* udp_dns = db.find("DNSVersionBindReq", Proto::Udp);
  ASSERT_NE(udp_dns, nullptr);
  EXPECT_EQ(db.match_chain(*udp_dns).size(), 1u);
}

TEST(InstalledFile, ProbeDetails) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& db = installed_db();
  const ServiceProbe* get = db.find("GetRequest", Proto::Tcp);
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->payload, "GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(get->rarity, 1);
  EXPECT_TRUE(get->ports.contains(80));
  EXPECT_TRUE(get->ports.contains(8083));  // inside 8080-8085
  EXPECT_FALSE(get->ports.contains(443));
  EXPECT_TRUE(get->sslports.contains(443));
  const ServiceProbe* dns = db.find("DNSVersionBindReq", Proto::Udp);
  ASSERT_NE(dns, nullptr);
  EXPECT_EQ(dns->payload, std::string("\0\x06\x01\0\0\x01\0\0\0\0\0\0\x07version\x04" "bind\0\0\x10\0\x03", 30));
  EXPECT_EQ(db.find("GetRequest", Proto::Udp), nullptr);
  // Exclude T:9100-9107
  EXPECT_TRUE(db.excluded(9100, Proto::Tcp));
  EXPECT_TRUE(db.excluded(9107, Proto::Tcp));
  EXPECT_FALSE(db.excluded(9108, Proto::Tcp));
  EXPECT_FALSE(db.excluded(9100, Proto::Udp));
}

TEST(InstalledFile, SearchPathPrefersDatadir) {
  auto paths = ServiceProbeDb::search_path("/opt/nmapdata");
  ASSERT_GE(paths.size(), 4u);
  EXPECT_EQ(paths[0], "/opt/nmapdata/nmap-service-probes");
  EXPECT_EQ(paths[1], "/opt/nmapdata/portsweep-service-probes");
  EXPECT_EQ(paths[2], "/usr/share/nmap/nmap-service-probes");
  EXPECT_EQ(paths.back().substr(paths.back().size() - 24), "portsweep-service-probes");
  EXPECT_EQ(ServiceProbeDb::search_path().front(), "/usr/share/nmap/nmap-service-probes");
}

TEST(InstalledFile, LoadWithoutDatadirFindsNmapsFile) {
  REQUIRE_INSTALLED_PROBES();
  ServiceProbeDb db = ServiceProbeDb::load();
  EXPECT_EQ(db.source(), test::kInstalledProbes);
}

TEST(InstalledFile, MissingFileIsARuntimeFailure) {
  EXPECT_THROW(ServiceProbeDb::load_file("/nonexistent/nmap-service-probes"), RuntimeFailure);
  EXPECT_THROW(ServiceProbeDb::load_file("/"), RuntimeFailure);  // a directory
}

}  // namespace
}  // namespace portsweep
