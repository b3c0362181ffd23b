// The registry's IPv6 side: which modules say they probe IPv6, that each of
// them builds an IPv6 prober for an IPv6 scan (and still its IPv4 one for
// IPv4), and that their capture filters let ICMPv6 in.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "probes/probe_module.hpp"
#include "test_frames6.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

const std::set<std::string> kIpv6Modules = {"tcp_syn", "tcp_ack", "tcp_window", "tcp_maimon", "tcp_null",
                                            "tcp_fin", "tcp_xmas", "udp", "ip_proto", "icmp_echo_ping",
                                            "tcp_syn_ping", "tcp_ack_ping", "udp_ping", "ip_proto_ping"};

ProbeConfig config(AddressFamily family) {
  ProbeConfig c;
  c.family = family;
  c.src_ip = 0x0a000001;
  c.src_ip6 = kUs6;
  c.src_ports = {40000, 8};
  c.cookie_key = {3, 4};
  return c;
}

TEST(ProbeModules6, TheseModulesAndNoOthersProbeIpv6) {
  std::set<std::string> v6;
  for (const ProbeModule* m : probe_modules()) {
    EXPECT_NE(m->families & kFamilyV4, 0) << m->name;
    if (m->families & kFamilyV6) v6.insert(std::string(m->name));
  }
  EXPECT_EQ(v6, kIpv6Modules);
}

TEST(ProbeModules6, EachBuildsIpv6FramesForAnIpv6ScanAndIpv4ForIpv4) {
  for (const ProbeModule* m : probe_modules()) {
    if (!(m->families & kFamilyV6)) continue;
    SCOPED_TRACE(std::string(m->name));
    for (AddressFamily family : {AddressFamily::V6, AddressFamily::V4}) {
      const auto prober = m->create(config(family));
      ASSERT_NE(prober, nullptr);
      std::vector<uint8_t> frame(prober->max_frame_size() + 8, 0xee);
      uint8_t* frames[] = {frame.data()};
      uint16_t len = 0;
      const uint16_t port = m->proto == Proto::Ip ? 6 : 443;
      const ProbeTarget t{.ip = 0xc0a80105, .port = port, .ip6 = value6(kTarget6)};
      prober->write_probes({&t, 1}, frames, &len);
      ASSERT_GT(len, 0);
      ASSERT_LE(len, prober->max_frame_size());
      if (family == AddressFamily::V6) {
        EXPECT_EQ(get16(frame.data() + 12), 0x86dd);
        EXPECT_EQ(0, std::memcmp(frame.data() + 38, kTarget6.data(), 16));
        EXPECT_TRUE(frame6_checksum_ok(frame.data(), len));
      } else {
        EXPECT_EQ(get16(frame.data() + 12), 0x0800);
        EXPECT_EQ(get32(frame.data() + 30), 0xc0a80105u);
      }
    }
  }
}

TEST(ProbeModules6, CaptureFiltersLetTheirIpv6RepliesIn) {
  for (const ProbeModule* m : probe_modules()) {
    if (!(m->families & kFamilyV6)) continue;
    const std::string f(m->rx_filter);
    EXPECT_TRUE(f.find("icmp6") != std::string::npos || f.find("ip6") != std::string::npos) << m->name << ": " << f;
  }
}

}  // namespace
}  // namespace portsweep
