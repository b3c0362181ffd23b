// Version-field templates: $1…$9 and nmap's helpers $P, $SUBST and $I.
#include <gtest/gtest.h>

#include <stdexcept>

#include "detect/version_match_template.hpp"
#include "detect_db_fixtures.hpp"

namespace portsweep {
namespace {

// Runs one match line against `response` and returns the version field.
std::string version_of(const std::string& line, const std::string& response) {
  ServiceProbeDb db = test::parse_text("Probe TCP NULL q||\n" + line + "\n");
  std::optional<ServiceMatch> m = db.match(*db.null_probe(), response);
  if (!m) return "<no match>";
  return m->version;
}

TEST(VersionTemplate, DollarDigitIsTheCapture) {
  EXPECT_EQ(version_of(R"(match x m|^v(\d+)\.(\d+)| v/$2 of $1/)", "v12.7"), "7 of 12");
  // A group that did not take part reads as empty.
  EXPECT_EQ(version_of(R"(match x m|^a(b)?(c)| v/[$1][$2]/)", "ac"), "[][c]");
  // A group the pattern does not have reads as empty too.
  EXPECT_EQ(version_of(R"(match x m|^(a)| v/$1$7/)", "a"), "a");
  // $10 is $1 then a literal 0, as in nmap.
  EXPECT_EQ(version_of(R"(match x m|^(a)| v/$10/)", "a"), "a0");
}

TEST(VersionTemplate, DollarThatStartsNothingIsLiteral) {
  EXPECT_EQ(version_of(R"(match x m|^(\d+)| v/$$1 $ $X/)", "5"), "$5 $ $X");
}

TEST(VersionTemplate, PrintableOnly) {
  // UTF-16LE names are the usual reason for $P.
  std::string utf16("N\0A\0S\0-\0" "1\0\x01", 11);
  EXPECT_EQ(version_of(R"(match x m|^(.*)\x01|s v/$P(1)/)", utf16), "NAS-1");
  EXPECT_EQ(version_of(R"(match x m|^(.*)$|s v/$P(1)/)", "a\tb\x7f" "c\xff" "d"), "abcd");
}

TEST(VersionTemplate, Subst) {
  EXPECT_EQ(version_of(R"(match x m|^V(\S+)| v/$SUBST(1,"_",".")/)", "V1_2_33"), "1.2.33");
  // Spaces around the arguments and C escapes in the strings.
  EXPECT_EQ(version_of(R"(match x m|^(.*)$|s v/$SUBST(1, "\r\n", ", ")/)", "a\r\nb\r\nc"), "a, b, c");
  EXPECT_EQ(version_of(R"(match x m|^(.*)$| v/$SUBST(1,"%2E",".")/)", "1%2E0"), "1.0");
  EXPECT_EQ(version_of(R"(match x m|^(.*)$| v/$SUBST(1,"-","")/)", "a-b-c"), "abc");
  EXPECT_EQ(version_of(R"(match x m|^(.*)$| v/pre $SUBST(1,"x","y") post/)", "xx"), "pre yy post");
}

TEST(VersionTemplate, UnpackUnsigned) {
  EXPECT_EQ(version_of(R"(match x m|^(..)|s v/$I(1,">")/)", std::string("\x01\x02", 2)), "258");
  EXPECT_EQ(version_of(R"(match x m|^(..)|s v/$I(1,"<")/)", std::string("\x01\x02", 2)), "513");
  EXPECT_EQ(version_of(R"(match x m|^(....)|s v/$I(1,">")/)", std::string("\0\0\x01\0", 4)), "256");
  EXPECT_EQ(version_of(R"(match x m|^(.)|s v/v$I(1,">")/)", std::string("\xff", 1)), "v255");
  EXPECT_EQ(version_of(R"(match x m|^(.{8})|s v/$I(1,"<")/)", std::string(8, '\xff')), "18446744073709551615");
}

TEST(VersionTemplate, HelpersInEveryField) {
  ServiceProbeDb db = test::parse_text(
      "Probe TCP NULL q||\n"
      R"(match svc m|^(\w+) (\w+) (\w+) (\w+) (\w+) (\w+) (\w+)| p/P$1/ v/V$2/ i/I$3/ h/H$4/ o/O$5/ d/D$6/ cpe:/a:vendor:prod:$7/)"
      "\n");
  auto m = db.match(*db.null_probe(), "a b c d e f g");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->product, "Pa");
  EXPECT_EQ(m->version, "Vb");
  EXPECT_EQ(m->info, "Ic");
  EXPECT_EQ(m->hostname, "Hd");
  EXPECT_EQ(m->ostype, "Oe");
  EXPECT_EQ(m->devicetype, "Df");
  EXPECT_EQ(m->cpe, std::vector<std::string>{"cpe:/a:vendor:prod:g"});
}

TEST(VersionTemplate, SyntaxErrors) {
  for (const char* bad : {"$P(1", "$P(x)", "$P(0)", "$P(12)", "$SUBST(1,\"a\")", "$SUBST(1,a,b)",
                          "$SUBST(1,\"a\",\"b\"", "$I(1,\"=\")", "$I(1)", "$SUBST(1,\"\\x4\",\"\")"}) {
    EXPECT_THROW(check_version_template(bad), std::invalid_argument) << bad;
  }
  for (const char* good : {"", "plain", "$1", "$P(9)", "$SUBST(2,\"_\",\".\")", "$I(3,\"<\")", "a$", "$$"}) {
    EXPECT_NO_THROW(check_version_template(good)) << good;
  }
}

}  // namespace
}  // namespace portsweep
