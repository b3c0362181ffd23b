// Cost of the service-fingerprint database: loading nmap's file, and matching
// real responses (recorded from the lab and from local daemons, under
// tests/unit/detect_db/banners) the way version detection does, with
//   jit              PCRE2 JIT behind the first-byte index (the default)
//   jit-noindex      PCRE2 JIT on every line
//   interp           PCRE2's interpreter behind the first-byte index
//   interp-noindex   PCRE2's interpreter on every line
//   prefilter        a Hyperscan prefilter per probe in front of PCRE2 JIT
//                    (only in builds that found libhs)
// Responses that only softmatch, or match nothing, are the expensive ones:
// every line of the probe, its fallbacks and the NULL probe gets tried.
#include <benchmark/benchmark.h>

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "detect/service_probes.hpp"
#include "detect/version_match_prefilter.hpp"
#include "portsweep_config.h"

namespace portsweep {
namespace {

constexpr const char* kProbesFile = "/usr/share/nmap/nmap-service-probes";

enum Mode : int { kJit = 0, kJitNoIndex, kInterp, kInterpNoIndex, kPrefilter };
const char* const kModeNames[] = {"jit", "jit-noindex", "interp", "interp-noindex", "prefilter"};
constexpr int kModes[] = {kJit, kJitNoIndex, kInterp, kInterpNoIndex, kPrefilter};

ServiceProbeLoadOptions options_for(int mode) {
  ServiceProbeLoadOptions o;
  o.jit = mode != kInterp && mode != kInterpNoIndex;
  o.first_byte_index = mode == kJit || mode == kInterp;
  o.prefilter = mode == kPrefilter;
  return o;
}

const ServiceProbeDb& db_for(int mode) {
  static std::map<int, std::unique_ptr<ServiceProbeDb>> dbs;
  auto& slot = dbs[mode];
  if (!slot) slot = std::make_unique<ServiceProbeDb>(ServiceProbeDb::load_file(kProbesFile, options_for(mode)));
  return *slot;
}

// A recorded response and the probe that drew it ("LABEL__PROTO_PROBE.bin").
struct Banner {
  std::string label;
  Proto proto;
  std::string probe;
  std::string bytes;
};

const std::vector<Banner>& banners() {
  static const std::vector<Banner> all = [] {
    std::vector<Banner> out;
    std::string dir = std::string(PORTSWEEP_SOURCE_DATADIR) + "/../tests/unit/detect_db/banners";
    std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
    if (!d) return out;
    while (dirent* e = readdir(d.get())) {
      std::string name = e->d_name;
      size_t sep = name.find("__");
      if (sep == std::string::npos || name.size() < 4 || name.substr(name.size() - 4) != ".bin") continue;
      std::string rest = name.substr(sep + 2, name.size() - 4 - sep - 2);  // PROTO_PROBE
      size_t us = rest.find('_');
      Banner b;
      b.label = name.substr(0, name.size() - 4);
      b.proto = rest.substr(0, us) == "UDP" ? Proto::Udp : Proto::Tcp;
      b.probe = rest.substr(us + 1);
      std::ifstream in(dir + "/" + name, std::ios::binary);
      b.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (!b.bytes.empty()) out.push_back(std::move(b));
    }
    std::sort(out.begin(), out.end(), [](const Banner& a, const Banner& b) { return a.label < b.label; });
    return out;
  }();
  return all;
}

bool have_inputs(benchmark::State& state, int mode) {
  std::ifstream probe_file(kProbesFile);
  if (!probe_file) {
    state.SkipWithError("nmap-service-probes not installed");
    return false;
  }
  if (banners().empty()) {
    state.SkipWithError("no recorded banners");
    return false;
  }
  if (mode == kPrefilter && !ProbePrefilter::available()) {
    state.SkipWithError("built without Hyperscan");
    return false;
  }
  return true;
}

void BM_LoadServiceProbes(benchmark::State& state) {
  int mode = static_cast<int>(state.range(0));
  if (!have_inputs(state, mode)) return;
  state.SetLabel(kModeNames[mode]);
  ServiceProbeStats stats;
  for (auto _ : state) {
    ServiceProbeDb db = ServiceProbeDb::load_file(kProbesFile, options_for(mode));
    stats = db.stats();
    benchmark::DoNotOptimize(db.probes().data());
  }
  state.counters["parse_ms"] = stats.parse_time.count() / 1000.0;
  state.counters["pcre2_ms"] = stats.compile_time.count() / 1000.0;
  state.counters["hs_ms"] = stats.prefilter_time.count() / 1000.0;
  state.counters["hs_patterns"] = static_cast<double>(stats.prefiltered);
  state.counters["hs_rejected"] = static_cast<double>(stats.prefilter_rejected);
}
BENCHMARK(BM_LoadServiceProbes)->DenseRange(kJit, kPrefilter)->Unit(benchmark::kMillisecond)->Iterations(3);

// Names of the probes in nmap's file, by a plain text scan, so that the
// benchmarks can be registered before anything is loaded.
bool probe_in_file(const Banner& b) {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    std::ifstream in(kProbesFile);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("Probe ", 0) != 0) continue;
      size_t a = line.find(' ', 6);
      size_t z = line.find(' ', a + 1);
      if (a != std::string::npos && z != std::string::npos) out.push_back(line.substr(6, z - 6));
    }
    return out;
  }();
  std::string key = std::string(b.proto == Proto::Udp ? "UDP " : "TCP ") + b.probe;
  return std::find(names.begin(), names.end(), key) != names.end();
}

