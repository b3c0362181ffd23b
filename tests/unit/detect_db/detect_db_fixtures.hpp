#pragma once
// Shared by the detect_db tests: the recorded banners, the installed nmap
// database (loaded once per test binary; it takes a few hundred ms), and a
// replay of version detection's probe loop over recorded responses.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/stat.h>

#include "detect/service_probes.hpp"

namespace portsweep::test {

inline constexpr const char* kInstalledProbes = "/usr/share/nmap/nmap-service-probes";

inline bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Raw bytes of tests/unit/detect_db/banners/NAME.bin.
inline std::string banner(const std::string& name) {
  std::string path = std::string(DETECT_DB_BANNERS) + "/" + name + ".bin";
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "missing fixture " << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline const ServiceProbeDb& installed_db() {
  static const ServiceProbeDb db = ServiceProbeDb::load_file(kInstalledProbes);
  return db;
}

#define REQUIRE_INSTALLED_PROBES()                                                   \
  do {                                                                              \
    if (!::portsweep::test::file_exists(::portsweep::test::kInstalledProbes))       \
      GTEST_SKIP() << "Debian's nmap-common is not installed";                     \
  } while (0)

inline ServiceProbeDb parse_text(const std::string& text, std::string name = "test-probes") {
  std::istringstream in(text);
  return ServiceProbeDb::parse(in, std::move(name));
}

// What version detection concluded, and which probe got the deciding answer.
struct Verdict {
  ServiceMatch match;
  std::string probe;
};

// Walks probe_order() the way the engine does, answering each probe with the
// recorded response for it (probes with no recording get silence), and
// applies nmap's softmatch rules: a softmatch narrows the later probes, a
// later hard match keeps the softmatch's extra fields.
inline std::optional<Verdict> replay(const ServiceProbeDb& db, uint16_t port, Proto proto, bool tls,
                                     const std::map<std::string, std::string>& responses, int intensity = 7) {
  std::optional<ServiceMatch> soft;
  std::string soft_probe;
  for (const ServiceProbe* p : db.probe_order(port, proto, tls, intensity)) {
    if (soft && !p->may_identify(soft->service)) continue;
    auto it = responses.find(p->name);
    if (it == responses.end() || it->second.empty()) continue;
    std::optional<std::string_view> named;
    if (soft) named = soft->service;
    std::optional<ServiceMatch> m = db.match(*p, it->second, named);
    if (!m) continue;
    if (!m->soft) return Verdict{soft ? combine_with_softmatch(*soft, *m) : *m, p->name};
    if (!soft) {
      soft = m;
      soft_probe = p->name;
    }
  }
  if (soft) return Verdict{*soft, soft_probe};
  return std::nullopt;
}

// Compares every field nmap prints.
inline void expect_fields(const ServiceMatch& m, const std::string& service, const std::string& product,
                          const std::string& version, const std::string& info, const std::string& hostname,
                          const std::string& ostype, const std::vector<std::string>& cpe) {
  EXPECT_EQ(m.service, service);
  EXPECT_EQ(m.product, product);
  EXPECT_EQ(m.version, version);
  EXPECT_EQ(m.info, info);
  EXPECT_EQ(m.hostname, hostname);
  EXPECT_EQ(m.ostype, ostype);
  EXPECT_EQ(m.devicetype, "");
  EXPECT_EQ(m.cpe, cpe);
}

}  // namespace portsweep::test
