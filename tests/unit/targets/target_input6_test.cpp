// IPv4 and IPv6 targets in one command: -6 and hostnames, -iL files and
// exclusions of both families, and the limit on the IPv6 set's size.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

#include <unistd.h>

#include "common/error.hpp"
#include "targets/ipv4.hpp"
#include "targets/ipv6.hpp"
#include "targets/target_input.hpp"

namespace portsweep {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using Ranges = std::vector<Ipv4Range>;
using Ranges6 = std::vector<Ipv6Range>;

uint32_t ip(const char* text) { return parse_ipv4(text).value(); }
u128 v6(const char* text) { return parse_ipv6(text).value(); }
IpAddress a4(const char* text) { return IpAddress::v4(ip(text)); }
IpAddress a6(const char* text) { return IpAddress::v6(v6(text)); }

std::vector<IpAddress> fake_dns(const std::string& name) {
  if (name == "dual.example") return {a6("2001:db8::10"), a4("192.0.2.10"), a6("2001:db8::11")};
  if (name == "six.example") return {a6("2001:db8::60")};
  if (name == "four.example") return {a4("192.0.2.40")};
  throw UnresolvedName(name, "unknown in this test");
}

class TempFile {
 public:
  TempFile(const std::string& name, const std::string& contents)
      : path_(std::filesystem::path(::testing::TempDir()) /
              ("portsweep_targets6_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path_) << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(ResolveTargets6, BothFamiliesInOneCommand) {
  TargetOptions options;
  options.specs = {"10.0.0.1", "2001:db8::/120", "2001:db8::1", "10.0.0.2", "2001:db8::1:0-2001:db8::1:3"};
  const Targets targets = resolve_targets(options, fake_dns);
  EXPECT_EQ(targets.addresses.ranges(), (Ranges{{ip("10.0.0.1"), ip("10.0.0.2")}}));
  EXPECT_EQ(targets.addresses6.ranges(),
            (Ranges6{{v6("2001:db8::"), v6("2001:db8::ff")}, {v6("2001:db8::1:0"), v6("2001:db8::1:3")}}));
  EXPECT_EQ(targets.addresses6.size(), 260u);
  EXPECT_FALSE(targets.empty());
  // Only IPv6, and only IPv4: the other set is empty.
  options.specs = {"2001:db8::5"};
  EXPECT_TRUE(resolve_targets(options, fake_dns).addresses.empty());
  options.specs = {"::ffff:10.0.0.9"};  // IPv4-mapped: IPv4
  const Targets mapped = resolve_targets(options, fake_dns);
  EXPECT_TRUE(mapped.addresses6.empty());
  EXPECT_TRUE(mapped.addresses.contains(ip("10.0.0.9")));
  EXPECT_TRUE(resolve_targets({}, fake_dns).empty());
}

// Without -6 a name is scanned at its first IPv4 address, with -6 at its
// first IPv6 one; literals of either family are taken both ways.
TEST(ResolveTargets6, Dash6ChoosesTheFamilyOfNamesOnly) {
  TargetOptions options;
  options.specs = {"dual.example", "10.0.0.1", "2001:db8::99"};
  const Targets four = resolve_targets(options, fake_dns);
  EXPECT_EQ(four.addresses.size(), 2u);
  EXPECT_TRUE(four.addresses.contains(ip("192.0.2.10")));
  EXPECT_EQ(four.addresses6.ranges(), (Ranges6{{v6("2001:db8::99"), v6("2001:db8::99")}}));
  ASSERT_EQ(four.names.size(), 1u);
  EXPECT_EQ(four.names[0], (NamedAddress{a4("192.0.2.10"), "dual.example", {a6("2001:db8::10"), a6("2001:db8::11")}}));
  ASSERT_NE(four.name_of(a4("192.0.2.10")), nullptr);
  EXPECT_EQ(*four.name_of(a4("192.0.2.10")), "dual.example");
  EXPECT_EQ(four.name_of(a6("2001:db8::10")), nullptr);

  options.ipv6 = true;
  const Targets six = resolve_targets(options, fake_dns);
  EXPECT_EQ(six.addresses.ranges(), (Ranges{{ip("10.0.0.1"), ip("10.0.0.1")}}));
  EXPECT_EQ(six.addresses6.ranges(),
            (Ranges6{{v6("2001:db8::10"), v6("2001:db8::10")}, {v6("2001:db8::99"), v6("2001:db8::99")}}));
  const NamedAddress* named = six.named(a6("2001:db8::10"));
  ASSERT_NE(named, nullptr);
  EXPECT_EQ(named->name, "dual.example");
  EXPECT_EQ(named->others, (std::vector<IpAddress>{a4("192.0.2.10"), a6("2001:db8::11")}));
  EXPECT_EQ(six.name_of(a4("192.0.2.10")), nullptr);
}

TEST(ResolveTargets6, NameWithoutTheFamilyIsReportedAndTheRestScanned) {
  TargetOptions options;
  options.specs = {"six.example", "four.example", "2001:db8::1"};
  const Targets four = resolve_targets(options, fake_dns);
  EXPECT_EQ(four.unresolved, std::vector<std::string>{"six.example"});
  EXPECT_EQ(four.addresses.size(), 1u);
  options.ipv6 = true;
  const Targets six = resolve_targets(options, fake_dns);
  EXPECT_EQ(six.unresolved, std::vector<std::string>{"four.example"});
  EXPECT_EQ(six.addresses6.size(), 2u);
  EXPECT_TRUE(six.addresses.empty());
}

// Names sort by IpAddress: IPv4 (as ::ffff:a.b.c.d) among the IPv6 ones,
// looked up by either family.
TEST(ResolveTargets6, NamesOfBothFamiliesAreFound) {
  TargetOptions options;
  options.ipv6 = true;
  options.specs = {"six.example", "dual.example", "192.0.2.40"};
  const Targets targets = resolve_targets(options, fake_dns);
  ASSERT_EQ(targets.names.size(), 2u);
  EXPECT_TRUE(std::is_sorted(targets.names.begin(), targets.names.end(),
                             [](const NamedAddress& a, const NamedAddress& b) { return a.address < b.address; }));
  EXPECT_EQ(*targets.name_of(a6("2001:db8::60")), "six.example");
  EXPECT_EQ(*targets.name_of(a6("2001:db8::10")), "dual.example");
  EXPECT_EQ(targets.name_of(a4("192.0.2.40")), nullptr);
}

TEST(ResolveTargets6, ExclusionsOfEachFamilyCutTheirOwnSet) {
  TargetOptions options;
  options.specs = {"2001:db8::/120", "10.0.0.0/24"};
  options.excludes = {"2001:db8::80/121,10.0.0.0/25", "2001:db8::7"};
  const Targets targets = resolve_targets(options, fake_dns);
  EXPECT_EQ(targets.addresses6.ranges(),
            (Ranges6{{v6("2001:db8::"), v6("2001:db8::6")}, {v6("2001:db8::8"), v6("2001:db8::7f")}}));
  EXPECT_EQ(targets.addresses.ranges(), (Ranges{{ip("10.0.0.128"), ip("10.0.0.255")}}));

  // All of IPv4 excluded leaves IPv6 alone, and the other way round.
  options.excludes = {"0.0.0.0/0"};
  const Targets no_v4 = resolve_targets(options, fake_dns);
  EXPECT_TRUE(no_v4.addresses.empty());
  EXPECT_EQ(no_v4.addresses6.size(), 256u);
  options.excludes = {"::/0"};
  const Targets no_v6 = resolve_targets(options, fake_dns);
  EXPECT_TRUE(no_v6.addresses6.empty());
  EXPECT_EQ(no_v6.addresses.size(), 0u) << "::/0 holds ::ffff:0:0/96, all of IPv4";
  options.excludes = {"2001:db8::/32"};
  EXPECT_EQ(resolve_targets(options, fake_dns).addresses.size(), 256u);
}

// An excluded name spares every address it has, whichever family the scan
// takes names in.
TEST(ResolveTargets6, ExcludedNameSparesAllItsAddresses) {
  TargetOptions options;
  options.specs = {"2001:db8::/120", "192.0.2.0/24"};
  options.excludes = {"dual.example"};
  const Targets targets = resolve_targets(options, fake_dns);
  EXPECT_FALSE(targets.addresses.contains(ip("192.0.2.10")));
  EXPECT_FALSE(targets.addresses6.contains(v6("2001:db8::10")));
  EXPECT_FALSE(targets.addresses6.contains(v6("2001:db8::11")));
  EXPECT_EQ(targets.addresses.size(), 255u);
  EXPECT_EQ(targets.addresses6.size(), 254u);
  // A name the scan could not take (no IPv4 address) is still excluded.
  options.excludes = {"six.example"};
  EXPECT_FALSE(resolve_targets(options, fake_dns).addresses6.contains(v6("2001:db8::60")));
  options.excludes = {"nosuch.example"};
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(HasSubstr("failed to resolve \"nosuch.example\"")));
}

TEST(ResolveTargets6, InputFileMixesFamilies) {
  TempFile list("mixed.txt",
                "# both families\n"
                "10.0.0.1 2001:db8::1\t2001:db8::2\r\n"
                "2001:db8:1::/126   # a block\n"
                "\n"
                "10.0.1-2.5 2001:db8:2::1-2001:db8:2::3\n"
                "::ffff:10.0.9.9\n"
                "dual.example\n");
  TempFile skip("skip.txt", "2001:db8:1::2,10.0.2.5\n2001:db8:2::2 # one from the range\n");
  TargetOptions options;
  options.input_file = list.path();
  options.exclude_file = skip.path();
  options.ipv6 = true;
  const Targets targets = resolve_targets(options, fake_dns);
  EXPECT_EQ(std::vector<uint32_t>(targets.addresses.begin(), targets.addresses.end()),
            (std::vector<uint32_t>{ip("10.0.0.1"), ip("10.0.1.5"), ip("10.0.9.9")}));
  EXPECT_EQ(std::vector<u128>(targets.addresses6.begin(), targets.addresses6.end()),
            (std::vector<u128>{v6("2001:db8::1"), v6("2001:db8::2"), v6("2001:db8::10"), v6("2001:db8:1::"),
                               v6("2001:db8:1::1"), v6("2001:db8:1::3"), v6("2001:db8:2::1"), v6("2001:db8:2::3")}));
  EXPECT_EQ(targets.names.size(), 1u);
}

TEST(ResolveTargets6Errors, BadIpv6InAFileOrExclusion) {
  TempFile file("bad6.txt", "2001:db8::1\n2001:db8::/129\n");
  TargetOptions options;
  options.input_file = file.path();
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>("invalid target \"2001:db8::/129\": prefix length 129 is out of range 0-128"));
  TargetOptions exclude;
  exclude.specs = {"2001:db8::1"};
  exclude.excludes = {"2001:db8::1,:::"};
  EXPECT_THAT([&] { resolve_targets(exclude, fake_dns); },
              ThrowsMessage<UsageError>("invalid exclusion \":::\": \":::\" is not a valid IPv6 address"));
}

// A /64 parses (2^64 addresses, one range) but is not swept unless asked.
TEST(ResolveTargets6Errors, SetAboveTheLimitNamesTheSpecAndTheOption) {
  TargetOptions options;
  options.specs = {"10.0.0.1", "2001:db8::/64", "2001:db8:1::1"};
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(
                  "the IPv6 targets hold 18446744073709551617 addresses, more than the limit of 16777216: "
                  "\"2001:db8::/64\" alone is 18446744073709551616; scan a smaller block or raise the limit with "
                  "--max-ipv6-targets N"));
  // Even the largest limit a uint64_t holds is one short of a /64.
  options.max_ipv6_addresses = ~uint64_t{0};
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(HasSubstr("more than the limit of 18446744073709551615")));
  // A name's block counts too, and is named as typed.
  TargetOptions named;
  named.ipv6 = true;
  named.specs = {"six.example/96"};
  EXPECT_THAT([&] { resolve_targets(named, fake_dns); },
              ThrowsMessage<UsageError>(HasSubstr("\"six.example/96\" alone is 4294967296")));
}

