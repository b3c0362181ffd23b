// The whole stateless engine — permutation slices, TX threads, templates,
// cookies, RX classification, dedupe, retries, resume — against a simulated
// target behind the MockIo test double: no network, every answer known.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "../probes/test_frames.hpp"
#include "common/error.hpp"
#include "engine/sweep.hpp"
#include "io/mock_io.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kScanner = 0x0A010001;  // 10.1.0.1
constexpr uint32_t kNet = 0x0A000000;      // 10.0.0.0/24, 4 ports: 1024 probes
const std::vector<uint16_t> kPorts = {22, 80, 443, 8080};

enum class Answer { Open, Closed, Prohibited, Silent };

// The simulated population: a deterministic mix of every kind of answer.
Answer truth(uint32_t ip, uint16_t port) {
  if ((ip & 0xF) == 0) return Answer::Silent;  // dead hosts
  uint32_t h = (ip * 2654435761u) ^ (port * 40503u);
  switch ((h >> 7) % 4) {
    case 0: return Answer::Open;
    case 1: return Answer::Closed;
    case 2: return Answer::Prohibited;
    default: return Answer::Silent;
  }
}

struct Target {
  // Called for every frame the engine sends. Builds the reply a host would.
  void respond(std::span<const uint8_t> f, MockIo& io) {
    std::lock_guard<std::mutex> lock(mutex);
    const uint8_t* ip = f.data() + 14;
    if (ip[9] == 17) return respond_udp(f, io);
    const uint8_t* tcph = ip + 20;
    uint32_t dst = get32(ip + 16);
    uint16_t sport = get16(tcph), dport = get16(tcph + 2);
    uint32_t seq = get32(tcph + 4);
    uint8_t flags = tcph[13];
    if (flags == 0x04 || flags == 0x14) {  // our RST after a SYN-ACK
      rsts.insert({dst, dport});
      return;
    }
    probes[{dst, dport}]++;
    if (drop_first && probes[{dst, dport}] == 1) return;
    if (dport == drop_first_port && probes[{dst, dport}] == 1) return;
    if (damage && truth(dst, dport) != Answer::Silent) {
      // Ahead of the real answer, right-cookie replies that say otherwise
      // but were damaged on the way: a SYN-ACK or RST whose TCP checksum is
      // off, one whose IP header checksum is, and one shorter on the wire
      // than its IP header says.
      const uint8_t lie = truth(dst, dport) == Answer::Open ? 0x14 : 0x12;
      Bytes bad_l4 = concat(ethernet(), ipv4(dst, kScanner, 6, tcp(dport, sport, 5, seq + 1, lie)));
      bad_l4[14 + 20 + 16] ^= 0x01;
      Bytes bad_ip = concat(ethernet(), ipv4(dst, kScanner, 6, tcp(dport, sport, 5, seq + 1, lie)));
      bad_ip[14 + 10] ^= 0x80;
      Bytes cut = concat(ethernet(), ipv4(dst, kScanner, 6, tcp(dport, sport, 5, seq + 1, lie)));
      cut.resize(cut.size() - 4);
      io.queue_reply(bad_l4);
      io.queue_reply(bad_ip);
      io.queue_reply(cut);
      damaged += 2;
      broken += 1;
    }
    Bytes reply;
    switch (truth(dst, dport)) {
      case Answer::Open: reply = tcp(dport, sport, 777, seq + 1, 0x12); break;
      case Answer::Closed: reply = tcp(dport, sport, 0, seq + 1, 0x14); break;
      case Answer::Prohibited: {
        Bytes quote(ip, ip + 28);
        reply = icmp_error(3, 13, quote);
        io.queue_reply(concat(ethernet(), ipv4(dst, kScanner, 1, reply)));
        return;
      }
      case Answer::Silent: return;
    }
    Bytes frame = concat(ethernet(), ipv4(dst, kScanner, 6, reply));
    io.queue_reply(frame);
    if (duplicate) io.queue_reply(frame);
    // A copy on every receive queue: each RX thread sees the reply.
    if (duplicate_on_every_queue)
      for (unsigned q = 0; q < io.rx_queues(); ++q) io.queue_reply_on(q, frame);
    if (forge) {
      Bytes forged = concat(ethernet(), ipv4(dst, kScanner, 6, tcp(dport, sport, 1, seq + 7, 0x12)));
      io.queue_reply(forged);
    }
  }
  // UDP: 53 answers (open), every other port is closed by ICMP port
  // unreachable; dead hosts are silent.
  void respond_udp(std::span<const uint8_t> f, MockIo& io) {
    const uint8_t* ip = f.data() + 14;
    const uint8_t* udph = ip + 20;
    const uint32_t dst = get32(ip + 16);
    const uint16_t sport = get16(udph), dport = get16(udph + 2);
    udp_probes[{dst, dport}]++;
    if ((dst & 0xF) == 0) return;
    if (dport == 53) {
      Bytes reply;
      put16(reply, dport);
      put16(reply, sport);
      put16(reply, 12);
      put16(reply, 0);
      put32(reply, 0xdeadbeef);
      io.queue_reply(concat(ethernet(), ipv4(dst, kScanner, 17, reply)));
    } else {
      Bytes quote(ip, ip + 28);
      io.queue_reply(concat(ethernet(), ipv4(dst, kScanner, 1, icmp_error(3, 3, quote))));
    }
  }
  std::mutex mutex;
  std::map<std::pair<uint32_t, uint16_t>, int> udp_probes;
  std::map<std::pair<uint32_t, uint16_t>, int> probes;
  std::set<std::pair<uint32_t, uint16_t>> rsts;
  bool drop_first = false;
  uint16_t drop_first_port = 0;
  bool duplicate = false;
  bool duplicate_on_every_queue = false;
  bool forge = false;
  bool damage = false;
  size_t damaged = 0;  // right-cookie replies with a wrong checksum sent
  size_t broken = 0;   // right-cookie replies cut short on the wire sent
};

