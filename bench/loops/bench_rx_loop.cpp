// The whole RX loop, per scan type: run_rx_thread over a real SweepState,
// fed by ReplayIo with the replies a whole sweep of 198.19.0.0/16 x 6 ports
// would bring back. What is timed is everything the loop does per burst and
// per reply: the receive call, the decode, each module's classify call (two
// for a mixed sweep) with its cookie check, the RST answering every SYN-ACK
// (written and sent to NullIo), the index lookup, the dedupe against the
// answered set, the RTT lookup, the push into the result ring and the
// counters. Draining the ring is the driver's work and is not timed.
//
// The replies are built the way a target builds them: each probe is written
// by the scan type's own Prober, and the reply answers that frame (RFC 793
// §3.4 for TCP; a UDP datagram or an ICMP error quoting the probe for -sU),
// so every cookie validates and every reply is a result. The population is
// lab-like: a quarter of the hosts are alive (the rest send nothing); on a
// live host a port is open half the time, closed 3/8 and ICMP-filtered
// (admin-prohibited, from a router) 1/8. Each scan type reads that as nmap
// says: -sS gets SYN-ACKs (answered with RSTs), RSTs and ICMP errors; -sA a
// RST from open and closed ports alike; -sW RSTs whose window tells open
// from closed; -sN -sF -sX -sM nothing from open ports; -sU UDP replies,
// port unreachables and admin-prohibited errors. Replies arrive in the
// order the probes were sent (the TX thread's permutation), each probe
// answered once, so the answered set takes every one as new.
//
// BM_RxLoopThreads runs the -sS loop on 1, 2 or 4 RX threads at once, the
// replies dealt out over as many receive queues: the answered set and the
// responsive-hosts map are then marked with fetch_or (threads:1 is the same
// loop with plain stores, as a one-queue sweep runs it). Real time per reply
// over all threads: what the threads together keep up with, on this
// machine's cores.
//
// BM_RxLoopOsHint runs the same loop over Linux-like replies (SYN-ACKs with
// an MSS option and window 64240, IP ID 0 with DF, as the lab's 6.18 kernel
// answers the sweep's SYN) with the passive OS hint off (hint:0) and on
// (hint:1): what --os-hint costs the RX thread per reply (its captures; the
// driver's read and match are BM_OsHintClassify's). Its collector is reset
// with the answered set between iterations, so every iteration captures
// each host's first reply again.
//
// Counters: per_reply is CPU seconds per reply ("45.1n" reads 45.1 ns);
// items_per_second is replies per second; replies is the replies per
// iteration and answers/reply the share of them that got a RST.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <memory>
#include <thread>
#include <vector>

#include "engine/sweep_state.hpp"
#include "os/passive_hint.hpp"
#include "portsweep_config.h"
#include "loop_io.hpp"
#include "loop_scans.hpp"
#include "tests/unit/probes/test_frames.hpp"

namespace portsweep::bench {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kRouter = 0xC6120002;  // 198.18.0.2, where the admin-prohibited errors come from
constexpr int64_t kArrival_us = 1'700'000'000'000'000;

enum class Truth { Dead, Open, Closed, Prohibited };

Truth truth(uint32_t ip, uint16_t port) {
  const uint32_t host = ip * 2654435761u;
  if ((host >> 28) % 4 != 0) return Truth::Dead;
  const uint32_t h = (host ^ (port * 40503u)) * 2246822519u;
  switch (h >> 29) {
    case 0: case 1: case 2: case 3: return Truth::Open;
    case 4: case 5: case 6: return Truth::Closed;
    default: return Truth::Prohibited;
  }
}

Bytes udp_datagram(uint16_t sport, uint16_t dport, size_t payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<uint16_t>(8 + payload));
  put16(b, 0);
  for (size_t i = 0; i < payload; ++i) b.push_back(static_cast<uint8_t>(i));
  return b;
}

// A TCP reply as Linux 6.x sends it: IP ID 0 (with DF); a SYN-ACK with an
// MSS option and a window of 44 segments.
Bytes linux_like(Bytes frame) {
  uint8_t* ip = frame.data() + 14;
  if (ip[9] != 6) return frame;
  ip[4] = ip[5] = 0;
  if (ip[20 + 13] == 0x12) {
    frame.insert(frame.end(), {2, 4, 0x05, 0xb4});
    ip = frame.data() + 14;
    ip[2] = 0;
    ip[3] = 44;
    ip[20 + 12] = 0x60;
    ip[20 + 14] = 0xfa;
    ip[20 + 15] = 0xf0;
  }
  return refill_checksums(frame);
}

