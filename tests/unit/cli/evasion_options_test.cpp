// nmap's evasion options read from their text: the bytes and plans real
// values make, and one clear sentence (exit 2 on the command line) for
// malformed ones.
#include "cli/evasion_options.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "cli/command_line.hpp"
#include "common/error.hpp"
#include "output/mac_vendors.hpp"

namespace portsweep {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes zeros_after(std::initializer_list<uint8_t> head, size_t total) {
  Bytes b;
  for (uint8_t v : head) b.push_back(v);
  while (b.size() < total) b.push_back(0);
  return b;
}

std::string refusal(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  std::vector<std::string> with_target = args;
  with_target.push_back("198.19.0.1");
  const ParsedCommandLine p = parse_command_line(with_target, out, err);
  EXPECT_FALSE(p.options.has_value());
  EXPECT_EQ(p.exit_status, 2);
  return err.str();
}

TEST(EvasionOptions, DataHexForms) {
  const Bytes want = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(parse_data_hex("0xdeadbeef"), want);
  EXPECT_EQ(parse_data_hex("DEADBEEF"), want);
  EXPECT_EQ(parse_data_hex("\\xde\\xad\\xbe\\xef"), want);
  EXPECT_EQ(parse_data_hex("\\x00*3"), (Bytes{0, 0, 0}));
  for (const char* bad : {"", "0x", "abc", "0xzz", "\\xde\\xa", "de ad", "\\xq1", "\\x00*0"})
    EXPECT_THROW(parse_data_hex(bad), UsageError) << bad;
}

TEST(EvasionOptions, IpOptionsNamedForms) {
  EXPECT_EQ(parse_ip_options("R"), zeros_after({7, 39, 4}, 40));
  EXPECT_EQ(parse_ip_options("r"), zeros_after({7, 39, 4}, 40));
  EXPECT_EQ(parse_ip_options("T"), zeros_after({0x44, 40, 5, 0}, 40));
  EXPECT_EQ(parse_ip_options("U"), zeros_after({0x44, 36, 5, 1}, 36));
  // As nmap 7.93 sends them: a NOP, the hops, the target's slot last.
  size_t target_at = 0, first_hop_at = 0;
  EXPECT_EQ(parse_ip_options("L 198.18.0.2 198.19.0.5", &target_at, &first_hop_at),
            (Bytes{1, 0x83, 15, 4, 198, 18, 0, 2, 198, 19, 0, 5, 0, 0, 0, 0}));
  EXPECT_EQ(target_at, 12u);
  EXPECT_EQ(first_hop_at, 4u);
  EXPECT_EQ(parse_ip_options("S 198.18.0.2"), (Bytes{1, 0x89, 11, 4, 198, 18, 0, 2, 0, 0, 0, 0}));
  parse_ip_options("R", &target_at, &first_hop_at);
  EXPECT_EQ(target_at, 0u);
}

TEST(EvasionOptions, IpOptionsBytes) {
  Bytes rr = zeros_after({1, 7, 4}, 39);
  rr.push_back(1);
  EXPECT_EQ(parse_ip_options("\\x01\\x07\\x04\\x00*36\\x01"), rr);
  EXPECT_EQ(parse_ip_options("\\x94\\x04\\x00\\x00"), (Bytes{0x94, 4, 0, 0}));  // router alert
  EXPECT_EQ(parse_ip_options("\\x01"), (Bytes{1, 0, 0, 0}));                    // padded
}

TEST(EvasionOptions, IpOptionsMalformed) {
  EXPECT_NO_THROW(parse_ip_options("L 1.2.3.4 1.2.3.4 1.2.3.4 1.2.3.4 1.2.3.4 1.2.3.4 1.2.3.4 1.2.3.4"));
  for (const char* bad : {"", "X", "RR", "R 1.2.3.4", "L", "L 1.2.3", "S 1.2.3.4 1.2.3.4 1.2.3.4 1.2.3.4 1.2.3.4 "
                          "1.2.3.4 1.2.3.4 1.2.3.4 1.2.3.4", "\\x00*41", "\\x0", "\\xzz"})
    EXPECT_THROW(parse_ip_options(bad), UsageError) << bad;
}

TEST(EvasionOptions, Decoys) {
  DecoySpec d = parse_decoys("198.18.0.99,ME,RND:2,198.18.0.98");
  EXPECT_EQ(d.sources, (std::vector<uint32_t>{0xc6120063, 0, 0, 0, 0xc6120062}));
  ASSERT_TRUE(d.me);
  EXPECT_EQ(*d.me, 1u);
  d = parse_decoys("rnd,me");
  EXPECT_EQ(d.sources.size(), 2u);
  EXPECT_EQ(*d.me, 1u);
  EXPECT_FALSE(parse_decoys("198.18.0.99").me);
  for (const char* bad : {"", "ME", "ME,ME,1.2.3.4", "1.2.3.4,,5.6.7.8", "host.example", "RND:0", "RND:x",
                          "RND:200", "0.0.0.0", "1.2.3.256"})
    EXPECT_THROW(parse_decoys(bad), UsageError) << bad;
}

TEST(EvasionOptions, PlanPutsOursAtMeOrAtRandom) {
  std::mt19937_64 rng(7);
  ScanOptions o;
  o.decoys = "198.18.0.99,198.18.0.98,ME,RND";
  EvasionPlan p = evasion_plan(o, rng);
  ASSERT_EQ(p.sources.size(), 4u);
  EXPECT_EQ(p.real_index, 2u);
  EXPECT_EQ(p.sources[0], 0xc6120063u);
  EXPECT_EQ(p.sources[1], 0xc6120062u);
  EXPECT_NE(p.sources[3], 0u);
  EXPECT_NE(p.sources[3] >> 24, 10u);
  // Without ME, ours lands anywhere among the decoys.
  o.decoys = "198.18.0.99,198.18.0.98";
  std::set<size_t> places;
  for (int k = 0; k < 100; ++k) {
    p = evasion_plan(o, rng);
    ASSERT_EQ(p.sources.size(), 3u);
    places.insert(p.real_index);
  }
  EXPECT_EQ(places.size(), 3u);
}

TEST(EvasionOptions, PlanPayloadsAndFragments) {
  std::mt19937_64 rng(1);
  ScanOptions o;
  o.data_string = "portsweep";
  EXPECT_EQ(evasion_plan(o, rng).payload, (Bytes{'p', 'o', 'r', 't', 's', 'w', 'e', 'e', 'p'}));
  o = {};
  o.data_length = 25;
  const EvasionPlan a = evasion_plan(o, rng);
  EXPECT_EQ(a.payload.size(), 25u);
  o.data_length = 0;
  EXPECT_TRUE(payload_option_given(o));  // -sU then sends no payloads at all
  EXPECT_TRUE(evasion_plan(o, rng).payload.empty());
  o = {};
  o.fragment = 2;
  EXPECT_EQ(evasion_plan(o, rng).fragment_size, 16);
  o = {};
  o.mtu = 24;
  EXPECT_EQ(evasion_plan(o, rng).fragment_size, 24);
  o = {};
  o.badsum = true;
  EXPECT_TRUE(evasion_plan(o, rng).active());
}

TEST(EvasionOptions, PlanMustFitTheMtu) {
  EvasionPlan p;
  p.payload.assign(1500, 0);
  EXPECT_THROW(check_plan_fits(p, 58, 1500), UsageError);
  p.fragment_size = 8;
  EXPECT_NO_THROW(check_plan_fits(p, 58, 1500));
  p.fragment_size = 1488;
  EXPECT_THROW(check_plan_fits(p, 58, 1500), UsageError);
  p.payload.assign(1400, 0);
  p.fragment_size = 0;
  EXPECT_NO_THROW(check_plan_fits(p, 58, 1500));
  p.payload.assign(65400, 0);
  p.ip_options.assign(40, 1);
  p.fragment_size = 1480;
  EXPECT_THROW(check_plan_fits(p, 158, 1500), UsageError);  // above 65535
}

TEST(EvasionOptions, SpoofMac) {
  std::mt19937_64 rng(3);
  const MacVendors vendors = MacVendors::parse("000393 Apple\n0050F2 Microsoft\n00000C Cisco Systems\n0001C8 Thomas Conrad Apple\n");
  SpoofMacSpec s = parse_spoof_mac("02:50:53:aa:bb:cc");
  EXPECT_EQ(resolve_spoof_mac(s, vendors, rng), (std::array<uint8_t, 6>{0x02, 0x50, 0x53, 0xaa, 0xbb, 0xcc}));
  s = parse_spoof_mac("025053AABBCC");
  EXPECT_EQ(resolve_spoof_mac(s, vendors, rng)[5], 0xcc);
  s = parse_spoof_mac("0050F2");
  auto m = resolve_spoof_mac(s, vendors, rng);
  EXPECT_EQ(m[0], 0x00);
  EXPECT_EQ(m[1], 0x50);
  EXPECT_EQ(m[2], 0xf2);
  s = parse_spoof_mac("apple");  // the vendor called so, not one whose name holds it
  m = resolve_spoof_mac(s, vendors, rng);
  EXPECT_EQ((std::array<uint8_t, 3>{m[0], m[1], m[2]}), (std::array<uint8_t, 3>{0x00, 0x03, 0x93}));
  s = parse_spoof_mac("cisco");
  EXPECT_EQ(resolve_spoof_mac(s, vendors, rng)[2], 0x0c);
  for (int k = 0; k < 50; ++k) EXPECT_EQ(resolve_spoof_mac(parse_spoof_mac("0"), vendors, rng)[0] & 1, 0);
  EXPECT_THROW(resolve_spoof_mac(parse_spoof_mac("NoSuchVendorAnywhere"), vendors, rng), UsageError);
  for (const char* bad : {"", "01:00:5e:00:00:01", "0050F", "00:50:F2:00:00:00:00"})
    EXPECT_THROW(parse_spoof_mac(bad), UsageError) << bad;
}

TEST(EvasionOptions, CommandLineRefusalsAreOneLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"--data", "xyz"},           {"--data", "00", "--data-string", "x"}, {"--data-length", "65401"},
      {"--data-length", "-1"},     {"--data-string", ""},                  {"-f", "--mtu", "16"},
      {"--mtu", "12"},             {"--mtu", "0"},                         {"-fff"},
      {"-D", "ME"},                {"-D", "foo.example,ME"},               {"--ip-options", "Q"},
      {"--spoof-mac", "01:00:5e:01:02:03"}, {"--send-ip"},                 {"--proxies", "http://198.18.0.2:8080"},
  };
  for (const auto& args : cases) {
    const std::string err = refusal(args);
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << args[0] << ": " << err;
    EXPECT_NE(err.find(args[0] == "-fff" ? "-f" : args[0]), std::string::npos) << err;
  }
}

TEST(EvasionOptions, CommandLineSpellings) {
  std::ostringstream out, err;
  ParsedCommandLine p = parse_command_line({"-ff", "-DRND:3,ME", "--badsum", "198.19.0.1"}, out, err);
  ASSERT_TRUE(p.options) << err.str();
  EXPECT_EQ(p.options->fragment, 2);
  EXPECT_EQ(p.options->decoys, "RND:3,ME");
  EXPECT_TRUE(p.options->badsum);
  p = parse_command_line({"-f", "-f", "--data=0xcafe", "198.19.0.1"}, out, err);
  ASSERT_TRUE(p.options) << err.str();
  EXPECT_EQ(p.options->fragment, 2);
  EXPECT_EQ(p.options->data_hex, "0xcafe");
}

}  // namespace
}  // namespace portsweep
