// The first-byte index only skips lines PCRE2 would reject: for every
// recorded response, every probe of its protocol and with or without an
// earlier softmatch, the answer is the same with and without it, JIT or not.
#include <gtest/gtest.h>

#include <dirent.h>

#include <thread>

#include "detect_db_fixtures.hpp"

namespace portsweep {
namespace {

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  if (DIR* d = opendir(DETECT_DB_BANNERS)) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 4 && n.substr(n.size() - 4) == ".bin") names.push_back(n.substr(0, n.size() - 4));
    }
    closedir(d);
  }
  return names;
}

std::string describe(const std::optional<ServiceMatch>& m) {
  if (!m) return "none";
  std::string s = (m->soft ? "soft " : "") + m->service + "|" + m->product + "|" + m->version + "|" + m->info +
                  "|" + m->hostname + "|" + m->ostype + "|" + m->devicetype + "|line " + std::to_string(m->line);
  for (const std::string& c : m->cpe) s += "|" + c;
  return s;
}

TEST(MatchEquivalence, IndexAndJitChangeNoAnswer) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& indexed = test::installed_db();
  ServiceProbeDb plain =
      ServiceProbeDb::load_file(test::kInstalledProbes, ServiceProbeLoadOptions{.jit = true, .first_byte_index = false});
  ServiceProbeDb interp =
      ServiceProbeDb::load_file(test::kInstalledProbes, ServiceProbeLoadOptions{.jit = false, .first_byte_index = true});
  EXPECT_GT(indexed.stats().first_byte_indexed, indexed.stats().matches / 2);
  auto names = fixture_names();
  ASSERT_GE(names.size(), 10u);
  // Responses made up to hit the edges: nothing, one byte, binary noise.
  std::vector<std::pair<std::string, std::string>> inputs = {{"empty", ""}, {"one byte", "\x16"},
                                                             {"noise", std::string("\0\xff\x10 HTTP/1.1", 13)}};
  for (const std::string& n : names) inputs.emplace_back(n, test::banner(n));
  size_t compared = 0;
  for (const auto& [name, bytes] : inputs) {
    for (size_t i = 0; i < indexed.probes().size(); ++i) {
      for (std::optional<std::string_view> soft : {std::optional<std::string_view>{}, std::optional<std::string_view>{"http"}}) {
        std::string a = describe(indexed.match(indexed.probes()[i], bytes, soft));
        EXPECT_EQ(a, describe(plain.match(plain.probes()[i], bytes, soft))) << name << " / " << indexed.probes()[i].name;
        EXPECT_EQ(a, describe(interp.match(interp.probes()[i], bytes, soft))) << name << " / " << indexed.probes()[i].name;
        ++compared;
      }
    }
  }
  RecordProperty("compared", std::to_string(compared));
}

// The engine matches on several threads at once (per-thread PCRE2 match data
// and JIT stacks): answers must not depend on which thread asks.
TEST(MatchEquivalence, ConcurrentMatchingAgrees) {
  REQUIRE_INSTALLED_PROBES();
  const ServiceProbeDb& db = test::installed_db();
  std::vector<std::pair<const ServiceProbe*, std::string>> work;
  for (const std::string& n : fixture_names()) {
    std::string probe = n.substr(n.find("__") + 6);
    Proto proto = n.find("__UDP_") != std::string::npos ? Proto::Udp : Proto::Tcp;
    if (const ServiceProbe* p = db.find(probe, proto)) work.emplace_back(p, test::banner(n));
  }
  ASSERT_GE(work.size(), 10u);
  std::vector<std::string> expected;
  for (const auto& [p, bytes] : work) expected.push_back(describe(db.match(*p, bytes)));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < work.size(); ++i) {
          size_t k = (i + static_cast<size_t>(t) * 7) % work.size();
          if (describe(db.match(*work[k].first, work[k].second)) != expected[k]) ++mismatches[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace portsweep
