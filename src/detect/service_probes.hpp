#pragma once
// nmap's service-fingerprint database (an nmap-service-probes file): the
// probes version detection sends, the port lists that say where each is most
// likely to help, and the match/softmatch lines that turn a response into a
// service name and version.
//
// The engine's loop, nmap's way:
//   auto order = db.probe_order(port, proto, tls, intensity);
//   std::optional<ServiceMatch> soft;           // the softmatch so far
//   for (const ServiceProbe* p : order) {
//     if (soft && !p->may_identify(soft->service)) continue;  // nmap narrows after a softmatch
//     send p->payload, read the response for up to p->total_wait …
//     auto m = db.match(*p, response, soft ? std::optional<std::string_view>(soft->service) : std::nullopt);
//     if (m && !m->soft) { report soft ? combine_with_softmatch(*soft, *m) : *m; break; }
//     if (m && !soft) soft = m;                 // keep probing for a hard match
//   }
//   no hard match: report *soft if any (nmap prints the softmatched service).
//
// A loaded database is immutable: probes(), find(), probe_order() and match()
// may be called from any number of threads at once.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detect/version_match.hpp"
#include "detect/version_match_index.hpp"
#include "portsweep/result.hpp"

namespace portsweep {

// A ports/sslports/Exclude list: sorted, merged, inclusive ranges.
class PortRanges {
 public:
  void add(uint16_t first, uint16_t last);
  bool contains(uint16_t port) const;
  bool empty() const { return ranges_.empty(); }
  const std::vector<std::pair<uint16_t, uint16_t>>& ranges() const { return ranges_; }

 private:
  std::vector<std::pair<uint16_t, uint16_t>> ranges_;
};

struct ServiceProbe {
  Proto proto = Proto::Tcp;          // Tcp or Udp
  std::string name;                  // "NULL", "GetRequest", …
  std::string payload;               // bytes to send, escapes decoded; empty for NULL
  // "no-payload": nmap marks probes that must not double as UDP port-scan
  // payloads; version detection still sends them.
  bool no_payload = false;
  int rarity = 5;                    // 1 (common) … 9 (rare); nmap's default when unset
  PortRanges ports;                  // where the probe is most likely to help, in clear
  PortRanges sslports;               // … and inside a TLS tunnel
  std::chrono::milliseconds total_wait{5000};   // how long to wait for a response
  std::chrono::milliseconds tcpwrapped{2000};   // a close before this means "tcpwrapped"
  // The probes named by `fallback`, resolved (same protocol first, then the
  // other). match() also falls back to the NULL probe for TCP probes.
  std::vector<const ServiceProbe*> fallbacks;
  std::vector<VersionMatch> matches;  // match and softmatch lines, in file order
  size_t line = 0;                    // line of the Probe directive

  bool is_null() const { return name == "NULL" && payload.empty(); }
  // Whether any of this probe's own match lines names `service` (nmap only
  // sends such probes once a softmatch has named the service).
  bool may_identify(std::string_view service) const;
  // Whether the port lists name `port` (sslports when `tls`).
  bool lists_port(uint16_t port, bool tls) const { return (tls ? sslports : ports).contains(port); }
};

struct ServiceProbeStats {
  size_t probes = 0;
  size_t matches = 0;         // hard match lines
  size_t softmatches = 0;
  size_t jitted = 0;          // expressions running as JIT code
  std::chrono::microseconds parse_time{0};    // reading and checking the text
  std::chrono::microseconds compile_time{0};  // PCRE2 compile + JIT of every expression, and the index
  size_t first_byte_indexed = 0;  // lines FirstByteIndex can skip by the first byte
  // With ServiceProbeLoadOptions::prefilter in a Hyperscan build:
  size_t prefiltered = 0;        // expressions in the Hyperscan databases
  size_t prefilter_rejected = 0; // expressions Hyperscan would not take (PCRE2 only)
  std::chrono::microseconds prefilter_time{0};
};

struct ServiceProbeLoadOptions {
  bool jit = true;         // PCRE2 JIT; off only to measure what it buys
  // Skip lines whose pattern cannot start with the response's first byte
  // (FirstByteIndex). Same answers; off only to measure what it buys.
  bool first_byte_index = true;
  // A Hyperscan prefilter per probe (only in builds with libhs; ignored
  // otherwise). Same answers, different speed: see bench/detect.
  bool prefilter = false;
};

class ProbePrefilter;

class ServiceProbeDb {
 public:
  ServiceProbeDb() = default;
  // Probes point at each other (fallbacks), so the database moves but never copies.
  ServiceProbeDb(ServiceProbeDb&&) noexcept = default;
  ServiceProbeDb& operator=(ServiceProbeDb&&) noexcept = default;
  ServiceProbeDb(const ServiceProbeDb&) = delete;
  ServiceProbeDb& operator=(const ServiceProbeDb&) = delete;

