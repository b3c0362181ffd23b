// The whole TX loop, per scan type: run_tx_thread over a real SweepState for
// 198.19.0.0/16 x 6 ports (393,216 probes per iteration, the whole slice of
// one TX thread) into NullIo. What is timed is everything the loop does per
// probe and per burst: the permutation walk, the index split, the target
// lookup, the rate limiter (unlimited), the per-module batching of a mixed
// sweep, the template patch with the cookie, the RTT note, the send call and
// the counters. Also its start-up (probers, buffers) on its own, to show
// what it adds per probe on a sweep this size.
//
// Counters: per_probe is CPU seconds per probe (so "17.9n" reads 17.9 ns);
// items_per_second is probes per second on one core; frames/call is probes
// per send_burst call (the burst size when nothing pushes back).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "engine/sweep_state.hpp"
#include "loop_io.hpp"
#include "loop_scans.hpp"

namespace portsweep::bench {
namespace {

void report_tx(benchmark::State& state, const SweepState& s, uint64_t per_iteration) {
  if (s.failed.load()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  const uint64_t probes = s.tx[0].sent.load();
  const uint64_t calls = s.tx[0].send_calls.load();
  if (probes != per_iteration * state.iterations()) {
    state.SkipWithError("the TX loop did not send every probe of its slice");
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(probes));
  state.counters["probes"] = static_cast<double>(per_iteration);
  state.counters["frames/call"] = calls ? static_cast<double>(probes) / static_cast<double>(calls) : 0;
  state.counters["per_probe"] =
      benchmark::Counter(static_cast<double>(probes), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// lend: NullIo lends its buffers (see BM_TxLoopLend).
void run_tx_loop(benchmark::State& state, const char* spec, bool lend) {
  const SweepConfig config = loop_config(spec);
  NullIo io(config.tx_threads + 1, lend);
  SweepState s(config, io);
  for (auto _ : state) run_tx_thread(s, 0, 0, 0);
  report_tx(state, s, s.layout.space().size());
  state.SetLabel(spec);
}

void BM_TxLoop(benchmark::State& state, const char* spec) { run_tx_loop(state, spec, false); }

BENCHMARK_CAPTURE(BM_TxLoop, sS, "-sS")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoop, sA, "-sA")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoop, sW, "-sW")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoop, sM, "-sM")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoop, sN, "-sN")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoop, sF, "-sF")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoop, sX, "-sX")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoop, sU, "-sU")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoop, sS_sU, "-sS -sU")->Unit(benchmark::kMillisecond);

// The same loop through a backend that lends its buffers: the probes are
// written straight into them (one tx_lend and one tx_commit call a burst)
// instead of into the loop's own and handed to send_burst. NullIo copies
// nothing either way, so this shows what lending costs the loop itself;
// what it saves (the backend's copy) is in bench/dpdk_tx.sh.
void BM_TxLoopLend(benchmark::State& state, const char* spec) { run_tx_loop(state, spec, true); }

BENCHMARK_CAPTURE(BM_TxLoopLend, sS, "-sS")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoopLend, sU, "-sU")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TxLoopLend, sS_sU, "-sS -sU")->Unit(benchmark::kMillisecond);

// One call of run_tx_thread over a single probe: what a call costs before
// its first probe (a Prober per module, the burst buffers; -sU builds its
// 65536-port template table), paid once per TX thread per pass.
void BM_TxLoopStartup(benchmark::State& state, const char* spec) {
  SweepConfig config = loop_config(spec);
  config.targets = TargetSet({{kLabNet, kLabNet}});
  for (ScanPart& part : config.scans) part.ports.resize(1);
  NullIo io(config.tx_threads + 1);
  SweepState s(config, io);
  for (auto _ : state) run_tx_thread(s, 0, 0, 0);
  report_tx(state, s, s.layout.space().size());
  state.SetLabel(spec);
}

BENCHMARK_CAPTURE(BM_TxLoopStartup, sS, "-sS")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_TxLoopStartup, sU, "-sU")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace portsweep::bench
