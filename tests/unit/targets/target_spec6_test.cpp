// IPv6 target specifications: every accepted form, the IPv4-mapped block,
// hostnames with both families, and the refusals with their messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "common/error.hpp"
#include "targets/ipv4.hpp"
#include "targets/ipv6.hpp"
#include "targets/target_set.hpp"
#include "targets/target_spec.hpp"

namespace portsweep {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using Ranges6 = std::vector<Ipv6Range>;
using Ranges = std::vector<Ipv4Range>;

constexpr u128 kTwo64 = u128{1} << 64;

u128 v6(const char* text) { return parse_ipv6(text).value(); }
uint32_t ip(const char* text) { return parse_ipv4(text).value(); }

std::vector<IpAddress> no_dns(const std::string& name) { throw UsageError("unexpected lookup of " + name); }

ParsedTarget parse(std::string_view spec) { return parse_target_spec(spec, no_dns); }
TargetSet6 parse6(std::string_view spec) {
  ParsedTarget p = parse(spec);
  EXPECT_TRUE(p.ranges.empty()) << spec;
  return TargetSet6(p.ranges6);
}
Ranges6 one(const char* first, const char* last) { return {{v6(first), v6(last)}}; }

TEST(TargetSpec6, SingleAddressInEveryTextForm) {
  for (const char* form : {"2001:db8::1", "2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001",
                           "2001:db8:0:0:0:0:0:1", "2001:db8::0:1"}) {
    EXPECT_EQ(parse6(form).ranges(), one("2001:db8::1", "2001:db8::1")) << form;
  }
  EXPECT_EQ(parse6("::").ranges(), (Ranges6{{0, 0}}));
  EXPECT_EQ(parse6("::1").ranges(), (Ranges6{{1, 1}}));
  EXPECT_EQ(parse6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").ranges(), (Ranges6{{~u128{0}, ~u128{0}}}));
  // Dotted tails outside the mapped block are IPv6: NAT64 and the old
  // IPv4-compatible form.
  EXPECT_EQ(parse6("64:ff9b::198.51.100.7").ranges(), one("64:ff9b::c633:6407", "64:ff9b::c633:6407"));
  EXPECT_EQ(parse6("::192.0.2.1").ranges(), (Ranges6{{0xC0000201u, 0xC0000201u}}));
  EXPECT_EQ(parse6("1:2:3:4:5:6:7:8").size(), 1u);
}

TEST(TargetSpec6, Ipv4MappedAddressesAreIpv4) {
  ParsedTarget mapped = parse("::ffff:192.0.2.1");
  EXPECT_EQ(mapped.ranges, (Ranges{{ip("192.0.2.1"), ip("192.0.2.1")}}));
  EXPECT_TRUE(mapped.ranges6.empty());
  EXPECT_EQ(parse("::ffff:c000:201").ranges, mapped.ranges);
  EXPECT_EQ(parse("::ffff:10.9.8.7/104").ranges, (Ranges{{ip("10.0.0.0"), ip("10.255.255.255")}}));
  ParsedTarget block = parse("::ffff:0:0/96");
  EXPECT_EQ(TargetSet(block.ranges).size(), uint64_t{1} << 32);
  EXPECT_TRUE(block.ranges6.empty());
  // A range across the block's ends: the IPv6 parts either side stay IPv6.
  ParsedTarget across = parse("::fffe:ffff:fffe-::1:0:0:1");
  EXPECT_EQ(across.ranges6, (Ranges6{{v6("::fffe:ffff:fffe"), v6("::fffe:ffff:ffff")}, {v6("::1:0:0:0"), v6("::1:0:0:1")}}));
  EXPECT_EQ(TargetSet(across.ranges).size(), uint64_t{1} << 32);
  ParsedTarget tail = parse("::ffff:255.255.255.254-::1:0:0:0");
  EXPECT_EQ(tail.ranges, (Ranges{{ip("255.255.255.254"), ip("255.255.255.255")}}));
  EXPECT_EQ(tail.ranges6, one("::1:0:0:0", "::1:0:0:0"));
}

TEST(TargetSpec6, CidrOfAnyLength) {
  EXPECT_EQ(parse6("2001:db8::/64").size(), kTwo64);
  EXPECT_EQ(parse6("2001:db8::/64").ranges(), one("2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"));
  // The host bits are ignored, as nmap does for IPv4.
  EXPECT_EQ(parse6("2001:db8::abcd:1234/64"), parse6("2001:db8::/64"));
  EXPECT_EQ(parse6("2001:db8::/32").size(), u128{1} << 96);
  EXPECT_EQ(parse6("2001:db8::77/128").ranges(), one("2001:db8::77", "2001:db8::77"));
  EXPECT_EQ(parse6("2001:db8::77/127").ranges(), one("2001:db8::76", "2001:db8::77"));
  EXPECT_EQ(parse6("2001:db8::ff/120").size(), 256u);
  EXPECT_EQ(parse6("8000::/1").ranges(), (Ranges6{{u128{1} << 127, ~u128{0}}}));
  EXPECT_EQ(parse6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/1").ranges(), (Ranges6{{u128{1} << 127, ~u128{0}}}));
  for (unsigned length = 0; length <= 128; ++length) {
    ParsedTarget p = parse("2001:db8:1234:5678:9abc:def0:1234:5678/" + std::to_string(length));
    u128 count = 0;
    for (const Ipv6Range& r : p.ranges6) count += r.size();
    if (length <= 2) {
      // The blocks ::/0, ::/1 and ::/2 hold ::ffff:0:0/96, which is IPv4.
      const u128 all = length == 0 ? ~u128{0} : (u128{1} << (128 - length)) - 1;
      EXPECT_EQ(count, all - 0xFFFFFFFFu) << length;
      EXPECT_EQ(TargetSet(p.ranges).size(), uint64_t{1} << 32);
    } else {
      EXPECT_EQ(count, u128{1} << (128 - length)) << length;
      EXPECT_TRUE(p.ranges.empty());
      EXPECT_TRUE(TargetSet6(p.ranges6).contains(v6("2001:db8:1234:5678:9abc:def0:1234:5678")));
    }
  }
}

TEST(TargetSpec6, WholeAddressRanges) {
  EXPECT_EQ(parse6("2001:db8::1-2001:db8::ff").ranges(), one("2001:db8::1", "2001:db8::ff"));
  EXPECT_EQ(parse6("2001:db8::1-2001:db8::ff").size(), 255u);
  EXPECT_EQ(parse6("2001:db8::5-2001:db8::5").size(), 1u);
  EXPECT_EQ(parse6("2001:db8::-2001:db8:0:1::").size(), kTwo64 + 1);
  EXPECT_EQ(parse6("::-::1").size(), 2u);
  EXPECT_EQ(parse6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").size(), 2u);
}

// nmap's IPv4 octet patterns are untouched by the IPv6 forms.
TEST(TargetSpec6, Ipv4PatternsStayAsTheyAre) {
  EXPECT_EQ(parse("10.0.0.1-3").ranges, (Ranges{{ip("10.0.0.1"), ip("10.0.0.3")}}));
  EXPECT_TRUE(parse("10.0.0.1-3").ranges6.empty());
  EXPECT_EQ(TargetSet(parse("10.*.0.1").ranges).size(), 256u);
}

void expect_error(std::string_view spec, const std::string& message) {
  EXPECT_THAT([&] { parse_target_spec(spec, no_dns); }, ThrowsMessage<UsageError>(message)) << spec;
}

void expect_error_mentions(std::string_view spec, const std::string& fragment) {
  std::string quoted;
  quoted.append(1, '"').append(spec).append(1, '"');
  EXPECT_THAT([&] { parse_target_spec(spec, no_dns); },
              ThrowsMessage<UsageError>(AllOf(HasSubstr(quoted), HasSubstr(fragment))))
      << spec;
}

TEST(TargetSpec6Errors, PrefixLength) {
  expect_error("2001:db8::/129", "invalid target \"2001:db8::/129\": prefix length 129 is out of range 0-128");
  expect_error("2001:db8::/", "invalid target \"2001:db8::/\": expected a prefix length 0-128 after the '/', not \"\"");
  expect_error_mentions("2001:db8::/x", "expected a prefix length 0-128");
  expect_error_mentions("2001:db8::/-1", "expected a prefix length 0-128");
  expect_error_mentions("2001:db8::/64/8", "expected a prefix length 0-128");
  expect_error_mentions("2001:db8::/1000", "expected a prefix length 0-128");
  expect_error_mentions("/64", "no address before the '/'");
  expect_error_mentions("2001:db8::1-2001:db8::9/64", "a /prefix length cannot be combined with an IPv6 range");
}

TEST(TargetSpec6Errors, MalformedAddresses) {
  expect_error(":::", "invalid target \":::\": \":::\" is not a valid IPv6 address");
  for (const char* bad : {"2001:db8:::1", "2001:db8::1::2", "12345::", "2001:db8::g", "1:2:3:4:5:6:7:8:9",
                          "1:2:3:4:5:6:7", "[2001:db8::1]", "::ffff:1.2.3.256", "::ffff:1.2.3", ":1", "1:",
                          "2001:db8::1 ", "0x2001:db8::1"}) {
    expect_error_mentions(bad, "is not a valid IPv6 address");
  }
  // Longer than any address text (INET6_ADDRSTRLEN).
  expect_error_mentions("2001:0db8:0000:0000:0000:0000:0000:0001:0000:0000:0000", "is not a valid IPv6 address");
}

TEST(TargetSpec6Errors, Ranges) {
  expect_error("2001:db8::1-2001:db8::0",
               "invalid target \"2001:db8::1-2001:db8::0\": the range is reversed: the first address is greater "
               "than the last");
  expect_error("2001:db8::1-ff",
               "invalid target \"2001:db8::1-ff\": \"ff\" is not an IPv6 address; an IPv6 range is two whole "
               "addresses, first-last");
  expect_error_mentions("10.0.0.1-2001:db8::1", "\"10.0.0.1\" is not an IPv6 address");
  expect_error_mentions("2001:db8::1-", "\"\" is not an IPv6 address");
  expect_error_mentions("-2001:db8::1", "\"\" is not an IPv6 address");
  expect_error_mentions("2001:db8::1-2001:db8::2-2001:db8::3", "is not an IPv6 address");
}

TEST(TargetSpec6Errors, ScopedAddressesAreRefused) {
  expect_error("fe80::1%eth0",
               "invalid target \"fe80::1%eth0\": a scoped address (zone \"%eth0\") cannot be scanned; give the "
               "address without its zone, and -e for the interface");
  expect_error_mentions("fe80::%2/64", "zone \"%2\"");
}

TEST(TargetSpec6Errors, KindWordsTheMessage) {
  EXPECT_THAT([] { parse_target_spec("2001:db8::/200", no_dns, "exclusion"); },
              ThrowsMessage<UsageError>(HasSubstr("invalid exclusion \"2001:db8::/200\"")));
}

// A name with addresses of both families, in the resolver's order.
std::vector<IpAddress> dual(const std::string& name) {
  if (name == "dual.example") {
    return {IpAddress::v6(v6("2001:db8::7")), IpAddress::v4(ip("192.0.2.7")), IpAddress::v6(v6("2001:db8::8")),
            IpAddress::v4(ip("192.0.2.8"))};
  }
  if (name == "six.example") return {IpAddress::v6(v6("2001:db8::6"))};
  if (name == "four.example") return {IpAddress::v4(ip("192.0.2.4"))};
  throw UnresolvedName(name, "unknown in this test");
}

TEST(TargetSpec6, HostnameScansTheFirstAddressOfTheFamilyAskedFor) {
  ParsedTarget four = parse_target_spec("dual.example", dual);  // no -6
  EXPECT_EQ(four.ranges, (Ranges{{ip("192.0.2.7"), ip("192.0.2.7")}}));
  EXPECT_TRUE(four.ranges6.empty());
  ASSERT_TRUE(four.name);
  EXPECT_EQ(four.name->address, IpAddress::v4(ip("192.0.2.7")));
  EXPECT_EQ(four.name->others,
            (std::vector<IpAddress>{IpAddress::v6(v6("2001:db8::7")), IpAddress::v6(v6("2001:db8::8")),
                                    IpAddress::v4(ip("192.0.2.8"))}));

  ParsedTarget six = parse_target_spec("dual.example", dual, "target", AddressFamily::V6);
  EXPECT_TRUE(six.ranges.empty());
  EXPECT_EQ(six.ranges6, one("2001:db8::7", "2001:db8::7"));
  EXPECT_EQ(six.name->address, IpAddress::v6(v6("2001:db8::7")));
  EXPECT_EQ(six.name->others,
            (std::vector<IpAddress>{IpAddress::v4(ip("192.0.2.7")), IpAddress::v6(v6("2001:db8::8")),
                                    IpAddress::v4(ip("192.0.2.8"))}));

  EXPECT_EQ(parse_target_spec("dual.example/120", dual, "target", AddressFamily::V6).ranges6,
            one("2001:db8::", "2001:db8::ff"));
  EXPECT_EQ(parse_target_spec("dual.example/24", dual).ranges, (Ranges{{ip("192.0.2.0"), ip("192.0.2.255")}}));
  EXPECT_EQ(TargetSet6(parse_target_spec("six.example/64", dual, "target", AddressFamily::V6).ranges6).size(),
            kTwo64);
  EXPECT_THAT([] { parse_target_spec("dual.example/64", dual); },
              ThrowsMessage<UsageError>("invalid target \"dual.example/64\": prefix length 64 is out of range 0-32 "
                                        "for dual.example's IPv4 address"));
  EXPECT_THAT([] { parse_target_spec("dual.example/129", dual, "target", AddressFamily::V6); },
              ThrowsMessage<UsageError>(HasSubstr("prefix length 129 is out of range 0-128")));
}

TEST(TargetSpec6, NameWithoutTheFamilyIsUnresolved) {
  EXPECT_THAT([] { parse_target_spec("six.example", dual); },
              ThrowsMessage<UnresolvedName>("failed to resolve \"six.example\": no IPv4 address (it has IPv6 ones, "
                                            "which -6 scans)"));
  EXPECT_THAT([] { parse_target_spec("four.example", dual, "target", AddressFamily::V6); },
              ThrowsMessage<UnresolvedName>(HasSubstr("no IPv6 address")));
  EXPECT_THAT([] { parse_target_spec("x.example", [](const std::string&) { return std::vector<IpAddress>{}; }); },
              ThrowsMessage<UnresolvedName>("failed to resolve \"x.example\": no address"));
}

// No family: every address of the name, of both families (exclusions).
TEST(TargetSpec6, NoFamilyTakesEveryAddress) {
  ParsedTarget all = parse_target_spec("dual.example", dual, "exclusion", std::nullopt);
  EXPECT_EQ(all.ranges, (Ranges{{ip("192.0.2.7"), ip("192.0.2.8")}}));
  EXPECT_EQ(all.ranges6, one("2001:db8::7", "2001:db8::8"));
  EXPECT_EQ(all.name->address, IpAddress::v6(v6("2001:db8::7")));
  ParsedTarget blocks = parse_target_spec("dual.example/24", dual, "exclusion", std::nullopt);
  EXPECT_EQ(blocks.ranges, (Ranges{{ip("192.0.2.0"), ip("192.0.2.255")}}));
  EXPECT_EQ(TargetSet6(blocks.ranges6).size(), u128{1} << 104);
}

// Through the system resolver, which asks for both families.
TEST(TargetSpec6, SystemResolverGivesBothFamiliesItKnows) {
  std::vector<IpAddress> local = resolve_hostname("localhost");
  ASSERT_FALSE(local.empty());
  for (const IpAddress& a : local) {
    EXPECT_TRUE(a.is_v4() ? a.v4_value() >> 24 == 127 : a.value() == 1) << a.bytes()[15];
  }
  for (size_t i = 0; i < local.size(); ++i) {
    for (size_t j = i + 1; j < local.size(); ++j) EXPECT_NE(local[i], local[j]) << "each address once";
  }
}

// Random IPv6 CIDRs and ranges against the arithmetic they stand for.
TEST(TargetSpec6, RandomCidrsAndRangesCountRight) {
  std::mt19937_64 rng(606);
  auto random_address = [&rng] {
    u128 a = (u128{rng()} << 64) | rng();
    a = (a & ~(u128{0xFFFF} << 112)) | (u128{0x2001} << 112);  // in 2000::/3: never IPv4-mapped
    return a;
  };
  for (int round = 0; round < 500; ++round) {
    const u128 a = random_address();
    const unsigned length = 3 + static_cast<unsigned>(rng() % 126);  // ::/1 and ::/2 hold IPv4-mapped space
    const TargetSet6 block = parse6(format_ipv6(a) + "/" + std::to_string(length));
    ASSERT_EQ(block.size(), u128{1} << (128 - length));
    const u128 host = length == 128 ? 0 : (u128{1} << (128 - length)) - 1;
    ASSERT_EQ(block.ranges().front().first, a & ~host);
    ASSERT_TRUE(block.contains(a));

    u128 b = random_address();
    u128 low = std::min(a, b), high = std::max(a, b);
    const TargetSet6 range = parse6(format_ipv6(low) + "-" + format_ipv6(high));
    ASSERT_EQ(range.ranges(), (Ranges6{{low, high}}));
    if (low != high) {
      EXPECT_THROW(parse(format_ipv6(high) + "-" + format_ipv6(low)), UsageError);
    }
  }
}

}  // namespace
}  // namespace portsweep
