// Which probes go to a port, in which order: NULL, then the probes that list
// the port (any rarity), then the others up to the intensity.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "detect_db_fixtures.hpp"

namespace portsweep {
namespace {

std::vector<std::string> names(const std::vector<const ServiceProbe*>& order) {
  std::vector<std::string> out;
  for (const ServiceProbe* p : order) out.push_back(p->name);
  return out;
}

const char* kSmall =
    "Probe TCP NULL q||\n"
    "match ssh m|^SSH-|\n"
    "Probe TCP Rare80 q|r|\n"
    "rarity 9\n"
    "ports 80\n"
    "match http m|^HTTP|\n"
    "Probe TCP Common q|c|\n"
    "rarity 1\n"
    "match ftp m|^220|\n"
    "Probe TCP Tls443 q|t|\n"
    "rarity 6\n"
    "sslports 443\n"
    "ports 8443\n"
    "match http m|^HTTP|\n"
    "Probe UDP Dns q|d|\n"
    "rarity 1\n"
    "ports 53\n"
    "Probe TCP Mid q|m|\n"
    "rarity 5\n"
    "softmatch http m|^H|\n"
    "Probe UDP Rare q|x|\n"
    "rarity 8\n";

TEST(ProbeOrder, ListedPortsFirstWhateverTheRarity) {
  ServiceProbeDb db = test::parse_text(kSmall);
  using V = std::vector<std::string>;
  EXPECT_EQ(names(db.probe_order(80, Proto::Tcp, false, 0)), (V{"NULL", "Rare80"}));
  EXPECT_EQ(names(db.probe_order(80, Proto::Tcp, false, 1)), (V{"NULL", "Rare80", "Common"}));
  EXPECT_EQ(names(db.probe_order(80, Proto::Tcp, false, 5)), (V{"NULL", "Rare80", "Common", "Mid"}));
  EXPECT_EQ(names(db.probe_order(80, Proto::Tcp, false, 9)), (V{"NULL", "Rare80", "Common", "Tls443", "Mid"}));
  EXPECT_EQ(names(db.probe_order(22, Proto::Tcp, false, 9)), (V{"NULL", "Rare80", "Common", "Tls443", "Mid"}));
  EXPECT_EQ(names(db.probe_order(22, Proto::Tcp, false, 5)), (V{"NULL", "Common", "Mid"}));
}

TEST(ProbeOrder, TlsUsesSslports) {
  ServiceProbeDb db = test::parse_text(kSmall);
  using V = std::vector<std::string>;
  EXPECT_EQ(names(db.probe_order(443, Proto::Tcp, true, 0)), (V{"NULL", "Tls443"}));
  EXPECT_EQ(names(db.probe_order(443, Proto::Tcp, false, 0)), (V{"NULL"}));
  EXPECT_EQ(names(db.probe_order(8443, Proto::Tcp, false, 0)), (V{"NULL", "Tls443"}));
  EXPECT_EQ(names(db.probe_order(8443, Proto::Tcp, true, 0)), (V{"NULL"}));
}

TEST(ProbeOrder, UdpHasNoNullProbe) {
  ServiceProbeDb db = test::parse_text(kSmall);
  using V = std::vector<std::string>;
  EXPECT_EQ(names(db.probe_order(53, Proto::Udp, false, 0)), (V{"Dns"}));
  EXPECT_EQ(names(db.probe_order(53, Proto::Udp, false, 9)), (V{"Dns", "Rare"}));
  EXPECT_EQ(names(db.probe_order(161, Proto::Udp, false, 7)), (V{"Dns"}));
}

TEST(ProbeOrder, SoftmatchNarrowsToProbesThatKnowTheService) {
  ServiceProbeDb db = test::parse_text(kSmall);
  using V = std::vector<std::string>;
  EXPECT_EQ(names(db.probe_order(80, Proto::Tcp, false, 9, "http")), (V{"Rare80", "Tls443", "Mid"}));
  EXPECT_EQ(names(db.probe_order(80, Proto::Tcp, false, 9, "ftp")), (V{"Common"}));
  EXPECT_TRUE(db.probe_order(80, Proto::Tcp, false, 9, "smtp").empty());
  EXPECT_TRUE(db.find("Mid", Proto::Tcp)->may_identify("http"));
  EXPECT_FALSE(db.find("Mid", Proto::Tcp)->may_identify("ftp"));
}

// Against Debian's file: the lists were worked out from its text by a
// separate script, so they check the implementation rather than echo it.
// Other nmap releases reorder probes; the exact lists apply to 7.93's file.
bool installed_is_debian_793() {
  std::ifstream in(test::kInstalledProbes);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# $Id:", 0) == 0) return line.find("nmap-service-probes 38429 ") != std::string::npos;
  }
  return false;
}

class InstalledOrder : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_INSTALLED_PROBES();
    if (!installed_is_debian_793()) GTEST_SKIP() << "the exact lists are those of nmap 7.93's file";
  }
  std::vector<std::string> order(uint16_t port, bool tls, int intensity) {
    return names(test::installed_db().probe_order(port, Proto::Tcp, tls, intensity));
  }
};

