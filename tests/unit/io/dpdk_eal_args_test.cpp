// How portsweep starts DPDK's EAL and names its device: pure rules, no DPDK.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/dpdk_eal_args.hpp"

namespace portsweep {
namespace {

bool has(const std::vector<std::string>& args, const std::string& a) {
  return std::find(args.begin(), args.end(), a) != args.end();
}

EalPlan plan_without_hugepages() {
  EalPlan p;
  p.file_prefix = "portsweep-4242";
  p.main_cpu = 1;
  p.hugepages = false;
  p.memory_mb = 640;
  return p;
}

TEST(DpdkEalArgs, DefaultsOnAMachineWithoutHugepages) {
  auto args = build_eal_args(plan_without_hugepages());
  std::vector<std::string> want = {"portsweep", "-l", "1", "--file-prefix=portsweep-4242",
                                   "--no-pci", "--no-huge", "-m", "640", "--no-shconf",
                                   "--no-telemetry", "--log-level=warning"};
  EXPECT_EQ(args, want);
}

TEST(DpdkEalArgs, HugepagesMeanInMemoryWithNoFilesToLeave) {
  EalPlan p = plan_without_hugepages();
  p.hugepages = true;
  auto args = build_eal_args(p);
  EXPECT_TRUE(has(args, "--in-memory"));
  EXPECT_FALSE(has(args, "--no-huge"));
  EXPECT_FALSE(has(args, "-m"));
}

TEST(DpdkEalArgs, APciDeviceTurnsOffNoPciAndNamesTheDevice) {
  EalPlan p = plan_without_hugepages();
  p.user_args = split_dpdk_args("-a 0000:01:00.0");
  auto args = build_eal_args(p);
  EXPECT_FALSE(has(args, "--no-pci"));
  EXPECT_EQ(args.back(), "0000:01:00.0");
  EXPECT_TRUE(eal_args_name_device(p.user_args));
}

TEST(DpdkEalArgs, UserChoicesReplaceTheDefaults) {
  EalPlan p = plan_without_hugepages();
  p.user_args = split_dpdk_args("-l 2-3 --file-prefix=mine --socket-mem 1024 --log-level=debug");
  auto args = build_eal_args(p);
  EXPECT_EQ(std::count(args.begin(), args.end(), "-l"), 1);
  EXPECT_FALSE(has(args, "--file-prefix=portsweep-4242"));
  EXPECT_FALSE(has(args, "--no-huge"));
  EXPECT_FALSE(has(args, "--log-level=warning"));
  EXPECT_TRUE(has(args, "--no-pci"));  // no PCI device named
  EXPECT_FALSE(eal_args_name_device(p.user_args));
}

TEST(DpdkEalArgs, GluedShortOptionsCount) {
  EalPlan p = plan_without_hugepages();
  p.user_args = {"-l0", "-a0000:03:00.1", "-m256"};
  auto args = build_eal_args(p);
  EXPECT_FALSE(has(args, "1"));          // our "-l 1" was dropped
  EXPECT_FALSE(has(args, "--no-pci"));
  EXPECT_FALSE(has(args, "--no-huge"));  // memory was given
  EXPECT_TRUE(eal_args_name_device(p.user_args));
}

TEST(DpdkEalArgs, AVdevIsADeviceButNotPci) {
  EalPlan p = plan_without_hugepages();
  p.user_args = split_dpdk_args("--vdev=net_pcap0,iface=eth0");
  EXPECT_TRUE(eal_args_name_device(p.user_args));
  EXPECT_TRUE(has(build_eal_args(p), "--no-pci"));
}

TEST(DpdkEalArgs, SplitsLikeAShellWithoutExpansions) {
  EXPECT_EQ(split_dpdk_args("  -l 0   --vdev 'net_pcap0,iface=a b' \"x y\"z "),
            (std::vector<std::string>{"-l", "0", "--vdev", "net_pcap0,iface=a b", "x yz"}));
  EXPECT_TRUE(split_dpdk_args("").empty());
  EXPECT_EQ(split_dpdk_args("''"), (std::vector<std::string>{""}));
}

TEST(DpdkEalArgs, AnOpenQuoteIsAUsageErrorNamingTheText) {
  try {
    split_dpdk_args("-a '0000:01:00.0");
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("-a '0000:01:00.0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("single quote"), std::string::npos) << msg;
  }
}

TEST(DpdkEalArgs, VirtualDevicesOnALinuxInterface) {
  EXPECT_EQ(vdev_name(VdevKind::AfXdp), "net_af_xdp0");
  EXPECT_EQ(vdev_args(VdevKind::AfXdp, "ps-scan0", 2, true), "iface=ps-scan0,queue_count=2");
  EXPECT_EQ(vdev_name(VdevKind::AfPacket), "net_af_packet0");
  std::string packet = vdev_args(VdevKind::AfPacket, "eth1", 3, false);
  EXPECT_EQ(packet.rfind("iface=eth1,qpairs=3,", 0), 0u) << packet;
  EXPECT_NE(packet.find("qdisc_bypass=0"), std::string::npos) << packet;
}

TEST(DpdkEalArgs, OneAfXdpDevicePerQueueOfAVeth) {
  EXPECT_EQ(vdev_name(VdevKind::AfXdp, 3), "net_af_xdp3");
  EXPECT_EQ(xdp_queue_vdev_args("ps-scan0", 1), "iface=ps-scan0,start_queue=1,queue_count=1");
}

TEST(DpdkEalArgs, AfXdpQueuesFromTheChannels) {
  // A NIC: combined channels, one device for them all.
  XdpQueues nic = xdp_queues(EthtoolChannels{8, 0, 0});
  EXPECT_EQ(nic.count, 8u);
  EXPECT_FALSE(nic.device_per_queue);
  // A veth with 4 RX and 4 TX queues: no combined channels, a device each.
  XdpQueues veth = xdp_queues(EthtoolChannels{0, 4, 4});
  EXPECT_EQ(veth.count, 4u);
  EXPECT_TRUE(veth.device_per_queue);
  // A socket needs both directions of its queue.
  EXPECT_EQ(xdp_queues(EthtoolChannels{0, 4, 2}).count, 2u);
  // A one-queue veth, or no channel information at all: one queue.
  XdpQueues one = xdp_queues(EthtoolChannels{0, 1, 1});
  EXPECT_EQ(one.count, 1u);
  EXPECT_FALSE(one.device_per_queue);
  EXPECT_EQ(xdp_queues(EthtoolChannels{}).count, 1u);
}

TEST(DpdkEalArgs, DeviceQueuesServeTheLargerSideWithinWhatTheDeviceHas) {
  // One TX thread and its answer queue, one receive queue, on 2 channels.
  EXPECT_EQ(device_queue_count(2, 1, 2), 2u);
  // One TX thread, two receive queues (two answer queues): 3 TX queues.
  EXPECT_EQ(device_queue_count(3, 2, 2), 2u);
  EXPECT_EQ(device_queue_count(3, 2, 8), 3u);
  // More receive queues than TX queues would need.
  EXPECT_EQ(device_queue_count(1, 4, 8), 4u);
  // A one-queue device.
  EXPECT_EQ(device_queue_count(5, 4, 1), 1u);
  EXPECT_EQ(device_queue_count(2, 1, 0), 1u);
}

TEST(DpdkEalArgs, AfXdpFirstWhenEverySendingThreadGetsAChannel) {
  using V = std::vector<VdevKind>;
  // One TX thread plus the answer queue on a one-channel veth: AF_XDP.
  EXPECT_EQ(vdev_preference(2, 1, 1), (V{VdevKind::AfXdp, VdevKind::AfPacket}));
  EXPECT_EQ(vdev_preference(1, 1, 1), (V{VdevKind::AfXdp, VdevKind::AfPacket}));
  // Two TX threads on one channel: AF_PACKET, a socket each.
  EXPECT_EQ(vdev_preference(3, 1, 1), (V{VdevKind::AfPacket, VdevKind::AfXdp}));
  // A NIC with 8 channels: AF_XDP.
  EXPECT_EQ(vdev_preference(5, 1, 8), (V{VdevKind::AfXdp, VdevKind::AfPacket}));
  // One TX thread and two receive queues, each with its answer queue, on a
  // two-queue veth: one sender, AF_XDP.
  EXPECT_EQ(vdev_preference(3, 2, 2), (V{VdevKind::AfXdp, VdevKind::AfPacket}));
  // Two TX threads and two receive queues on one channel: AF_PACKET.
  EXPECT_EQ(vdev_preference(4, 2, 1), (V{VdevKind::AfPacket, VdevKind::AfXdp}));
}

TEST(DpdkEalArgs, FreeHugepagesFromMeminfo) {
  EXPECT_EQ(free_hugepages("MemTotal: 1 kB\nHugePages_Total:     512\nHugePages_Free:      300\n"),
            300u);
  EXPECT_EQ(free_hugepages("MemTotal: 1 kB\n"), 0u);
}

TEST(DpdkEalArgs, MempoolCoversRingsBurstsCachesAndAfXdpRings) {
  MbufBudget b;
  b.ring_size = 2048;
  b.rx_burst = 256;
  b.tx_burst = 64;
  b.threads = 3;
  b.cache = 64;
  b.af_xdp = false;
  unsigned plain = mbufs_per_queue(b);
  EXPECT_GE(plain, 2048u + 256 + 2048 + 64 + 3 * (96 + 64));
  EXPECT_EQ((plain + 1) & plain, 0u) << "a power of two minus one";
  b.af_xdp = true;
  unsigned xdp = mbufs_per_queue(b);
  EXPECT_GE(xdp, 2048u + 256 + 2048 + 2048 + 64 + 3 * (96 + 64));
  EXPECT_EQ((xdp + 1) & xdp, 0u);
}

TEST(DpdkEalArgs, MemoryCoversThePoolsAndNeverGoesBelow512) {
  EXPECT_EQ(eal_memory_mb(1, 1023, 2048), 512u);
  EXPECT_GE(eal_memory_mb(8, 16383, 2432), 8u * 16383 * 2432 / (1 << 20));
}

}  // namespace
}  // namespace portsweep