TEST(ResolveTargets6Errors, LimitIsExactAndCountsAfterExclusions) {
  TargetOptions options;
  options.specs = {"2001:db8::/104"};  // 2^24: exactly the default limit
  EXPECT_EQ(resolve_targets(options, fake_dns).addresses6.size(), kDefaultMaxIpv6Addresses);
  options.specs = {"2001:db8::/104", "2001:db8:1::1"};
  EXPECT_THAT([&] { resolve_targets(options, fake_dns); },
              ThrowsMessage<UsageError>(
                  "the IPv6 targets hold 16777217 addresses, more than the limit of 16777216: the largest "
                  "specification, \"2001:db8::/104\", is 16777216; scan a smaller block or raise the limit with "
                  "--max-ipv6-targets N"));
  options.excludes = {"2001:db8::5"};
  EXPECT_EQ(resolve_targets(options, fake_dns).addresses6.size(), kDefaultMaxIpv6Addresses);
  options.excludes.clear();
  options.max_ipv6_addresses = kDefaultMaxIpv6Addresses + 1;
  EXPECT_EQ(resolve_targets(options, fake_dns).addresses6.size(), kDefaultMaxIpv6Addresses + 1);
  // A /103 cut to half by an exclusion fits.
  TargetOptions cut;
  cut.specs = {"2001:db8::/103"};
  cut.excludes = {"2001:db8::/104"};
  EXPECT_EQ(resolve_targets(cut, fake_dns).addresses6.size(), kDefaultMaxIpv6Addresses);
  // Raised, a /65 is held, and indexed to its last address.
  TargetOptions big;
  big.specs = {"2001:db8::/65"};
  big.max_ipv6_addresses = uint64_t{1} << 63;
  const Targets held = resolve_targets(big, fake_dns);
  ASSERT_EQ(held.addresses6.size(), u128{1} << 63);
  EXPECT_EQ(held.addresses6.at((uint64_t{1} << 63) - 1), v6("2001:db8::7fff:ffff:ffff:ffff"));
  EXPECT_EQ(held.addresses6.index_of(v6("2001:db8::7fff:ffff:ffff:ffff")), (uint64_t{1} << 63) - 1);
}

