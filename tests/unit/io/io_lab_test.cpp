// Lab tests for the packet I/O layer: real frames on a veth pair between two
// network namespaces this test creates and deletes (pio-a, pio-b), addresses
// in 198.18.0.0/15 only. Nothing is sent in the root namespace.
//
// The IoLab tests run in the root namespace and only manage the namespaces;
// each re-runs this executable under `ip netns exec pio-a` with
// PIO_LAB_INSIDE=1 and a filter selecting one IoLabInside test, which does the
// work from inside pio-a (sockets, /sys and /proc/net then all see pio-a).
#include <linux/neighbour.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "io/iflist.hpp"
#include "io/interface_info.hpp"
#include "io/netlink_route.hpp"
#include "io/packet_io.hpp"
#include "io/scan_path.hpp"
#include "lab_frames.hpp"

namespace portsweep {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kIpA = 0xc6120701;  // 198.18.7.1 in pio-a
constexpr uint32_t kIpB = 0xc6120702;  // 198.18.7.2 in pio-b
constexpr uint32_t kIpNobody = 0xc6120763;  // 198.18.7.99: on-link, nobody there
constexpr uint32_t kIpNoRoute = 0xc6130001;  // 198.19.0.1: pio-a has no route
const MacAddr kMacA{{0x02, 0x00, 0xc6, 0x12, 0x07, 0x01}};
const MacAddr kMacB{{0x02, 0x00, 0xc6, 0x12, 0x07, 0x02}};
// Frames for the TX benchmark go to a MAC nobody has: pio-b drops them at
// layer 2, so its work does not eat into the sender's CPU share.
const MacAddr kMacNobody{{0x02, 0x00, 0xc6, 0x12, 0x07, 0x99}};

bool inside() { return std::getenv("PIO_LAB_INSIDE") != nullptr; }

int sh(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

void delete_namespaces() {
  // Deleting a namespace deletes the veth end in it, and with it the peer.
  sh("ip netns del pio-a 2>/dev/null");
  sh("ip netns del pio-b 2>/dev/null");
}

extern "C" void on_fatal_signal(int sig) {
  delete_namespaces();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

class IoLab : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (inside()) return;
    if (geteuid() != 0) {
      skip_reason_ = "needs root to create network namespaces";
      return;
    }
    // A killed run (meson's timeout) must not leave the namespaces behind.
    std::signal(SIGTERM, on_fatal_signal);
    std::signal(SIGINT, on_fatal_signal);
    delete_namespaces();  // leftovers of a run that died harder than that
    const char* steps[] = {
        "ip netns add pio-a",
        "ip netns add pio-b",
        ("ip -n pio-a link add pio-a0 address 02:00:c6:12:07:01 type veth"
         " peer name pio-b0 address 02:00:c6:12:07:02 netns pio-b"),
        "ip -n pio-a addr add 198.18.7.1/24 dev pio-a0",
        "ip -n pio-b addr add 198.18.7.2/24 dev pio-b0",
        // Hand-built frames carry full checksums and captured replies should
        // too: no checksum offload on either end.
        "ip netns exec pio-a ethtool -K pio-a0 tx off >/dev/null",
        "ip netns exec pio-b ethtool -K pio-b0 tx off >/dev/null",
        "ip -n pio-a link set lo up",
        "ip -n pio-b link set lo up",
        "ip -n pio-a link set pio-a0 up",
        "ip -n pio-b link set pio-b0 up",
        // pio-b answers at once instead of holding replies while it ARPs.
        "ip -n pio-b neigh replace 198.18.7.1 lladdr 02:00:c6:12:07:01 dev pio-b0 nud permanent",
    };
    for (const char* step : steps) {
      if (sh(std::string(step) + " 2>&1") != 0) {
        skip_reason_ = std::string("cannot set up the lab namespaces: \"") + step + "\" failed";
        delete_namespaces();
        return;
      }
    }
    ready_ = true;
  }

  static void TearDownTestSuite() {
    if (inside() || geteuid() != 0) return;
    delete_namespaces();
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
  }

  void run_inside(const std::string& test) {
    if (!ready_) GTEST_SKIP() << skip_reason_;
    char exe[4096] = {};
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ASSERT_GT(n, 0);
    std::string cmd = "ip netns exec pio-a env PIO_LAB_INSIDE=1 '" + std::string(exe) +
                      "' --gtest_color=no --gtest_filter='IoLabInside." + test + "'";
    std::cout.flush();
    EXPECT_EQ(sh(cmd), 0) << "inside pio-a: " << cmd;
  }

  static inline bool ready_ = false;
  static inline std::string skip_reason_;
};

TEST_F(IoLab, ScanPathAndArp) { run_inside("ScanPathAndArp"); }
TEST_F(IoLab, PingRoundTrip) { run_inside("PingRoundTrip*"); }
TEST_F(IoLab, InterfaceGoingDownIsReportedByTheTxRing) { run_inside("InterfaceGoingDownIsReportedByTheTxRing"); }
TEST_F(IoLab, InterfaceGoingDownIsReported) { run_inside("InterfaceGoingDownIsReported"); }
TEST_F(IoLab, TxRate) { run_inside("TxRate:IoLabInside.RxUnderLoad"); }

// --- inside pio-a -----------------------------------------------------------

class IoLabInside : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!inside()) GTEST_SKIP() << "runs inside pio-a, started by the IoLab tests";
  }
};

