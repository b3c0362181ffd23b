#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netdb.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "dns/dns_servers.hpp"
#include "dns/name_book.hpp"
#include "dns/ptr_name.hpp"
#include "dns/reverse_resolver.hpp"
#include "local_dns_server.hpp"

namespace portsweep {
namespace {

using ::testing::ThrowsMessage;

IpAddress ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return IpAddress::v4((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d);
}

IpAddress ip6(const char* text) { return IpAddress::parse(text).value(); }

TEST(PtrName, QueryNameReversesTheOctets) {
  EXPECT_EQ(reverse_query_name(ip(198, 19, 0, 10)), "10.0.19.198.in-addr.arpa");
  EXPECT_EQ(reverse_query_name(ip(0, 0, 0, 0)), "0.0.0.0.in-addr.arpa");
  EXPECT_EQ(reverse_query_name(ip(255, 1, 2, 3)), "3.2.1.255.in-addr.arpa");
}

// RFC 3596's form: the 32 nibbles of the address, lowest first, under ip6.arpa.
TEST(PtrName, Ip6ArpaNameHasEveryNibbleReversed) {
  EXPECT_EQ(reverse_query_name(ip6("2001:db8::567:89ab")),
            "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  EXPECT_EQ(reverse_query_name(ip6("::1")), "1." + [] {
    std::string zeros;
    for (int i = 0; i < 31; ++i) zeros += "0.";
    return zeros;
  }() + "ip6.arpa");
  EXPECT_EQ(reverse_query_name(ip6("fedc:ba98:7654:3210:0123:4567:89ab:cdef")),
            "f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.0.0.1.2.3.4.5.6.7.8.9.a.b.c.d.e.f.ip6.arpa");
  // An IPv4 address, whatever its spelling, is asked under in-addr.arpa.
  EXPECT_EQ(reverse_query_name(ip6("::ffff:198.19.0.10")), "10.0.19.198.in-addr.arpa");
}

TEST(NameBook, KeepsBothFamiliesApart) {
  NameBook book;
  book.set(ip(198, 19, 0, 1), "four.lab.test");
  book.set(ip6("2001:db8::1"), "six.lab.test");
  EXPECT_EQ(book.find(ip(198, 19, 0, 1)), "four.lab.test");
  EXPECT_EQ(book.find(ip6("2001:db8::1")), "six.lab.test");
  EXPECT_EQ(book.find(ip6("2001:db8::2")), "");
  EXPECT_EQ(book.find(ip6("::c613:1")), "");  // 198.19.0.1's bytes, but not IPv4-mapped
  EXPECT_EQ(book.size(), 2u);
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

// c-ares asks a server for an IPv6 address's PTR under ip6.arpa: the
// server (on 127.0.0.1) names 2001:db8::567:89ab and knows no other.
TEST(ReverseResolver, AresNamesIpv6AddressesByIp6Arpa) {
  const std::string asked_name = "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
  test::LocalDnsServer server({{asked_name, "six.lab.test"}, {"5.0.19.198.in-addr.arpa", "four.lab.test"}});
  ResolverOptions o;
  o.servers = {server.address()};
  std::unique_ptr<ReverseResolver> r = make_reverse_resolver(o);
  r->lookup(ip6("2001:db8::567:89ab"));
  r->lookup(ip6("2001:db8::567:89ab"));  // once only
  r->lookup(ip6("2001:db8::567:89ac"));  // NXDOMAIN
  r->lookup(ip(198, 19, 0, 5));
  r->finish(std::chrono::milliseconds(5000));
  EXPECT_EQ(r->stats().started, 3u);
  EXPECT_EQ(r->stats().given_up, 0u);
  EXPECT_EQ(r->stats().named, 2u);
  EXPECT_EQ(r->names().find(ip6("2001:db8::567:89ab")), "six.lab.test");
  EXPECT_EQ(r->names().find(ip6("2001:db8::567:89ac")), "");
  EXPECT_EQ(r->names().find(ip(198, 19, 0, 5)), "four.lab.test");
  const std::vector<std::string> asked = server.asked();
  EXPECT_THAT(asked, ::testing::Contains(asked_name));
  EXPECT_THAT(asked, ::testing::Contains(reverse_query_name(ip6("2001:db8::567:89ac"))));
  for (const std::string& name : asked) EXPECT_THAT(name, ::testing::Not(::testing::EndsWith("ip6.int")));
}

// The system resolver's IPv6 path (getnameinfo with a sockaddr_in6), on
// ::1 when the hosts file names it: answered from the file, no packet. What
// getnameinfo says directly is what the resolver must report.
TEST(ReverseResolver, SystemNamesIpv6LoopbackFromEtcHosts) {
  std::ifstream hosts("/etc/hosts");
  std::string line;
  bool listed = false;
  while (std::getline(hosts, line)) {
    std::istringstream words(line);
    std::string first;
    if (words >> first && first == "::1") listed = true;
  }
  if (!listed) GTEST_SKIP() << "/etc/hosts does not name ::1; asking DNS would send a packet";
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_addr = in6addr_loopback;
  char host[NI_MAXHOST];
  ASSERT_EQ(getnameinfo(reinterpret_cast<const sockaddr*>(&sa), sizeof sa, host, sizeof host, nullptr, 0, NI_NAMEREQD), 0);
  ResolverOptions o;
  o.system = true;
  std::unique_ptr<ReverseResolver> r = make_reverse_resolver(o);
  r->lookup(ip6("::1"));
  r->finish(std::chrono::milliseconds(3000));
  EXPECT_EQ(r->names().find(ip6("::1")), report_host_name(host).value_or(""));
  EXPECT_FALSE(r->names().find(ip6("::1")).empty());
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
