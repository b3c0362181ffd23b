// How match() picks among lines: the probe's own, then its fallbacks', then
// the NULL probe's (TCP only); a hard match wins over any softmatch.
#include <gtest/gtest.h>

#include "detect_db_fixtures.hpp"

namespace portsweep {
namespace {

const char* kChain =
    "Probe TCP NULL q||\n"
    "match banner m|^BANNER (\\S+)| v/$1/\n"
    "softmatch early m|^SOFT|\n"
    "match late m|^SOFT hard|\n"
    "Probe TCP Base q|b|\n"
    "match base m|^BASE|\n"
    "match shared m|^SHARED| p/from Base/\n"
    "Probe TCP Asker q|a|\n"
    "fallback Base\n"
    "match asker m|^ASK|\n"
    "softmatch asker-soft m|^SOFT|\n"
    "match shared m|^SHARED| p/from Asker/\n"
    "Probe UDP Udp q|u|\n"
    "match udp m|^UDP|\n"
    "Probe UDP UdpAsker q|v|\n"
    "fallback Udp\n";

class MatchSemantics : public ::testing::Test {
 protected:
  ServiceProbeDb db = test::parse_text(kChain);
  const ServiceProbe& probe(const char* name, Proto proto = Proto::Tcp) { return *db.find(name, proto); }
};

TEST_F(MatchSemantics, OwnLinesThenFallbacksThenNull) {
  EXPECT_EQ(db.match(probe("Asker"), "ASK")->service, "asker");
  EXPECT_EQ(db.match(probe("Asker"), "BASE")->service, "base");            // via fallback
  EXPECT_EQ(db.match(probe("Asker"), "BANNER 1.2")->version, "1.2");       // via NULL
  EXPECT_EQ(db.match(probe("Asker"), "SHARED")->product, "from Asker");    // own line first
  EXPECT_EQ(db.match(probe("Base"), "SHARED")->product, "from Base");
  EXPECT_FALSE(db.match(probe("Base"), "ASK"));                            // fallbacks are one-way
}

TEST_F(MatchSemantics, UdpNeverFallsBackToNull) {
  EXPECT_EQ(db.match(probe("UdpAsker", Proto::Udp), "UDP")->service, "udp");
  EXPECT_FALSE(db.match(probe("UdpAsker", Proto::Udp), "BANNER 1"));
  auto chain = db.match_chain(probe("UdpAsker", Proto::Udp));
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[1]->name, "Udp");
}

TEST_F(MatchSemantics, HardMatchAfterASoftmatchWins) {
  // Asker's softmatch comes first, NULL's hard "late" line later in the chain.
  auto m = db.match(probe("Asker"), "SOFT hard");
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->soft);
  EXPECT_EQ(m->service, "late");
}

TEST_F(MatchSemantics, FirstSoftmatchIsKept) {
  auto m = db.match(probe("Asker"), "SOFT only");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->soft);
  EXPECT_EQ(m->service, "asker-soft");  // Asker's own before NULL's "early"
}

TEST_F(MatchSemantics, AfterASoftmatchOnlyTheSameServiceCounts) {
  auto m = db.match(probe("Asker"), "SOFT only", std::string_view("early"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->service, "early");
  EXPECT_FALSE(db.match(probe("Asker"), "SOFT only", std::string_view("ftp")));
  // A hard match of any service still counts.
  EXPECT_EQ(db.match(probe("Asker"), "ASK", std::string_view("ftp"))->service, "asker");
}

TEST(CombineWithSoftmatch, FillsEmptyFieldsAndMissingCpeParts) {
  ServiceMatch soft;
  soft.service = "ftp";
  soft.soft = true;
  soft.hostname = "box";
  soft.product = "ignored";
  soft.cpe = {"cpe:/a:soft:app", "cpe:/o:linux:linux_kernel"};
  ServiceMatch hard;
  hard.service = "ftp";
  hard.product = "vsftpd";
  hard.cpe = {"cpe:/a:vsftpd:vsftpd"};
  ServiceMatch both = combine_with_softmatch(soft, hard);
  EXPECT_FALSE(both.soft);
  EXPECT_EQ(both.product, "vsftpd");
  EXPECT_EQ(both.hostname, "box");
  EXPECT_EQ(both.cpe, (std::vector<std::string>{"cpe:/a:vsftpd:vsftpd", "cpe:/o:linux:linux_kernel"}));
}

TEST(CpeParts, LastOfEachPartInAhoOrder) {
  ServiceProbeDb db = test::parse_text(
      "Probe TCP NULL q||\n"
      "match x m|^(\\d)| cpe:/o:first/ cpe:/a:one:$1/ cpe:/h:hw/ cpe:/o:second/a cpe:/a:two:$1/\n");
  auto m = db.match(*db.null_probe(), "7");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->cpe, (std::vector<std::string>{"cpe:/a:two:7", "cpe:/h:hw", "cpe:/o:second"}));
  EXPECT_EQ(db.null_probe()->matches[0].cpes.size(), 5u);  // all kept as written
}

// The backtracking limit turns a pathological match into "no match" quickly.
TEST(MatchLimit, CatastrophicPatternGivesUp) {
  ServiceProbeDb db = test::parse_text("Probe TCP NULL q||\nmatch evil m|^(a+)+$|\nmatch ok m|^a|\n");
  std::string subject(64, 'a');
  subject += 'b';
  auto m = db.match(*db.null_probe(), subject);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->service, "ok");
}

}  // namespace
}  // namespace portsweep
