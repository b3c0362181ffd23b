#include "detect/service_probes.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>

#include <sys/stat.h>

#include "common/data_file.hpp"
#include "common/error.hpp"
#include "detect/version_match_prefilter.hpp"
#include "portsweep_config.h"

namespace portsweep {

void PortRanges::add(uint16_t first, uint16_t last) {
  ranges_.emplace_back(first, last);
  std::sort(ranges_.begin(), ranges_.end());
  // Merge overlapping and adjacent ranges so contains() is one binary search.
  std::vector<std::pair<uint16_t, uint16_t>> merged;
  for (const auto& r : ranges_) {
    if (!merged.empty() && static_cast<unsigned>(r.first) <= static_cast<unsigned>(merged.back().second) + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  ranges_ = std::move(merged);
}

bool PortRanges::contains(uint16_t port) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), port,
                             [](uint16_t p, const std::pair<uint16_t, uint16_t>& r) { return p < r.first; });
  return it != ranges_.begin() && port <= std::prev(it)->second;
}

bool ServiceProbe::may_identify(std::string_view service) const {
  return std::any_of(matches.begin(), matches.end(),
                     [service](const VersionMatch& m) { return m.service == service; });
}

std::vector<std::string> ServiceProbeDb::search_path(const std::string& datadir) {
  std::vector<std::string> paths;
  if (!datadir.empty()) {
    paths.push_back(datadir + "/nmap-service-probes");
    paths.push_back(datadir + "/portsweep-service-probes");
  }
  paths.push_back("/usr/share/nmap/nmap-service-probes");
  paths.push_back("/usr/local/share/nmap/nmap-service-probes");
  paths.push_back(std::string(PORTSWEEP_DATADIR) + "/portsweep-service-probes");
  paths.push_back(std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-service-probes");
  return paths;
}

ServiceProbeDb ServiceProbeDb::load(const std::string& datadir, ServiceProbeLoadOptions options) {
  return load_file(first_data_file(search_path(datadir), "service probes"), options);
}

ServiceProbeDb ServiceProbeDb::load_file(const std::string& path, ServiceProbeLoadOptions options) {
  std::string text = read_data_file(path, "service probes");
  std::istringstream in(std::move(text));
  return parse(in, path, options);
}

const ServiceProbe* ServiceProbeDb::find(std::string_view name, Proto proto) const {
  for (const ServiceProbe& p : probes_) {
    if (p.proto == proto && p.name == name) return &p;
  }
  return nullptr;
}

const ServiceProbe* ServiceProbeDb::null_probe() const {
  if (null_index_ >= probes_.size()) return nullptr;
  return &probes_[null_index_];
}

bool ServiceProbeDb::excluded(uint16_t port, Proto proto) const {
  if (proto == Proto::Tcp) return excluded_tcp_.contains(port);
  if (proto == Proto::Udp) return excluded_udp_.contains(port);
  return false;
}

std::vector<const ServiceProbe*> ServiceProbeDb::probe_order(uint16_t port, Proto proto, bool tls, int intensity,
                                                             std::optional<std::string_view> softmatched) const {
  std::vector<const ServiceProbe*> order;
  const ServiceProbe* null = proto == Proto::Tcp ? null_probe() : nullptr;
  if (null != nullptr && !softmatched) order.push_back(null);
  auto wanted = [&](const ServiceProbe& p) {
    return p.proto == proto && &p != null && (!softmatched || p.may_identify(*softmatched));
  };
  // Probes registered for the port go first and ignore the intensity: that
  // is what makes the DNS probes reach port 53 even at --version-intensity 0.
  for (const ServiceProbe& p : probes_) {
    if (wanted(p) && p.lists_port(port, tls)) order.push_back(&p);
  }
  for (const ServiceProbe& p : probes_) {
    if (wanted(p) && !p.lists_port(port, tls) && p.rarity <= intensity) order.push_back(&p);
  }
  return order;
}

void ServiceProbeDb::fill_chain(const ServiceProbe& probe, std::vector<const ServiceProbe*>& chain) const {
  chain.assign(1, &probe);
  auto add = [&chain](const ServiceProbe* p) {
    if (p != nullptr && std::find(chain.begin(), chain.end(), p) == chain.end()) chain.push_back(p);
  };
  for (const ServiceProbe* f : probe.fallbacks) add(f);
  // Many services greet before they read, so a banner can arrive in answer
  // to any TCP probe; nmap consults the NULL probe's lines last for TCP.
  if (probe.proto == Proto::Tcp) add(null_probe());
}

std::vector<const ServiceProbe*> ServiceProbeDb::match_chain(const ServiceProbe& probe) const {
  std::vector<const ServiceProbe*> chain;
  fill_chain(probe, chain);
  return chain;
}

std::optional<ServiceMatch> ServiceProbeDb::match(const ServiceProbe& probe, std::string_view response,
                                                  std::optional<std::string_view> softmatched) const {
  std::optional<ServiceMatch> soft;
  thread_local std::vector<uint32_t> lines;
  thread_local std::vector<char> flags;
  thread_local std::vector<const ServiceProbe*> chain;  // reused: no allocation per call
  fill_chain(probe, chain);
  for (const ServiceProbe* p : chain) {
    // The lines worth running, ascending: all of them, or those a prefilter
    // (Hyperscan) or the first-byte index leaves. Either way PCRE2 decides,
    // in file order, so the answer does not depend on the choice.
    auto index = static_cast<size_t>(p - probes_.data());
    const ProbePrefilter* prefilter = prefilters_.empty() ? nullptr : prefilters_[index].get();
    lines.clear();
    if (prefilter != nullptr) {
      flags.assign(p->matches.size(), 0);
      prefilter->scan(response, flags);
      for (uint32_t i = 0; i < flags.size(); ++i) {
        if (flags[i]) lines.push_back(i);
      }
    } else if (!indexes_.empty()) {
      indexes_[index].candidates(response, lines);
    } else {
      for (uint32_t i = 0; i < p->matches.size(); ++i) lines.push_back(i);
    }
    for (uint32_t i : lines) {
      const VersionMatch& m = p->matches[i];
      if (!m.usable()) continue;
      if (m.soft) {
        // Only the first softmatch counts, and after an earlier softmatch
        // only one that agrees with it; skip the regex when it cannot count.
        if (soft || (softmatched && m.service != *softmatched)) continue;
        soft = m.apply(response);
        continue;
      }
      if (std::optional<ServiceMatch> hard = m.apply(response)) return hard;
    }
  }
  return soft;
}

}  // namespace portsweep
