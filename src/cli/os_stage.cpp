#include "cli/os_stage.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <unordered_set>

#include "common/data_file.hpp"
#include "os/os_match.hpp"
#include "os/os_observation.hpp"
#include "portsweep_config.h"
#include "output/report_text.hpp"

namespace portsweep {

std::string os_db_path(const std::string& datadir) {
  std::vector<std::string> paths;
  if (!datadir.empty()) paths.push_back(datadir + "/nmap-os-db");
  paths.push_back("/usr/share/nmap/nmap-os-db");
  paths.push_back("/usr/local/share/nmap/nmap-os-db");
  return first_data_file(paths, "nmap-os-db");
}

namespace {

void keep_lowest(uint16_t& slot, uint16_t port) {
  if (port != 0 && (slot == 0 || port < slot)) slot = port;
}

// nmap's range for a port it picks when the scan found none closed.
uint16_t random_closed_port(std::mt19937_64& rng) { return static_cast<uint16_t>(30000 + rng() % 14781); }

std::string platform() {
#if defined(__x86_64__)
  return "x86_64-pc-linux-gnu";
#elif defined(__aarch64__)
  return "aarch64-unknown-linux-gnu";
#else
  return "unknown-linux-gnu";
#endif
}

// What a host's tries came to: the best one, as nmap keeps it (a perfect
// match ends the host; otherwise the try with the highest accuracy, the
// first of equals).
struct HostOutcome {
  bool have = false;
  int tries = 0;
  double best = -1;
  double max_timing_ratio = 0;
  os::OsExchanges x;
  os::OsObservation observation;
  os::OsMatchResult match;
};

// The SEQ probes' spread against the 500 ms nmap means it to be (its
// timingRatio): far from 1, the rates it measured are off.
double timing_ratio(const os::OsExchanges& x) {
  const auto& a = x.at(os::OsProbeId::Seq1);
  const auto& b = x.at(os::OsProbeId::Seq6);
  if (a.sent.empty() || b.sent.empty()) return 0;
  return static_cast<double>(b.sent_us - a.sent_us) / 500'000.0;
}

std::string omit_reason(const OsStageRequest& req, double max_timing_ratio) {
  char why[96];
  if (req.scan_delay > 0.5) {
    std::snprintf(why, sizeof why, "Scan delay (%d) is greater than 500", static_cast<int>(req.scan_delay * 1000));
    return why;
  }
  if (req.timing_insane) return "Timing level 5 (Insane) used";
  if (max_timing_ratio > 1.4) {
    std::snprintf(why, sizeof why, "maxTimingRatio (%e) is greater than 1.4", max_timing_ratio);
    return why;
  }
  return {};
}

}  // namespace

void OsPlan::note(const PortResult& r) {
  // -O is refused for IPv6 targets: its plan holds IPv4 hosts.
  if ((r.proto != Proto::Tcp && r.proto != Proto::Udp) || !r.ip.is_v4()) return;
  HostPorts& h = hosts_[r.ip.v4_value()];
  if (r.proto == Proto::Tcp) {
    if (r.state == PortState::Open) keep_lowest(h.open_tcp, r.port);
    else if (r.state == PortState::Closed) keep_lowest(h.closed_tcp, r.port);
    else if (r.state == PortState::Unfiltered) keep_lowest(h.unfiltered_tcp, r.port);
  } else if (r.state == PortState::Closed) {
    keep_lowest(h.closed_udp, r.port);
  }
  if (h.rtt_us == 0) h.rtt_us = r.rtt_us;
}

void OsPlan::note(const HostUp& up) {
  if (up.rtt_us != 0 && up.ip.is_v4()) hosts_[up.ip.v4_value()].rtt_us = up.rtt_us;
}

const OsPlan::HostPorts* OsPlan::find(uint32_t ip) const {
  const auto it = hosts_.find(ip);
  return it == hosts_.end() ? nullptr : &it->second;
}

HostBitmap OsPlan::answered(const TargetSet& targets) const {
  HostBitmap b(targets.size());
  for (const auto& [ip, ports] : hosts_)
    if (const auto index = targets.index_of(ip)) b.set(*index);
  return b;
}

OsPlan::Choice OsPlan::choose(uint32_t ip, std::mt19937_64& rng) const {
  const HostPorts* found = find(ip);
  const HostPorts h = found ? *found : HostPorts{};
  Choice c;
  c.host.ip = ip;
  c.host.rtt_us = h.rtt_us;
  c.host.open_tcp_port = h.open_tcp;
  c.closed_tcp_known = c.host.closed_tcp_from_scan = h.closed_tcp != 0;
  c.host.closed_tcp_port = h.closed_tcp ? h.closed_tcp : h.unfiltered_tcp ? h.unfiltered_tcp : random_closed_port(rng);
  c.closed_udp_known = c.host.closed_udp_from_scan = h.closed_udp != 0;
  c.host.closed_udp_port = h.closed_udp ? h.closed_udp : random_closed_port(rng);
  c.reliable = h.open_tcp != 0 && (h.closed_tcp != 0 || h.unfiltered_tcp != 0);
  return c;
}

OsStageOutcome run_os_stage(const OsStageRequest& req, PacketIo& io, OutputSet& outputs, std::ostream& err,
                            const std::atomic<bool>& interrupt) {
  const ScanOptions& o = *req.options;
  OsStageOutcome outcome;
  std::mt19937_64 rng(req.seed ^ 0x0511ull);

  std::unordered_set<uint64_t> on_link;
  for (const OnLinkHost& h : req.next_hops->on_link_hosts()) on_link.insert(h.target_index);

  OsScanConfig cfg;
  std::vector<OsPlan::Choice> choices;
  const auto& words = req.hosts->words();
  for (size_t w = 0; w < words.size(); ++w) {
    for (uint64_t bits = words[w]; bits != 0; bits &= bits - 1) {
      const uint64_t index = w * 64 + static_cast<unsigned>(__builtin_ctzll(bits));
      const uint32_t ip = req.targets->at(index);
      const MacAddr* mac = req.next_hops->mac_for(index);
      if (mac == nullptr) {
        ++outcome.skipped;
        continue;
      }
      OsPlan::Choice c = req.plan->choose(ip, rng);
      if (o.osscan_limit && !c.reliable) {
        ++outcome.skipped;
        if (o.verbose > 0) {
          const std::string line =
              "Skipping OS Scan against " + ipv4_text(ip) + " due to absence of open (or perhaps closed) ports";
          err << line << "\n";
          outputs.on_message(line);
        }
        continue;
      }
      c.host.next_hop_mac = mac->bytes;
      c.host.on_link = on_link.count(index) != 0;
      cfg.hosts.push_back(c.host);
      choices.push_back(c);
    }
  }
  outcome.hosts = cfg.hosts.size();
  if (cfg.hosts.empty()) return outcome;

  cfg.src_mac = req.src_mac;
  cfg.src_ip = req.src_ip;
  // --ttl, when given, sets every probe's TTL, as nmap's does; its default
  // (64) is the sweep's, not nmap's random TTL for OS probes.
  cfg.ttl = o.ttl != 64 ? static_cast<uint8_t>(o.ttl) : 0;
  cfg.source_port = o.source_port.value_or(0);
  cfg.max_tries = o.max_os_tries.value_or(kDefaultMaxOsTries);
  cfg.rtt_timeout = req.rtt_timeout;
  cfg.probe_gap = std::max(cfg.probe_gap, req.scan_delay);
  cfg.seq_gap = std::max(cfg.seq_gap, req.scan_delay);
  cfg.max_rate_pps = o.max_rate.value_or(0);
  cfg.seed = req.seed;
  cfg.trace = req.trace;

  std::vector<HostOutcome> results(cfg.hosts.size());
  const os::OsMatchOptions match_options{.guess = o.osscan_guess};
  const int max_tries = cfg.max_tries;
  OsScanHooks hooks;
  hooks.on_tick = req.on_tick;
  hooks.progress = req.progress;
  hooks.progress_every_s = req.progress_every_s;
  // On the engine's judge thread, one host at a time: each host's slot of
  // `results` is written there only, and read after run_os_scan returns.
  hooks.judge = [&](size_t h, int try_index, const os::OsExchanges& x) {
    HostOutcome& out = results[h];
    os::OsObservation observation = os::observe_os(x);
    os::OsMatchResult match = os::match_os(*req.db, observation.fingerprint, match_options);
    out.tries = try_index + 1;
    out.max_timing_ratio = std::max(out.max_timing_ratio, timing_ratio(x));
    const double accuracy = match.candidates.empty() ? 0 : match.candidates.front().accuracy;
    const bool perfect = match.perfect_matches > 0 && match.status == os::OsMatchStatus::Success;
    // nmap tries a host up to --max-os-tries times only when its fingerprint
    // is one worth submitting; otherwise twice at most (FingerPrintResults::
    // OmitSubmissionFP's conditions).
    os::ScanLineFacts judged;
    judged.omit_reason = omit_reason(req, out.max_timing_ratio);
    const bool omit = !os::submission_omitted_reason(x, observation, judged).empty();
    if (!out.have || accuracy > out.best || perfect) {
      out.have = true;
      out.best = accuracy;
      out.x = x;
      out.observation = std::move(observation);
      out.match = std::move(match);
    }
    if (perfect) return true;
    const int limit = omit ? std::min(max_tries, 2) : max_tries;
    return try_index + 1 >= limit;
  };
  outcome.scan = run_os_scan(cfg, io, hooks, interrupt);
  if (outcome.scan.interrupted || !outcome.scan.error.empty()) return outcome;

  os::ScanLineFacts facts;
  facts.version = PORTSWEEP_VERSION;
  facts.platform = platform();
  for (size_t h = 0; h < results.size(); ++h) {
    HostOutcome& r = results[h];
    if (!r.have) continue;
    const OsPlan::Choice& c = choices[h];
    if (r.match.perfect_matches > 0 && r.match.status == os::OsMatchStatus::Success) ++outcome.perfect;
    OsReport report;
    report.ip = IpAddress::v4(c.host.ip);
    if (c.host.open_tcp_port != 0) report.ports_used.push_back({PortState::Open, Proto::Tcp, c.host.open_tcp_port});
    if (c.closed_tcp_known) report.ports_used.push_back({PortState::Closed, Proto::Tcp, c.host.closed_tcp_port});
    if (c.closed_udp_known || r.x.at(os::OsProbeId::U1).answered())
      report.ports_used.push_back({PortState::Closed, Proto::Udp, c.host.closed_udp_port});
    for (const os::OsGuess& g : r.match.guesses) {
      if (g.reference == nullptr) continue;
      OsMatchReport m;
      m.name = g.reference->name;
      m.accuracy = static_cast<int>(g.accuracy * 100);
      m.line = g.reference->line;
      for (const os::OsClass& k : g.reference->classes)
        m.classes.push_back({k.device_type, k.vendor, k.family, k.generation, m.accuracy, k.cpes});
      report.matches.push_back(std::move(m));
    }
    // nmap prints guesses as if --osscan-guess were given when it would not
    // offer the fingerprint for submission, and its warning when the scan
    // found no open or no closed port.
    os::ScanLineFacts judged;
    judged.omit_reason = omit_reason(req, r.max_timing_ratio);
    os::OsSummaryOptions sum_options;
    sum_options.guess = o.osscan_guess;
    sum_options.omit_reason = os::submission_omitted_reason(r.x, r.observation, judged);
    sum_options.verbose = o.verbose;
    sum_options.debugging = o.debug > 0;
    sum_options.unreliable = !c.reliable;
    const os::OsSummary summary = os::summarize_os(r.match, sum_options);
    report.summary = summary.lines;
    int64_t first_sent_us = 0;
    for (const os::OsExchange& e : r.x.probes)
      if (!e.sent.empty() && (first_sent_us == 0 || e.sent_us < first_sent_us)) first_sent_us = e.sent_us;
    report.scan_time_s = first_sent_us / 1'000'000;
    if (summary.show_fingerprint) {
      facts.time_s = report.scan_time_s;
      facts.omit_reason = omit_reason(req, r.max_timing_ratio);
      facts.too_many_matches = r.match.status == os::OsMatchStatus::TooManyMatches;
      // Wrapped in nmap's "OS:" rows only when offered for submission.
      report.fingerprint = os::format_subject_fingerprint(r.x, r.observation, facts, summary.fingerprint_wrapped);
    }
    report.distance = r.observation.distance;
    report.uptime_seconds = r.observation.uptime_seconds;
    report.tcp_seq_index = r.observation.tcp_seq_index;
    report.tcp_seq_difficulty = r.observation.tcp_seq_difficulty;
    report.tcp_seq_values = os::format_hex_list(r.observation.tcp_isns);
    report.ipid_class = r.observation.ipid_class;
    report.ipid_values = os::format_hex_list(r.observation.ipids);
    report.ts_class = r.observation.ts_class;
    report.ts_values = os::format_hex_list(r.observation.tsvals);
    outputs.on_os(std::move(report));
  }
  return outcome;
}

}  // namespace portsweep