SweepConfig config() {
  SweepConfig c;
  c.targets = TargetSet({{kNet, kNet + 255}});
  c.scans = {{"tcp_syn", kPorts}};
  c.probe.src_ip = kScanner;
  c.probe.src_ports = {40000, 16};
  c.probe.cookie_key = {0x1111, 0x2222};
  c.seed = 42;
  c.tx_threads = 2;
  c.wait_seconds = 0.05;
  return c;
}

struct SweepRun {
  SweepReport report;
  std::map<std::pair<IpAddress, uint16_t>, PortResult> results;      // TCP
  std::map<std::pair<IpAddress, uint16_t>, PortResult> udp_results;
};

SweepRun sweep(const SweepConfig& c, Target& target, const std::atomic<bool>& stop = std::atomic<bool>{false},
               std::vector<uint64_t>* per_queue = nullptr,
               const std::function<void(MockIo&)>& prepare = nullptr) {
  // As the command line asks: a TX queue per TX thread, then an answer
  // queue per RX thread.
  MockIo io(c.tx_threads + c.rx_threads, c.rx_threads);
  if (prepare) prepare(io);
  io.set_responder([&](unsigned, std::span<const uint8_t> f, MockIo& m) { target.respond(f, m); });
  SweepRun run;
  SweepHooks hooks;
  hooks.on_results = [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) {
      auto& into = r.proto == Proto::Udp ? run.udp_results : run.results;
      bool fresh = into.emplace(std::pair{r.ip, r.port}, r).second;
      EXPECT_TRUE(fresh) << "result delivered twice";
    }
  };
  run.report = run_sweep(c, io, hooks, stop);
  if (per_queue != nullptr) *per_queue = io.received_per_queue();
  return run;
}

void expect_exact(const SweepRun& run) {
  size_t expected = 0;
  for (uint32_t ip = kNet; ip <= kNet + 255; ++ip) {
    for (uint16_t port : kPorts) {
      Answer a = truth(ip, port);
      auto it = run.results.find({IpAddress::v4(ip), port});
      if (a == Answer::Silent) {
        EXPECT_EQ(it, run.results.end());
        continue;
      }
      ++expected;
      ASSERT_NE(it, run.results.end()) << std::hex << ip << " port " << std::dec << port;
      const PortResult& r = it->second;
      switch (a) {
        case Answer::Open: EXPECT_EQ(r.state, PortState::Open); EXPECT_EQ(r.reason, Reason::SynAck); break;
        case Answer::Closed: EXPECT_EQ(r.state, PortState::Closed); EXPECT_EQ(r.reason, Reason::Reset); break;
        case Answer::Prohibited:
          EXPECT_EQ(r.state, PortState::Filtered);
          EXPECT_EQ(r.reason, Reason::AdminProhibited);
          break;
        case Answer::Silent: break;
      }
      EXPECT_EQ(r.ttl, 64);
    }
  }
  EXPECT_EQ(run.results.size(), expected);
}