using V = std::vector<std::string>;
const V kIntensity7Rest = {"RPCCheck",      "DNSVersionBindReqTCP", "DNSStatusRequestTCP", "Help",
                           "SSLSessionReq", "TerminalServerCookie", "TLSSessionReq",       "Kerberos",
                           "SMBProgNeg",    "LPDString",            "LDAPSearchReq",       "LDAPBindReq",
                           "SIPOptions",    "LANDesk-RC",           "TerminalServer",      "NCP",
                           "NotesRPC",      "JavaRMI",              "WMSRequest",          "oracle-tns",
                           "ms-sql-s",      "afp",                  "giop"};

TEST_F(InstalledOrder, Port80) {
  V listed = {"NULL", "GetRequest", "HTTPOptions", "RTSPRequest", "X11Probe", "FourOhFourRequest"};
  EXPECT_EQ(order(80, false, 0), listed);
  V two = listed;
  two.insert(two.end(), {"GenericLines", "SSLSessionReq", "TLSSessionReq"});
  EXPECT_EQ(order(80, false, 2), two);
  V seven = listed;
  seven.push_back("GenericLines");
  seven.insert(seven.end(), kIntensity7Rest.begin(), kIntensity7Rest.end());
  EXPECT_EQ(order(80, false, 7), seven);
  V nine = order(80, false, 9);
  EXPECT_EQ(nine.size(), 100u);
  EXPECT_EQ(V(nine.begin(), nine.begin() + 6), listed);
}

TEST_F(InstalledOrder, Port443InClear) {
  V listed = {"NULL", "SSLSessionReq", "TLSSessionReq", "SSLv23SessionReq", "X11Probe", "OpenVPN"};
  EXPECT_EQ(order(443, false, 0), listed);
  V two = listed;
  two.insert(two.end(), {"GenericLines", "GetRequest"});
  EXPECT_EQ(order(443, false, 2), two);
  V seven = order(443, false, 7);
  EXPECT_EQ(seven.size(), 32u);
  EXPECT_EQ(V(seven.begin(), seven.begin() + 10),
            (V{"NULL", "SSLSessionReq", "TLSSessionReq", "SSLv23SessionReq", "X11Probe", "OpenVPN", "GenericLines",
               "GetRequest", "HTTPOptions", "RTSPRequest"}));
  EXPECT_EQ(order(443, false, 9).size(), 100u);
}

TEST_F(InstalledOrder, Port443InsideTls) {
  V listed = {"NULL", "GetRequest", "HTTPOptions", "FourOhFourRequest", "tor-versions"};
  EXPECT_EQ(order(443, true, 0), listed);
  V two = listed;
  two.insert(two.end(), {"GenericLines", "SSLSessionReq", "TLSSessionReq"});
  EXPECT_EQ(order(443, true, 2), two);
  EXPECT_EQ(order(443, true, 7).size(), 31u);
  EXPECT_EQ(order(443, true, 9).size(), 100u);
}

// Whatever the file: no probe twice, the right protocol, and the rarity rule.
TEST(InstalledOrderInvariants, EveryPortAndIntensity) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& db = test::installed_db();
  size_t tcp_probes = 0;
  for (const ServiceProbe& p : db.probes()) tcp_probes += p.proto == Proto::Tcp;
  for (uint16_t port : {21, 22, 53, 80, 443, 6379, 8080, 31337}) {
    for (bool tls : {false, true}) {
      for (int intensity = 0; intensity <= 9; ++intensity) {
        auto order = db.probe_order(port, Proto::Tcp, tls, intensity);
        ASSERT_FALSE(order.empty());
        EXPECT_EQ(order.front(), db.null_probe());
        std::set<const ServiceProbe*> seen(order.begin(), order.end());
        EXPECT_EQ(seen.size(), order.size());
        bool past_listed = false;
        for (size_t i = 1; i < order.size(); ++i) {
          EXPECT_EQ(order[i]->proto, Proto::Tcp);
          if (!order[i]->lists_port(port, tls)) past_listed = true;
          if (past_listed) {
            EXPECT_FALSE(order[i]->lists_port(port, tls));
            EXPECT_LE(order[i]->rarity, intensity);
          }
        }
        if (intensity == 9) {
          EXPECT_EQ(order.size(), tcp_probes);
        }
      }
    }
  }
}

}  // namespace
}  // namespace portsweep
