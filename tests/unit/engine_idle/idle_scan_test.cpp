// The idle-scan engine against a simulated zombie and targets behind the
// MockIo test double: the zombie answers our SYN-ACKs with RSTs carrying its
// IP ID and spends an ID for every packet it sends (the RSTs to the targets'
// SYN-ACKs among them), optionally on its own at a given rate; targets
// answer the spoofed SYNs on their open ports. Every open port is known.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "../probes/test_frames.hpp"
#include "engine/idle_scan.hpp"
#include "io/mock_io.hpp"
#include "packet/packet_decoder.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kUs = 0x0A010001;      // 10.1.0.1
constexpr uint32_t kZombie = 0x0A020009;  // 10.2.0.9
constexpr uint32_t kNet = 0x0A000000;     // targets 10.0.0.0/29
constexpr uint16_t kProbePort = 80;

enum class IdMode { Global, Random, Zero, PerPeer, ByteSwapped, Silent };

struct Zombie {
  IdMode mode = IdMode::Global;
  uint16_t next_id = 1000;
  uint16_t our_id = 5000;     // PerPeer: the counter for packets to us
  double noise_pps = 0;       // packets/s of its own
  std::map<uint32_t, std::set<uint16_t>> open;  // target -> its open ports
  std::mt19937 rng{7};

  std::mutex mu;
  std::chrono::steady_clock::time_point next_noise = std::chrono::steady_clock::now();
  bool noise_started = false;
  uint64_t spoofed_from_us = 0;   // frames to a target with our own source: must stay 0
  uint64_t syns_to_targets = 0;
  uint64_t probes = 0;

  uint16_t spend() {
    const uint16_t id = next_id;
    next_id = static_cast<uint16_t>(next_id + 1);
    return id;
  }
  // Its own packets: a Poisson process at noise_pps, caught up lazily.
  void background() {
    if (noise_pps <= 0) return;
    std::exponential_distribution<double> gap(noise_pps);
    const auto now = std::chrono::steady_clock::now();
    if (!noise_started) {
      next_noise = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                             std::chrono::duration<double>(gap(rng)));
      noise_started = true;
    }
    while (next_noise <= now) {
      spend();
      next_noise += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(gap(rng)));
    }
  }

  void respond(std::span<const uint8_t> f, MockIo& io) {
    std::lock_guard lock(mu);
    background();
    DecodedPacket p;
    ASSERT_EQ(decode_ethernet(f.data(), f.size(), p), DecodeStatus::Ok);
    ASSERT_EQ(p.ip_proto, 6);
    if (p.dst_ip == kZombie) {
      if (p.dst_port != kProbePort || p.tcp_flags != 0x12) return;
      if (p.src_ip != kUs) {
        // The spoofing test: the zombie resets the SYN-ACK to its sender.
        if (mode == IdMode::PerPeer) return;
        spend();
        return;
      }
      ++probes;
      if (mode == IdMode::Silent) return;
      uint16_t id = 0;
      switch (mode) {
        case IdMode::Global: id = spend(); break;
        case IdMode::ByteSwapped: {
          const uint16_t v = spend();
          id = static_cast<uint16_t>((v << 8) | (v >> 8));
          break;
        }
        case IdMode::Random: id = static_cast<uint16_t>(rng()); break;
        case IdMode::Zero: id = 0; break;
        case IdMode::PerPeer: id = our_id++; break;
        case IdMode::Silent: break;
      }
      Bytes rst = concat(ethernet(), ipv4(kZombie, kUs, 6, tcp(kProbePort, p.src_port, p.ack, 0, 0x04)));
      rst[14 + 4] = static_cast<uint8_t>(id >> 8);
      rst[14 + 5] = static_cast<uint8_t>(id);
      io.queue_reply(refill_checksums(rst));
      return;
    }
    // A frame to a target.
    if (p.src_ip != kZombie) {
      ++spoofed_from_us;
      return;
    }
    ASSERT_EQ(p.tcp_flags, 0x02);
    ASSERT_EQ(p.src_port, kProbePort);
    ++syns_to_targets;
    const auto t = open.find(p.dst_ip);
    // Open: the target's SYN-ACK goes to the zombie, which resets it.
    if (t != open.end() && t->second.count(p.dst_port) && mode != IdMode::PerPeer) spend();
  }
};

std::vector<uint16_t> port_list(int n) {
  std::vector<uint16_t> ports;
  for (int i = 0; i < n; ++i) ports.push_back(static_cast<uint16_t>(20 + i * 7));
  return ports;
}

struct Outcome {
  IdleScanReport report;
  std::set<std::pair<IpAddress, uint16_t>> open;
  std::set<std::pair<IpAddress, uint16_t>> decided;  // open or closed|filtered
};

