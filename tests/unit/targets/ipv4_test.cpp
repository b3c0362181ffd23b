#include "targets/ipv4.hpp"

#include <gtest/gtest.h>

#include <random>

namespace portsweep {
namespace {

TEST(Ipv4Text, FormatsDottedQuad) {
  EXPECT_EQ(format_ipv4(0), "0.0.0.0");
  EXPECT_EQ(format_ipv4(0xFFFFFFFFu), "255.255.255.255");
  EXPECT_EQ(format_ipv4(0xC0A8010Au), "192.168.1.10");
  EXPECT_EQ(format_ipv4(0x0A000001u), "10.0.0.1");
}

TEST(Ipv4Text, ParsesDottedQuad) {
  EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
  EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xFFFFFFFFu);
  EXPECT_EQ(parse_ipv4("192.168.1.10"), 0xC0A8010Au);
  EXPECT_EQ(parse_ipv4("10.0.0.1"), 0x0A000001u);
}

TEST(Ipv4Text, RejectsAnythingButFourPlainOctets) {
  for (const char* bad : {"", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.00", " 1.2.3.4",
                          "1.2.3.4 ", "1.2.3.-4", "1..2.3", "1.2.3.4/24", "1234.1.1.1", "+1.2.3.4",
                          "1.2.3.", ".1.2.3", "a.b.c.d", "10.1", "1.2.3.4x"}) {
    EXPECT_FALSE(parse_ipv4(bad).has_value()) << bad;
  }
}

TEST(Ipv4Text, RoundTripsRandomAddresses) {
  std::mt19937 rng(7);
  for (int i = 0; i < 10000; ++i) {
    uint32_t address = rng();
    EXPECT_EQ(parse_ipv4(format_ipv4(address)), address);
  }
}

}  // namespace
}  // namespace portsweep