// The pipeline's hand-over: a port sweep reads the late answers of the
// stage before it (host discovery's SYN pings to 443) under that stage's own
// key. Neither takes the other's replies, though the ping and -sS's probe
// of port 443 are the same SYN: the late SYN-ACKs are not port results, and
// the port sweep's answers are not discovery's.
TEST(Sweep, ATrailingStageReadsTheLateAnswersOfTheStageBefore) {
  SweepConfig ping = config();
  ping.scans = {{"tcp_syn_ping", {443}}};
  ping.probe.cookie_key = {0x3333, 0x4444};
  MockIo ping_io(ping.tx_threads + 1);
  const std::atomic<bool> no_stop{false};
  run_sweep(ping, ping_io, SweepHooks{}, no_stop);
  // Every sixteenth host answers its ping, after discovery stopped listening.
  std::vector<Bytes> late;
  std::set<IpAddress> late_hosts;
  for (const MockIo::SentFrame& f : ping_io.sent_frames()) {
    const uint8_t* ip = f.bytes.data() + 14;
    const uint8_t* tcph = ip + 20;
    const uint32_t dst = get32(ip + 16);
    if ((dst & 0xF) != 1) continue;
    late.push_back(concat(ethernet(), ipv4(dst, kScanner, 6, tcp(get16(tcph + 2), get16(tcph), 9, get32(tcph + 4) + 1, 0x12))));
    late_hosts.insert(IpAddress::v4(dst));
  }
  ASSERT_EQ(late.size(), 16u);

  SweepConfig c = config();
  c.trailing_scans = ping.scans;
  c.trailing_cookie_key = ping.probe.cookie_key;
  Target target;
  MockIo io(c.tx_threads + 1);
  io.set_responder([&](unsigned, std::span<const uint8_t> f, MockIo& m) { target.respond(f, m); });
  for (const Bytes& frame : late) io.queue_reply(frame);
  SweepRun run;
  std::set<IpAddress> trailing;
  SweepHooks hooks;
  hooks.on_results = [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) EXPECT_TRUE(run.results.emplace(std::pair{r.ip, r.port}, r).second);
  };
  hooks.on_trailing_results = [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) {
      EXPECT_EQ(r.port, 443);
      EXPECT_EQ(r.reason, Reason::SynAck);
      trailing.insert(r.ip);
    }
  };
  run.report = run_sweep(c, io, hooks, no_stop);
  expect_exact(run);
  EXPECT_EQ(trailing, late_hosts);
  EXPECT_EQ(run.report.rejected_cookies, 0u);
}

// Discovery's latency for hosts a TCP answer found: with every probe's send
// time noted, every result carries its round trip. So does a scan small
// enough for every probe to have a slot of its own (its few replies would
// otherwise leave the RTT timeout unmeasured); a large fast one samples one
// probe a burst.
TEST(Sweep, EveryAnswerHasItsRoundTripWhenEveryProbeIsSampled) {
  Target target;
  SweepConfig c = config();
  c.sample_every_probe = true;
  SweepRun run = sweep(c, target);
  expect_exact(run);
  for (const auto& [key, r] : run.results) EXPECT_NE(r.rtt_us, 0u) << r.ip.to_string() << " " << r.port;
  Target again;
  SweepRun small = sweep(config(), again);
  for (const auto& [key, r] : small.results) EXPECT_NE(r.rtt_us, 0u) << r.ip.to_string() << " " << r.port;
  EXPECT_GT(small.report.rtt_samples, 0u);
}

TEST(Sweep, FindsExactlyTheTruthAndResetsEveryOpenPort) {
  Target target;
  SweepConfig c = config();
  SweepRun run = sweep(c, target);
  expect_exact(run);
  EXPECT_EQ(run.report.probes_sent, 1024u);
  EXPECT_EQ(target.probes.size(), 1024u);  // every (address, port) probed once
  size_t open = 0;
  for (auto& [k, r] : run.results) open += r.state == PortState::Open;
  EXPECT_EQ(target.rsts.size(), open);
  EXPECT_EQ(run.report.answers_sent, open);
  EXPECT_EQ(run.report.rejected_cookies, 0u);
}

