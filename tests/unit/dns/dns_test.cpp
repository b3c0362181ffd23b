#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "common/error.hpp"
#include "dns/dns_servers.hpp"
#include "dns/ptr_name.hpp"
#include "dns/reverse_resolver.hpp"

namespace portsweep {
namespace {

using ::testing::ThrowsMessage;

constexpr uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d;
}

TEST(PtrName, QueryNameReversesTheOctets) {
  EXPECT_EQ(reverse_query_name(ip(198, 19, 0, 10)), "10.0.19.198.in-addr.arpa");
  EXPECT_EQ(reverse_query_name(ip(0, 0, 0, 0)), "0.0.0.0.in-addr.arpa");
  EXPECT_EQ(reverse_query_name(ip(255, 1, 2, 3)), "3.2.1.255.in-addr.arpa");
}

TEST(PtrName, AnswerLosesTheRootDot) {
  EXPECT_EQ(report_host_name("alpha.lab.test."), "alpha.lab.test");
  EXPECT_EQ(report_host_name("alpha.lab.test"), "alpha.lab.test");
  EXPECT_EQ(report_host_name("Mixed-Case_host.Example"), "Mixed-Case_host.Example");
}

TEST(PtrName, AnswersThatAreNoHostNameAreDropped) {
  EXPECT_EQ(report_host_name(""), std::nullopt);
  EXPECT_EQ(report_host_name("."), std::nullopt);
  EXPECT_EQ(report_host_name("a..b"), std::nullopt);
  EXPECT_EQ(report_host_name(".a"), std::nullopt);
  EXPECT_EQ(report_host_name("evil\x1b[31m.test"), std::nullopt);
  EXPECT_EQ(report_host_name("with space.test"), std::nullopt);
  EXPECT_EQ(report_host_name("quote\".test"), std::nullopt);
  EXPECT_EQ(report_host_name(std::string(64, 'a') + ".test"), std::nullopt);
  EXPECT_TRUE(report_host_name(std::string(63, 'a') + ".test").has_value());
  std::string long_name;
  while (long_name.size() < 254) long_name += "abcdefghi.";
  EXPECT_EQ(report_host_name(long_name.substr(0, 254)), std::nullopt);
}

TEST(DnsServers, AddressesOfBothFamilies) {
  EXPECT_EQ(parse_dns_servers("198.18.0.2"), std::vector<std::string>{"198.18.0.2"});
  EXPECT_EQ(parse_dns_servers("198.18.0.2,2001:db8::53"), (std::vector<std::string>{"198.18.0.2", "2001:db8::53"}));
}

TEST(DnsServers, MalformedListsAreRefusedNamingTheEntry) {
  const auto refused = [](const char* list, const std::string& message) {
    EXPECT_THAT([&] { parse_dns_servers(list); }, ThrowsMessage<UsageError>(message)) << list;
  };
  const std::string tail = "; expected IP addresses separated by commas, e.g. 192.0.2.53,2001:db8::53";
  refused("", "invalid --dns-servers \"\": it has an empty entry" + tail);
  refused("198.18.0.2,", "invalid --dns-servers \"198.18.0.2,\": it has an empty entry" + tail);
  refused("1.2.3", "invalid --dns-servers \"1.2.3\": \"1.2.3\" is not an IPv4 or IPv6 address" + tail);
  refused("198.18.0.2,ns.example", "invalid --dns-servers \"198.18.0.2,ns.example\": \"ns.example\" is not an IPv4 or "
                                   "IPv6 address" + tail);
  refused("198.18.0.2:53", "invalid --dns-servers \"198.18.0.2:53\": \"198.18.0.2:53\" is not an IPv4 or IPv6 "
                           "address" + tail);
  refused("300.1.1.1", "invalid --dns-servers \"300.1.1.1\": \"300.1.1.1\" is not an IPv4 or IPv6 address" + tail);
}

// 127.0.0.1 is in every /etc/hosts, which both backends read before DNS:
// the lookups are answered without a packet.
void expect_names_loopback(ResolverOptions options) {
  std::unique_ptr<ReverseResolver> r = make_reverse_resolver(options);
  r->lookup(ip(127, 0, 0, 1));
  r->lookup(ip(127, 0, 0, 1));  // once only
  r->finish(std::chrono::milliseconds(3000));
  const ResolverStats stats = r->stats();
  EXPECT_EQ(stats.started, 1u);
  EXPECT_EQ(stats.given_up, 0u);
  EXPECT_FALSE(r->names().find(ip(127, 0, 0, 1)).empty());
  r->lookup(ip(127, 0, 0, 2));  // after finish(): ignored
  EXPECT_EQ(r->stats().started, 1u);
}

TEST(ReverseResolver, AresNamesLoopbackFromEtcHosts) {
  ResolverOptions o;
  o.servers = {"127.0.0.1"};
  expect_names_loopback(o);
}

TEST(ReverseResolver, SystemNamesLoopback) {
  ResolverOptions o;
  o.system = true;
  expect_names_loopback(o);
}

// A server that never answers (a bound UDP socket on loopback nobody
// reads): finish() gives the lookup up at its limit, not c-ares's 3 s.
TEST(ReverseResolver, AresGivesUpAtTheLimit) {
  const int silent = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(silent, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  socklen_t len = sizeof sa;
  ASSERT_EQ(::getsockname(silent, reinterpret_cast<sockaddr*>(&sa), &len), 0);
  ResolverOptions o;
  o.servers = {"127.0.0.1:" + std::to_string(ntohs(sa.sin_port))};
  std::unique_ptr<ReverseResolver> r = make_reverse_resolver(o);
  r->lookup(ip(192, 0, 2, 1));  // TEST-NET-1: in no /etc/hosts
  r->lookup(ip(192, 0, 2, 2));
  const auto t0 = std::chrono::steady_clock::now();
  r->finish(std::chrono::milliseconds(300));
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(290));
  EXPECT_LT(waited, std::chrono::milliseconds(1500));
  EXPECT_EQ(r->stats().given_up, 2u);
  EXPECT_TRUE(r->names().find(ip(192, 0, 2, 1)).empty());
  ::close(silent);
}

// What --dns-servers accepts, c-ares takes (nothing is asked: no packet).
TEST(ReverseResolver, AresTakesEveryServerTheCommandLineAccepts) {
  ResolverOptions o;
  o.servers = parse_dns_servers("198.18.0.2,2001:db8::53");
  EXPECT_NO_THROW(make_reverse_resolver(o)->finish(std::chrono::milliseconds(100)));
}

TEST(ReverseResolver, FinishWithNothingStartedReturnsAtOnce) {
  for (bool system : {false, true}) {
    ResolverOptions o;
    o.system = system;
    o.servers = system ? std::vector<std::string>{} : std::vector<std::string>{"127.0.0.1"};
    std::unique_ptr<ReverseResolver> r = make_reverse_resolver(o);
    const auto t0 = std::chrono::steady_clock::now();
    r->finish(std::chrono::milliseconds(3000));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  }
}

}  // namespace
}  // namespace portsweep