// What the target (or its router) sends back for `probe`, a frame written
// by module `m`; empty for silence.
Bytes reply_to(const ProbeModule& m, const Bytes& probe) {
  const uint8_t* ip = probe.data() + 14;
  const uint32_t us = get32(ip + 12), target = get32(ip + 16);
  const uint8_t* l4 = ip + 20;
  const uint16_t sport = get16(l4), dport = get16(l4 + 2);
  const Bytes quote(ip, ip + 28);
  const Truth t = truth(target, dport);
  if (t == Truth::Dead) return {};
  if (t == Truth::Prohibited) return concat(ethernet(), ipv4(kRouter, us, 1, icmp_error(3, 13, quote), 63));

  if (m.proto == Proto::Udp) {
    if (t == Truth::Open) return concat(ethernet(), ipv4(target, us, 17, udp_datagram(dport, sport, 48)));
    return concat(ethernet(), ipv4(target, us, 1, icmp_error(3, 3, quote)));
  }

  const uint32_t seq = get32(l4 + 4), ack = get32(l4 + 8);
  const uint8_t flags = l4[13];
  constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;
  if (t == Truth::Open) {
    if (flags & kSyn) return concat(ethernet(), ipv4(target, us, 6, tcp(dport, sport, 0x5eed, seq + 1, kSyn | kAck)));
    if (!(flags & kAck)) return {};  // -sN -sF -sX: an open port drops the probe (RFC 793)
    // -sA and -sW (and -sM, which Linux answers with a RST too): a RST, whose
    // window -sW reads; a Linux RST has window 0, some stacks' open ports not.
  }
  const bool window_open = t == Truth::Open && m.name == "tcp_window";
  const uint32_t advance = ((flags & kSyn) ? 1 : 0) + ((flags & kFin) ? 1 : 0);
  Bytes seg = (flags & kAck) ? tcp(dport, sport, ack, 0, kRst) : tcp(dport, sport, 0, seq + advance, kRst | kAck);
  seg[14] = window_open ? 0x04 : 0;  // window 1024 or 0
  seg[15] = 0;
  return concat(ethernet(), ipv4(target, us, 6, seg));
}

struct ReplySet {
  std::vector<uint8_t> arena;  // the frames, each on its own 64-byte boundary
  std::vector<RxFrame> frames;
  uint64_t synacks = 0;
};

// Walks the TX thread's slice in send order, writes each probe with the
// scan type's Prober and keeps the reply it draws.
ReplySet sweep_replies(const SweepState& s, bool linux = false) {
  const SweepConfig& c = s.config;
  std::vector<std::unique_ptr<Prober>> probers;
  size_t cap = 0;
  for (const ProbeModule* m : s.layout.modules()) {
    probers.push_back(m->create(c.probe));
    cap = std::max(cap, probers.back()->max_frame_size());
  }
  std::vector<Bytes> replies;
  ReplySet out;
  PermutationWalker walker = s.permutation.walker(s.permutation.segment(c.shard, c.shards, 0, c.tx_threads));
  uint64_t index = 0;
  Bytes probe(cap);
  while (walker.next(index)) {
    const ProbeCell cell = s.layout.space().cell(index);
    const ScanSlot slot = s.layout.slots()[cell.port];
    const ProbeTarget target{c.targets.at(cell.address), slot.port};
    uint8_t* frame = probe.data();
    uint16_t len = 0;
    probers[slot.module]->write_probes({&target, 1}, &frame, &len);
    Bytes reply = reply_to(*s.layout.modules()[slot.module], Bytes(probe.begin(), probe.begin() + len));
    if (reply.empty()) continue;
    if (linux) reply = linux_like(std::move(reply));
    out.synacks += reply[14 + 9] == 6 && reply[14 + 20 + 13] == 0x12;
    replies.push_back(std::move(reply));
  }
  size_t bytes = 0;
  for (const Bytes& r : replies) bytes += (r.size() + 63) / 64 * 64;
  out.arena.resize(bytes);
  size_t at = 0;
  for (const Bytes& r : replies) {
    std::copy(r.begin(), r.end(), out.arena.begin() + static_cast<long>(at));
    out.frames.push_back({out.arena.data() + at, static_cast<uint32_t>(r.size()), kArrival_us});
    at += (r.size() + 63) / 64 * 64;
  }
  return out;
}