  // Files tried in order: DATADIR/nmap-service-probes (with --datadir), nmap's
  // installed copies, then this project's own data/portsweep-service-probes
  // (installed, then source tree).
  static std::vector<std::string> search_path(const std::string& datadir = {});
  // Loads the first file of search_path() that exists. Throws RuntimeFailure
  // when none exists or one cannot be read, UsageError when it does not parse.
  static ServiceProbeDb load(const std::string& datadir = {}, ServiceProbeLoadOptions options = {});
  static ServiceProbeDb load_file(const std::string& path, ServiceProbeLoadOptions options = {});
  // Throws UsageError "SOURCE:LINE: what was wrong; expected what" on the
  // first malformed line. Patterns PCRE2 rejects are not errors (see stats()).
  static ServiceProbeDb parse(std::istream& in, std::string source_name,
                              ServiceProbeLoadOptions options = {});

  const std::string& source() const { return source_; }
  const ServiceProbeStats& stats() const { return stats_; }

  const std::vector<ServiceProbe>& probes() const { return probes_; }  // file order
  const ServiceProbe* find(std::string_view name, Proto proto) const;
  const ServiceProbe* null_probe() const;  // the TCP NULL probe, if the file has one

  // The Exclude directive: ports version detection leaves alone (nmap's
  // --allports overrides it; that is the caller's decision).
  bool excluded(uint16_t port, Proto proto) const;

  // The probes to send to an open port, in order: the NULL probe first (TCP),
  // then, in file order, every probe of the protocol whose ports (sslports
  // when `tls`) list the port, whatever its rarity, then the remaining probes
  // with rarity <= intensity. When `softmatched` names a service the list
  // keeps only probes that may_identify() it (the NULL probe is dropped then:
  // it has already been tried).
  std::vector<const ServiceProbe*> probe_order(uint16_t port, Proto proto, bool tls, int intensity,
                                               std::optional<std::string_view> softmatched = {}) const;

  // Matches `response` to what `probe` received: the probe's own lines, then
  // its fallbacks', then (TCP only) the NULL probe's. Returns the first hard
  // match; failing that the first softmatch, which, when `softmatched` names
  // a service already, must name that same service.
  std::optional<ServiceMatch> match(const ServiceProbe& probe, std::string_view response,
                                    std::optional<std::string_view> softmatched = {}) const;

  // The probes match() consults for `probe`, in order, each once.
  std::vector<const ServiceProbe*> match_chain(const ServiceProbe& probe) const;

 private:
  friend class ServiceProbeParser;
  void fill_chain(const ServiceProbe& probe, std::vector<const ServiceProbe*>& chain) const;

  std::string source_;
  std::vector<ServiceProbe> probes_;
  size_t null_index_ = static_cast<size_t>(-1);  // the TCP NULL probe in probes_, if any
  PortRanges excluded_tcp_;
  PortRanges excluded_udp_;
  ServiceProbeStats stats_;
  // Parallel to probes_ when enabled (empty otherwise); a null prefilter
  // where Hyperscan took none of the probe's patterns.
  std::vector<FirstByteIndex> indexes_;
  std::vector<std::shared_ptr<const ProbePrefilter>> prefilters_;
};

}  // namespace portsweep
