// Per-probe cost of the TX path: permutation step, index -> (address, port),
// cookie, template copy + patch + incremental checksums, written into a
// ring of frame buffers as a TX loop would. Plus each stage on its own.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "engine/probe_permutation.hpp"
#include "engine/probe_space.hpp"
#include "packet/siphash.hpp"
#include "packet/probe_cookie.hpp"
#include "probes/tcp_probe.hpp"

namespace portsweep {
namespace {

constexpr uint32_t kBase = 0x0a010000;  // 10.1.0.0/16
constexpr std::array<uint16_t, 6> kPorts = {22, 80, 443, 3389, 8080, 8443};

ProbeConfig bench_config() {
  ProbeConfig c;
  c.src_mac = {0x02, 0, 0, 0, 0, 1};
  c.dst_mac = {0x02, 0, 0, 0, 0, 2};
  c.src_ip = 0x0a000001;
  c.src_ports = {40000, 64};
  c.cookie_key = {0x0123456789abcdefull, 0x0fedcba987654321ull};
  return c;
}

struct FrameRing {
  static constexpr size_t kSlots = 512;  // a typical TX ring: stays in L1/L2
  alignas(64) std::array<std::array<uint8_t, 64>, kSlots> slots{};
  size_t next = 0;
  uint8_t* slot() noexcept { return slots[next++ % kSlots].data(); }
};

void BM_ProbePipeline(benchmark::State& state) {
  const ProbeSpace space(65536, kPorts.size());
  const ProbePermutation perm(space.size(), 12345);
  PermutationWalker walker = perm.walker(perm.full());
  TcpProbe probe(bench_config());
  FrameRing ring;
  for (auto _ : state) {
    uint64_t index = 0;
    if (!walker.next(index)) {
      walker = perm.walker(perm.full());
      walker.next(index);
    }
    const ProbeCell cell = space.cell(index);
    const uint32_t ip = kBase + static_cast<uint32_t>(cell.address);
    const uint16_t port = kPorts[cell.port];
    probe.write(ring.slot(), ip, port);
  }
  benchmark::DoNotOptimize(ring.slots[0]);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ProbePipeline);

// Full pipeline over the largest space (every IPv4 address x every port).
void BM_ProbePipelineHugeSpace(benchmark::State& state) {
  const ProbeSpace space(uint64_t{1} << 32, 65536);
  const ProbePermutation perm(space.size(), 777);
  PermutationWalker walker = perm.walker(perm.segment(3, 8, 1, 2));
  TcpProbe probe(bench_config());
  FrameRing ring;
  for (auto _ : state) {
    uint64_t index = 0;
    walker.next(index);
    const ProbeCell cell = space.cell(index);
    probe.write(ring.slot(), static_cast<uint32_t>(cell.address), static_cast<uint16_t>(cell.port));
  }
  benchmark::DoNotOptimize(ring.slots[0]);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ProbePipelineHugeSpace);

void BM_PermutationStep(benchmark::State& state) {
  const ProbePermutation perm(65536 * 6, 1);
  PermutationWalker walker = perm.walker(perm.full());
  uint64_t sum = 0;
  for (auto _ : state) {
    uint64_t index = 0;
    if (!walker.next(index)) walker = perm.walker(perm.full());
    sum += index;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_PermutationStep);

void BM_IndexSplit(benchmark::State& state) {
  const ProbeSpace space(65536 + 17, kPorts.size());
  uint64_t i = 0, sum = 0;
  for (auto _ : state) {
    const ProbeCell c = space.cell(i);
    sum += c.address + c.port;
    i = (i + 0x9e3779b9) % space.size();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_IndexSplit);

template <int C, int D>
void BM_CookieSipHash(benchmark::State& state) {
  const SipKey key{1, 2};
  uint32_t ip = kBase;
  uint64_t acc = 0;
  for (auto _ : state) {
    acc ^= siphash_12<C, D>(key, (uint64_t{0x0a000001} << 32) | ip, (40000u << 16) | 80u);
    ++ip;
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_CookieSipHash<2, 4>)->Name("BM_CookieSipHash24");
BENCHMARK(BM_CookieSipHash<1, 3>)->Name("BM_CookieSipHash13");

void BM_TemplatePatch(benchmark::State& state) {
  const TcpProbe probe(bench_config());
  FrameRing ring;
  uint32_t ip = kBase;
  for (auto _ : state) {
    probe.write_fields(ring.slot(), ip, 40000, 443, ip * 2654435761u, static_cast<uint16_t>(ip));
    ++ip;
  }
  benchmark::DoNotOptimize(ring.slots[0]);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TemplatePatch);

}  // namespace
}  // namespace portsweep

BENCHMARK_MAIN();
