#include "targets/target_spec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "common/error.hpp"
#include "targets/ipv4.hpp"
#include "targets/target_set.hpp"

namespace portsweep {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using Ranges = std::vector<Ipv4Range>;

uint32_t ip(const char* text) { return parse_ipv4(text).value(); }

std::vector<IpAddress> no_dns(const std::string& name) { throw UsageError("unexpected lookup of " + name); }

TargetSet parse(std::string_view spec) { return TargetSet(parse_target_spec(spec, no_dns).ranges); }

Ranges one(const char* first, const char* last) { return {{ip(first), ip(last)}}; }

TEST(TargetSpec, SingleAddress) {
  EXPECT_EQ(parse("192.168.1.10").ranges(), one("192.168.1.10", "192.168.1.10"));
  EXPECT_EQ(parse("0.0.0.0").size(), 1u);
  EXPECT_EQ(parse("255.255.255.255").ranges(), one("255.255.255.255", "255.255.255.255"));
}

TEST(TargetSpec, LeadingZerosAreDecimal) {
  EXPECT_EQ(parse("10.0.0.010").ranges(), one("10.0.0.10", "10.0.0.10"));
}

TEST(TargetSpec, Cidr) {
  EXPECT_EQ(parse("0.0.0.0/0").size(), uint64_t{1} << 32);
  EXPECT_EQ(parse("10.1.2.3/0").ranges(), one("0.0.0.0", "255.255.255.255"));
  EXPECT_EQ(parse("172.16.99.7/16").ranges(), one("172.16.0.0", "172.16.255.255"));
  EXPECT_EQ(parse("10.0.0.77/24").ranges(), one("10.0.0.0", "10.0.0.255"));
  EXPECT_EQ(parse("10.0.0.77/32").ranges(), one("10.0.0.77", "10.0.0.77"));
  EXPECT_EQ(parse("10.0.0.77/31").ranges(), one("10.0.0.76", "10.0.0.77"));
  EXPECT_EQ(parse("128.0.0.0/1").ranges(), one("128.0.0.0", "255.255.255.255"));
  EXPECT_EQ(parse("10.0.0.0/8").size(), 1u << 24);
}

TEST(TargetSpec, OctetRangesAreHeldAsRangesNotAddresses) {
  TargetSet set = parse("10.0-255.0-255.1-254");
  EXPECT_EQ(set.size(), 256u * 256u * 254u);
  EXPECT_EQ(set.ranges().size(), 65536u);
  EXPECT_EQ(set.at(0), ip("10.0.0.1"));
  EXPECT_EQ(set.at(253), ip("10.0.0.254"));
  EXPECT_EQ(set.at(254), ip("10.0.1.1"));
  EXPECT_FALSE(set.contains(ip("10.0.1.0")));
  EXPECT_FALSE(set.contains(ip("10.0.1.255")));
  EXPECT_TRUE(set.contains(ip("10.255.255.254")));
}

TEST(TargetSpec, FullTrailingOctetsCollapseToOneRange) {
  EXPECT_EQ(parse("10.0-255.0-255.0-255").ranges(), one("10.0.0.0", "10.255.255.255"));
  EXPECT_EQ(parse("10.*.*.*").ranges(), one("10.0.0.0", "10.255.255.255"));
  EXPECT_EQ(parse("*.*.*.*").size(), uint64_t{1} << 32);
  EXPECT_EQ(parse("10-11.*.*.*").ranges(), one("10.0.0.0", "11.255.255.255"));
  EXPECT_EQ(parse("10.0.0-3.*").ranges(), one("10.0.0.0", "10.0.3.255"));
  EXPECT_EQ(parse("1,2.0.0.*").ranges(), (Ranges{{ip("1.0.0.0"), ip("1.0.0.255")},
                                                 {ip("2.0.0.0"), ip("2.0.0.255")}}));
}

TEST(TargetSpec, Wildcard) {
  EXPECT_EQ(parse("192.168.1.*").ranges(), one("192.168.1.0", "192.168.1.255"));
  EXPECT_EQ(parse("192.168.*.1").size(), 256u);
  EXPECT_EQ(parse("192.168.*.1").ranges().size(), 256u);
}

TEST(TargetSpec, Lists) {
  TargetSet set = parse("10.1,3,5-7.0.1");
  std::vector<uint32_t> all(set.begin(), set.end());
  EXPECT_EQ(all, (std::vector<uint32_t>{ip("10.1.0.1"), ip("10.3.0.1"), ip("10.5.0.1"), ip("10.6.0.1"),
                                        ip("10.7.0.1")}));
  EXPECT_EQ(parse("10.0.0.1,2,3,5").ranges(), (Ranges{{ip("10.0.0.1"), ip("10.0.0.3")},
                                                      {ip("10.0.0.5"), ip("10.0.0.5")}}));
  EXPECT_EQ(parse("10.0.0.4,1-5,3").ranges(), one("10.0.0.1", "10.0.0.5"));
}

TEST(TargetSpec, OpenEndedOctetRanges) {
  EXPECT_EQ(parse("10.0.0.-100").ranges(), one("10.0.0.0", "10.0.0.100"));
  EXPECT_EQ(parse("10.0.0.100-").ranges(), one("10.0.0.100", "10.0.0.255"));
  EXPECT_EQ(parse("10.0.0.-").ranges(), one("10.0.0.0", "10.0.0.255"));
  EXPECT_EQ(parse("10.0.0.5-5").ranges(), one("10.0.0.5", "10.0.0.5"));
}

TEST(TargetSpec, HostnameUsesTheResolver) {
  auto fake = [](const std::string& name) -> std::vector<IpAddress> {
    EXPECT_EQ(name, "scanme.example.org");
    return {IpAddress::v4(0xC0000207u)};  // 192.0.2.7
  };
  ParsedTarget parsed = parse_target_spec("scanme.example.org", fake);
  EXPECT_EQ(parsed.ranges, one("192.0.2.7", "192.0.2.7"));
  ASSERT_TRUE(parsed.name.has_value());
  EXPECT_EQ(parsed.name->name, "scanme.example.org");
  EXPECT_EQ(parsed.name->address, IpAddress::v4(ip("192.0.2.7")));

  ParsedTarget block = parse_target_spec("scanme.example.org/24", fake);
  EXPECT_EQ(block.ranges, one("192.0.2.0", "192.0.2.255"));
  EXPECT_EQ(block.name->address, IpAddress::v4(ip("192.0.2.7")));
  EXPECT_FALSE(parse_target_spec("10.0.0.1", no_dns).name.has_value());
}

TEST(TargetSpec, ResolvesLocalhostThroughTheSystem) {
  ParsedTarget parsed = parse_target_spec("localhost");
  ASSERT_EQ(parsed.ranges.size(), 1u);
  EXPECT_EQ(parsed.ranges[0].first >> 24, 127u);
  EXPECT_EQ(TargetSet(parse_target_spec("localhost/30").ranges).size(), 4u);
}

TEST(TargetSpec, UnresolvableHostname) {
  EXPECT_THAT([] { parse_target_spec("nosuch.invalid"); },
              ThrowsMessage<UnresolvedName>(HasSubstr("failed to resolve \"nosuch.invalid\"")));
}

void expect_error(std::string_view spec, const std::string& message) {
  EXPECT_THAT([&] { parse_target_spec(spec, no_dns); }, ThrowsMessage<UsageError>(message)) << spec;
}

void expect_error_mentions(std::string_view spec, const std::string& fragment) {
  // Appended rather than `"\"" + ...`, which trips a false g++ 12 -Wrestrict at -O3.
  std::string quoted;
  quoted.append(1, '"').append(spec).append(1, '"');
  EXPECT_THAT([&] { parse_target_spec(spec, no_dns); },
              ThrowsMessage<UsageError>(::testing::AllOf(HasSubstr(quoted), HasSubstr(fragment))))
      << spec;
}

TEST(TargetSpecErrors, OctetOutOfRange) {
  expect_error("300.1.1.1", "invalid target \"300.1.1.1\": octet 300 is out of range 0-255");
  expect_error("10.0.0.256", "invalid target \"10.0.0.256\": octet 256 is out of range 0-255");
  expect_error_mentions("10.0.0.1-999", "octet 999 is out of range 0-255");
  expect_error_mentions("10.0.0.99999999999999999999", "out of range 0-255");
}

TEST(TargetSpecErrors, BadCidr) {
  expect_error("10.0.0.0/33", "invalid target \"10.0.0.0/33\": prefix length 33 is out of range 0-32");
  expect_error_mentions("10.0.0.0/", "expected a prefix length 0-32");
  expect_error_mentions("10.0.0.0/x", "expected a prefix length 0-32");
  expect_error_mentions("10.0.0.0/-1", "expected a prefix length 0-32");
  expect_error_mentions("10.0.0.0/24/8", "expected a prefix length 0-32");
  expect_error_mentions("/24", "no address before the '/'");
}

TEST(TargetSpecErrors, CidrOnOctetRange) {
  expect_error_mentions("10.0.0.1-3/30", "cannot be combined with octet ranges");
  expect_error_mentions("10.0.0.*/24", "cannot be combined with octet ranges");
  expect_error_mentions("10.0,1.0.0/16", "cannot be combined with octet ranges");
}

TEST(TargetSpecErrors, EmptySpec) {
  expect_error("", "invalid target \"\": the target is empty");
}

TEST(TargetSpecErrors, ReversedOctetRange) {
  expect_error("10.0.0.5-1",
               "invalid target \"10.0.0.5-1\": octet range 5-1 is reversed: the start is greater than the end");
}

TEST(TargetSpecErrors, WrongShape) {
  expect_error_mentions("10.1", "expected four dot-separated octets");
  expect_error_mentions("1.2.3.4.5", "expected four dot-separated octets");
  expect_error_mentions("10..0.1", "the second octet is empty");
  expect_error_mentions("10.0.0.", "the fourth octet is empty");
  expect_error_mentions("10.1,,2.0.1", "the second octet has an empty entry");
  expect_error_mentions("10.0.0.1-2-3", "more than one '-'");
  expect_error_mentions("bad!host", "'!' cannot appear");
}

TEST(TargetSpecErrors, KindWordsTheMessage) {
  EXPECT_THAT([] { parse_target_spec("300.0.0.1", no_dns, "exclusion"); },
              ThrowsMessage<UsageError>(HasSubstr("invalid exclusion \"300.0.0.1\"")));
}

// Random octet patterns against a brute-force expansion of the same pattern.
TEST(TargetSpec, RandomPatternsMatchBruteForce) {
  std::mt19937 rng(2024);
  auto pick = [&rng](unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng); };
  for (int round = 0; round < 200; ++round) {
    std::string spec;
    std::vector<std::set<unsigned>> octets(4);
    for (int o = 0; o < 4; ++o) {
      if (o > 0) spec += '.';
      // The last octet is sometimes '*' so the collapsing path is exercised.
      if (o == 3 && pick(4) == 0) {
        spec += '*';
        for (unsigned v = 0; v < 256; ++v) octets[o].insert(v);
        continue;
      }
      unsigned items = 1 + pick(3);
      for (unsigned i = 0; i < items; ++i) {
        if (i > 0) spec += ',';
        unsigned low = 250 * (o == 3) + pick(6), high = low + pick(3);
        high = std::min(high, 255u);
        if (low == high) {
          spec += std::to_string(low);
        } else {
          spec += std::to_string(low) + '-' + std::to_string(high);
        }
        for (unsigned v = low; v <= high; ++v) octets[o].insert(v);
      }
    }
    std::set<uint32_t> expected;
    for (unsigned a : octets[0])
      for (unsigned b : octets[1])
        for (unsigned c : octets[2])
          for (unsigned d : octets[3]) expected.insert(a << 24 | b << 16 | c << 8 | d);

    TargetSet set = parse(spec);
    ASSERT_EQ(set.size(), expected.size()) << spec;
    uint64_t index = 0;
    for (uint32_t address : expected) ASSERT_EQ(set.at(index++), address) << spec;
    for (int probe = 0; probe < 200; ++probe) {
      uint32_t address = pick(8) << 24 | pick(8) << 16 | pick(8) << 8 | (pick(2) ? 250 + pick(6) : pick(256));
      EXPECT_EQ(set.contains(address), expected.count(address) == 1) << spec << " " << format_ipv4(address);
    }
  }
}

}  // namespace
}  // namespace portsweep
