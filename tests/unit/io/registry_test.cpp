#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "common/error.hpp"
#include "io/mock_io.hpp"
#include "io/packet_io.hpp"

namespace portsweep {
namespace {

TEST(IoRegistry, LinksThePcapAndMockBackends) {
  auto names = io_backend_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "pcap"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "mock"), names.end());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(IoRegistry, OpensTheMockByName) {
  IoConfig config;
  config.backend = "mock";
  config.tx_queues = 3;
  auto io = open_packet_io(config);
  ASSERT_NE(io, nullptr);
  EXPECT_EQ(io->backend(), "mock");
  EXPECT_EQ(io->tx_queues(), 3u);
  EXPECT_NE(dynamic_cast<MockIo*>(io.get()), nullptr);
}

TEST(IoRegistry, UnknownBackendIsAUsageErrorListingTheKnownOnes) {
  IoConfig config;
  config.backend = "netmap";
  try {
    open_packet_io(config);
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unknown packet I/O backend \"netmap\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("mock"), std::string::npos) << msg;
    EXPECT_NE(msg.find("pcap"), std::string::npos) << msg;
  }
}

TEST(PcapIo, MissingInterfaceIsARuntimeFailureNamingIt) {
  IoConfig config;
  config.backend = "pcap";
  config.iface = "pio-nosuch0";
  try {
    open_packet_io(config);
    FAIL() << "expected a RuntimeFailure";
  } catch (const RuntimeFailure& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("cannot open interface \"pio-nosuch0\" for capture: "), std::string::npos)
        << msg;
  }
}

TEST(PcapIo, RejectsUnknownOptionsBeforeTouchingTheDevice) {
  IoConfig config;
  config.backend = "pcap";
  config.iface = "pio-nosuch0";
  config.options = {{"ring", "4"}};
  EXPECT_THROW(open_packet_io(config), UsageError);
  config.options = {{"tx", "carrier-pigeon"}};
  EXPECT_THROW(open_packet_io(config), UsageError);
}

TEST(PcapIo, NeedsAnInterfaceName) {
  IoConfig config;
  config.backend = "pcap";
  EXPECT_THROW(open_packet_io(config), UsageError);
}

}  // namespace
}  // namespace portsweep
