// The nmap-os-db reader on made-up text: what it keeps, and one clear line
// ("FILE:LINE: problem; expected ...") for each kind of malformed input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "os/os_db.hpp"
#include "os_db_fixtures.hpp"

namespace portsweep::os {
namespace {

using ::testing::HasSubstr;
using testing::kMatchPoints;
using testing::kSmallDb;

TEST(OsDbParser, ReadsReferencesClassesCpesAndTests) {
  OsDb db = OsDb::parse(kSmallDb, "small-os-db");
  ASSERT_EQ(db.references().size(), 3u);
  const OsReference& r = db.references()[1];
  EXPECT_EQ(r.name, "Acme Router OS 2.0");
  EXPECT_EQ(r.line, 15u);
  ASSERT_EQ(r.classes.size(), 2u);
  EXPECT_EQ(r.classes[0], (OsClass{"Acme", "RouterOS", "2.X", "router", {"cpe:/o:acme:routeros:2"}}));
  EXPECT_EQ(r.classes[1], (OsClass{"Acme", "embedded", "", "WAP", {}}));
  ASSERT_EQ(r.tests.lines.size(), 3u);
  EXPECT_EQ(format_line(r.tests.lines[0]), "SEQ(SP=0-10%TI=Z%TS=A)");
  EXPECT_EQ(*r.tests.line("T1")->value("W"), "FFFF");
  // The CPE flag "auto" is not part of the name.
  EXPECT_EQ(db.references()[0].classes[0].cpes, std::vector<std::string>{"cpe:/o:acme:routeros:1"});
}

TEST(OsDbParser, MatchPointsAndSlots) {
  OsDb db = OsDb::parse(kSmallDb, "small-os-db");
  EXPECT_EQ(db.points("SEQ", "TS"), 50u);
  EXPECT_EQ(db.points("T1", "W"), 30u);
  EXPECT_EQ(db.points("T1", "Q"), 0u);
  EXPECT_EQ(db.points("IE", "R"), 0u);
  EXPECT_EQ(db.slots().size(), 7u);
  EXPECT_EQ(db.slot("U1", "R"), 6);
  EXPECT_EQ(db.slot("U1", "X"), -1);
  // Identical (slot, expression) pairs are compiled once: "T1.R=Y" and
  // "U1.R=Y" are different slots, the three "T1.R=Y" one check.
  size_t refs_checks = 0;
  for (size_t i = 0; i < db.references().size(); ++i) refs_checks += db.reference_checks(i).size();
  EXPECT_EQ(refs_checks, 21u);
  EXPECT_LT(db.checks().size(), refs_checks);
}

TEST(OsDbParser, NameStopsAtCommentAndKeywordIgnoresCase) {
  OsDb db = OsDb::parse(kMatchPoints + "FingerPrint  Acme Thing 3  # a comment\nT1(R=N)\n", "x");
  EXPECT_EQ(db.references().at(0).name, "Acme Thing 3");
}

TEST(OsDbParser, CarriageReturnsAreIgnored) {
  std::string text = kSmallDb;
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  OsDb db = OsDb::parse(crlf, "crlf");
  EXPECT_EQ(db.references().size(), 3u);
  EXPECT_EQ(db.references()[2].classes[0].device_type, "general purpose");
}

// One line naming file, line and the problem.
std::string error_of(const std::string& text) {
  try {
    OsDb::parse(text, "bad-os-db");
  } catch (const DataFileError& e) {
    std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    return what;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

TEST(OsDbParser, MalformedInputs) {
  const std::string ref = "Fingerprint Acme\nClass Acme | X | 1 | router\n";
  // Line numbers: MatchPoints is 6 lines, so the reference starts on line 7.
  EXPECT_EQ(error_of(kMatchPoints + ref + "SEQ(SP=1\n"),
            "bad-os-db:9: test line SEQ has no closing ')'; expected SEQ(TEST=VALUE%...)");
  EXPECT_EQ(error_of(kMatchPoints + ref + "SEQ SP=1\n"),
            "bad-os-db:9: unexpected line \"SEQ SP=1\"; expected Class, CPE or a test line like SEQ(SP=0-5%GCD=1)");
  EXPECT_EQ(error_of(kMatchPoints + ref + "SEQ(SP=1%TI)\n"),
            "bad-os-db:9: bad test \"TI\" in SEQ; expected TEST=VALUE");
  EXPECT_EQ(error_of(kMatchPoints + ref + "SEQ(SP=1%SP=2)\n"),
            "bad-os-db:9: test SEQ.SP appears twice; expected each test once");
  EXPECT_EQ(error_of(kMatchPoints + ref + "SEQ(SP=1)\nSEQ(SP=2)\n"),
            "bad-os-db:10: test line SEQ appears twice in \"Acme\"; expected each line once");
  EXPECT_EQ(error_of(kMatchPoints + ref + "SEQ(SP=1) junk\n"),
            "bad-os-db:9: unexpected \"junk\" after test line SEQ; expected nothing after ')'");
  EXPECT_EQ(error_of(kMatchPoints + "Fingerprint Acme\nClass Acme | X | router\n"),
            "bad-os-db:8: Class line has 3 field(s); expected Class VENDOR | FAMILY | GENERATION | DEVICE TYPE");
  EXPECT_EQ(error_of(kMatchPoints + "Fingerprint Acme\nCPE cpe:/o:acme:x\n"),
            "bad-os-db:8: CPE line before any Class line; expected it after its Class");
  EXPECT_EQ(error_of(kMatchPoints + "Fingerprint   \nT1(R=N)\n"),
            "bad-os-db:7: Fingerprint has no name; expected Fingerprint OS NAME");
  EXPECT_EQ(error_of(kMatchPoints + ref + "SEQ(SP=9-5)\n"),
            "bad-os-db:9: range in SEQ.SP=9-5 does not rise; expected LOW-HIGH with LOW < HIGH (hexadecimal)");
  EXPECT_EQ(error_of(kMatchPoints + "T1(R=N)\n"),
            "bad-os-db:7: unexpected line \"T1(R=N)\" outside a record; expected Fingerprint NAME or MatchPoints "
            "after a blank line");
  EXPECT_EQ(error_of(kMatchPoints + kMatchPoints),
            "bad-os-db:8: second MatchPoints section (the first is on line 2); expected one");
  EXPECT_EQ(error_of("MatchPoints\nSEQ(SP=x)\n"),
            "bad-os-db:2: MatchPoints weight SEQ.SP=\"x\"; expected a decimal number of points");
  EXPECT_EQ(error_of("MatchPoints\nClass a | b | c | d\n"),
            "bad-os-db:2: Class line in the MatchPoints section; expected only test weights like SEQ(SP=25%GCD=75)");
  EXPECT_EQ(error_of("Fingerprint Acme\nT1(R=N)\n"),
            "bad-os-db: no MatchPoints section; expected MatchPoints and its test weights before the references");
  EXPECT_EQ(error_of(kMatchPoints), "bad-os-db: no Fingerprint entries; expected at least one reference fingerprint");
  EXPECT_EQ(error_of(""), "bad-os-db: no MatchPoints section; expected MatchPoints and its test weights before the references");
  EXPECT_EQ(error_of(kMatchPoints + ref + "S(Q)(=1)\n"),
            "bad-os-db:9: unexpected \"(=1)\" after test line S; expected nothing after ')'");
  EXPECT_EQ(error_of(kMatchPoints + ref + "(SP=1)\n"),
            "bad-os-db:9: bad test line name \"\"; expected letters and digits like SEQ or T1 before '('");
}

TEST(OsDbParser, TestsMatchPointsDoesNotWeighAreKeptButNeverScore) {
  // nmap-os-db has OPS(R=N) though MatchPoints weighs no OPS.R.
  OsDb db = OsDb::parse(kMatchPoints + "Fingerprint Acme\nClass Acme | X | 1 | router\nT1(R=N%XX=1)\nIE(R=N)\n", "x");
  const OsReference& r = db.references().at(0);
  EXPECT_EQ(*r.tests.line("T1")->value("XX"), "1");
  EXPECT_EQ(*r.tests.line("IE")->value("R"), "N");
  EXPECT_EQ(db.points("T1", "XX"), 0u);
  EXPECT_EQ(db.reference_checks(0).size(), 1u);  // T1.R only
}

TEST(OsDbParser, ErrorsAreUsageErrors) {
  EXPECT_THROW(OsDb::parse("nonsense\n", "x"), UsageError);
}

TEST(OsDbParser, UnreadableFileIsARuntimeFailure) {
  try {
    OsDb::load("/nonexistent/nmap-os-db");
    FAIL() << "no error";
  } catch (const RuntimeFailure& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot read nmap-os-db file \"/nonexistent/nmap-os-db\""));
  }
}

}  // namespace
}  // namespace portsweep::os