// Before an iteration: every probe unanswered again, the replies from the top.
void replay_again(SweepState& s, ReplayIo& io, const std::vector<uint64_t>& cleared) {
  s.answered.restore(cleared);
  s.stop_rx.store(false);
  io.rewind(&s.stop_rx);
}

void BM_RxLoop(benchmark::State& state, const char* spec) {
  const SweepConfig config = loop_config(spec);
  NullIo probe_space_io(config.tx_threads + 1);
  // The replies are built from a SweepState of their own, so the one the
  // loop runs over starts untouched.
  ReplySet replies = sweep_replies(SweepState(config, probe_space_io));
  ReplayIo io(config.tx_threads + 1, replies.frames);
  SweepState s(config, io);
  const std::vector<uint64_t> cleared(s.answered.snapshot().size(), 0);
  const unsigned lane = 0;  // one RX thread: answers on TX queue tx_threads
  uint64_t drained = 0;
  for (auto _ : state) {
    state.PauseTiming();
    replay_again(s, io, cleared);
    state.ResumeTiming();
    run_rx_thread(s, lane);
    state.PauseTiming();
    drained += s.rx[0]->ring.drain([](const ProbeResult&) {});
    state.ResumeTiming();
  }
  if (s.failed.load()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  const uint64_t n = replies.frames.size() * static_cast<uint64_t>(state.iterations());
  if (s.rx[0]->counters.frames.load() != n || s.rx[0]->counters.results.load() != n || drained != n || s.rx[0]->counters.rejected.load() != 0 ||
      s.rx[0]->counters.duplicates.load() != 0 || s.rx[0]->counters.ring_full.load() != 0 ||
      s.rx[0]->counters.answers.load() != replies.synacks * static_cast<uint64_t>(state.iterations())) {
    state.SkipWithError("the RX loop did not take every reply as a new result");
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["replies"] = static_cast<double>(replies.frames.size());
  state.counters["answers/reply"] =
      static_cast<double>(replies.synacks) / static_cast<double>(replies.frames.size());
  state.counters["per_reply"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(spec);
}

void BM_RxLoopThreads(benchmark::State& state, const char* spec) {
  SweepConfig config = loop_config(spec);
  const unsigned threads = static_cast<unsigned>(state.range(0));
  config.rx_threads = threads;
  NullIo probe_space_io(config.tx_threads + 1);
  ReplySet replies = sweep_replies(SweepState(config, probe_space_io));
  ReplayIo io(config.tx_threads + threads, replies.frames, IoConfig{}.rx_burst, threads);
  SweepState s(config, io);
  if (s.rx.size() != threads) {
    state.SkipWithError("the sweep did not take one RX thread per queue");
    return;
  }
  const std::vector<uint64_t> cleared(s.answered.snapshot().size(), 0);
  uint64_t drained = 0;
  std::vector<std::thread> rx;
  for (auto _ : state) {
    state.PauseTiming();
    replay_again(s, io, cleared);
    state.ResumeTiming();
    for (unsigned r = 0; r < threads; ++r) rx.emplace_back([&s, r] { run_rx_thread(s, r); });
    for (auto& t : rx) t.join();
    state.PauseTiming();
    rx.clear();
    for (const auto& lane : s.rx) drained += lane->ring.drain([](const ProbeResult&) {});
    state.ResumeTiming();
  }
  const uint64_t n = replies.frames.size() * static_cast<uint64_t>(state.iterations());
  if (s.failed.load() || s.rx_total(&RxCounters::results) != n || drained != n ||
      s.rx_total(&RxCounters::duplicates) != 0) {
    state.SkipWithError("the RX threads did not take every reply once");
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["per_reply"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(std::string(spec) + ", " + std::to_string(threads) + " RX thread" + (threads == 1 ? "" : "s"));
}

void BM_RxLoopOsHint(benchmark::State& state, const char* spec) {
  SweepConfig config = loop_config(spec);
  // The RX thread never reads the signatures: the project's own file will do.
  std::optional<os::PassiveClassifier> classifier;
  if (state.range(0) != 0) {
    classifier.emplace(os::P0fDatabase::load(std::string(PORTSWEEP_SOURCE_DATADIR) + "/p0f-response.fp"));
    config.os_hints = &*classifier;
  }
  NullIo probe_space_io(config.tx_threads + 1);
  ReplySet replies = sweep_replies(SweepState(config, probe_space_io), true);
  ReplayIo io(config.tx_threads + 1, replies.frames);
  SweepState s(config, io);
  // The driver drains the hints every 5 ms while the loop runs; here they
  // wait for the iteration's end, so the ring holds them all.
  if (classifier) s.rx[0]->os_hints = std::make_unique<OsHintCollector>(config.targets.size(), size_t{1} << 15);
  const std::vector<uint64_t> cleared(s.answered.snapshot().size(), 0);
  uint64_t drained = 0, hints = 0;
  for (auto _ : state) {
    state.PauseTiming();
    replay_again(s, io, cleared);
    if (s.rx[0]->os_hints) s.rx[0]->os_hints->reset();
    state.ResumeTiming();
    run_rx_thread(s, 0);
    state.PauseTiming();
    drained += s.rx[0]->ring.drain([](const ProbeResult&) {});
    if (s.rx[0]->os_hints) hints += s.rx[0]->os_hints->drain([](const OsHintCapture&) {});
    state.ResumeTiming();
  }
  const uint64_t n = replies.frames.size() * static_cast<uint64_t>(state.iterations());
  if (s.failed.load() || s.rx[0]->counters.results.load() != n || drained != n || s.rx[0]->counters.rejected.load() != 0) {
    state.SkipWithError("the RX loop did not take every reply as a new result");
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["replies"] = static_cast<double>(replies.frames.size());
  state.counters["hints/reply"] = static_cast<double>(hints) / static_cast<double>(n);
  state.counters["per_reply"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(std::string(spec) + (classifier ? " with hints" : " no hints"));
}

BENCHMARK_CAPTURE(BM_RxLoopThreads, sS, "-sS")
    ->ArgName("threads")->Arg(1)->Arg(2)->Arg(4)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoopOsHint, sS, "-sS")->ArgName("hint")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoopOsHint, sA, "-sA")->ArgName("hint")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The driver's share, per capture: a SYN-ACK and a RST of the lab's Linux
// read and matched against the project's own signatures (file:0) and
// Debian's p0f.fp (file:1, skipped where it is not installed).
void BM_OsHintClassify(benchmark::State& state) {
  const std::string file = state.range(0) == 0 ? std::string(PORTSWEEP_SOURCE_DATADIR) + "/p0f-response.fp"
                                               : std::string("/etc/p0f/p0f.fp");
  if (!std::filesystem::exists(file)) {
    state.SkipWithError((file + " is not installed").c_str());
    return;
  }
  const os::PassiveClassifier classifier(os::P0fDatabase::load(file));
  OsHintCapture synack, rst;
  const Bytes a = linux_like(concat(ethernet(), ipv4(kLabNet + 10, kScanner, 6, tcp(22, 40000, 7, 8, 0x12))));
  const Bytes b = linux_like(concat(ethernet(), ipv4(kLabNet + 10, kScanner, 6, tcp(23, 40000, 0, 8, 0x14))));
  synack.len = static_cast<uint8_t>(a.size() - 14);
  std::copy(a.begin() + 14, a.end(), synack.headers);
  rst.len = static_cast<uint8_t>(b.size() - 14);
  std::copy(b.begin() + 14, b.end(), rst.headers);
  OsHintRecord r;
  uint64_t labelled = 0;
  for (auto _ : state) {
    labelled += read_os_hint(synack, classifier, r) && r.match.label != nullptr;
    benchmark::DoNotOptimize(r);
    labelled += read_os_hint(rst, classifier, r) && r.match.label != nullptr;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(2 * state.iterations());
  state.counters["per_capture"] = benchmark::Counter(static_cast<double>(2 * state.iterations()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["labelled"] = static_cast<double>(labelled) / static_cast<double>(2 * state.iterations());
  state.SetLabel(file);
}
BENCHMARK(BM_OsHintClassify)->ArgName("file")->Arg(0)->Arg(1);

BENCHMARK_CAPTURE(BM_RxLoop, sS, "-sS")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoop, sA, "-sA")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoop, sW, "-sW")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoop, sM, "-sM")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoop, sN, "-sN")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoop, sF, "-sF")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoop, sX, "-sX")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoop, sU, "-sU")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RxLoop, sS_sU, "-sS -sU")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace portsweep::bench