// The same through a backend that lends its buffers: the probes are written
// straight into them (test_zero_copy.cpp compares the frames themselves).
TEST(Sweep, FindsExactlyTheTruthThroughLentBuffers) {
  Target target;
  const std::atomic<bool> no_stop{false};
  SweepRun run = sweep(config(), target, no_stop, nullptr, [](MockIo& io) { io.set_lend_tx_buffers(true); });
  expect_exact(run);
  EXPECT_EQ(run.report.probes_sent, 1024u);
  EXPECT_EQ(target.probes.size(), 1024u);
  size_t open = 0;
  for (auto& [k, r] : run.results) open += r.state == PortState::Open;
  EXPECT_EQ(target.rsts.size(), open);
  EXPECT_EQ(run.report.rejected_cookies, 0u);
}

TEST(Sweep, RetryPassResendsOnlyUnansweredProbes) {
  Target target;
  target.drop_first = true;  // every first probe is lost
  SweepConfig c = config();
  c.max_retries = 1;
  c.retry_silent = true;     // no address answered pass 0: retry them all
  SweepRun run = sweep(c, target);
  expect_exact(run);
  // Pass 0 sends 1024; pass 1 resends exactly those still unanswered, which
  // with every first reply lost is all of them.
  EXPECT_EQ(run.report.probes_sent, 2048u);

  Target lossless;
  SweepRun second = sweep(c, lossless);
  size_t answered = second.results.size();
  EXPECT_EQ(second.report.probes_sent, 1024u + (1024u - answered));
}

// By default a retry goes only to addresses that answered something: a live
// host that lost one reply gets it resent; a dead address gets nothing more.
TEST(Sweep, RetriesGoOnlyToAddressesThatAnswered) {
  Target target;
  target.drop_first_port = 22;  // every first probe to port 22 is lost
  SweepConfig c = config();
  c.max_retries = 1;
  SweepRun run = sweep(c, target);
  expect_exact(run);
  size_t resent_to_live = 0, resent_to_dead = 0;
  for (auto& [k, n] : target.probes) {
    if (n < 2) continue;
    if ((k.first & 0xF) == 0) ++resent_to_dead;
    else ++resent_to_live;
  }
  EXPECT_EQ(resent_to_dead, 0u);
  EXPECT_GT(resent_to_live, 0u);
  // Every live address answered on some port, so each unanswered probe to it
  // went again; the dead addresses' 16 x 4 probes did not.
  size_t unanswered_live = 0;
  for (uint32_t ip = kNet; ip <= kNet + 255; ++ip)
    for (uint16_t port : kPorts)
      if ((ip & 0xF) != 0 && (truth(ip, port) == Answer::Silent || port == 22)) ++unanswered_live;
  EXPECT_EQ(run.report.probes_sent, 1024u + unanswered_live);
}

// A run resumed into its retry pass knows which addresses answered before
// the interruption (from the answered map) and retries exactly their
// unanswered probes.
TEST(Sweep, AResumedRetryPassReachesAddressesThatAnsweredBefore) {
  Target target;
  SweepConfig c = config();
  c.max_retries = 1;
  c.start_pass = 1;
  c.start_positions = {0, 0};
  c.start_answered.assign(1024 / 64, 0);
  const uint64_t answered = 1 * 256 + 1;  // port slot 1 (80) of address index 1 (10.0.0.1)
  c.start_answered[answered / 64] |= uint64_t{1} << (answered % 64);
  sweep(c, target);
  ASSERT_EQ(target.probes.size(), 3u);  // 10.0.0.1's other three ports, nothing else
  for (auto& [k, n] : target.probes) EXPECT_EQ(k.first, kNet + 1);
}

TEST(Sweep, ShardsTogetherProbeEverythingOnce) {
  Target target;
  for (uint32_t shard = 0; shard < 3; ++shard) {
    SweepConfig c = config();
    c.shard = shard;
    c.shards = 3;
    sweep(c, target);
  }
  EXPECT_EQ(target.probes.size(), 1024u);
  for (auto& [k, n] : target.probes) EXPECT_EQ(n, 1) << "probed twice";
}

