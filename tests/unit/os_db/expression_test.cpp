// nmap 7.93's expression semantics (osscan.cc expr_match), case by case,
// including the quirks later nmap releases changed: portsweep's guesses are
// compared with the installed nmap 7.93's.
#include <gtest/gtest.h>

#include "os/os_expression.hpp"

namespace portsweep::os {
namespace {

bool m(const char* expr, const char* value) { return OsExpression(expr).matches(std::string(value)); }

TEST(OsExpression, ExactTextForNonNumericValues) {
  EXPECT_TRUE(m("M5B4ST11NW7", "M5B4ST11NW7"));
  EXPECT_FALSE(m("M5B4ST11NW7", "M5B4ST11NW8"));
  EXPECT_TRUE(m("Z", "Z"));
  EXPECT_FALSE(m("Z", "RI"));
  EXPECT_TRUE(m("Y", "Y"));
  EXPECT_FALSE(m("Y", "N"));
  EXPECT_TRUE(m("AS", "AS"));
  EXPECT_FALSE(m("AS", "ASR"));  // the last alternative must be equal
}

TEST(OsExpression, HexValuesCompareAsText) {
  // "A" (the T1 flags "ack only") reads as the number 10; with no '-', '<'
  // or '>' in the expression it is compared as text.
  EXPECT_TRUE(m("A", "A"));
  EXPECT_FALSE(m("AS", "A"));
  EXPECT_TRUE(m("FFFF", "FFFF"));
  EXPECT_FALSE(m("FFFF", "FFFE"));
  EXPECT_FALSE(m("40", "040"));  // text, not number: leading zeroes differ
}

TEST(OsExpression, EmptyValueAndEmptyExpression) {
  EXPECT_TRUE(m("", ""));    // Q= against Q=
  EXPECT_FALSE(m("", "R"));  // Q= against Q=R
  EXPECT_FALSE(m("", "1"));
  // The empty value reads as the number 0.
  EXPECT_TRUE(m("0-5", ""));
  EXPECT_TRUE(m("<3", ""));
  EXPECT_FALSE(m(">0", ""));
}

TEST(OsExpression, Alternatives) {
  EXPECT_TRUE(m("I|RD", "I"));
  EXPECT_TRUE(m("I|RD", "RD"));
  EXPECT_FALSE(m("I|RD", "Z"));
  EXPECT_TRUE(m("8000|FFFF", "FFFF"));
  EXPECT_TRUE(m("5|", "5"));
  EXPECT_FALSE(m("5|", "M"));
  EXPECT_TRUE(m("Y|", ""));  // the empty last alternative
}

TEST(OsExpression, HexRanges) {
  EXPECT_TRUE(m("3B-45", "3B"));
  EXPECT_TRUE(m("3B-45", "40"));
  EXPECT_TRUE(m("3B-45", "45"));
  EXPECT_FALSE(m("3B-45", "3A"));
  EXPECT_FALSE(m("3B-45", "46"));
  EXPECT_TRUE(m("3B-45|FA-104", "100"));
  EXPECT_FALSE(m("3B-45|FA-104", "80"));
  EXPECT_FALSE(m("3B-45", "Z"));  // a non-numeric value never satisfies a range
  EXPECT_TRUE(m("5-B", "a"));     // strtol reads lower-case hex too
}

TEST(OsExpression, GreaterAndLess) {
  EXPECT_TRUE(m(">10", "11"));
  EXPECT_FALSE(m(">10", "10"));
  EXPECT_TRUE(m(">B0", "100"));
  EXPECT_TRUE(m("<10", "F"));
  EXPECT_FALSE(m("<10", "10"));
  EXPECT_TRUE(m("1|>1000000", "1"));
  EXPECT_TRUE(m("1|>1000000", "1000001"));
  EXPECT_FALSE(m("1|>1000000", "2"));
  EXPECT_FALSE(m(">0", "Z"));  // text comparison with ">0"
  EXPECT_TRUE(m(">0|83CB", "83CB"));
}

// The quirks of 7.93, fixed in later nmap releases.
TEST(OsExpression, Nmap793PrefixRuleForAlternativesBeforeTheLast) {
  // strncmp over the alternative's length: a prefix test.
  EXPECT_TRUE(m("M5B4|M400", "M5B4ST11"));
  EXPECT_FALSE(m("M400|M5B4", "M5B4ST11"));
  EXPECT_TRUE(m("1|>1000000", "10"));
  // An empty first alternative matches every value.
  EXPECT_TRUE(m("|U", "R"));
  EXPECT_TRUE(m("|M5B4", "M5B4NW8"));
  EXPECT_TRUE(m("|5", "1"));
}

TEST(OsExpression, Nmap793DashInALaterAlternativeHidesAnEarlierNumber) {
  // For a numeric value the first '-' of the rest of the expression is taken
  // as this alternative's range separator: "A" in "A|C-E" never matches.
  EXPECT_FALSE(m("A|C-E", "A"));
  EXPECT_TRUE(m("A|C-E", "D"));
  EXPECT_FALSE(m("79|B0-BA", "79"));
  EXPECT_TRUE(m("B0-BA|79", "79"));  // the last alternative has no '-' after it
  // A non-numeric value is still compared as text.
  EXPECT_TRUE(m("RD|C-E", "RD"));
}

TEST(OsExpression, MalformedNumericAlternativesNeverMatchNumbers) {
  EXPECT_FALSE(m(">1Z", "FF"));
  EXPECT_TRUE(m(">1Z", ">1Z"));  // a non-numeric value compares text
  EXPECT_FALSE(m("3B-4Z", "3C"));
}

TEST(OsExpression, RangesThatDoNotRiseAreFlagged) {
  EXPECT_TRUE(OsExpression("9-5").has_bad_range());
  EXPECT_TRUE(OsExpression("1|5-5").has_bad_range());
  EXPECT_FALSE(OsExpression("5-9").has_bad_range());
  EXPECT_FALSE(OsExpression("A|C-E").has_bad_range());
  EXPECT_FALSE(OsExpression("M5B4").has_bad_range());
}

TEST(SubjectValue, ReadsHexLikeStrtol) {
  EXPECT_TRUE(SubjectValue::of("10A").numeric);
  EXPECT_EQ(SubjectValue::of("10A").number, 0x10Au);
  EXPECT_TRUE(SubjectValue::of("").numeric);
  EXPECT_EQ(SubjectValue::of("").number, 0u);
  EXPECT_FALSE(SubjectValue::of("M5B4").numeric);
  EXPECT_FALSE(SubjectValue::of("Z").numeric);
  EXPECT_TRUE(SubjectValue::of("A").numeric);
}

}  // namespace
}  // namespace portsweep::os
