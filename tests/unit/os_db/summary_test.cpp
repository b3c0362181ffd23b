// summarize_os: the lines nmap 7.93's normal output prints for a host's OS
// result (output.cc printosscanoutput and printosclassificationoutput,
// FingerPrintResults.cc populateClassification), on made-up databases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "os/fingerprint_text.hpp"
#include "os/os_match.hpp"
#include "os_db_fixtures.hpp"

namespace portsweep::os {
namespace {

using ::testing::ElementsAre;
using testing::kMatchPoints;
using testing::kSmallDb;

const OsDb& small_db() {
  static const OsDb db = OsDb::parse(kSmallDb, "small-os-db");
  return db;
}

OsMatchResult match(const OsDb& db, const char* subject, bool guess = false) {
  return match_os(db, parse_subject_fingerprint(subject), {.guess = guess});
}

constexpr const char* kAcme2 = "SEQ(SP=5%TI=Z%TS=A)\nT1(R=Y%DF=Y%W=FFFF)\nU1(R=Y)\n";
constexpr const char* kNearLinux = "SEQ(SP=5%TI=Z%TS=A)\nT1(R=Y%DF=Y%W=FAF0)\nU1(R=Y)\n";  // 90 % / 85 %
constexpr const char* kNothing = "SEQ(SP=5%TI=Z%TS=A)\nT1(R=N)\nU1(R=N)\n";

TEST(OsSummary, PerfectMatch) {
  OsSummary s = summarize_os(match(small_db(), kAcme2));
  EXPECT_THAT(s.lines, ElementsAre("Device type: router|WAP",
                                   "Running: Acme RouterOS 2.X, Acme embedded",
                                   "OS CPE: cpe:/o:acme:routeros:2",
                                   "OS details: Acme Router OS 2.0"));
  EXPECT_FALSE(s.show_fingerprint);
  // With -vv nmap adds the fingerprint (wrapped, fit for submission).
  OsSummary vv = summarize_os(match(small_db(), kAcme2), {.verbose = 2});
  EXPECT_TRUE(vv.show_fingerprint);
  EXPECT_TRUE(vv.fingerprint_wrapped);
  EXPECT_TRUE(vv.fingerprint_good);
}

TEST(OsSummary, NoExactMatchWithoutGuessing) {
  OsSummary s = summarize_os(match(small_db(), kNearLinux));
  EXPECT_THAT(s.lines, ElementsAre(
      "No exact OS matches for host (If you know what OS is running on it, see https://nmap.org/submit/ )."));
  EXPECT_TRUE(s.show_fingerprint);
  EXPECT_TRUE(s.fingerprint_wrapped);
  EXPECT_TRUE(s.fingerprint_good);
}

TEST(OsSummary, NoExactMatchWithOsscanGuess) {
  OsSummary s = summarize_os(match(small_db(), kNearLinux, true));
  EXPECT_THAT(s.lines, ElementsAre(
      "Device type: general purpose|router|WAP",
      "Running (JUST GUESSING): Example Linux 5.X (90%), Acme RouterOS 2.X (85%), Acme embedded (85%)",
      "OS CPE: cpe:/o:example:linux:5 cpe:/o:acme:routeros:2",
      "Aggressive OS guesses: Example Linux 5.X (90%), Acme Router OS 2.0 (85%)",
      "No exact OS matches for host (If you know what OS is running on it, see https://nmap.org/submit/ )."));
  EXPECT_TRUE(s.show_fingerprint);
}

TEST(OsSummary, NonIdealConditionsGuessWithoutTheOption) {
  OsSummaryOptions o{.omit_reason = "Missing a closed TCP port so results incomplete"};
  OsSummary s = summarize_os(match(small_db(), kNearLinux), o);
  ASSERT_EQ(s.lines.size(), 5u);
  EXPECT_EQ(s.lines[1], "Running (JUST GUESSING): Example Linux 5.X (90%), Acme RouterOS 2.X (85%), Acme embedded (85%)");
  EXPECT_EQ(s.lines[3], "Aggressive OS guesses: Example Linux 5.X (90%), Acme Router OS 2.0 (85%)");
  EXPECT_EQ(s.lines[4], "No exact OS matches for host (test conditions non-ideal).");
  EXPECT_FALSE(s.show_fingerprint);
  o.verbose = 2;
  s = summarize_os(match(small_db(), kNearLinux), o);
  EXPECT_EQ(s.lines[3], "OS fingerprint not ideal because: Missing a closed TCP port so results incomplete");
  EXPECT_TRUE(s.show_fingerprint);
  EXPECT_FALSE(s.fingerprint_wrapped);
  EXPECT_FALSE(s.fingerprint_good);
}

TEST(OsSummary, NoMatches) {
  OsSummary s = summarize_os(match(small_db(), kNothing, true));
  EXPECT_THAT(s.lines, ElementsAre(
      "No OS matches for host (If you know what OS is running on it, see https://nmap.org/submit/ )."));
  EXPECT_TRUE(s.show_fingerprint);
  s = summarize_os(match(small_db(), kNothing), {.omit_reason = "Timing level 5 (Insane) used"});
  EXPECT_THAT(s.lines, ElementsAre("OS fingerprint not ideal because: Timing level 5 (Insane) used",
                                   "No OS matches for host"));
  EXPECT_FALSE(s.show_fingerprint);
}

TEST(OsSummary, UnreliableWarningComesFirst) {
  OsSummary s = summarize_os(match(small_db(), kAcme2), {.unreliable = true});
  ASSERT_FALSE(s.lines.empty());
  EXPECT_EQ(s.lines[0],
            "Warning: OSScan results may be unreliable because we could not find at least 1 open and 1 closed port");
  EXPECT_EQ(s.lines.back(), "OS details: Acme Router OS 2.0");
}

std::string db_of(const std::vector<std::pair<std::string, std::string>>& refs) {
  std::string text = kMatchPoints;
  for (const auto& [name, classes] : refs) text += "\nFingerprint " + name + "\n" + classes + "T1(R=Y%DF=Y%W=FFFF)\n";
  return text;
}

TEST(OsSummary, SeveralPerfectMatchesAndGenerationsJoined) {
  OsDb db = OsDb::parse(db_of({{"Linux 2.6.32", "Class Linux | Linux | 2.6.X | general purpose\nCPE cpe:/o:linux:linux_kernel:2.6\n"},
                               {"Linux 3.2", "Class Linux | Linux | 3.X | general purpose\nCPE cpe:/o:linux:linux_kernel:3\n"},
                               // "6.X" is part of "2.6.X|3.X": nmap does not add it (a substring test).
                               {"Linux 6.1", "Class Linux | Linux | 6.X | general purpose\nCPE cpe:/o:linux:linux_kernel:6\n"},
                               {"Acme box", "Class Acme | BoxOS || storage-misc\n"}}),
                        "g");
  OsSummary s = summarize_os(match(db, "T1(R=Y%DF=Y%W=FFFF)"));
  EXPECT_THAT(s.lines, ElementsAre(
      "Device type: general purpose|storage-misc",
      "Running: Linux 2.6.X|3.X, Acme BoxOS",
      "OS CPE: cpe:/o:linux:linux_kernel:2.6 cpe:/o:linux:linux_kernel:3 cpe:/o:linux:linux_kernel:6",
      "OS details: Linux 2.6.32, Linux 3.2, Linux 6.1, Acme box"));
}

TEST(OsSummary, NinePerfectMatchesAreTooMany) {
  std::vector<std::pair<std::string, std::string>> refs;
  for (int i = 0; i < 9; ++i) refs.push_back({"Box " + std::to_string(i), "Class Acme | BoxOS | 1.X | router\n"});
  OsDb db = OsDb::parse(db_of(refs), "9");
  OsSummary s = summarize_os(match(db, "T1(R=Y%DF=Y%W=FFFF)"));
  // The classes are still summed up; the names are not listed.
  EXPECT_THAT(s.lines, ElementsAre("Device type: router", "Running: Acme BoxOS 1.X",
                                   "Too many fingerprints match this host to give specific OS details"));
  EXPECT_FALSE(s.show_fingerprint);
  EXPECT_TRUE(summarize_os(match(db, "T1(R=Y%DF=Y%W=FFFF)"), {.verbose = 2}).show_fingerprint);
}

TEST(OsSummary, MoreThanEightDeviceTypesPrintNoClassLines) {
  std::vector<std::pair<std::string, std::string>> refs;
  for (int i = 0; i < 9; ++i) refs.push_back({"Box " + std::to_string(i), "Class Acme | BoxOS | 1.X | type" + std::to_string(i) + "\n"});
  OsDb db = OsDb::parse(db_of(refs), "9");
  // Nine perfect matches in the list, but only eight class types fit.
  OsSummary s = summarize_os(match(db, "T1(R=Y%DF=Y%W=FFFF)"));
  EXPECT_THAT(s.lines, ElementsAre("Too many fingerprints match this host to give specific OS details"));
}

TEST(OsSummary, TooManyPerfectMatches) {
  std::vector<std::pair<std::string, std::string>> refs;
  for (int i = 0; i < 37; ++i) refs.push_back({"Box " + std::to_string(i), "Class Acme | BoxOS | 1.X | router\n"});
  OsMatchResult r = match(OsDb::parse(db_of(refs), "37"), "T1(R=Y%DF=Y%W=FFFF)");
  ASSERT_EQ(r.status, OsMatchStatus::TooManyMatches);
  EXPECT_THAT(summarize_os(r).lines, ElementsAre("Too many fingerprints match this host to give specific OS details"));
}

TEST(OsSummary, OmitSubmissionReasons) {
  OsScanConditions good{.open_tcp_port = 22, .closed_tcp_port = 1, .closed_udp_port = 40000, .distance = 1};
  EXPECT_EQ(omit_submission_reason(good), "");
  OsScanConditions c = good;
  c.closed_tcp_port = -1;
  EXPECT_EQ(omit_submission_reason(c), "Missing a closed TCP port so results incomplete");
  c = good;
  c.distance = 7;
  EXPECT_EQ(omit_submission_reason(c), "Host distance (7 network hops) is greater than five");
  c = good;
  c.closed_udp_port = -1;
  EXPECT_EQ(omit_submission_reason(c), "Didn't receive UDP response. Please try again with -sSU");
  c.udp_scan = true;
  EXPECT_EQ(omit_submission_reason(c), "");
  c = good;
  c.timing_level = 5;
  EXPECT_EQ(omit_submission_reason(c), "Timing level 5 (Insane) used");
}

}  // namespace
}  // namespace portsweep::os