TEST(Sweep, InterruptedThenResumedCoversEverythingOnce) {
  Target target;
  SweepConfig c = config();
  c.rate_pps = 4000;  // slow enough to interrupt mid-way
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop.store(true);
  });
  SweepRun first = sweep(c, target, stop);
  stopper.join();
  ASSERT_TRUE(first.report.interrupted);
  ASSERT_LT(first.report.probes_sent, 1024u);
  EXPECT_FALSE(first.report.first_pass_complete);  // unanswered ports must not be reported
  ASSERT_EQ(first.report.stopped_at.positions.size(), c.tx_threads);

  SweepConfig resumed = c;
  resumed.rate_pps = 0;
  resumed.start_pass = first.report.stopped_at.pass;
  resumed.start_positions = first.report.stopped_at.positions;
  resumed.start_answered = first.report.answered;
  SweepRun second = sweep(resumed, target);
  EXPECT_EQ(first.report.probes_sent + second.report.probes_sent, 1024u);
  EXPECT_EQ(target.probes.size(), 1024u);
  for (auto& [k, n] : target.probes) EXPECT_EQ(n, 1) << "probed twice";
  SweepRun both;
  both.results = first.results;
  both.results.insert(second.results.begin(), second.results.end());
  expect_exact(both);
}

TEST(Sweep, DuplicatesAreSuppressedAndForgeriesRejected) {
  Target target;
  target.duplicate = true;
  target.forge = true;
  SweepRun run = sweep(config(), target);
  expect_exact(run);
  size_t tcp_answers = 0;
  for (auto& [k, r] : run.results) tcp_answers += r.reason != Reason::AdminProhibited;
  EXPECT_EQ(run.report.duplicates, tcp_answers);
  EXPECT_EQ(run.report.rejected_cookies, tcp_answers);
}

// One RX thread per receive queue: replies spread over three queues, and a
// copy of every TCP answer on each of them. Exactly one thread takes each
// probe's first reply (the answered set is shared), every other copy is a
// duplicate, every SYN-ACK still gets its RST (on the answering thread's own
// queue), and a retry pass still goes only where answers came from.
TEST(Sweep, SeveralRxThreadsDeduplicateExactlyAcrossQueues) {
  Target target;
  target.duplicate_on_every_queue = true;
  SweepConfig c = config();
  c.rx_threads = 3;
  std::vector<uint64_t> per_queue;
  SweepRun run = sweep(c, target, std::atomic<bool>{false}, &per_queue);
  expect_exact(run);
  EXPECT_EQ(run.report.rx_threads, 3u);
  ASSERT_EQ(per_queue.size(), 3u);
  for (uint64_t n : per_queue) EXPECT_GT(n, 0u);
  size_t tcp_answers = 0, open = 0;
  for (auto& [k, r] : run.results) {
    tcp_answers += r.reason != Reason::AdminProhibited;
    open += r.state == PortState::Open;
  }
  // The original and three copies of each: one result, three duplicates.
  EXPECT_EQ(run.report.duplicates, 3 * tcp_answers);
  EXPECT_EQ(run.report.results, run.results.size());
  EXPECT_EQ(target.rsts.size(), open);

  Target lossy;
  lossy.drop_first_port = 80;  // the first probe of every port 80 is lost
  SweepConfig retry = c;
  retry.max_retries = 1;
  SweepRun second = sweep(retry, lossy);
  expect_exact(second);
}

TEST(Sweep, AskingMoreRxThreadsThanQueuesRunsOnePerQueue) {
  Target target;
  SweepConfig c = config();
  c.rx_threads = 4;
  MockIo io(c.tx_threads + 4, 2);
  io.set_responder([&](unsigned, std::span<const uint8_t> f, MockIo& m) { target.respond(f, m); });
  const SweepReport report = run_sweep(c, io, SweepHooks{}, std::atomic<bool>{false});
  EXPECT_EQ(report.rx_threads, 2u);
  size_t expected = 0;
  for (uint32_t ip = kNet; ip <= kNet + 255; ++ip)
    for (uint16_t port : kPorts) expected += truth(ip, port) != Answer::Silent;
  EXPECT_EQ(report.results, expected);
}

