// The sweep's driver.
//
// Passes: pass 0 sends every probe once. Each of --max-retries further passes
// walks the same slices again and, when the answered set is exact, resends
// only the probes still unanswered, and of those only the ones whose address
// answered something (ResponsiveHosts; --retry-silent: all of them); between
// passes it waits one retry gap so late replies are not mistaken for losses.
// After the last pass comes the cooldown (--wait), then unanswered probes
// count as filtered. The retry gap and the default cooldown are nmap's RTT
// timeout: srtt + 4 x rttvar of the sampled replies (RttSampler), within
// --min-rtt-timeout and --max-rtt-timeout, --initial-rtt-timeout before any
// reply was timed: the wait after which nmap gives a probe up.
//
// --host-timeout (deadline_seconds) stops the TX threads and the cooldown
// when it comes; every host is scanned at once, so the sweep's time is each
// host's.
//
// On interrupt the TX threads stop at a burst boundary; their positions are
// reported so the same seed resumes exactly where this run stopped.
#include "engine/sweep.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/error.hpp"
#include "engine/rate_limiter.hpp"
#include "engine/sweep_state.hpp"

namespace portsweep {

namespace {

double seconds_since(int64_t start_ns) { return static_cast<double>(monotonic_ns() - start_ns) * 1e-9; }

double rtt_timeout(const RttSampler& rtt, const RttTimeouts& t) {
  if (rtt.timeout_ns() == 0) return t.initial;
  return std::clamp(static_cast<double>(rtt.timeout_ns()) * 1e-9, t.min, t.max);
}

class ProgressMeter {
 public:
  ProgressMeter(const SweepHooks& hooks, const SweepState& s, unsigned passes)
      : hooks_(hooks), s_(s), passes_(passes), start_ns_(monotonic_ns()) {}

  void maybe_print(unsigned pass, bool force = false) {
    if (!hooks_.progress) return;
    int64_t now = monotonic_ns();
    if (!force && now - last_ns_ < static_cast<int64_t>(hooks_.progress_every_s * 1e9)) return;
    uint64_t sent = 0, pos = 0, len = 0;
    for (unsigned t = 0; t < s_.tx.size(); ++t) {
      sent += s_.tx[t].sent.load(std::memory_order_relaxed);
      pos += s_.tx[t].position.load(std::memory_order_relaxed);
      len += s_.permutation.segment(s_.config.shard, s_.config.shards, t, s_.config.tx_threads).length();
    }
    double frac = len ? static_cast<double>(pos) / static_cast<double>(len) : 1.0;
    double done = (pass - s_.config.start_pass + frac) / (passes_ - s_.config.start_pass);
    double dt = static_cast<double>(now - (last_ns_ ? last_ns_ : start_ns_)) * 1e-9;
    double pps = dt > 0 ? static_cast<double>(sent - last_sent_) / dt : 0;
    double elapsed = static_cast<double>(now - start_ns_) * 1e-9;
    double eta = done > 0.001 ? elapsed * (1 - done) / done : 0;
    char line[200];
    std::snprintf(line, sizeof line,
                  "%5.1f%% done, pass %u/%u, %.1f kpps, sent %" PRIu64 ", replies %" PRIu64
                  ", rejected %" PRIu64 ", ETA %d:%02d:%02d",
                  100 * std::min(done, 1.0), pass + 1, passes_, pps / 1000, sent,
                  s_.rx_total(&RxCounters::results),
                  s_.rx_total(&RxCounters::rejected), static_cast<int>(eta) / 3600,
                  static_cast<int>(eta) / 60 % 60, static_cast<int>(eta) % 60);
    if (hooks_.progress_is_tty) *hooks_.progress << '\r' << line << "\x1b[K" << std::flush;
    else *hooks_.progress << "portsweep: " << line << '\n' << std::flush;
    last_ns_ = now;
    last_sent_ = sent;
  }

  void finish() {
    if (hooks_.progress && hooks_.progress_is_tty && last_ns_) *hooks_.progress << '\n';
  }

