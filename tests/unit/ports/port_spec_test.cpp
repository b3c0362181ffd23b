#include "ports/port_spec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "services_fixture.hpp"

namespace portsweep {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using Ports = std::vector<uint16_t>;
using Protos = std::vector<Proto>;

class PortSpecTest : public ::testing::Test {
 protected:
  PortSpec parse(std::string_view spec, const Protos& protos = {Proto::Tcp}) {
    return parse_port_spec(spec, "-p", protos, db_);
  }
  void expect_error(std::string_view spec, const std::string& message) {
    EXPECT_THAT([&] { parse(spec); }, ThrowsMessage<UsageError>(message)) << spec;
  }
  void expect_error_mentions(std::string_view spec, const std::string& value, const std::string& why) {
    EXPECT_THAT([&] { parse(spec); },
                ThrowsMessage<UsageError>(AllOf(HasSubstr("\"" + value + "\""), HasSubstr(why))))
        << spec;
  }

  testing::TempServicesFile file_;
  ServicesDb db_ = file_.load();
};

TEST_F(PortSpecTest, NumbersAndRanges) {
  PortSpec spec = parse("22,80,1000-1003, 443");
  EXPECT_EQ(spec.ports(Proto::Tcp), (Ports{22, 80, 443, 1000, 1001, 1002, 1003}));
  EXPECT_TRUE(spec.ports(Proto::Udp).empty());
  EXPECT_TRUE(spec.has(Proto::Tcp, 1001));
  EXPECT_FALSE(spec.has(Proto::Tcp, 1004));
  EXPECT_EQ(parse("80,80,79-81").ports(Proto::Tcp), (Ports{79, 80, 81}));
}

TEST_F(PortSpecTest, OpenEndedRangesSkipPortZero) {
  Ports all = parse("-").ports(Proto::Tcp);
  EXPECT_EQ(all.size(), 65535u);
  EXPECT_EQ(all.front(), 1);
  EXPECT_EQ(all.back(), 65535);
  Ports low = parse("-1024").ports(Proto::Tcp);
  EXPECT_EQ(low.size(), 1024u);
  EXPECT_EQ(low.front(), 1);
  EXPECT_EQ(parse("65533-").ports(Proto::Tcp), (Ports{65533, 65534, 65535}));
}

TEST_F(PortSpecTest, PortZeroWhenNamed) {
  EXPECT_EQ(parse("0").ports(Proto::Tcp), (Ports{0}));
  EXPECT_EQ(parse("0-2").ports(Proto::Tcp), (Ports{0, 1, 2}));
  EXPECT_EQ(parse("0-").ports(Proto::Tcp).size(), 65536u);
}

TEST_F(PortSpecTest, PrefixesLastUntilTheNextOne) {
  PortSpec spec = parse("22,U:53,111,T:21-23,S:9", {Proto::Tcp, Proto::Udp, Proto::Sctp});
  EXPECT_EQ(spec.ports(Proto::Tcp), (Ports{21, 22, 23}));
  EXPECT_EQ(spec.ports(Proto::Udp), (Ports{22, 53, 111}));
  EXPECT_EQ(spec.ports(Proto::Sctp), (Ports{9, 22}));
  EXPECT_TRUE(spec.prefixed(Proto::Tcp));
  EXPECT_TRUE(spec.prefixed(Proto::Udp));
  EXPECT_TRUE(spec.prefixed(Proto::Sctp));
  EXPECT_FALSE(parse("22").prefixed(Proto::Tcp));
}

TEST_F(PortSpecTest, PrefixesAreCaseInsensitiveAndTakeRangesAndNames) {
  PortSpec spec = parse("u:-3,t:ssh", {Proto::Tcp, Proto::Udp});
  EXPECT_EQ(spec.ports(Proto::Udp), (Ports{1, 2, 3}));
  EXPECT_EQ(spec.ports(Proto::Tcp), (Ports{22}));
}

TEST_F(PortSpecTest, UnprefixedPortsGoToEveryGivenProtocol) {
  PortSpec spec = parse("7", {Proto::Udp, Proto::Sctp});
  EXPECT_TRUE(spec.ports(Proto::Tcp).empty());
  EXPECT_EQ(spec.ports(Proto::Udp), (Ports{7}));
  EXPECT_EQ(spec.ports(Proto::Sctp), (Ports{7}));
}

TEST_F(PortSpecTest, ServiceNamesAndWildcards) {
  EXPECT_EQ(parse("ssh,http*").ports(Proto::Tcp), (Ports{22, 80, 443, 8080, 8443}));
  EXPECT_EQ(parse("SSH").ports(Proto::Tcp), (Ports{22}));
  PortSpec both = parse("http,snmp", {Proto::Tcp, Proto::Udp});
  EXPECT_EQ(both.ports(Proto::Tcp), (Ports{80}));
  EXPECT_EQ(both.ports(Proto::Udp), (Ports{80, 161}));
  EXPECT_EQ(parse("X11:1").ports(Proto::Tcp), (Ports{6001}));
  EXPECT_EQ(parse("U:domain", {Proto::Tcp}).ports(Proto::Udp), (Ports{53}));
}

TEST_F(PortSpecTest, BracketsMeanOnlyListedPorts) {
  EXPECT_EQ(parse("[1-100]").ports(Proto::Tcp), (Ports{21, 22, 23, 25, 53, 80}));
  EXPECT_EQ(parse("[-]").ports(Proto::Tcp).size(), 10u);  // every listed TCP port but 0
  EXPECT_EQ(parse("[0-100]").ports(Proto::Tcp).front(), 0);
  EXPECT_EQ(parse("U:[1-200]", {Proto::Udp}).ports(Proto::Udp), (Ports{22, 53, 80, 111, 161}));
}

TEST_F(PortSpecTest, PortOutOfRange) {
  expect_error("70000", "invalid port \"70000\" in -p: ports are 0-65535");
  expect_error("1-65536", "invalid port \"65536\" in -p: ports are 0-65535");
  expect_error_mentions("99999999999999999999", "99999999999999999999", "ports are 0-65535");
}

TEST_F(PortSpecTest, ReversedRange) {
  expect_error("5-1", "invalid port range \"5-1\" in -p: the start is greater than the end");
  expect_error_mentions("22,T:100-50", "100-50", "the start is greater than the end");
}

TEST_F(PortSpecTest, UnknownServiceName) {
  expect_error("abc", "unknown service \"abc\" in -p: nothing in " + file_.path() + " matches it for TCP");
  EXPECT_THAT([&] { parse("nothing*", {Proto::Tcp, Proto::Udp, Proto::Sctp}); },
              ThrowsMessage<UsageError>(HasSubstr("for TCP, UDP or SCTP")));
  // snmp is UDP-only in the test file.
  expect_error_mentions("snmp", "snmp", "matches it for TCP");
}

TEST_F(PortSpecTest, MalformedLists) {
  expect_error_mentions("22,,80", "22,,80", "empty entry");
  expect_error_mentions("22,", "22,", "empty entry");
  expect_error_mentions("T:", "T:", "\"T:\" is not followed by a port");
  expect_error_mentions("U:53,T:,80", "U:53,T:,80", "\"T:\" is not followed by a port");
  expect_error_mentions("1-2-3", "1-2-3", "expected a single START-END range");
  expect_error_mentions("P:6", "P:6", "IP protocol numbers (P:) are not supported");
  expect_error_mentions("[1-5", "[1-5", "needs a closing ']'");
  expect_error_mentions("[ssh]", "[ssh]", "expected a range of numbers inside the brackets");
  EXPECT_THAT([&] { parse(""); }, ThrowsMessage<UsageError>(HasSubstr("-p was given an empty port list")));
  EXPECT_THAT([&] { parse(" "); }, ThrowsMessage<UsageError>(HasSubstr("empty port list")));
}

TEST_F(PortSpecTest, OptionNameAppearsInErrors) {
  EXPECT_THAT([&] { parse_port_spec("70000", "--exclude-ports", {Proto::Tcp}, db_); },
              ThrowsMessage<UsageError>("invalid port \"70000\" in --exclude-ports: ports are 0-65535"));
}

}  // namespace
}  // namespace portsweep
