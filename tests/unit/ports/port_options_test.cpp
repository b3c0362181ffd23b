#include "ports/port_options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "services_fixture.hpp"

namespace portsweep {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::ThrowsMessage;
using Ports = std::vector<uint16_t>;
using Protos = std::vector<Proto>;

class ResolvePortsTest : public ::testing::Test {
 protected:
  PortSet resolve(const PortOptions& options, const Protos& scanned = {Proto::Tcp}) {
    warnings_.clear();
    return resolve_ports(options, scanned, db_, warnings_);
  }
  void expect_error(const PortOptions& options, const std::string& message) {
    EXPECT_THAT([&] { resolve(options); }, ThrowsMessage<UsageError>(message));
  }

  testing::TempServicesFile file_;
  ServicesDb db_ = file_.load();
  std::vector<std::string> warnings_;
};

PortOptions with_spec(const std::string& spec) {
  PortOptions options;
  options.spec = spec;
  return options;
}

TEST_F(ResolvePortsTest, ExplicitList) {
  PortSet set = resolve(with_spec("443,22,80,1000-1002"));
  EXPECT_EQ(set.ports(Proto::Tcp), (Ports{22, 80, 443, 1000, 1001, 1002}));
  EXPECT_FALSE(set.sequential());
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(ResolvePortsTest, AllPortsAndOpenRanges) {
  EXPECT_EQ(resolve(with_spec("-")).ports(Proto::Tcp).size(), 65535u);
  EXPECT_EQ(resolve(with_spec("-1024")).ports(Proto::Tcp).size(), 1024u);
  EXPECT_EQ(resolve(with_spec("60000-")).ports(Proto::Tcp).size(), 5536u);
  EXPECT_EQ(resolve(with_spec("0")).ports(Proto::Tcp), (Ports{0}));
}

TEST_F(ResolvePortsTest, UnprefixedPortsApplyToEveryScannedProtocol) {
  PortSet set = resolve(with_spec("22,U:53,T:21-23"), {Proto::Tcp, Proto::Udp});
  EXPECT_EQ(set.ports(Proto::Tcp), (Ports{21, 22, 23}));
  EXPECT_EQ(set.ports(Proto::Udp), (Ports{22, 53}));
  EXPECT_TRUE(set.ports(Proto::Sctp).empty());
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(ResolvePortsTest, PrefixForAnUnscannedProtocolWarns) {
  PortSet set = resolve(with_spec("T:80,U:53"));
  EXPECT_EQ(set.ports(Proto::Tcp), (Ports{80}));
  EXPECT_TRUE(set.ports(Proto::Udp).empty());
  EXPECT_THAT(warnings_, ElementsAre("-p includes UDP ports (U:) but no UDP scan was requested with -sU; "
                                     "they are ignored"));
}

TEST_F(ResolvePortsTest, ScannedProtocolWithoutPortsWarns) {
  PortSet set = resolve(with_spec("U:53"));
  EXPECT_TRUE(set.empty());
  ASSERT_EQ(warnings_.size(), 2u);
  EXPECT_THAT(warnings_[0], HasSubstr("(U:)"));
  EXPECT_EQ(warnings_[1], "a TCP scan was requested but no TCP ports were selected, so it is skipped");
}

TEST_F(ResolvePortsTest, ServiceNames) {
  PortSet set = resolve(with_spec("ssh,http*"), {Proto::Tcp, Proto::Udp});
  EXPECT_EQ(set.ports(Proto::Tcp), (Ports{22, 80, 443, 8080, 8443}));
  EXPECT_EQ(set.ports(Proto::Udp), (Ports{22, 80}));
}

TEST_F(ResolvePortsTest, DefaultIsTopThousandPerProtocol) {
  PortSet set = resolve({}, {Proto::Tcp, Proto::Udp, Proto::Sctp});
  EXPECT_EQ(set.ports(Proto::Tcp).size(), 11u);  // the test file holds fewer than 1000
  EXPECT_EQ(set.ports(Proto::Udp), (Ports{22, 53, 80, 111, 161}));
  EXPECT_EQ(set.ports(Proto::Sctp), (Ports{80, 3868}));
}

TEST_F(ResolvePortsTest, TopPortsPicksTheMostFrequent) {
  PortOptions options;
  options.top_ports = "3";
  PortSet set = resolve(options, {Proto::Tcp, Proto::Udp});
  EXPECT_EQ(set.ports(Proto::Tcp), (Ports{21, 80, 443}));
  EXPECT_EQ(set.ports(Proto::Udp), (Ports{53, 111, 161}));
  options.top_ports = "4";
  EXPECT_EQ(resolve(options).ports(Proto::Tcp), (Ports{21, 22, 80, 443}));  // 22 wins its tie with 23
}

TEST_F(ResolvePortsTest, TopPortsWithinAPortList) {
  PortOptions options = with_spec("1-100");
  options.top_ports = "2";
  EXPECT_EQ(resolve(options).ports(Proto::Tcp), (Ports{21, 80}));
}

TEST_F(ResolvePortsTest, PortRatio) {
  PortOptions options;
  options.port_ratio = "0.19";
  EXPECT_EQ(resolve(options).ports(Proto::Tcp), (Ports{21, 80, 443}));
  options.port_ratio = "0";
  EXPECT_EQ(resolve(options).ports(Proto::Tcp).size(), 11u);
  options.port_ratio = "0.9";
  EXPECT_TRUE(resolve(options).empty());
  EXPECT_THAT(warnings_, ElementsAre(HasSubstr("no TCP ports were selected")));
  options = with_spec("20-22");
  options.port_ratio = "0.1";
  EXPECT_EQ(resolve(options).ports(Proto::Tcp), (Ports{21, 22}));
}

TEST_F(ResolvePortsTest, ExcludedPortsGoBeforeTopPortsArePicked) {
  PortOptions options;
  options.top_ports = "2";
  options.exclude_spec = "80";
  EXPECT_EQ(resolve(options).ports(Proto::Tcp), (Ports{21, 443}));
  options = with_spec("1-30");
  options.exclude_spec = "T:22-25,U:21";
  EXPECT_EQ(resolve(options).ports(Proto::Tcp).size(), 26u);
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(ResolvePortsTest, SequentialFlag) {
  PortOptions options = with_spec("5,1,3");
  options.sequential = true;
  PortSet set = resolve(options);
  EXPECT_TRUE(set.sequential());
  EXPECT_EQ(set.ports(Proto::Tcp), (Ports{1, 3, 5}));
}

TEST_F(ResolvePortsTest, NothingScannedStillChecksTheList) {
  EXPECT_TRUE(resolve(with_spec("22"), {}).empty());
  EXPECT_THAT(warnings_, IsEmpty());
  EXPECT_THROW(resolve(with_spec("70000"), {}), UsageError);
  EXPECT_TRUE(resolve(with_spec("22"), {Proto::Ip}).empty());
}

TEST_F(ResolvePortsTest, FastWithPortListIsAnError) {
  PortOptions options = with_spec("80");
  options.fast = true;
  EXPECT_THAT([&] { resolve(options); }, ThrowsMessage<UsageError>(HasSubstr("-F (fast scan) cannot be "
                                                                             "combined with -p")));
}

TEST_F(ResolvePortsTest, TopPortsWithPortRatioIsAnError) {
  PortOptions options;
  options.top_ports = "10";
  options.port_ratio = "0.1";
  expect_error(options, "--top-ports and --port-ratio cannot be used together; choose one");
}

TEST_F(ResolvePortsTest, TopPortsOverridesFast) {
  PortOptions options;
  options.fast = true;
  options.top_ports = "1";
  EXPECT_EQ(resolve(options).ports(Proto::Tcp), (Ports{80}));
}

TEST_F(ResolvePortsTest, BadTopPorts) {
  for (const char* bad : {"0", "-5", "abc", "10x", "", "1.5", "99999999999"}) {
    PortOptions options;
    options.top_ports = bad;
    expect_error(options, "invalid --top-ports \"" + std::string(bad) +
                              "\": expected a whole number 1 or greater");
  }
}

TEST_F(ResolvePortsTest, BadPortRatio) {
  for (const char* bad : {"2", "1", "-0.1", "x", "", "0.5.1"}) {
    PortOptions options;
    options.port_ratio = bad;
    expect_error(options, "invalid --port-ratio \"" + std::string(bad) +
                              "\": expected a number from 0 up to (but not including) 1");
  }
}

TEST_F(ResolvePortsTest, SpecErrorsPropagate) {
  expect_error(with_spec("70000"), "invalid port \"70000\" in -p: ports are 0-65535");
  expect_error(with_spec("5-1"), "invalid port range \"5-1\" in -p: the start is greater than the end");
  EXPECT_THAT([&] { resolve(with_spec("abc")); },
              ThrowsMessage<UsageError>(HasSubstr("unknown service \"abc\" in -p")));
}

// -F and the default against the real data, which is what users get.
TEST(ResolvePortsInstalled, FastAndDefaultWithRealServices) {
  ServicesDb db = ServicesDb::load();
  std::vector<std::string> warnings;
  PortOptions fast;
  fast.fast = true;
  PortSet set = resolve_ports(fast, {Proto::Tcp, Proto::Udp}, db, warnings);
  EXPECT_EQ(set.ports(Proto::Tcp).size(), 100u);
  EXPECT_EQ(set.ports(Proto::Udp).size(), 100u);
  EXPECT_TRUE(set.contains(Proto::Tcp, 80));
  EXPECT_TRUE(set.contains(Proto::Tcp, 22));
  EXPECT_TRUE(set.contains(Proto::Tcp, 443));
  EXPECT_TRUE(set.contains(Proto::Udp, 53));
  PortSet defaults = resolve_ports({}, {Proto::Tcp}, db, warnings);
  EXPECT_EQ(defaults.ports(Proto::Tcp).size(), 1000u);
  EXPECT_THAT(warnings, IsEmpty());
}

}  // namespace
}  // namespace portsweep
