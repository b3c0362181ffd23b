#pragma once
// How portsweep sets up DPDK's EAL and picks its device, as pure functions of
// the command line and the machine's state, so every rule here is tested
// without DPDK (tests/unit/io/dpdk_eal_args_test.cpp). dpdk_io.cpp applies them.
//
// Defaults (each one dropped when --dpdk-args says otherwise):
//   -l CPU               one lcore, the main thread; the scan's TX and RX threads
//                        are portsweep's own and register themselves
//   --file-prefix P      portsweep-<pid>, so runs never share runtime files and a
//                        crashed run's leftovers are recognisable
//   --no-pci             unless the arguments name a PCI device (-a/-b)
//   --no-huge -m MB --no-shconf   when no hugepages are free; --in-memory otherwise
//                        (no hugepage files that a crash could leave behind)
//   --no-telemetry       no socket in the runtime directory
//   --log-level=warning  EAL's start-up chatter would bury the scan's output
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portsweep {

struct EalPlan {
  std::string file_prefix;
  unsigned main_cpu = 0;       // a CPU this process may run on
  bool hugepages = false;      // free hugepages are reserved
  unsigned memory_mb = 512;    // -m without hugepages
  std::vector<std::string> user_args;  // --dpdk-args, split
};

// Splits --dpdk-args like a shell would, without expansions: whitespace
// separates, '…' and "…" group. Throws UsageError naming the text when a
// quote is not closed.
std::vector<std::string> split_dpdk_args(std::string_view text);

// argv for rte_eal_init, argv[0] included.
std::vector<std::string> build_eal_args(const EalPlan& plan);

// True when the EAL arguments choose the device themselves (-a/--allow a PCI
// device, or --vdev): portsweep then creates no device and uses the first port.
bool eal_args_name_device(const std::vector<std::string>& args);

// The virtual devices portsweep puts on a Linux interface, best first.
enum class VdevKind { AfXdp, AfPacket };
std::string_view vdev_driver(VdevKind kind);  // "net_af_xdp", "net_af_packet"
std::string vdev_name(VdevKind kind, unsigned index = 0);  // "net_af_xdp0", ...
std::string vdev_args(VdevKind kind, std::string_view iface, unsigned queues, bool qdisc_bypass);
// An AF_XDP device for the interface's one queue `queue` (see XdpQueues).
std::string xdp_queue_vdev_args(std::string_view iface, unsigned queue);

// The queues AF_XDP can bind on an interface, one socket each, from its
// ethtool channels. A NIC counts combined channels: one net_af_xdp device
// takes them all (queue_count=N). A veth made with numrxqueues/numtxqueues
// has RX and TX channels and no combined ones, and DPDK's AF_XDP driver
// (22.11) refuses a queue_count above the combined count; but it takes
// start_queue=q with queue_count=1, so such an interface gets one device
// per queue.
struct EthtoolChannels {
  unsigned combined = 0;  // combined_count (0: none)
  unsigned rx = 0;        // rx_count
  unsigned tx = 0;        // tx_count
};
struct XdpQueues {
  unsigned count = 1;
  bool device_per_queue = false;
};
XdpQueues xdp_queues(const EthtoolChannels& channels);

// Device queue pairs for `tx_queues` TX queues and `rx_queues` receive
// queues, when the device offers `available`: as many as either side uses,
// never more than there are. TX queues beyond them share device queues
// round-robin; a receive queue beyond them would have nothing to read.
// (AF_XDP on a Linux interface takes all its queues instead: a frame that
// arrives on a queue without a socket goes to the kernel, not to us.)
unsigned device_queue_count(unsigned tx_queues, unsigned rx_queues, unsigned available);

// The order to try them in for `tx_queues` TX queues, the last `rx_queues`
// of which carry the receiving threads' answers (and may share), on an
// interface with `channels` AF_XDP queues. AF_XDP binds one socket per
// channel, and the kernel's transmit work for one socket runs in one thread
// at a time: with fewer channels than sending threads (a one-queue veth)
// the threads would queue behind each other, while AF_PACKET gives each its
// own socket. Measured on the lab's one-queue veth, 2 cores: AF_XDP 363
// kpps with one thread, 331 kpps with two; AF_PACKET 255 and 475 kpps.
std::vector<VdevKind> vdev_preference(unsigned tx_queues, unsigned rx_queues, unsigned channels);

// HugePages_Free from /proc/meminfo's text; 0 when absent.
unsigned free_hugepages(std::string_view meminfo);

// mbufs one device queue pair's mempool needs so that neither RX refills nor
// TX bursts ever find it empty in steady state: both descriptor rings full, a
// burst held on each side, the per-thread caches, and for AF_XDP the fill
// ring it stocks at set-up and the completion ring TX mbufs wait in.
struct MbufBudget {
  unsigned ring_size = 2048;  // RX and TX descriptors
  unsigned rx_burst = 256;
  unsigned tx_burst = 64;
  unsigned threads = 2;       // threads allocating from or freeing into the pool
  unsigned cache = 64;        // per-thread mempool cache
  bool af_xdp = false;
};
// Rounded up to 2^k - 1, the size DPDK's ring-backed mempools fill best.
unsigned mbufs_per_queue(const MbufBudget& budget);

// Memory (MB) to ask EAL for with --no-huge: the pools plus room for EAL's
// own heap; never below 512.
unsigned eal_memory_mb(size_t pools, unsigned mbufs_each, unsigned mbuf_bytes);

}  // namespace portsweep