TEST_F(IoLabInside, ScanPathAndArp) {
  auto veth = find_interface("pio-a0");
  ASSERT_TRUE(veth);
  EXPECT_EQ(veth->mac, kMacA);
  EXPECT_TRUE(veth->is_ethernet());

  // Empty neighbour table: the MAC must come from our own ARP exchange.
  ASSERT_EQ(sh("ip neigh flush dev pio-a0"), 0);
  auto before = netlink::find_neighbour(veth->index, kIpB);
  EXPECT_TRUE(!before || (before->state & (NUD_REACHABLE | NUD_STALE | NUD_PERMANENT)) == 0);

  auto t0 = Clock::now();
  auto path = resolve_scan_path({std::nullopt, std::nullopt, kIpB});
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  std::cout << "resolve_scan_path with ARP took " << took.count() << " ms\n";
  EXPECT_EQ(path.iface, "pio-a0");
  EXPECT_EQ(path.ifindex, veth->index);
  EXPECT_EQ(path.src_mac, kMacA);
  EXPECT_EQ(path.src_ip, kIpA);
  EXPECT_EQ(path.next_hop_ip, kIpB);
  EXPECT_EQ(path.next_hop_mac, kMacB);
  EXPECT_EQ(path.mtu, 1500u);
  EXPECT_FALSE(path.via_gateway);

  // -e and -S override; with the entry now in the kernel's table or not,
  // the answer is the same.
  auto spoofed = resolve_scan_path({std::string("pio-a0"), kIpNobody, kIpB});
  EXPECT_EQ(spoofed.src_ip, kIpNobody);
  EXPECT_EQ(spoofed.next_hop_mac, kMacB);

  // A gateway route: the next hop is the gateway, its MAC the one to use.
  ASSERT_EQ(sh("ip route add 198.19.5.0/24 via 198.18.7.2 dev pio-a0"), 0);
  auto routed = resolve_scan_path({std::nullopt, std::nullopt, 0xc6130507});
  sh("ip route del 198.19.5.0/24");
  EXPECT_TRUE(routed.via_gateway);
  EXPECT_EQ(routed.next_hop_ip, kIpB);
  EXPECT_EQ(routed.next_hop_mac, kMacB);

  try {
    resolve_scan_path({std::nullopt, std::nullopt, kIpNoRoute});
    ADD_FAILURE() << "expected no route to 198.19.0.1";
  } catch (const RuntimeFailure& e) {
    EXPECT_STREQ(e.what(), "no route to 198.19.0.1: give -e IFACE.");
  }

  try {
    resolve_scan_path({std::nullopt, std::nullopt, kIpNobody});
    ADD_FAILURE() << "expected no ARP reply from 198.18.7.99";
  } catch (const RuntimeFailure& e) {
    EXPECT_NE(std::string(e.what()).find("no ARP reply from 198.18.7.99 on pio-a0"),
              std::string::npos)
        << e.what();
  }

  std::ostringstream iflist;
  print_iflist(iflist);
  std::cout << iflist.str();
  EXPECT_NE(iflist.str().find("198.18.7.1/24"), std::string::npos);
  EXPECT_NE(iflist.str().find("02:00:C6:12:07:01"), std::string::npos);
  EXPECT_NE(iflist.str().find("198.18.7.0/24"), std::string::npos);
}