Outcome run(Zombie& z, const TargetSet& targets, const std::vector<uint16_t>& ports,
        const std::atomic<bool>* stop = nullptr, size_t stop_after_results = 0, int64_t min_wait_us = 1'000) {
  MockIo io;
  io.set_record_sent(false);
  io.set_responder([&z](unsigned, std::span<const uint8_t> f, MockIo& m) { z.respond(f, m); });
  IdleScanConfig cfg;
  cfg.targets = &targets;
  cfg.ports = ports;
  cfg.our_ip = kUs;
  cfg.zombie_ip = kZombie;
  cfg.probe_port = kProbePort;
  cfg.min_wait_us = min_wait_us;
  cfg.first_timeout_us = 50'000;
  Outcome out;
  std::atomic<bool> interrupt{false};
  IdleScanHooks hooks;
  hooks.on_results = [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) {
      EXPECT_TRUE(out.decided.insert({r.ip, r.port}).second) << "reported twice";
      if (r.state == PortState::ClosedFiltered) {
        EXPECT_EQ(r.reason, Reason::NoIpidChange);
        continue;
      }
      EXPECT_EQ(r.state, PortState::Open);
      EXPECT_EQ(r.reason, Reason::IpidChange);
      out.open.insert({r.ip, r.port});
    }
    if (stop_after_results != 0 && out.open.size() >= stop_after_results) interrupt = true;
  };
  out.report = run_idle_scan(cfg, io, hooks, stop != nullptr ? *stop : interrupt);
  return out;
}

std::set<std::pair<IpAddress, uint16_t>> truth(const Zombie& z) {
  std::set<std::pair<IpAddress, uint16_t>> s;
  for (const auto& [ip, ports] : z.open)
    for (uint16_t p : ports) s.insert({IpAddress::v4(ip), p});
  return s;
}

// A mix: sparse, none, dense, every port, one at the end.
void populate(Zombie& z, const std::vector<uint16_t>& ports) {
  z.open[kNet + 1] = {ports[1], ports[17]};
  z.open[kNet + 3] = {};
  z.open[kNet + 4] = {ports[0], ports[2], ports[3], ports[5], ports[8], ports[13], ports[21], ports[34]};
  for (uint16_t p : ports) z.open[kNet + 5].insert(p);
  z.open[kNet + 7] = {ports.back()};
}

TEST(IpidClass, SequencesAsNmapNamesThem) {
  const uint16_t incr[] = {100, 101, 103, 104, 110, 111};
  const uint16_t by2[] = {100, 102, 104, 110, 112, 114};
  const uint16_t wrap[] = {65533, 65534, 65535, 0, 1, 2};
  const uint16_t swapped[] = {0x0100, 0x0200, 0x0300, 0x0500, 0x0600, 0x0700};
  const uint16_t zero[] = {0, 0, 0, 0};
  const uint16_t same[] = {7, 7, 7};
  const uint16_t random[] = {100, 40000, 2222, 9000, 61000, 3};
  EXPECT_EQ(classify_ipids(incr), IpidClass::Incremental);
  EXPECT_EQ(classify_ipids(by2), IpidClass::IncrementalBy2);
  EXPECT_EQ(classify_ipids(wrap), IpidClass::Incremental);
  EXPECT_EQ(classify_ipids(swapped), IpidClass::BrokenIncremental);
  EXPECT_EQ(classify_ipids(zero), IpidClass::AllZero);
  EXPECT_EQ(classify_ipids(same), IpidClass::Constant);
  EXPECT_EQ(classify_ipids(random), IpidClass::Random);
  EXPECT_EQ(classify_ipids({}), IpidClass::NoReply);
  for (IpidClass c : {IpidClass::AllZero, IpidClass::Constant, IpidClass::Random, IpidClass::NoReply})
    EXPECT_FALSE(usable_zombie(c)) << to_string(c);
  EXPECT_EQ(ipid_distance(IpidClass::Incremental, 65530, 4), 10);  // across the wrap
  EXPECT_EQ(ipid_distance(IpidClass::Incremental, 10, 9), -1);     // behind
  EXPECT_EQ(ipid_distance(IpidClass::IncrementalBy2, 100, 110), 5);
  EXPECT_EQ(ipid_distance(IpidClass::BrokenIncremental, 0xff00, 0x0201), 3);  // 0x00ff -> 0x0102
}

TEST(IdleScan, FindsExactlyTheOpenPortsThroughAQuietZombie) {
  Zombie z;
  z.next_id = 65500;  // the counter wraps during the scan
  const std::vector<uint16_t> ports = port_list(40);
  populate(z, ports);
  const TargetSet targets({{kNet, kNet + 7}});
  const Outcome r = run(z, targets, ports);
  ASSERT_TRUE(r.report.refused.empty()) << r.report.refused;
  ASSERT_TRUE(r.report.error.empty()) << r.report.error;
  EXPECT_EQ(r.open, truth(z));
  EXPECT_EQ(r.report.open, truth(z).size());
  EXPECT_EQ(r.report.hosts_done, 8u);
  EXPECT_EQ(r.decided.size(), 8u * ports.size());  // every port, once
  EXPECT_EQ(r.report.ipid_class, IpidClass::Incremental);
  EXPECT_EQ(r.report.spoof_test_distance, 4);
  // Blind: nothing reached a target from our own address, and every port
  // of every target got at least one spoofed SYN.
  EXPECT_EQ(z.spoofed_from_us, 0u);
  EXPECT_GE(z.syns_to_targets, 8u * ports.size());
  // A closed host costs one count per group: far fewer counts than ports.
  EXPECT_LT(r.report.counts, 8u * ports.size());
}

