// portsweep-dpdk-nd IFACE IPV6 SECONDS: opens the DPDK backend on IFACE with
// IoConfig::local_ip6 = IPV6 and only receives for SECONDS, so the backend's
// answers to Neighbor Solicitations (io/nd_responder.hpp) are all that it
// sends; prints "ready" once the device is open, then the backend's
// counters ("counter NAME VALUE"). A lab test tool (dpdk_nd.sh): not installed.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "common/error.hpp"
#include "io/packet_io.hpp"
#include "portsweep/ip_address.hpp"

int main(int argc, char** argv) {
  using namespace portsweep;
  if (argc != 4) {
    std::cerr << "usage: portsweep-dpdk-nd IFACE IPV6 SECONDS\n";
    return 2;
  }
  const auto ours = IpAddress::parse(argv[2]);
  if (!ours || ours->is_v4()) {
    std::cerr << "portsweep-dpdk-nd: \"" << argv[2] << "\" is not an IPv6 address\n";
    return 2;
  }
  try {
    IoConfig config;
    config.backend = "dpdk";
    config.iface = argv[1];
    config.tx_queues = 1;
    config.local_ip6 = ours->bytes();
    config.has_local_ip6 = true;
    auto io = open_packet_io(config);
    std::printf("ready\n");
    std::fflush(stdout);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(std::stoi(argv[3]));
    RxFrame frames[64];
    while (std::chrono::steady_clock::now() < until) io->recv_burst(frames, 64, 50);
    const IoStats s = io->stats();
    io->close();
    for (const auto& c : s.extra) std::printf("counter %s %llu\n", c.name.c_str(), static_cast<unsigned long long>(c.value));
    return 0;
  } catch (const UsageError& e) {
    std::cerr << "portsweep-dpdk-nd: " << e.what() << "\n";
    return 77;  // built without DPDK
  } catch (const std::exception& e) {
    std::cerr << "portsweep-dpdk-nd: " << e.what() << "\n";
    return 1;
  }
}