// Sends `count` echo requests to pio-b spread over the TX queues and checks
// every reply comes back through recv_burst.
// lend: the echo requests are written into buffers the backend lends
// (tx_lend/tx_commit) instead of handed to send_burst.
void ping_round_trip(IoConfig config, int count, bool lend = false) {
  config.backend = "pcap";
  config.iface = "pio-a0";
  config.rx_filter = "icmp and dst host 198.18.7.1";
  auto io = open_packet_io(config);

  constexpr uint16_t kId = 0x7053;
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < count; ++i) {
    frames.push_back(lab::icmp_echo(kMacA, kMacB, kIpA, kIpB, kId, static_cast<uint16_t>(i)));
  }
  std::set<uint16_t> replied;
  int bad = 0;
  RxFrame rx[64];
  auto drain = [&](int timeout_ms) {
    size_t n = io->recv_burst(rx, 64, timeout_ms);
    for (size_t i = 0; i < n; ++i) {
      const uint8_t* f = rx[i].data;
      const uint8_t* ip = f + lab::kEth;
      const uint8_t* icmp = ip + lab::kIp;
      bool ok = rx[i].len >= lab::kEth + lab::kIp + 8 && lab::get16(f + 12) == 0x0800 &&
                lab::get32(ip + 12) == kIpB && lab::get32(ip + 16) == kIpA && icmp[0] == 0 &&
                lab::get16(icmp + 4) == kId && rx[i].time_us > 0 &&
                lab::inet_checksum(icmp, rx[i].len - lab::kEth - lab::kIp) == 0;
      if (ok) {
        replied.insert(lab::get16(icmp + 6));
      } else {
        ++bad;
      }
    }
    return n;
  };

  // Bursts small enough for pio-b's backlog, draining replies in between.
  constexpr int kBurst = 50;
  std::vector<TxFrame> burst;
  for (int start = 0; start < count; start += kBurst) {
    unsigned queue = static_cast<unsigned>(start / kBurst) % io->tx_queues();
    burst.clear();
    for (int i = start; i < std::min(count, start + kBurst); ++i) {
      burst.push_back({frames[i].data(), static_cast<uint16_t>(frames[i].size())});
    }
    size_t sent = 0;
    auto deadline = Clock::now() + std::chrono::seconds(2);
    while (sent < burst.size() && Clock::now() < deadline) {
      if (!lend) {
        sent += io->send_burst(queue, burst.data() + sent, burst.size() - sent);
        continue;
      }
      ASSERT_TRUE(io->lends_tx_buffers());
      uint8_t* buffers[kBurst];
      uint16_t lengths[kBurst];
      // One more than needed, to see the extra one given back unsent.
      const size_t want = burst.size() - sent;
      const size_t got = io->tx_lend(queue, buffers, std::min<size_t>(want + 1, kBurst), 60);
      const size_t use = std::min(got, want);
      for (size_t k = 0; k < use; ++k) {
        std::memcpy(buffers[k], burst[sent + k].data, burst[sent + k].len);
        lengths[k] = burst[sent + k].len;
      }
      size_t committed = 0;
      while (committed < use) committed += io->tx_commit(queue, lengths + committed, use - committed);
      sent += use;
    }
    ASSERT_EQ(sent, burst.size());
    drain(1);
  }
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (replied.size() < static_cast<size_t>(count) && Clock::now() < deadline) drain(50);
  // Anything more would be a duplicate or a frame the filter should have dropped.
  while (drain(100) != 0) {}

  EXPECT_FALSE(io->failed()) << io->failure_message();
  io->close();
  IoStats s = io->stats();
  std::cout << "ping round trip (queues=" << config.tx_queues
            << " bypass=" << config.qdisc_bypass << "): sent " << s.tx_packets << ", replies "
            << replied.size() << ", rx " << s.rx_packets << ", rx_dropped " << s.rx_dropped
            << ", rx_if_dropped " << s.rx_if_dropped << "\n";
  EXPECT_EQ(replied.size(), static_cast<size_t>(count));
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(s.tx_packets, static_cast<uint64_t>(count));
  EXPECT_EQ(s.tx_bytes, static_cast<uint64_t>(count) * 60);
  EXPECT_EQ(s.tx_errors, 0u);
  EXPECT_EQ(s.rx_packets, static_cast<uint64_t>(count));
  EXPECT_EQ(s.rx_dropped, 0u);
}