TEST(IdleScan, LittleEndianZombieCountsToo) {
  Zombie z;
  z.mode = IdMode::ByteSwapped;
  const std::vector<uint16_t> ports = port_list(40);
  populate(z, ports);
  const TargetSet targets({{kNet, kNet + 7}});
  const Outcome r = run(z, targets, ports);
  ASSERT_TRUE(r.report.refused.empty()) << r.report.refused;
  EXPECT_EQ(r.report.ipid_class, IpidClass::BrokenIncremental);
  EXPECT_EQ(r.open, truth(z));
}

TEST(IdleScan, NoisyZombieStillGivesTheTruth) {
  Zombie z;
  z.noise_pps = 40;  // ~one foreign ID every 25 ms: a count or two in ten sees one
  const std::vector<uint16_t> ports = port_list(40);
  populate(z, ports);
  const TargetSet targets({{kNet, kNet + 7}});
  const Outcome r = run(z, targets, ports);
  ASSERT_TRUE(r.report.refused.empty()) << r.report.refused;
  ASSERT_TRUE(r.report.error.empty()) << r.report.error;
  EXPECT_GT(r.report.zombie_noise_pps, 5.0);
  EXPECT_EQ(r.open, truth(z));
}

// The lab's case: a 10 ms wait per count and a zombie sending 20 packets/s
// of its own, ~0.2 foreign IDs per count.
TEST(IdleScan, TalkativeZombieWithTheDefaultWaitStillGivesTheTruth) {
  Zombie z;
  z.noise_pps = 20;
  const std::vector<uint16_t> ports = port_list(10);
  populate(z, port_list(40));
  const TargetSet targets({{kNet, kNet + 7}});
  std::set<std::pair<IpAddress, uint16_t>> want;
  for (const auto& p : truth(z))
    if (std::find(ports.begin(), ports.end(), p.second) != ports.end()) want.insert(p);
  const Outcome r = run(z, targets, ports, nullptr, 0, 10'000);
  ASSERT_TRUE(r.report.refused.empty()) << r.report.refused;
  ASSERT_TRUE(r.report.error.empty()) << r.report.error;
  EXPECT_EQ(r.report.ipid_class, IpidClass::Incremental);
  EXPECT_EQ(r.open, want);
}

TEST(IdleScan, BusyZombieIsRefused) {
  Zombie z;
  z.noise_pps = 2000;
  const std::vector<uint16_t> ports = port_list(10);
  const TargetSet targets({{kNet + 1, kNet + 1}});
  const Outcome r = run(z, targets, ports);
  EXPECT_NE(r.report.refused.find("is not idle"), std::string::npos) << r.report.refused;
  EXPECT_EQ(r.report.counts, 0u);
  EXPECT_TRUE(r.open.empty());
}

TEST(IdleScan, UnusableZombiesAreRefusedWithTheirReason) {
  const std::vector<uint16_t> ports = port_list(10);
  const TargetSet targets({{kNet + 1, kNet + 1}});
  const std::pair<IdMode, std::string> cases[] = {
      {IdMode::Random, "IP IDs are randomized"},
      {IdMode::Zero, "IP IDs are all zeros"},
      {IdMode::Silent, "answered none of 6"},
      {IdMode::PerPeer, "did not move for 4 packets spoofed from 10.0.0.1"},
  };
  for (const auto& [mode, words] : cases) {
    Zombie z;
    z.mode = mode;
    z.open[kNet + 1] = {ports[0]};
    const Outcome r = run(z, targets, ports);
    EXPECT_NE(r.report.refused.find(words), std::string::npos) << r.report.refused;
    EXPECT_EQ(r.report.refused.find('\n'), std::string::npos);  // one line
    EXPECT_EQ(r.report.counts, 0u);
    EXPECT_EQ(z.syns_to_targets, 0u);  // refused before the first spoofed SYN
  }
}

TEST(IdleScan, InterruptReportsOnlyDecidedPorts) {
  Zombie z;
  const std::vector<uint16_t> ports = port_list(40);
  populate(z, ports);
  const TargetSet targets({{kNet, kNet + 7}});
  const Outcome r = run(z, targets, ports, nullptr, 3);  // stop once 3 open ports are out
  EXPECT_TRUE(r.report.interrupted);
  EXPECT_LT(r.report.hosts_done, 8u);
  const auto all = truth(z);
  for (const auto& p : r.open) EXPECT_TRUE(all.count(p)) << "a port reported open that is not";
  EXPECT_LT(r.open.size(), all.size());
  // What was reported is what was decided: the finished hosts' ports and a
  // prefix of the current one's, nothing of the hosts after it.
  EXPECT_EQ(r.decided.size(), r.report.hosts_done * ports.size() + r.report.partial_ports);
  for (const auto& [ip, port] : r.decided) EXPECT_LE(ip, IpAddress::v4(r.report.partial_host));
}

}  // namespace
}  // namespace portsweep
