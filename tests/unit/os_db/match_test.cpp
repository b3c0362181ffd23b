// match_os on made-up databases: the points arithmetic (lines and tests only
// one side has), the 85 % entrance, one entry per OS name, ordering, the list
// of 36 and "too many" perfect matches, and the best of several tries.
#include <gtest/gtest.h>

#include "os/fingerprint_text.hpp"
#include "os/os_match.hpp"
#include "os_db_fixtures.hpp"

namespace portsweep::os {
namespace {

using testing::kSmallDb;

Fingerprint fp(const char* text) { return parse_subject_fingerprint(text); }

const OsDb& small_db() {
  static const OsDb db = OsDb::parse(kSmallDb, "small-os-db");
  return db;
}

// The subject Acme Router OS 2.0 answers exactly.
constexpr const char* kAcme2 = "SEQ(SP=5%TI=Z%TS=A)\nT1(R=Y%DF=Y%W=FFFF)\nU1(R=Y)\n";

TEST(OsMatch, ScoresAreMatchedOverPossiblePoints) {
  const OsDb& db = small_db();
  Fingerprint s = fp(kAcme2);
  // Acme 1.0: SP 20 of SEQ's 100, R and W (50) of T1's 60, U1's R fails: 70/200.
  OsScore a1 = score_os(db, 0, s);
  EXPECT_EQ(a1.matched, 70u);
  EXPECT_EQ(a1.possible, 200u);
  EXPECT_EQ(score_os(db, 1, s).matched, 200u);
  // Example Linux: SP and W fail (50 points).
  EXPECT_EQ(score_os(db, 2, s).matched, 150u);
  EXPECT_DOUBLE_EQ(score_os(db, 2, s).accuracy(), 0.75);
}

TEST(OsMatch, LinesAndTestsOnlyOneSideHasDoNotCount) {
  const OsDb& db = small_db();
  // No U1 line: 40 points fewer possible.
  EXPECT_EQ(score_os(db, 2, fp("SEQ(SP=5%TI=Z%TS=A)\nT1(R=Y%DF=Y%W=FFFF)\n")).possible, 160u);
  // SEQ without TS: 50 fewer.
  EXPECT_EQ(score_os(db, 2, fp("SEQ(SP=5%TI=Z)\nT1(R=Y%DF=Y%W=FFFF)\nU1(R=Y)\n")).possible, 150u);
  // Tests the reference does not have (T1.Q, T1.S) and lines it does not
  // have (IE) are ignored.
  OsScore extra = score_os(db, 1, fp("SEQ(SP=5%TI=Z%TS=A)\nT1(R=Y%DF=Y%S=O%W=FFFF%Q=)\nU1(R=Y)\nIE(R=Y%DFI=N)\n"));
  EXPECT_EQ(extra.matched, 200u);
  EXPECT_EQ(extra.possible, 200u);
  // Nothing in common: accuracy 0.
  EXPECT_EQ(score_os(db, 1, fp("IE(R=Y)")).accuracy(), 0.0);
}

TEST(OsMatch, PerfectMatchIsReportedAlone) {
  OsMatchResult r = match_os(small_db(), fp(kAcme2), {});
  EXPECT_EQ(r.status, OsMatchStatus::Success);
  EXPECT_TRUE(r.perfect);
  EXPECT_EQ(r.perfect_matches, 1u);
  ASSERT_EQ(r.guesses.size(), 1u);
  EXPECT_EQ(r.guesses[0].reference->name, "Acme Router OS 2.0");
  EXPECT_EQ(r.guesses[0].accuracy, 1.0);
  EXPECT_EQ(r.candidates.size(), 1u);  // the others are below 85 %
}

TEST(OsMatch, GuessesFromEightyFivePercentBestFirst) {
  // W=FAF0: Acme 2.0 loses 30 points (170/200 = 85 %), Example Linux only SP (90 %).
  OsMatchResult r = match_os(small_db(), fp("SEQ(SP=5%TI=Z%TS=A)\nT1(R=Y%DF=Y%W=FAF0)\nU1(R=Y)\n"), {});
  EXPECT_EQ(r.status, OsMatchStatus::Success);
  EXPECT_FALSE(r.perfect);
  EXPECT_EQ(r.perfect_matches, 0u);
  ASSERT_EQ(r.guesses.size(), 2u);
  EXPECT_EQ(r.guesses[0].reference->name, "Example Linux 5.X");
  EXPECT_DOUBLE_EQ(r.guesses[0].accuracy, 0.9);
  EXPECT_EQ(r.guesses[1].reference->name, "Acme Router OS 2.0");
  EXPECT_EQ(r.guesses[1].accuracy, 0.85);  // exactly the threshold: kept
  EXPECT_EQ(os_percent(r.guesses[1].accuracy), 85);
}

TEST(OsMatch, BelowEightyFivePercentIsNoMatch) {
  OsMatchResult r = match_os(small_db(), fp("SEQ(SP=5%TI=Z%TS=A)\nT1(R=N)\nU1(R=N)\n"), {});
  EXPECT_EQ(r.status, OsMatchStatus::NoMatches);
  EXPECT_TRUE(r.guesses.empty());
  EXPECT_TRUE(r.candidates.empty());
}

// A made-up database of `n` references on one test line T1(A=85%B=15).
std::string weights_db(const std::vector<std::pair<std::string, std::string>>& refs, const char* points = "A=85%B=15") {
  std::string text = std::string("MatchPoints\nT1(") + points + ")\n";
  for (const auto& [name, tests] : refs) text += "\nFingerprint " + name + "\nClass Acme | Box | 1.X | router\nT1(" + tests + ")\n";
  return text;
}

TEST(OsMatch, EntranceIsEightyFivePercentExactly) {
  OsDb db = OsDb::parse(weights_db({{"Just", "A=1%B=2"}, {"Below", "A=1%B=2"}}, "A=849%B=151"), "w");
  OsMatchResult r = match_os(db, fp("T1(A=1%B=1)"), {});
  EXPECT_EQ(r.status, OsMatchStatus::NoMatches);  // 84.9 %
  OsDb db2 = OsDb::parse(weights_db({{"Just", "A=1%B=2"}}), "w");
  EXPECT_EQ(match_os(db2, fp("T1(A=1%B=1)"), {}).candidates.size(), 1u);  // 85 %
}

TEST(OsMatch, OneEntryPerOsNameTheBestOne) {
  // "Twin" twice: first at 85 %, then perfect; "Other" perfect in between.
  OsDb db = OsDb::parse(weights_db({{"Twin", "A=1%B=2"}, {"Other", "A=1%B=1"}, {"Twin", "A=1%B=1"}, {"Twin", "A=1%B=3"}}), "w");
  OsMatchResult r = match_os(db, fp("T1(A=1%B=1)"), {});
  ASSERT_EQ(r.candidates.size(), 2u);
  EXPECT_EQ(r.perfect_matches, 2u);
  // Equal accuracy: file order.
  EXPECT_EQ(r.candidates[0].reference->name, "Other");
  EXPECT_EQ(r.candidates[1].reference->name, "Twin");
  EXPECT_EQ(r.candidates[1].reference, &db.references()[2]);  // the perfect Twin, not the first
}

TEST(OsMatch, TiesKeepFileOrderAndListHoldsThirtySix) {
  std::vector<std::pair<std::string, std::string>> refs;
  for (int i = 0; i < 40; ++i) refs.push_back({"Box " + std::to_string(i), "A=1%B=2"});  // 85 % each
  refs.push_back({"Late perfect", "A=1%B=1"});
  OsDb db = OsDb::parse(weights_db(refs), "w");
  OsMatchResult r = match_os(db, fp("T1(A=1%B=1)"), {});
  ASSERT_EQ(r.candidates.size(), kMaxOsMatches);
  EXPECT_EQ(r.candidates[0].reference->name, "Late perfect");
  EXPECT_EQ(r.candidates[1].reference->name, "Box 0");
  EXPECT_EQ(r.candidates[35].reference->name, "Box 34");
  EXPECT_TRUE(r.perfect);
  ASSERT_EQ(r.guesses.size(), 1u);
}

TEST(OsMatch, NinePerfectMatchesAreNotDetailed) {
  std::vector<std::pair<std::string, std::string>> refs;
  for (int i = 0; i < 9; ++i) refs.push_back({"Box " + std::to_string(i), "A=1%B=1"});
  OsMatchResult r = match_os(OsDb::parse(weights_db(refs), "w"), fp("T1(A=1%B=1)"), {});
  EXPECT_EQ(r.status, OsMatchStatus::Success);
  EXPECT_EQ(r.perfect_matches, 9u);
  EXPECT_FALSE(r.perfect);
  EXPECT_TRUE(r.guesses.empty());
}

TEST(OsMatch, ThirtySevenPerfectMatchesAreTooMany) {
  std::vector<std::pair<std::string, std::string>> refs;
  for (int i = 0; i < 37; ++i) refs.push_back({"Box " + std::to_string(i), "A=1%B=1"});
  OsDb db = OsDb::parse(weights_db(refs), "w");
  OsMatchResult r = match_os(db, fp("T1(A=1%B=1)"), {});
  EXPECT_EQ(r.status, OsMatchStatus::TooManyMatches);
  EXPECT_TRUE(r.guesses.empty());
  refs.pop_back();
  EXPECT_EQ(match_os(OsDb::parse(weights_db(refs), "w"), fp("T1(A=1%B=1)"), {}).status, OsMatchStatus::Success);
}

TEST(OsMatch, GuessesAreTenAtMostWithinTenPoints) {
  std::vector<std::pair<std::string, std::string>> refs;
  // 95 %, then twelve at 90 %, then one at 85 %: ten listed, 85 is not > 95 - 10.
  refs.push_back({"Best", "A=1%B=1%C=2"});
  for (int i = 0; i < 12; ++i) refs.push_back({"Near " + std::to_string(i), "A=1%B=2%C=1"});
  refs.push_back({"Far", "A=1%B=2%C=2"});
  OsDb db = OsDb::parse(weights_db(refs, "A=85%B=10%C=5"), "w");
  OsMatchResult r = match_os(db, fp("T1(A=1%B=1%C=1)"), {});
  EXPECT_EQ(r.candidates.size(), 14u);
  ASSERT_EQ(r.guesses.size(), 10u);
  EXPECT_EQ(r.guesses[0].reference->name, "Best");
  EXPECT_EQ(r.guesses[9].reference->name, "Near 8");
}

TEST(OsMatch, BestTryIsTheFirstPerfectOrElseTheFirstBest) {
  OsMatchResult a, b, c;
  const OsDb& db = small_db();
  a = match_os(db, fp("SEQ(SP=5%TI=Z%TS=A)\nT1(R=Y%DF=Y%W=FAF0)\nU1(R=Y)\n"), {});  // 90 %
  b = match_os(db, fp("SEQ(SP=5%TI=Z%TS=A)\nT1(R=Y%DF=Y%W=FAF0)\nU1(R=Y)\n"), {});  // 90 % again
  c = match_os(db, fp(kAcme2), {});
  EXPECT_FALSE(os_tries_done(a));
  EXPECT_TRUE(os_tries_done(c));
  std::vector<OsMatchResult> tries{a, b};
  EXPECT_EQ(best_os_try(tries), 0u);
  tries.push_back(c);
  EXPECT_EQ(best_os_try(tries), 2u);
}

}  // namespace
}  // namespace portsweep::os