// Replies damaged in transit carry the right cookie and say the opposite
// state; arriving first, they would win. They are dropped and counted by
// cause, and the result is still exactly the truth.
TEST(Sweep, DamagedRepliesAreDroppedAndCounted) {
  Target target;
  target.damage = true;
  SweepRun run = sweep(config(), target);
  expect_exact(run);
  ASSERT_GT(target.damaged, 0u);
  EXPECT_EQ(run.report.bad_checksums, target.damaged);
  EXPECT_EQ(run.report.undecodable, target.broken);
  EXPECT_EQ(run.report.rejected_cookies, 0u);
  EXPECT_EQ(run.report.checksums_cut_short + run.report.checksums_offloaded, 0u);
}

// -sS -sU -p T:22,80,443,8080,U:53,161: one permutation over both
// protocols, each reply read by its own module.
TEST(Sweep, TcpAndUdpInOnePass) {
  Target target;
  SweepConfig c = config();
  c.scans = {{"tcp_syn", kPorts}, {"udp", {53, 161}}};
  SweepRun run = sweep(c, target);
  expect_exact(run);
  EXPECT_EQ(run.report.probes_sent, 256u * 6);
  EXPECT_EQ(target.udp_probes.size(), 512u);
  size_t live = 0;
  for (uint32_t ip = kNet; ip <= kNet + 255; ++ip) {
    if ((ip & 0xF) == 0) {
      EXPECT_FALSE(run.udp_results.count({IpAddress::v4(ip), 53}));
      continue;
    }
    ++live;
    auto dns = run.udp_results.find({IpAddress::v4(ip), 53});
    ASSERT_NE(dns, run.udp_results.end()) << std::hex << ip;
    EXPECT_EQ(dns->second.state, PortState::Open);
    EXPECT_EQ(dns->second.reason, Reason::UdpResponse);
    auto snmp = run.udp_results.find({IpAddress::v4(ip), 161});
    ASSERT_NE(snmp, run.udp_results.end());
    EXPECT_EQ(snmp->second.state, PortState::Closed);
    EXPECT_EQ(snmp->second.reason, Reason::PortUnreach);
  }
  EXPECT_EQ(run.udp_results.size(), 2 * live);
  EXPECT_TRUE(run.report.first_pass_complete);
}

// A consumer that fails (a full disk under -oJ) stops the sweep cleanly:
// threads joined, the error reported, a position to resume from.
TEST(Sweep, AFailingConsumerStopsTheSweepWithoutAborting) {
  Target target;
  SweepConfig c = config();
  c.rate_pps = 4000;
  MockIo io(c.tx_threads + 1);
  io.set_responder([&](unsigned, std::span<const uint8_t> f, MockIo& m) { target.respond(f, m); });
  SweepHooks hooks;
  hooks.on_results = [](std::span<const PortResult>) { throw std::runtime_error("No space left on device"); };
  const SweepReport r = run_sweep(c, io, hooks, std::atomic<bool>{false});
  EXPECT_EQ(r.error, "No space left on device");
  EXPECT_TRUE(r.stopped_early);
  EXPECT_FALSE(r.interrupted);
  EXPECT_FALSE(r.first_pass_complete);
  EXPECT_LT(r.probes_sent, 1024u);
  EXPECT_EQ(r.stopped_at.positions.size(), c.tx_threads);
}

TEST(Sweep, AResumePointPastItsSliceIsRefusedBeforeSending) {
  Target target;
  SweepConfig c = config();
  c.start_positions = {0, uint64_t{1} << 40};
  MockIo io(c.tx_threads + 1);
  EXPECT_THROW(run_sweep(c, io, SweepHooks{}, std::atomic<bool>{false}), UsageError);
  EXPECT_EQ(io.sent_count(), 0u);
  c.start_positions = {0};
  c.scans = {{"tcp_syn", kPorts}, {"tcp_ack", {1}}};  // two TCP scan types cannot share replies
  EXPECT_THROW(run_sweep(c, io, SweepHooks{}, std::atomic<bool>{false}), UsageError);
}

TEST(Sweep, ExcludedAddressesNeverGetAPacket) {
  Target target;
  SweepConfig c = config();
  c.targets = TargetSet({{kNet, kNet + 255}}).minus(TargetSet({{kNet + 16, kNet + 31}, {kNet + 200, kNet + 200}}));
  sweep(c, target);
  EXPECT_EQ(target.probes.size(), (256u - 17u) * kPorts.size());
  for (auto& [k, n] : target.probes) {
    EXPECT_FALSE(k.first >= kNet + 16 && k.first <= kNet + 31);
    EXPECT_NE(k.first, kNet + 200);
  }
}

