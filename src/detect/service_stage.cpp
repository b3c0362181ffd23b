#include "detect/service_stage.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <tuple>

#include "detect/event_poller.hpp"
#include "detect/udp_service_scanner.hpp"
#include "detect/version_trace.hpp"
#include "output/host_table.hpp"
#include "output/output_set.hpp"

namespace portsweep {

namespace {

constexpr std::string_view kTcpWrapped = "tcpwrapped";

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<ServiceTarget> service_targets(const HostTable& hosts, const ServiceProbeDb& db,
                                           const DetectOptions& options) {
  std::vector<ServiceTarget> targets;
  for (const IpAddress& ip : hosts.sorted_addresses()) {
    const HostEntry* h = hosts.find(ip);
    std::vector<ServiceTarget> ports;
    for (const KeptPort& p : h->ports) {
      // UDP version detection needs the UDP scan, which is not there yet.
      if (p.state != PortState::Open || p.proto != Proto::Tcp) continue;
      if (!options.all_ports && db.excluded(p.port, p.proto)) continue;
      ports.push_back({ip, p.port, p.proto});
    }
    std::sort(ports.begin(), ports.end(), [](const ServiceTarget& a, const ServiceTarget& b) { return a.port < b.port; });
    // A port reported twice (a duplicated reply) is probed once.
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    targets.insert(targets.end(), ports.begin(), ports.end());
  }
  return targets;
}

std::vector<ServiceTarget> udp_service_targets(const HostTable& hosts, const ServiceProbeDb& db,
                                               const DetectOptions& options,
                                               const std::vector<uint16_t>& unanswered,
                                               std::size_t* skipped_hosts, std::size_t* open_count) {
  std::vector<ServiceTarget> open;
  std::vector<ServiceTarget> open_filtered;
  std::size_t skipped = 0;
  auto wanted = [&](uint16_t port) { return options.all_ports || !db.excluded(port, Proto::Udp); };
  std::vector<uint16_t> listed;
  std::vector<ServiceTarget> host_open, host_of;  // one host's, reused
  for (const IpAddress& ip : hosts.sorted_addresses()) {
    const HostEntry* h = hosts.find(ip);
    listed.clear();
    host_open.clear();
    host_of.clear();
    for (const KeptPort& p : h->ports) {
      if (p.proto != Proto::Udp) continue;
      listed.push_back(p.port);
      if (!wanted(p.port)) continue;
      if (p.state == PortState::Open) host_open.push_back({ip, p.port, Proto::Udp});
      if (p.state == PortState::OpenFiltered) host_of.push_back({ip, p.port, Proto::Udp});
    }
    if (!unanswered.empty()) {
      if (h->dropped_states != 0) {
        ++skipped;  // which ports answered is no longer known
      } else {
        std::sort(listed.begin(), listed.end());
        for (uint16_t port : unanswered) {
          if (wanted(port) && !std::binary_search(listed.begin(), listed.end(), port))
            host_of.push_back({ip, port, Proto::Udp});
        }
      }
    }
    for (auto* v : {&host_open, &host_of}) {
      std::sort(v->begin(), v->end(), [](const ServiceTarget& a, const ServiceTarget& b) { return a.port < b.port; });
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    open.insert(open.end(), host_open.begin(), host_open.end());
    open_filtered.insert(open_filtered.end(), host_of.begin(), host_of.end());
  }
  if (skipped_hosts != nullptr) *skipped_hosts = skipped;
  if (open_count != nullptr) *open_count = open.size();
  open.insert(open.end(), open_filtered.begin(), open_filtered.end());
  return open;
}

ServiceReport service_report(const ServiceOutcome& outcome, std::string_view table_name) {
  ServiceReport r;
  r.ssl_tunnel = outcome.tls;
  switch (outcome.verdict) {
    case ServiceVerdict::Matched:
    case ServiceVerdict::SoftMatched:
      if (outcome.match) {
        const ServiceMatch& m = *outcome.match;
        r.name = m.service;
        r.product = m.product;
        r.version = m.version;
        r.extrainfo = m.info;
        r.hostname = m.hostname;
        r.ostype = m.ostype;
        r.devicetype = m.devicetype;
        r.cpe = m.cpe;
        r.method = ServiceMethod::Probed;
        r.conf = kConfProbed;
        return r;
      }
      break;
    case ServiceVerdict::TcpWrapped:
      r.name = kTcpWrapped;
      r.method = ServiceMethod::Probed;
      r.conf = kConfTcpWrapped;
      return r;
    case ServiceVerdict::NoMatch:
    case ServiceVerdict::Incomplete:
      break;
  }
  r.name = table_name;
  r.method = ServiceMethod::Table;
  r.conf = kConfTable;
  return r;
}

namespace {

void add_stats(ServiceScanStats& into, const ServiceScanStats& s) {
  into.ports += s.ports;
  into.matched += s.matched;
  into.softmatched += s.softmatched;
  into.tcpwrapped += s.tcpwrapped;
  into.no_match += s.no_match;
  into.incomplete += s.incomplete;
  into.silent += s.silent;
  into.opened += s.opened;
  into.connections += s.connections;
  into.probes += s.probes;
  into.matches += s.matches;
  into.match_batches += s.match_batches;
  into.match_seconds += s.match_seconds;
  into.seconds += s.seconds;
  into.parallel = std::max(into.parallel, s.parallel);
  into.interrupted = into.interrupted || s.interrupted;
}

// One line at a time on the progress stream: the TCP and UDP loops share it.
class ProgressLines {
 public:
  explicit ProgressLines(std::ostream* out) : out_(out) {}
  void write(const char* line) {
    if (out_ == nullptr) return;
    std::lock_guard lock(mutex_);
    *out_ << line << std::flush;
  }
  ServiceScanner::OnProgress printer(const char* what) {
    if (out_ == nullptr) return {};
    return [this, what](std::size_t finished, std::size_t total) {
      char line[160];
      std::snprintf(line, sizeof line, "portsweep: %s %5.1f%% done, %zu of %zu ports\n", what,
                    total == 0 ? 100.0 : 100.0 * static_cast<double>(finished) / static_cast<double>(total),
                    finished, total);
      write(line);
    };
  }

 private:
  std::ostream* out_;
  std::mutex mutex_;
};

std::string tcp_summary(const ServiceScanStats& stats, std::string_view overlap = {}) {
  char line[512];
  std::snprintf(line, sizeof line,
                "portsweep: version detection of %zu ports in %.2f s (%u connections at once): %zu matched, "
                "%zu softmatched, %zu tcpwrapped, %zu unidentified, %zu incomplete; %zu connections, "
                "%zu probes, %zu responses matched in %.2f s",
                stats.ports, stats.seconds, stats.parallel, stats.matched, stats.softmatched, stats.tcpwrapped,
                stats.no_match, stats.incomplete, stats.connections, stats.probes, stats.matches,
                stats.match_seconds);
  std::string text = line;
  if (!overlap.empty()) text += "; " + std::string(overlap);
  return text + "\n";
}

std::string udp_summary(const ServiceScanStats& u, std::string_view overlap = {}) {
  char line[512];
  std::snprintf(line, sizeof line,
                "portsweep: UDP version detection of %zu ports in %.2f s (%u at once): %zu matched, "
                "%zu softmatched, %zu answered unidentified, %zu silent, %zu incomplete; %zu open|filtered "
                "ports found open; %zu probes, %zu responses matched in %.2f s",
                u.ports, u.seconds, u.parallel, u.matched, u.softmatched, u.no_match, u.silent, u.incomplete,
                u.opened, u.probes, u.matches, u.match_seconds);
  std::string text = line;
  if (!overlap.empty()) text += "; " + std::string(overlap);
  return text + "\n";
}

// How much of a live lane's detection ran while the sweep did.
std::string overlap_text(std::optional<std::chrono::steady_clock::time_point> first_fed,
                         std::chrono::steady_clock::time_point sweep_end,
                         std::chrono::steady_clock::time_point detection_end, std::size_t done_by_then,
                         std::size_t fed) {
  if (!first_fed || fed == 0) return {};
  const double alongside = std::chrono::duration<double>(sweep_end - *first_fed).count();
  const double after = std::chrono::duration<double>(detection_end - sweep_end).count();
  char text[256];
  std::snprintf(text, sizeof text,
                "begun during the sweep: %.2f s alongside it (%.0f%%), %.2f s after it; %zu of %zu ports done "
                "before the sweep ended",
                alongside, 100.0 * alongside / std::max(alongside + after, 1e-9), after, done_by_then, fed);
  return text;
}

}  // namespace

// The TCP ports run on this thread and the UDP ports on one of their own, at
// once, as nmap probes both in one group: the stage takes as long as the
// longer of the two. They share only the outputs (serialised by OutputSet),
// the trace (VersionTrace locks) and the progress stream (ProgressLines).
ServiceScanStats run_service_stage(const ServiceProbeDb& db, OutputSet& outputs,
                                   const ServiceStageOptions& options) {
  std::vector<ServiceTarget> targets = service_targets(outputs.hosts(), db, options.detect);
  if (options.probed != nullptr) {
    std::erase_if(targets,
                  [&](const ServiceTarget& t) { return options.probed->contains(t); });
  }
  std::size_t skipped_hosts = 0;
  std::size_t udp_open = 0;
  std::vector<ServiceTarget> udp_targets = udp_service_targets(
      outputs.hosts(), db, options.detect, options.udp_unanswered, &skipped_hosts, &udp_open);
  if (options.probed != nullptr) {
    std::size_t kept = 0, kept_open = 0;
    for (std::size_t k = 0; k < udp_targets.size(); ++k) {
      if (options.probed->contains(udp_targets[k])) continue;
      if (k < udp_open) ++kept_open;
      udp_targets[kept++] = udp_targets[k];
    }
    udp_targets.resize(kept);
    udp_open = kept_open;
  }
  std::unique_ptr<VersionTrace> trace;
  if (options.trace != nullptr) trace = std::make_unique<VersionTrace>(*options.trace);
  auto table_name = [&](const ServiceTarget& t) {
    return options.table_name ? options.table_name(t.port, t.proto) : std::string_view();
  };
  ProgressLines progress(options.progress);
  if (skipped_hosts != 0) {
    const std::string warning = "portsweep: warning: the unanswered UDP ports of " + std::to_string(skipped_hosts) +
                                " hosts are not known (their results outgrew the host table's port lists); only "
                                "their listed UDP ports get version detection\n";
    progress.write(warning.c_str());
  }

  // --max-parallelism (and the open-file limit) bounds the ports probed at
  // once, TCP's and UDP's together: UDP gets up to half while TCP has more
  // ports than the rest, all that TCP leaves otherwise. Below two, the UDP
  // ports wait for the TCP ports to finish.
  DetectOptions tcp_options = options.detect;
  DetectOptions udp_options = options.detect;
  const std::size_t total = std::min<std::size_t>(options.detect.max_parallel, usable_sockets());
  const bool side_by_side = !targets.empty() && !udp_targets.empty() && total >= 2;
  if (side_by_side) {
    const std::size_t tcp_share = std::min(targets.size(), total - std::min(udp_targets.size(), total / 2));
    tcp_options.max_parallel = static_cast<unsigned>(tcp_share);
    udp_options.max_parallel = static_cast<unsigned>(total - tcp_share);
  }

  // Which UDP ports the sweep had open is read here, before the table
  // changes: the first udp_open targets, in (ip, port) order.
  auto by_address = [](const ServiceTarget& a, const ServiceTarget& b) {
    return std::tie(a.ip, a.port) < std::tie(b.ip, b.port);
  };
  const std::span<const ServiceTarget> listed_open(udp_targets.data(), udp_open);
  UdpServiceScanner udp(db, udp_options, trace.get());
  ServiceScanStats u;
  std::size_t opened = 0;
  std::exception_ptr udp_error;
  auto run_udp = [&] {
    try {
      u = udp.run(
          udp_targets,
          [&](const ServiceOutcome& o) {
            const int64_t now = now_us();
            if (o.answered) {
              // Any datagram proves the port open, as nmap says after -sV.
              PortResult r;
              r.ip = o.target.ip;
              r.port = o.target.port;
              r.proto = Proto::Udp;
              r.state = PortState::Open;
              r.reason = Reason::UdpResponse;
              r.time_us = now;
              if (outputs.on_port_update(r)) ++opened;
            } else if (!std::binary_search(listed_open.begin(), listed_open.end(), o.target, by_address)) {
              return;  // silent: the port keeps the sweep's state, with no service of its own
            }
            outputs.on_service(
                {o.target.ip, o.target.port, Proto::Udp, now, service_report(o, table_name(o.target))});
          },
          options.stop, progress.printer("UDP version detection"));
    } catch (...) {
      udp_error = std::current_exception();
    }
  };
  std::thread udp_thread;
  if (side_by_side) udp_thread = std::thread(run_udp);

  ServiceScanStats stats;
  try {
    // A live stage has said its own line for the ports it probed.
    if (!targets.empty() || (udp_targets.empty() && options.probed == nullptr)) {
      ServiceScanner scanner(db, tcp_options, trace.get());
      stats = scanner.run(
          targets,
          [&](const ServiceOutcome& o) {
            outputs.on_service(
                {o.target.ip, o.target.port, o.target.proto, now_us(), service_report(o, table_name(o.target))});
          },
          options.stop, progress.printer("version detection"));
      progress.write(tcp_summary(stats).c_str());
    }
  } catch (...) {
    if (udp_thread.joinable()) {
      udp.abandon();
      udp_thread.join();
    }
    throw;
  }
  if (udp_targets.empty()) return stats;
  if (udp_thread.joinable()) {
    udp_thread.join();
  } else if (stats.interrupted) {
    return stats;
  } else {
    run_udp();
  }
  if (udp_error) std::rethrow_exception(udp_error);
  u.opened = opened;
  progress.write(udp_summary(u).c_str());
  const double tcp_seconds = stats.seconds;
  add_stats(stats, u);
  stats.seconds = std::max(tcp_seconds, u.seconds);  // side by side, not one after the other
  return stats;
}

LiveServiceStage::LiveServiceStage(const ServiceProbeDb& db, OutputSet& outputs, ServiceStageOptions options,
                                   bool tcp, bool udp)
    : db_(db), outputs_(outputs), options_(std::move(options)) {
  if (options_.trace != nullptr) trace_ = std::make_unique<VersionTrace>(*options_.trace);
  auto table_name = [this](const ServiceTarget& t) {
    return options_.table_name ? options_.table_name(t.port, t.proto) : std::string_view();
  };
  DetectOptions tcp_options = options_.detect;
  DetectOptions udp_options = options_.detect;
  const std::size_t total = std::min<std::size_t>(options_.detect.max_parallel, usable_sockets());
  if (tcp && udp && total >= 2) {
    udp_options.max_parallel = static_cast<unsigned>(total / 2);
    tcp_options.max_parallel = static_cast<unsigned>(total - total / 2);
  }
  // Each finding goes to the outputs at once (a UDP port here answered the
  // sweep: open already, so it gets its service, or the table's guess,
  // whatever the probes heard).
  auto reporter = [this, table_name](Lane& lane) {
    return [this, table_name, &lane](const ServiceOutcome& o) {
      outputs_.on_service(
          {o.target.ip, o.target.port, o.target.proto, now_us(), service_report(o, table_name(o.target))});
      lane.finished.fetch_add(1, std::memory_order_relaxed);
    };
  };
  auto start = [](Lane& lane, auto run) {
    lane.thread = std::thread([&lane, run] {
      try {
        lane.stats = run();
      } catch (...) {
        lane.error = std::current_exception();
      }
    });
  };
  if (tcp) {
    tcp_scanner_ = std::make_unique<ServiceScanner>(db_, tcp_options, trace_.get());
    start(tcp_, [this, done = reporter(tcp_)] { return tcp_scanner_->run(tcp_.feed, done, options_.stop); });
  }
  if (udp) {
    udp_scanner_ = std::make_unique<UdpServiceScanner>(db_, udp_options, trace_.get());
    start(udp_, [this, done = reporter(udp_)] { return udp_scanner_->run(udp_.feed, done, options_.stop, {}); });
  }
}

LiveServiceStage::~LiveServiceStage() { abandon(); }

void LiveServiceStage::abandon() {
  if (tcp_scanner_) tcp_scanner_->abandon();
  if (udp_scanner_) udp_scanner_->abandon();
  for (Lane* lane : {&tcp_, &udp_}) {
    lane->feed.close();
    if (lane->thread.joinable()) lane->thread.join();
  }
}

void LiveServiceStage::on_results(std::span<const PortResult> batch) {
  std::lock_guard lock(seen_mutex_);
  for (const PortResult& r : batch) {
    if (r.state != PortState::Open) continue;
    Lane& lane = r.proto == Proto::Tcp ? tcp_ : udp_;
    if (r.proto == Proto::Tcp ? !tcp_scanner_ : (r.proto != Proto::Udp || !udp_scanner_)) continue;
    if (!options_.detect.all_ports && db_.excluded(r.port, r.proto)) continue;
    // A port reported twice (a duplicated reply, a resumed run) is probed once.
    const ServiceTarget target{r.ip, r.port, r.proto};
    if (!seen_.insert(target).second) continue;
    if (!lane.first_fed) lane.first_fed = Clock::now();
    ++lane.fed;
    lane.feed.push(target);
  }
}

ServiceScanStats LiveServiceStage::finish(ServiceStageOptions rest) {
  const Clock::time_point sweep_end = Clock::now();
  const std::size_t tcp_done = tcp_.finished.load(std::memory_order_relaxed);
  const std::size_t udp_done = udp_.finished.load(std::memory_order_relaxed);
  ServiceScanStats stats;
  double live_seconds = 0;
  for (Lane* lane : {&tcp_, &udp_}) {
    lane->feed.close();
    if (!lane->thread.joinable()) continue;
    lane->thread.join();
    const Clock::time_point detection_end = Clock::now();
    if (lane->error) std::rethrow_exception(lane->error);
    const bool is_tcp = lane == &tcp_;
    const std::string overlap =
        overlap_text(lane->first_fed, sweep_end, detection_end, is_tcp ? tcp_done : udp_done, lane->fed);
    // A protocol with nothing fed says nothing here: finish's stage below
    // speaks for its ports.
    if (rest.progress != nullptr && lane->fed != 0)
      *rest.progress << (is_tcp ? tcp_summary(lane->stats, overlap) : udp_summary(lane->stats, overlap))
                     << std::flush;
    const double seconds = stats.seconds;
    add_stats(stats, lane->stats);
    stats.seconds = std::max(seconds, lane->stats.seconds);  // side by side
    live_seconds = stats.seconds;
  }
  if (stats.interrupted) return stats;
  rest.probed = &seen_;
  const ServiceScanStats others = run_service_stage(db_, outputs_, rest);
  add_stats(stats, others);
  stats.seconds = live_seconds + others.seconds;
  return stats;
}

}  // namespace portsweep