 private:
  const SweepHooks& hooks_;
  const SweepState& s_;
  unsigned passes_;
  int64_t start_ns_;
  int64_t last_ns_ = 0;
  uint64_t last_sent_ = 0;
};

std::unique_ptr<const SweepConfig> trailing_config_of(const SweepConfig& c) {
  if (c.trailing_scans.empty()) return nullptr;
  auto t = std::make_unique<SweepConfig>();
  t->targets = c.targets;
  t->targets6 = c.targets6;
  t->dst_mac6 = c.dst_mac6;
  t->scans = c.trailing_scans;
  t->probe = c.probe;
  t->probe.cookie_key = c.trailing_cookie_key;
  return t;
}

}  // namespace

SweepState::SweepState(const SweepConfig& c, PacketIo& i)
    : config(c), io(i), layout(c), trailing_config(trailing_config_of(c)),
      trailing_layout(trailing_config ? std::make_unique<const ScanLayout>(*trailing_config) : nullptr),
      permutation(layout.space().size(), c.seed), answered(layout.space().size()), responsive(layout.targets().size()),
      rtt(c.sample_every_probe ? RttSampler::kEveryProbeBits : RttSampler::kBurstSampleBits),
      tx(c.tx_threads) {
  const unsigned answer_queues = i.tx_queues() > c.tx_threads ? i.tx_queues() - c.tx_threads : 1;
  const unsigned lanes = std::max(1u, std::min({c.rx_threads, i.rx_queues(), answer_queues}));
  for (unsigned r = 0; r < lanes; ++r)
    rx.push_back(std::make_unique<RxLane>(c.targets.size(), trailing_config != nullptr, c.os_hints != nullptr));
}

SweepConfig stage_sweep_config(const SweepConfig& scan, std::vector<ScanPart> probes, const HostBitmap* hosts) {
  SweepConfig cfg = scan;
  cfg.scans = std::move(probes);
  cfg.only_hosts = hosts;
  cfg.trailing_scans.clear();
  cfg.os_hints = nullptr;
  cfg.start_pass = 0;
  cfg.start_positions.clear();
  cfg.start_answered.clear();
  return cfg;
}

SweepHooks stage_sweep_hooks(const SweepHooks& scan, ResultConsumer on_results) {
  SweepHooks h;
  h.on_results = std::move(on_results);
  h.on_tick = scan.on_tick;
  h.progress = scan.progress;
  h.progress_is_tty = scan.progress_is_tty;
  return h;
}

SweepReport add_round(const SweepReport& first, SweepReport second) {
  second.probes_sent += first.probes_sent;
  second.send_calls += first.send_calls;
  second.frames_sent += first.frames_sent;
  second.frames_received += first.frames_received;
  second.results += first.results;
  second.rejected_cookies += first.rejected_cookies;
  second.duplicates += first.duplicates;
  second.undecodable += first.undecodable;
  second.bad_checksums += first.bad_checksums;
  second.checksums_cut_short += first.checksums_cut_short;
  second.checksums_offloaded += first.checksums_offloaded;
  second.answers_sent += first.answers_sent;
  second.ring_full_waits += first.ring_full_waits;
  second.os_hints += first.os_hints;
  second.rtt_samples += first.rtt_samples;
  second.unsendable += first.unsendable;
  second.max_rtt_ms = std::max(first.max_rtt_ms, second.max_rtt_ms);
  second.cooldown_s += first.cooldown_s;
  second.elapsed_s += first.elapsed_s;
  second.send_seconds += first.send_seconds;
  second.measured_pps = first.measured_pps;  // the first round's pace: the second is a few hosts
  if (second.error.empty()) second.error = first.error;
  return second;
}

SweepReport run_sweep(const SweepConfig& config, PacketIo& io, const SweepHooks& hooks,
                      const std::atomic<bool>& interrupt) {
  if (config.tx_threads == 0 || config.tx_threads >= io.tx_queues())
    throw UsageError("the sweep needs " + std::to_string(config.tx_threads + 1) +
                     " TX queues (one per TX thread and one for RSTs); the I/O backend has " +
                     std::to_string(io.tx_queues()));
  SweepState s(config, io);
  // One RX thread reads every queue (recv_burst); several read one each.
  if (s.rx.size() > 1 && s.rx.size() != io.rx_queues())
    throw UsageError(std::to_string(s.rx.size()) + " RX threads for the I/O backend's " +
                     std::to_string(io.rx_queues()) + " receive queues: there must be one per queue, or one for all");
  if (!config.start_answered.empty() && !s.answered.restore(config.start_answered))
    throw UsageError("the resume file's answered map does not fit this scan's " + std::to_string(s.layout.space().size()) +
                     " probes");
  // An address that answered before the interruption is as responsive as one
  // that answers now: the resumed run's retry passes must reach it too.
  for (size_t w = 0; w < config.start_answered.size(); ++w) {
    for (uint64_t bits = config.start_answered[w]; bits != 0; bits &= bits - 1) {
      const uint64_t index = w * 64 + static_cast<uint64_t>(std::countr_zero(bits));
      s.responsive.mark(s.layout.space().cell(index).address);
    }
  }
  if (config.start_positions.size() > config.tx_threads)
    throw UsageError("the resume point has " + std::to_string(config.start_positions.size()) +
                     " thread positions; the scan has " + std::to_string(config.tx_threads) + " TX threads");
  for (unsigned t = 0; t < config.start_positions.size(); ++t) {
    const uint64_t len = s.permutation.segment(config.shard, config.shards, t, config.tx_threads).length();
    if (config.start_positions[t] > len)
      throw UsageError("the resume point of TX thread " + std::to_string(t) + " (" +
                       std::to_string(config.start_positions[t]) + ") is past the end of its slice (" +
                       std::to_string(len) + " probes)");
  }
  SweepReport report;
  report.probe_space = s.layout.space().size();
  report.exact_dedupe = s.answered.exact();
  const int64_t start_ns = monotonic_ns();
  const unsigned passes = static_cast<unsigned>(config.max_retries) + 1;
  ProgressMeter meter(hooks, s, passes);

  std::vector<PortResult> batch, trailing;
  std::vector<ProbeResult> raw;
  // Hints: a SYN-ACK's goes out at once; a RST's waits (by address) for the
  // end of the sweep, dropped if the host's SYN-ACK comes after all.
  std::vector<OsHintRecord> hints;
  std::unordered_map<uint32_t, OsHintRecord> rst_hints;
  std::unordered_set<uint32_t> synack_hosts;
  const bool several_lanes = s.rx.size() > 1;
  uint64_t hints_delivered = 0;
  int64_t last_tick = start_ns;
  // Results leave the engine as probe indices; here, off the hot path, they
  // become (address, protocol, port) for the outputs. A consumer that throws
  // (a full disk) stops the sweep instead of tearing through its threads.
  auto service = [&] {
    if (s.failed.load()) return;
    try {
      batch.clear();
      raw.clear();
      for (const auto& lane : s.rx)
        lane->ring.drain([&](const ProbeResult& r) {
          batch.push_back(s.layout.port_result(r));
          raw.push_back(r);
        });
      if (!batch.empty() && hooks.on_results) hooks.on_results(batch);
      if (!raw.empty() && hooks.on_probe_results) hooks.on_probe_results(raw);
      if (config.os_hints != nullptr) {
        hints.clear();
        OsHintRecord h;
        for (const auto& lane : s.rx) {
          if (!lane->os_hints) continue;
          lane->os_hints->drain([&](const OsHintCapture& c) {
            if (!read_os_hint(c, *config.os_hints, h)) return;
            if (h.observation.is_synack()) {
              rst_hints.erase(h.ip);
              // Two RX threads may each capture a host's first SYN-ACK, and
              // one its RST after the other's SYN-ACK: only then are the
              // hosts with a SYN-ACK hint remembered (a set the size of the
              // hosts up, which one collector's own bits make needless).
              if (!several_lanes || synack_hosts.insert(h.ip).second) hints.push_back(h);
            } else if (!several_lanes || !synack_hosts.contains(h.ip)) {
              rst_hints.emplace(h.ip, h);
            }
          });
        }
        if (!hints.empty() && hooks.on_os_hints) hooks.on_os_hints(hints);
        hints_delivered += hints.size();
      }
      if (s.trailing_layout) {
        trailing.clear();
        for (const auto& lane : s.rx)
          lane->trailing_ring->drain(
              [&](const ProbeResult& r) { trailing.push_back(s.trailing_layout->port_result(r)); });
        if (!trailing.empty() && hooks.on_trailing_results) hooks.on_trailing_results(trailing);
      }
      if (hooks.on_tick && monotonic_ns() - last_tick > 100'000'000) {
        hooks.on_tick();
        last_tick = monotonic_ns();
      }
    } catch (const std::exception& e) {
      s.fail(e.what());
    }
  };
  unsigned pass = config.start_pass;
  SweepPosition lagged{config.start_pass, config.start_positions};
  lagged.positions.resize(config.tx_threads, 0);
  int64_t last_checkpoint = start_ns;
  auto checkpoint = [&] {
    if (!hooks.on_checkpoint || s.failed.load() ||
        monotonic_ns() - last_checkpoint < static_cast<int64_t>(hooks.checkpoint_seconds * 1e9))
      return;
    SweepPosition now{std::min(pass, passes - 1), {}};
    for (auto& c : s.tx) now.positions.push_back(c.position.load(std::memory_order_relaxed));
    try {
      hooks.on_checkpoint(lagged);
    } catch (const std::exception& e) {
      s.fail(std::string("checkpoint: ") + e.what());
    }
    lagged = std::move(now);
    last_checkpoint = monotonic_ns();
  };
  const int64_t deadline_ns =
      config.deadline_seconds > 0 ? start_ns + static_cast<int64_t>(config.deadline_seconds * 1e9) : INT64_MAX;
  // Waits `seconds`, or with `adaptive` the RTT timeout as it stands, which
  // the replies still arriving keep refining (a sweep's last replies are
  // often its first samples); at least `floor`. Returns the time it settled on.
  auto wait_while_serving = [&](double seconds, bool may_end_early, bool adaptive, double floor) {
    const int64_t from = monotonic_ns();
    for (;;) {
      if (adaptive) seconds = std::max(rtt_timeout(s.rtt, config.rtt_timeout), floor);
      const int64_t until = std::min(deadline_ns, from + static_cast<int64_t>(seconds * 1e9));
      if (monotonic_ns() >= until || s.io.failed() || s.failed.load()) break;
      service();
      checkpoint();
      if (may_end_early && hooks.end_cooldown &&
          hooks.end_cooldown(seconds_since(from), static_cast<double>(s.rtt.max_rtt_ns()) * 1e-9))
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return seconds;
  };

  std::vector<std::thread> rx;
  for (unsigned r = 0; r < s.rx.size(); ++r) rx.emplace_back([&s, r] { run_rx_thread(s, r); });
  bool first_pass_done = config.start_pass > 0;
  for (; pass < passes; ++pass) {
    std::vector<std::thread> tx;
    for (unsigned t = 0; t < config.tx_threads; ++t) {
      uint64_t pos = (pass == config.start_pass && t < config.start_positions.size())
                         ? config.start_positions[t] : 0;
      s.tx[t].finished.store(false);
      tx.emplace_back([&s, t, pass, pos] { run_tx_thread(s, t, pass, pos); });
    }
    for (;;) {
      service();
      checkpoint();
      meter.maybe_print(pass);
      if (interrupt.load() || s.io.failed()) s.stop_tx.store(true);
      if (monotonic_ns() >= deadline_ns && !s.stop_tx.load()) {
        report.timed_out = true;
        s.stop_tx.store(true);
      }
      bool all = true;
      for (auto& c : s.tx) all = all && c.finished.load(std::memory_order_acquire);
      if (all) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (auto& th : tx) th.join();
    if (pass == config.start_pass) {
      // The rate held over the first pass, per thread: the probes sent before
      // its last burst over the span from its first burst to its last.
      for (auto& c : s.tx) {
        int64_t first = c.first_send_ns.load(), last = c.last_send_ns.load();
        uint64_t before_last = c.sent.load() - c.last_burst.load();
        if (first != 0 && last > first)
          report.measured_pps += static_cast<double>(before_last) / (static_cast<double>(last - first) * 1e-9);
      }
    }
    if (report.timed_out) {
      // The deadline may have come as the last burst went: then the pass is whole.
      bool whole = true;
      for (unsigned t = 0; t < config.tx_threads; ++t)
        whole = whole && s.tx[t].position.load() >=
                             s.permutation.segment(config.shard, config.shards, t, config.tx_threads).length();
      first_pass_done = first_pass_done || whole;
      break;
    }
    if (s.stop_tx.load()) {
      report.interrupted = interrupt.load();
      report.stopped_early = true;
      report.stopped_at.pass = pass;
      for (auto& c : s.tx) report.stopped_at.positions.push_back(c.position.load());
      break;
    }
    first_pass_done = true;
    if (pass + 1 < passes) {
      wait_while_serving(0, false, true, config.min_retry_gap);
      if (monotonic_ns() >= deadline_ns) {
        report.timed_out = true;
        break;
      }
    }
  }
  report.send_seconds = seconds_since(start_ns);
  meter.maybe_print(std::min(pass, passes - 1), true);

  // The cooldown: --wait, or the RTT timeout (at most 1 s after a stop).
  const bool adaptive = !config.wait_seconds && !report.stopped_early;
  double cooldown = config.wait_seconds ? *config.wait_seconds : rtt_timeout(s.rtt, config.rtt_timeout);
  if (report.stopped_early) cooldown = std::min(cooldown, 1.0);
  const int64_t cooldown_from = monotonic_ns();
  cooldown = wait_while_serving(cooldown, !report.stopped_early, adaptive, 0);
  if (cooldown_from + static_cast<int64_t>(cooldown * 1e9) > deadline_ns) report.timed_out = true;
  report.cooldown_s = report.timed_out ? std::min(cooldown, seconds_since(cooldown_from)) : cooldown;
  s.stop_rx.store(true);
  for (auto& t : rx) t.join();
  service();
  if (!rst_hints.empty() && hooks.on_os_hints && !s.failed.load()) {
    hints.clear();
    for (auto& [ip, h] : rst_hints) hints.push_back(h);
    std::sort(hints.begin(), hints.end(), [](const OsHintRecord& a, const OsHintRecord& b) { return a.ip < b.ip; });
    try {
      hooks.on_os_hints(hints);
      hints_delivered += hints.size();
    } catch (const std::exception& e) {
      s.fail(e.what());
    }
  }
  report.os_hints = hints_delivered;
  meter.finish();
  if (hooks.on_tick && !s.failed.load()) {
    try {
      hooks.on_tick();
    } catch (const std::exception& e) {
      s.fail(e.what());
    }
  }

  for (auto& c : s.tx) report.probes_sent += c.sent.load();
  report.frames_received = s.rx_total(&RxCounters::frames);
  report.rx_threads = static_cast<unsigned>(s.rx.size());
  report.results = s.rx_total(&RxCounters::results);
  report.rejected_cookies = s.rx_total(&RxCounters::rejected);
  report.duplicates = s.rx_total(&RxCounters::duplicates);
  report.undecodable = s.rx_total(&RxCounters::undecodable);
  report.bad_checksums = s.rx_total(&RxCounters::bad_checksums);
  report.checksums_cut_short = s.rx_total(&RxCounters::cut_short);
  report.checksums_offloaded = s.rx_total(&RxCounters::offloaded);
  report.answers_sent = s.rx_total(&RxCounters::answers);
  report.ring_full_waits = s.rx_total(&RxCounters::ring_full);
  report.rtt_samples = s.rtt.samples();
  report.max_rtt_ms = static_cast<double>(s.rtt.max_rtt_ns()) * 1e-6;
  report.elapsed_s = seconds_since(start_ns);
  report.io = io.stats();
  report.first_pass_complete = first_pass_done;
  for (auto& c : s.tx) {
    report.send_calls += c.send_calls.load();
    report.frames_sent += c.frames.load();
    report.unsendable += c.unsendable.load();
  }
  if (s.failed.load()) {
    std::lock_guard<std::mutex> lock(s.error_mutex);
    report.error = s.error;
  }
  if (report.stopped_early) report.answered = s.answered.snapshot();  // after the cooldown's replies
  return report;
}

}  // namespace portsweep