TEST_F(IoLabInside, PingRoundTrip) { ping_round_trip(IoConfig{}, 1000); }

TEST_F(IoLabInside, PingRoundTripTwoQueuesThroughTheQdisc) {
  IoConfig config;
  config.tx_queues = 2;
  config.qdisc_bypass = false;
  ping_round_trip(config, 1000);
}

TEST_F(IoLabInside, PingRoundTripWithPcapInject) {
  IoConfig config;
  config.options = {{"tx", "inject"}};
  ping_round_trip(config, 200);
}

TEST_F(IoLabInside, PingRoundTripThroughTheTxRing) {
  IoConfig config;
  config.options = {{"tx", "ring"}};
  ping_round_trip(config, 1000);
}

TEST_F(IoLabInside, PingRoundTripWrittenIntoTheTxRing) {
  IoConfig config;
  config.tx_queues = 2;
  config.options = {{"tx", "ring"}};
  ping_round_trip(config, 1000, true);
}

TEST_F(IoLabInside, InterfaceGoingDownIsReported) {
  IoConfig config;
  config.iface = "pio-a0";
  config.rx_filter = "icmp";
  auto io = open_packet_io(config);
  ASSERT_EQ(sh("ip link set pio-a0 down"), 0);
  auto frame = lab::icmp_echo(kMacA, kMacB, kIpA, kIpB, 1, 1);
  TxFrame tx{frame.data(), static_cast<uint16_t>(frame.size())};
  // The frame is consumed (counted as an error), not handed back for a retry
  // that would never succeed.
  EXPECT_EQ(io->send_burst(0, &tx, 1), 1u);
  RxFrame rx[4];
  io->recv_burst(rx, 4, 100);
  sh("ip link set pio-a0 up");
  EXPECT_TRUE(io->failed());
  std::string msg = io->failure_message();
  std::cout << "failure: " << msg << "\n";
  EXPECT_NE(msg.find("\"pio-a0\" failed: "), std::string::npos) << msg;
  EXPECT_EQ(io->stats().tx_errors, 1u);
}

TEST_F(IoLabInside, InterfaceGoingDownIsReportedByTheTxRing) {
  IoConfig config;
  config.iface = "pio-a0";
  config.rx_filter = "icmp";
  config.options = {{"tx", "ring"}};
  auto io = open_packet_io(config);
  ASSERT_EQ(sh("ip link set pio-a0 down"), 0);
  auto frame = lab::icmp_echo(kMacA, kMacB, kIpA, kIpB, 1, 1);
  TxFrame tx{frame.data(), static_cast<uint16_t>(frame.size())};
  EXPECT_EQ(io->send_burst(0, &tx, 1), 1u);
  sh("ip link set pio-a0 up");
  EXPECT_TRUE(io->failed());
  EXPECT_NE(io->failure_message().find("\"pio-a0\" failed: "), std::string::npos) << io->failure_message();
  EXPECT_EQ(io->stats().tx_errors, 1u);
}

// User + system time of this process, softirq work done on its behalf included.
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

