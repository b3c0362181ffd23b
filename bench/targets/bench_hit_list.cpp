// -iL with a million IPv6 addresses: reading the file, parsing every word,
// merging the ranges and building the set's index (resolve_targets whole).
// Two lists: a /108's addresses in random order (ends as one range) and
// random addresses of a /64 (stays a million ranges).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>

#include <unistd.h>

#include "targets/ipv6.hpp"
#include "targets/target_input.hpp"

namespace portsweep {
namespace {

constexpr uint32_t kLines = 1000000;

std::string write_list(const char* name, bool dense) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("portsweep_hit_list_" + std::to_string(::getpid()) + name)).string();
  const u128 base = parse_ipv6("2001:db8:ab::").value();
  std::vector<uint32_t> order(kLines);
  std::iota(order.begin(), order.end(), 0u);
  std::mt19937_64 rng(1);
  std::shuffle(order.begin(), order.end(), rng);
  std::ofstream out(path);
  for (uint32_t i : order) out << format_ipv6(dense ? base + i : base + rng()) << '\n';
  return path;
}

void run(benchmark::State& state, bool dense) {
  const std::string path = write_list(dense ? "_dense" : "_sparse", dense);
  TargetOptions options;
  options.input_file = path;
  uint64_t ranges = 0;
  for (auto _ : state) {
    const Targets t = resolve_targets(options);
    ranges = t.addresses6.ranges().size();
    benchmark::DoNotOptimize(ranges);
  }
  state.counters["ranges"] = static_cast<double>(ranges);
  state.SetItemsProcessed(state.iterations() * kLines);
  std::remove(path.c_str());
}

void BM_HitList6Dense(benchmark::State& state) { run(state, true); }
void BM_HitList6Sparse(benchmark::State& state) { run(state, false); }

BENCHMARK(BM_HitList6Dense)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_HitList6Sparse)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace portsweep
