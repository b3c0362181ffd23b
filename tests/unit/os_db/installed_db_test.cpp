// The installed nmap-os-db (nmap 7.93's, from nmap-common): it loads, fast;
// every reference matches a subject built from its own expressions
// perfectly; a wrong value costs exactly that test's points. Skipped where
// the file is not installed. Nothing of the file is copied here.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "os/os_match.hpp"
#include "os_db_fixtures.hpp"

namespace portsweep::os {
namespace {

using testing::kInstalledOsDb;

const OsDb* installed() {
  static const OsDb* db = [] () -> const OsDb* {
    if (!std::filesystem::exists(kInstalledOsDb)) return nullptr;
    return new OsDb(OsDb::load(kInstalledOsDb));
  }();
  return db;
}

#define NEED_DB()                                                                           \
  const OsDb* dbp = installed();                                                           \
  if (dbp == nullptr) GTEST_SKIP() << kInstalledOsDb << " is not installed (nmap-common)"; \
  const OsDb& db = *dbp

std::string hex(uint32_t n) {
  char text[16];
  std::snprintf(text, sizeof text, "%X", n);
  return text;
}

// A value the first alternative of `expr` stands for: its text, the low end
// of a range, one above '>X', one below '<X'.
std::string first_alternative_value(const std::string& expr) {
  std::string alt = expr.substr(0, expr.find('|'));
  if (!alt.empty() && (alt[0] == '>' || alt[0] == '<')) {
    uint32_t n = static_cast<uint32_t>(std::stoul(alt.substr(1), nullptr, 16));
    return hex(alt[0] == '>' ? n + 1 : (n > 0 ? n - 1 : 0));
  }
  size_t dash = alt.find('-');
  if (dash != std::string::npos && dash > 0) return hex(static_cast<uint32_t>(std::stoul(alt.substr(0, dash), nullptr, 16)));
  return alt;
}

Fingerprint subject_of(const OsReference& ref) {
  Fingerprint s = ref.tests;
  for (FingerprintLine& l : s.lines) {
    for (FingerprintTest& t : l.tests) t.value = first_alternative_value(t.value);
  }
  return s;
}

// nmap 7.93 reads "A|C-E" so that a numeric A never matches (the '-' of a
// later alternative is taken as A's range separator).
bool dash_after_first_alternative(const std::string& expr) {
  size_t bar = expr.find('|');
  return bar != std::string::npos && expr.find('-', bar) != std::string::npos &&
         expr.substr(0, bar).find('-') == std::string::npos;
}

// How long loading and matching take is a benchmark's question (the
// figures: README), never a unit test's: a loaded machine would fail it.
TEST(InstalledOsDb, Loads) {
  if (!std::filesystem::exists(kInstalledOsDb)) GTEST_SKIP() << kInstalledOsDb << " is not installed (nmap-common)";
  OsDb db = OsDb::load(kInstalledOsDb);
  EXPECT_GT(db.references().size(), 5000u);
  // Facts of nmap's MatchPoints that the format documentation states.
  EXPECT_EQ(db.points("SEQ", "SP"), 25u);
  EXPECT_EQ(db.points("SEQ", "GCD"), 75u);
  EXPECT_EQ(db.points("T1", "R"), 100u);
  // Every reference has a class and a name; lines are nmap's.
  for (const OsReference& r : db.references()) {
    ASSERT_FALSE(r.name.empty());
    ASSERT_FALSE(r.classes.empty()) << r.name;
    for (const FingerprintLine& l : r.tests.lines) {
      ASSERT_TRUE(std::find(std::begin(kFingerprintLineNames), std::end(kFingerprintLineNames), l.name) !=
                  std::end(kFingerprintLineNames))
          << r.name << ": " << l.name;
    }
  }
}

TEST(InstalledOsDb, EveryReferenceMatchesItsOwnFirstAlternatives) {
  NEED_DB();
  size_t quirks = 0;
  for (size_t i = 0; i < db.references().size(); ++i) {
    const OsReference& ref = db.references()[i];
    Fingerprint subject = subject_of(ref);
    OsScore score = score_os(db, i, subject);
    ASSERT_GT(score.possible, 0u) << ref.name;
    if (score.matched == score.possible) continue;
    // The only misses: 7.93's dash rule, each worth its test's points.
    unsigned missed = 0;
    for (const FingerprintLine& l : ref.tests.lines) {
      for (const FingerprintTest& t : l.tests) {
        if (dash_after_first_alternative(t.value) && !OsExpression(t.value).matches(first_alternative_value(t.value)))
          missed += db.points(l.name, t.name);
      }
    }
    EXPECT_EQ(score.possible - score.matched, missed) << ref.name << " line " << ref.line;
    ++quirks;
  }
  std::printf("[ measure  ] %zu references; %zu miss their first alternative by nmap 7.93's dash rule\n",
              db.references().size(), quirks);
  EXPECT_LT(quirks, 20u);
}

TEST(InstalledOsDb, MatchOsFindsEachReferencePerfect) {
  NEED_DB();
  size_t checked = 0;
  for (size_t i = 0; i < db.references().size(); i += 7) {
    const OsReference& ref = db.references()[i];
    Fingerprint subject = subject_of(ref);
    if (score_os(db, i, subject).accuracy() != 1.0) continue;  // the dash-rule few
    OsMatchResult r = match_os(db, subject, {});
    if (r.status == OsMatchStatus::TooManyMatches) continue;
    ASSERT_EQ(r.status, OsMatchStatus::Success) << ref.name;
    bool found = false;
    for (size_t k = 0; k < r.perfect_matches; ++k) found = found || r.candidates[k].reference->name == ref.name;
    EXPECT_TRUE(found) << ref.name << " line " << ref.line;
    for (size_t k = 0; k < r.candidates.size(); ++k) {
      EXPECT_EQ(r.candidates[k].accuracy == 1.0, k < r.perfect_matches);
      if (k > 0) {
        EXPECT_LE(r.candidates[k].accuracy, r.candidates[k - 1].accuracy);
      }
    }
    ++checked;
  }
  EXPECT_GT(checked, 700u);
}

TEST(InstalledOsDb, AWrongValueCostsItsPoints) {
  NEED_DB();
  const std::string wrong = "QQQQ";  // no test of nmap-os-db has this value
  size_t perturbed = 0;
  for (size_t i = 0; i < db.references().size(); ++i) {
    const OsReference& ref = db.references()[i];
    Fingerprint subject = subject_of(ref);
    OsScore base = score_os(db, i, subject);
    // Change the first test whose expression rejects the wrong value (an
    // empty first alternative accepts everything in nmap 7.93).
    for (FingerprintLine& l : subject.lines) {
      for (FingerprintTest& t : l.tests) {
        const std::string& expr = *ref.tests.line(l.name)->value(t.name);
        if (OsExpression(expr).matches(wrong)) continue;
        if (!OsExpression(expr).matches(t.value)) continue;  // already a miss (dash rule)
        t.value = wrong;
        OsScore after = score_os(db, i, subject);
        EXPECT_EQ(after.possible, base.possible) << ref.name;
        EXPECT_EQ(after.matched, base.matched - db.points(l.name, t.name)) << ref.name << " " << l.name << "." << t.name;
        ++perturbed;
        goto next;
      }
    }
  next:;
    // Dropping a line removes its points from both sides.
    if (subject.lines.size() > 1) {
      Fingerprint fewer = subject_of(ref);
      unsigned line_points = 0;
      for (const FingerprintTest& t : fewer.lines.back().tests) line_points += db.points(fewer.lines.back().name, t.name);
      fewer.lines.pop_back();
      EXPECT_EQ(score_os(db, i, fewer).possible, base.possible - line_points) << ref.name;
    }
  }
  EXPECT_GT(perturbed, db.references().size() * 9 / 10);
}

// A sample of references, each matched whole against the database: (all but
// nmap 7.93's three self-mismatching entries) a perfect match.
TEST(InstalledOsDb, SampledReferencesMatchThemselves) {
  NEED_DB();
  const size_t n = std::min<size_t>(200, db.references().size());
  size_t perfect = 0;
  for (size_t i = 0; i < n; ++i) {
    OsMatchResult r = match_os(db, subject_of(db.references()[i * (db.references().size() / n)]), {});
    perfect += r.perfect_matches > 0;
  }
  EXPECT_GE(perfect + 3, n);
}

}  // namespace
}  // namespace portsweep::os
