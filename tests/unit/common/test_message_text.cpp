#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "common/error.hpp"
#include "common/message_text.hpp"

namespace portsweep {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(PrintableText, PlainTextAndUtf8PassThrough) {
  EXPECT_EQ(printable_text("invalid port \"70000\" in -p: ports are 0-65535"),
            "invalid port \"70000\" in -p: ports are 0-65535");
  EXPECT_EQ(printable_text("unknown service \"caf\xc3\xa9\" \xe2\x82\xac \xf0\x9f\x98\x80"),
            "unknown service \"caf\xc3\xa9\" \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(PrintableText, ControlBytesAreEscaped) {
  EXPECT_EQ(printable_text("a\x1b[31mred\x07\n\r\tb\x7f"), "a\\x1b[31mred\\x07\\x0a\\x0d\\x09b\\x7f");
  EXPECT_EQ(printable_text(std::string_view("nul\0here", 8)), "nul\\x00here");
}

TEST(PrintableText, InvalidUtf8IsEscapedBytewise) {
  EXPECT_EQ(printable_text("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printable_text("\xc3"), "\\xc3");              // truncated sequence
  EXPECT_EQ(printable_text("\xc0\xaf"), "\\xc0\\xaf");     // overlong '/'
  EXPECT_EQ(printable_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(printable_text("\xc2\x9b"), "\\xc2\\x9b");     // C1 CSI
  EXPECT_EQ(printable_text("\xe2\x80\xae"), "\\xe2\\x80\\xae");  // right-to-left override
}

TEST(PrintableText, LongQuotedValuesAreCut) {
  const std::string value(5000, 'A');
  const std::string text = printable_text("invalid target \"" + value + "\": expected an address");
  EXPECT_THAT(text, StartsWith("invalid target \"" + std::string(kMaxQuoted, 'A') + "...\""));
  EXPECT_THAT(text, EndsWith("\": expected an address"));
  EXPECT_LT(text.size(), 200u);
}

TEST(PrintableText, LongMessagesKeepStartAndEnd) {
  std::string words;
  for (int i = 0; i < 1000; ++i) words += "word ";
  const std::string text = printable_text("start " + words + "end");
  EXPECT_LE(text.size(), kMaxMessage + 8);
  EXPECT_THAT(text, StartsWith("start word"));
  EXPECT_THAT(text, EndsWith("word end"));
  EXPECT_THAT(text, HasSubstr(" ... "));
}

// what() is a C string: a NUL from a binary file must not end the message
// before what was expected.
TEST(ErrorMessages, KeepWhatFollowsANul) {
  const UsageError e(std::string("invalid target \"a\0b\": expected an address", 41));
  EXPECT_STREQ(e.what(), "invalid target \"a\\x00b\": expected an address");
  EXPECT_EQ(printable_text(e.what()), "invalid target \"a\\x00b\": expected an address");
  const RuntimeFailure f(std::string("x\0y", 3));
  EXPECT_STREQ(f.what(), "x\\x00y");
}

TEST(PrintableText, PrintsOneLine) {
  std::ostringstream out;
  print_message_line(out, "portsweep: ", "two\nlines");
  EXPECT_EQ(out.str(), "portsweep: two\\x0alines\n");
}

}  // namespace
}  // namespace portsweep
