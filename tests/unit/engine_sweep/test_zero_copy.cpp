// The TX loop's zero-copy path: through a MockIo that lends its buffers, a
// sweep sends exactly the frames, byte for byte and in the same order per
// queue, that it sends through one that copies. Also with partial commits
// (a full device queue), short lends, a walk that ends mid-burst, per-target
// MACs written in place, and --packet-trace reading the lent buffers; and a
// shaped sweep keeps the copy.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/packet_tracer.hpp"
#include "engine/sweep.hpp"
#include "io/mock_io.hpp"
#include "io/next_hop_plan.hpp"
#include "io/route_split.hpp"

namespace portsweep {
namespace {

constexpr uint32_t kScanner = 0x0A010001;  // 10.1.0.1
constexpr uint32_t kNet = 0x0A000000;      // 10.0.0.0

// 250 addresses x 3 TCP and 3 UDP ports (a prober per module, batched by
// module in each burst): 1500 probes, which two TX threads' slices do not
// split into whole bursts of 64.
SweepConfig config() {
  SweepConfig c;
  c.targets = TargetSet({{kNet, kNet + 249}});
  c.scans = {{"tcp_syn", {22, 80, 443}}, {"udp", {53, 161, 1900}}};
  c.probe.src_ip = kScanner;
  c.probe.src_ports = {40000, 16};
  c.probe.cookie_key = {0x1111, 0x2222};
  c.seed = 7;
  c.tx_threads = 2;
  c.wait_seconds = 0.01;
  return c;
}

struct Sent {
  SweepReport report;
  std::vector<std::vector<std::vector<uint8_t>>> per_queue;  // frames each queue sent, in order
  size_t lends = 0;
  size_t returned = 0;
  size_t still_lent = 0;
  bool failed = false;
};

Sent sweep_through(const SweepConfig& c, const std::function<void(MockIo&)>& prepare) {
  MockIo io(c.tx_threads + 1);
  prepare(io);
  Sent r;
  r.report = run_sweep(c, io, SweepHooks{}, std::atomic<bool>{false});
  r.per_queue.resize(c.tx_threads + 1);
  for (const MockIo::SentFrame& f : io.sent_frames()) r.per_queue[f.queue].push_back(f.bytes);
  r.lends = io.tx_lends();
  r.returned = io.tx_returned();
  r.still_lent = io.tx_lent();
  r.failed = io.failed();
  return r;
}

void copying(MockIo&) {}
void lending(MockIo& io) { io.set_lend_tx_buffers(true); }

size_t total(const Sent& r) {
  size_t n = 0;
  for (const auto& q : r.per_queue) n += q.size();
  return n;
}

void expect_same_frames(const Sent& copied, const Sent& lent) {
  EXPECT_FALSE(lent.failed) << "the lending mock saw its contract broken";
  EXPECT_EQ(lent.still_lent, 0u);
  EXPECT_GT(lent.lends, 0u) << "the sweep did not take the lending path";
  EXPECT_EQ(copied.lends, 0u);
  ASSERT_EQ(copied.per_queue.size(), lent.per_queue.size());
  for (size_t q = 0; q < copied.per_queue.size(); ++q) {
    ASSERT_EQ(copied.per_queue[q].size(), lent.per_queue[q].size()) << "queue " << q;
    for (size_t k = 0; k < copied.per_queue[q].size(); ++k)
      ASSERT_EQ(copied.per_queue[q][k], lent.per_queue[q][k]) << "queue " << q << " frame " << k;
  }
  EXPECT_EQ(copied.report.probes_sent, lent.report.probes_sent);
  EXPECT_EQ(copied.report.frames_sent, lent.report.frames_sent);
}

TEST(ZeroCopySweep, SendsTheFramesTheCopyingPathSends) {
  const SweepConfig c = config();
  const Sent copied = sweep_through(c, copying);
  const Sent lent = sweep_through(c, lending);
  EXPECT_EQ(total(copied), 1500u);
  EXPECT_EQ(copied.report.probes_sent, 1500u);
  expect_same_frames(copied, lent);
  // Each slice ended mid-burst: the first commit of its last burst gave the
  // buffers the walk had no probe for back.
  EXPECT_GT(lent.returned, 0u);
}

// A device queue that takes 5 frames per call: every burst is committed in
// pieces, the rest staying lent in order between calls.
TEST(ZeroCopySweep, PartialCommitsSendTheSameFrames) {
  const SweepConfig c = config();
  const Sent copied = sweep_through(c, copying);
  const Sent lent = sweep_through(c, [](MockIo& io) {
    io.set_lend_tx_buffers(true);
    io.set_tx_accept_limit(5);
  });
  expect_same_frames(copied, lent);
  EXPECT_GT(lent.report.send_calls, lent.report.frames_sent / 5 - 1);
}

std::vector<std::string> sorted(const std::vector<std::vector<uint8_t>>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) out.emplace_back(f.begin(), f.end());
  std::sort(out.begin(), out.end());
  return out;
}

void short_lends(MockIo& io) {
  io.set_lend_tx_buffers(true);
  io.set_tx_lend_limit(7);
  io.set_tx_accept_limit(3);
}

// A backend short of buffers lends fewer than the burst: shorter bursts, the
// same frames in the same order (one module: a burst keeps walk order).
TEST(ZeroCopySweep, ShortLendsSendTheSameFrames) {
  SweepConfig c = config();
  c.scans.resize(1);
  const Sent copied = sweep_through(c, copying);
  const Sent lent = sweep_through(c, short_lends);
  EXPECT_EQ(copied.report.probes_sent, 750u);
  expect_same_frames(copied, lent);
  EXPECT_GE(lent.lends, 750u / 7);
}

// Two modules: each burst is grouped by module, so shorter bursts group
// differently; each queue still sends the same frames.
TEST(ZeroCopySweep, ShortLendsOfAMixedSweepSendTheSameFrames) {
  const SweepConfig c = config();
  const Sent copied = sweep_through(c, copying);
  const Sent lent = sweep_through(c, short_lends);
  EXPECT_FALSE(lent.failed);
  EXPECT_EQ(lent.still_lent, 0u);
  EXPECT_GE(lent.lends, 1500u / 7);
  EXPECT_EQ(total(copied), 1500u);
  ASSERT_EQ(copied.per_queue.size(), lent.per_queue.size());
  for (size_t q = 0; q < copied.per_queue.size(); ++q) EXPECT_EQ(sorted(copied.per_queue[q]), sorted(lent.per_queue[q])) << "queue " << q;
}

// Per-target MACs (an on-link /24: each host's own, the silent ones and the
// network and broadcast addresses skipped) are written into the lent buffer.
TEST(ZeroCopySweep, PerTargetMacsAreWrittenInPlace) {
  SweepConfig c = config();
  c.targets = TargetSet({{kNet, kNet + 255}});
  RouteSegment link;
  link.first_index = 0;
  link.count = 256;
  link.first_address = kNet;
  link.kind = HopKind::OnLink;
  link.oif = 2;
  link.prefix = kNet;
  link.prefix_len = 24;
  ScanPath path;
  path.iface = "eth0";
  path.ifindex = 2;
  path.src_ip = kScanner;
  std::vector<FoundMac> found;
  for (uint32_t host = 1; host < 255; ++host) {
    if (host % 5 == 0) continue;  // silent to ARP
    found.push_back({kNet + host, MacAddr{{0x02, 0, 0, 0, 0, static_cast<uint8_t>(host)}}});
  }
  const NextHopPlan plan = plan_next_hops(c.targets, {link}, path, true, found);
  c.next_hops = &plan;
  const Sent copied = sweep_through(c, copying);
  const Sent lent = sweep_through(c, lending);
  EXPECT_EQ(copied.report.probes_sent, found.size() * 6);
  expect_same_frames(copied, lent);
  for (const auto& frame : lent.per_queue[0]) {
    ASSERT_GE(frame.size(), 34u);
    EXPECT_EQ(frame[5], frame[33]) << "the destination MAC is the host's own";  // last byte of each
  }
}

// The shaper writes many frames per probe: a shaped sweep keeps the copy.
TEST(ZeroCopySweep, AShapedSweepKeepsTheCopy) {
  SweepConfig c = config();
  c.evasion.sources = {0x0A010063, 0};
  c.evasion.real_index = 1;
  const Sent copied = sweep_through(c, copying);
  const Sent lent = sweep_through(c, lending);
  EXPECT_EQ(lent.lends, 0u);
  EXPECT_EQ(copied.report.frames_sent, 3000u);
  ASSERT_EQ(copied.per_queue.size(), lent.per_queue.size());
  for (size_t q = 0; q < copied.per_queue.size(); ++q) EXPECT_EQ(copied.per_queue[q], lent.per_queue[q]);
}

// Trace lines without their time stamp, sorted: the two TX threads'
// lines interleave as they come.
std::vector<std::string> trace_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const size_t close = line.find(") ");
    lines.push_back(close == std::string::npos ? line : line.substr(close + 2));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// --packet-trace reads the frames in the lent buffers before they are
// committed.
TEST(ZeroCopySweep, PacketTraceShowsTheLentFrames) {
  std::ostringstream copied_text, lent_text;
  PacketTracer copied_trace(copied_text), lent_trace(lent_text);
  SweepConfig c = config();
  c.trace = &copied_trace;
  const Sent copied = sweep_through(c, copying);
  c.trace = &lent_trace;
  const Sent lent = sweep_through(c, lending);
  expect_same_frames(copied, lent);
  const auto a = trace_lines(copied_text.str()), b = trace_lines(lent_text.str());
  EXPECT_EQ(a.size(), 1500u);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace portsweep