TEST(ResolveTargets6, Ipv4HasNoLimit) {
  TargetOptions options;
  options.specs = {"0.0.0.0/0"};
  options.max_ipv6_addresses = 1;
  EXPECT_EQ(resolve_targets(options, fake_dns).addresses.size(), uint64_t{1} << 32);
}

// A hit list in random order ends as ranges: here 200,000 addresses of a
// /110 in a random order, one range after merging, and a sparse list of
// every other address, which stays one range per address.
TEST(ResolveTargets6, LargeHitListsAreMergedIntoRanges) {
  constexpr uint32_t kCount = 200000;
  std::vector<uint32_t> order(kCount);
  std::iota(order.begin(), order.end(), 0u);
  std::shuffle(order.begin(), order.end(), std::mt19937(5));
  const u128 base = v6("2001:db8:aa::");
  std::string dense, sparse;
  for (uint32_t i : order) {
    dense += format_ipv6(base + i) + "\n";
    sparse += format_ipv6(base + 2 * u128{i}) + "\n";
  }
  TempFile dense_file("dense.txt", dense), sparse_file("sparse.txt", sparse);
  TargetOptions options;
  options.input_file = dense_file.path();
  const Targets merged = resolve_targets(options, fake_dns);
  EXPECT_EQ(merged.addresses6.ranges(), (Ranges6{{base, base + kCount - 1}}));
  options.input_file = sparse_file.path();
  const Targets apart = resolve_targets(options, fake_dns);
  ASSERT_EQ(apart.addresses6.size(), kCount);
  EXPECT_EQ(apart.addresses6.ranges().size(), kCount);
  std::mt19937 rng(6);
  for (int probe = 0; probe < 1000; ++probe) {
    const uint64_t index = rng() % kCount;
    ASSERT_EQ(apart.addresses6.at(index), base + 2 * u128{index});
    ASSERT_EQ(apart.addresses6.index_of(base + 2 * u128{index}), index);
    ASSERT_FALSE(apart.addresses6.contains(base + 2 * u128{index} + 1));
  }
}

}  // namespace
}  // namespace portsweep