// Not a pass/fail test: prints the TX rate of 60-byte frames (64 on the wire)
// for each configuration, ~3 s each.
TEST_F(IoLabInside, TxRate) {
  const char* env_seconds = std::getenv("PIO_LAB_TX_SECONDS");
  const double seconds = env_seconds != nullptr ? std::atof(env_seconds) : 3.0;
  auto frame = lab::udp_datagram(kMacA, kMacNobody, kIpA, kIpB, 40000, 9);
  constexpr size_t kBurst = 64;
  std::vector<TxFrame> burst(kBurst, TxFrame{frame.data(), static_cast<uint16_t>(frame.size())});

  // lend: frames written into the ring's slots (tx_lend/tx_commit), as the
  // TX loop writes probes, instead of copied in by send_burst.
  auto measure = [&](const char* qdisc, unsigned queues, bool bypass, const char* method, bool lend = false) {
    IoConfig config;
    config.iface = "pio-a0";
    config.rx_filter = "icmp and dst host 198.18.7.1";
    config.tx_queues = queues;
    config.qdisc_bypass = bypass;
    config.options = {{"tx", method}};
    auto io = open_packet_io(config);
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    auto start = Clock::now();
    double cpu_start = cpu_seconds();
    for (unsigned q = 0; q < queues; ++q) {
      threads.emplace_back([&, q] {
        uint8_t* slots[kBurst];
        uint16_t lengths[kBurst];
        std::fill(std::begin(lengths), std::end(lengths), static_cast<uint16_t>(frame.size()));
        while (!stop.load(std::memory_order_relaxed)) {
          if (!lend) {
            io->send_burst(q, burst.data(), kBurst);
            continue;
          }
          const size_t n = io->tx_lend(q, slots, kBurst, static_cast<uint16_t>(frame.size()));
          for (size_t k = 0; k < n; ++k) std::memcpy(slots[k], frame.data(), frame.size());
          io->tx_commit(q, lengths, n);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    double cpu = cpu_seconds() - cpu_start;
    IoStats s = io->stats();
    uint64_t full = 0;
    for (const auto& c : s.extra) {
      if (c.name == "tx_queue_full") full = c.value;
    }
    // CPU time per frame is the steadier figure when other work shares the cores.
    std::printf("TX pps: qdisc=%-10s queues=%u bypass=%d tx=%-10s %8.0f pps  %5.2f cpu-us/frame"
                "  (errors %llu, queue-full %llu)\n",
                qdisc, queues, bypass ? 1 : 0, (std::string(method) + (lend ? "+lend" : "")).c_str(), static_cast<double>(s.tx_packets) / elapsed,
                cpu * 1e6 / static_cast<double>(std::max<uint64_t>(s.tx_packets, 1)),
                static_cast<unsigned long long>(s.tx_errors),
                static_cast<unsigned long long>(full));
    std::fflush(stdout);
    EXPECT_FALSE(io->failed()) << io->failure_message();
    EXPECT_GT(s.tx_packets, 0u);
  };

  for (const char* qdisc : {"noqueue", "pfifo_fast"}) {
    if (std::string(qdisc) == "pfifo_fast") {
      ASSERT_EQ(sh("tc qdisc replace dev pio-a0 root pfifo_fast"), 0);
    }
    for (unsigned queues : {1u, 2u}) {
      for (bool bypass : {false, true}) measure(qdisc, queues, bypass, "sendmmsg");
      measure(qdisc, queues, false, "inject");
      measure(qdisc, queues, true, "ring");
      measure(qdisc, queues, true, "ring", true);
    }
  }
  sh("tc qdisc del dev pio-a0 root 2>/dev/null");
}

// Not a pass/fail test either: one thread floods pio-b with echo requests
// while this one receives the replies, to show what the capture path keeps up
// with and that its drop counters work.
TEST_F(IoLabInside, RxUnderLoad) {
  const char* env_seconds = std::getenv("PIO_LAB_TX_SECONDS");
  const double seconds = env_seconds != nullptr ? std::atof(env_seconds) : 3.0;
  IoConfig config;
  config.iface = "pio-a0";
  config.rx_filter = "icmp and dst host 198.18.7.1";
  auto io = open_packet_io(config);
  constexpr size_t kBurst = 64;
  std::vector<std::vector<uint8_t>> frames;
  std::vector<TxFrame> burst;
  for (size_t i = 0; i < kBurst; ++i) {
    frames.push_back(lab::icmp_echo(kMacA, kMacB, kIpA, kIpB, 0x7054, static_cast<uint16_t>(i)));
  }
  for (const auto& f : frames) burst.push_back({f.data(), static_cast<uint16_t>(f.size())});

  std::atomic<bool> stop{false};
  std::thread sender([&] {
    while (!stop.load(std::memory_order_relaxed)) io->send_burst(0, burst.data(), kBurst);
  });
  RxFrame rx[256];
  uint64_t received = 0;
  auto start = Clock::now();
  auto until = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) received += io->recv_burst(rx, 256, 10);
  stop = true;
  sender.join();
  while (uint64_t n = io->recv_burst(rx, 256, 50)) received += n;
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  io->close();
  IoStats s = io->stats();
  std::printf("RX under load: sent %.0f pps, received %.0f replies/s, rx_dropped %llu, "
              "rx_if_dropped %llu\n",
              static_cast<double>(s.tx_packets) / elapsed, static_cast<double>(received) / elapsed,
              static_cast<unsigned long long>(s.rx_dropped),
              static_cast<unsigned long long>(s.rx_if_dropped));
  EXPECT_EQ(s.rx_packets, received);
  EXPECT_FALSE(io->failed()) << io->failure_message();
}

}  // namespace
}  // namespace portsweep