// One recorded response matched as the probe that drew it.
void BM_MatchBanner(benchmark::State& state, int mode, const Banner* b) {
  if (!have_inputs(state, mode)) return;
  const ServiceProbeDb& db = db_for(mode);
  const ServiceProbe* probe = db.find(b->probe, b->proto);
  std::optional<ServiceMatch> m = db.match(*probe, b->bytes);
  state.SetLabel(m ? (m->soft ? "soft " : "") + m->service + (m->product.empty() ? "" : " " + m->product) : "none");
  for (auto _ : state) benchmark::DoNotOptimize(db.match(*probe, b->bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// BM_MatchBanner/LABEL__PROTO_PROBE/MODE for every recording whose probe is
// in nmap's file (the others were recorded for data/portsweep-service-probes).
const bool kBannersRegistered = [] {
  for (const Banner& b : banners()) {
    if (!probe_in_file(b)) continue;
    for (int mode : kModes) {
      benchmark::RegisterBenchmark(("BM_MatchBanner/" + b.label + "/" + kModeNames[mode]).c_str(), BM_MatchBanner,
                                   mode, &b);
    }
  }
  return true;
}();

// Every recorded response in turn: the mix a scan of the lab produces.
void BM_MatchAllBanners(benchmark::State& state) {
  int mode = static_cast<int>(state.range(0));
  if (!have_inputs(state, mode)) return;
  const ServiceProbeDb& db = db_for(mode);
  std::vector<std::pair<const ServiceProbe*, const std::string*>> work;
  for (const Banner& b : banners()) {
    if (const ServiceProbe* p = db.find(b.probe, b.proto)) work.emplace_back(p, &b.bytes);
  }
  if (work.empty()) {
    state.SkipWithError("no recording matches a probe of the file");
    return;
  }
  state.SetLabel(std::string(kModeNames[mode]) + ", " + std::to_string(work.size()) + " responses");
  for (auto _ : state) {
    for (const auto& [probe, bytes] : work) benchmark::DoNotOptimize(db.match(*probe, *bytes));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * work.size()));
}
BENCHMARK(BM_MatchAllBanners)->DenseRange(kJit, kPrefilter)->ThreadRange(1, 2)->UseRealTime();

}  // namespace
}  // namespace portsweep