// -D: every probe leaves three times, a decoy's copy first; the target
// answers each copy to its source. The answers to the decoys (which the
// capture filter would not even pass) reach the engine here and must be
// rejected: the results are exactly the truth, from our probes alone, and
// "probes sent" counts probes, not frames.
TEST(Sweep, DecoysGoOutButOnlyOurProbesMakeResults) {
  constexpr uint32_t kDecoyA = 0x0A010063, kDecoyB = 0x0A010064;
  Target target;
  SweepConfig c = config();
  c.evasion.sources = {kDecoyA, 0, kDecoyB};
  c.evasion.real_index = 1;
  std::mutex mu;
  std::map<uint32_t, size_t> by_source;
  MockIo io(c.tx_threads + 1);
  io.set_responder([&](unsigned, std::span<const uint8_t> f, MockIo& m) {
    const uint8_t* ip = f.data() + 14;
    const uint32_t src = get32(ip + 12), dst = get32(ip + 16);
    {
      std::lock_guard lock(mu);
      ++by_source[src];
    }
    if (src == kScanner) return target.respond(f, m);
    const uint8_t* t = ip + 20;
    // A SYN-ACK to the decoy, its cookie echoed as a reply to ours would.
    m.queue_reply(concat(ethernet(), ipv4(dst, src, 6, tcp(get16(t + 2), get16(t), 777, get32(t + 4) + 1, 0x12))));
  });
  SweepRun run;
  SweepHooks hooks;
  hooks.on_results = [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch) run.results.emplace(std::pair{r.ip, r.port}, r);
  };
  run.report = run_sweep(c, io, hooks, std::atomic<bool>{false});
  expect_exact(run);
  EXPECT_EQ(run.report.probes_sent, 1024u);
  EXPECT_EQ(run.report.frames_sent, 3072u);
  EXPECT_EQ(by_source[kDecoyA], 1024u);
  EXPECT_EQ(by_source[kDecoyB], 1024u);
  EXPECT_EQ(by_source[kScanner], 1024u + run.report.answers_sent);  // probes and RSTs
}

}  // namespace
}  // namespace portsweep

namespace portsweep {
namespace {

// The default cooldown is nmap's RTT timeout: the mock's replies come back
// in microseconds, so srtt + 4 x rttvar (a few ms: rttvar starts at 5 ms and
// decays) is raised to a larger minimum, and stays within any bounds.
TEST(SweepTiming, CooldownIsTheRttTimeoutWithinItsBounds) {
  Target target;
  SweepConfig c = config();
  c.wait_seconds.reset();
  c.rtt_timeout = {0.03, 0.2, 0.5};
  SweepRun run = sweep(c, target);
  expect_exact(run);
  EXPECT_TRUE(run.report.cooldown_s == 0.03 || run.report.cooldown_s == 0.5) << run.report.cooldown_s;
  Target again;
  c.rtt_timeout = {0.0001, 0.002, 0.5};
  SweepRun capped = sweep(c, again);
  // (Under load the RX thread may read no reply before the last pass ends,
  // and the initial timeout stands.)
  if (capped.report.cooldown_s != 0.5) {
    EXPECT_GE(capped.report.cooldown_s, 0.0001);
    EXPECT_LE(capped.report.cooldown_s, 0.002);
  }
}

// --host-timeout: the sweep stops at its deadline, not resumable (not
// stopped_early), and says whether the first pass was whole.
TEST(SweepTiming, DeadlineStopsTheSweep) {
  Target target;
  SweepConfig c = config();
  c.rate_pps = 2000;  // 1024 probes: half a second
  c.deadline_seconds = 0.1;
  SweepRun run = sweep(c, target);
  EXPECT_TRUE(run.report.timed_out);
  EXPECT_FALSE(run.report.stopped_early);
  EXPECT_FALSE(run.report.first_pass_complete);
  EXPECT_LT(run.report.probes_sent, 700u);
  EXPECT_LT(run.report.elapsed_s, 0.4);
}

}  // namespace
}  // namespace portsweep
