#include "detect/service_scanner.hpp"

#include <openssl/ssl.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "detect/event_poller.hpp"
#include "detect/port_probes.hpp"
#include "detect/sigpipe_guard.hpp"
#include "detect/slot_deadlines.hpp"
#include "detect/tcp_stream.hpp"
#include "detect/tls_client.hpp"

namespace portsweep {

namespace {

using Clock = PortProbes::Clock;

// Below this many responses a batch is matched on the loop's own thread.
// Measured with the lab's responses and nmap's database (prefiltered, ~25 us
// a response) on 2 cores: oneTBB gained nothing up to 64 responses (waking
// the workers costs what they save), 1.2x at 256 and 1.9x at 1600.
constexpr std::size_t kParallelBatch = 128;
// The loop looks at `stop` at least this often.
constexpr int kMaxWaitMs = 100;
constexpr auto kProgressEvery = std::chrono::seconds(5);

}  // namespace

void ServiceScanStats::count(const ServiceOutcome& o) {
  ++ports;
  switch (o.verdict) {
    case ServiceVerdict::Matched: ++matched; break;
    case ServiceVerdict::SoftMatched: ++softmatched; break;
    case ServiceVerdict::TcpWrapped: ++tcpwrapped; break;
    // A UDP port no datagram came back from is silent, not unmatched.
    case ServiceVerdict::NoMatch: ++(o.target.proto == Proto::Udp && !o.answered ? silent : no_match); break;
    case ServiceVerdict::Incomplete: ++incomplete; break;
  }
}

class ServiceScanner::Loop {
 public:
  Loop(const ServiceProbeDb& db, const DetectOptions& options, VersionTrace* trace, const OnOutcome& done,
       ServiceScanStats& stats, ServiceFeed& feed, std::size_t budget)
      : db_(db), options_(options), trace_(trace), done_(done), stats_(stats), feed_(feed), conns_(budget),
        ports_(budget), deadlines_(budget) {
    for (uint32_t i = static_cast<uint32_t>(budget); i-- > 0;) {
      free_conns_.push_back(i);
      free_ports_.push_back(i);
    }
  }

  ~Loop() {
    for (Port& p : ports_) {
      if (p.tls_session != nullptr) SSL_SESSION_free(p.tls_session);
    }
  }

  void run(const std::atomic<bool>* stop, const std::atomic<bool>& abandoned, const OnProgress& progress) {
    Clock::time_point next_progress = Clock::now() + kProgressEvery;
    if (const int err = poller_.add(feed_.fd(), kFeedToken); err != 0) {
      throw RuntimeFailure(std::string("version detection cannot watch its port feed: ") + std::strerror(err));
    }
    bool feed_open = feed_.take(waiting_);
    for (;;) {
      if ((stop != nullptr && stop->load()) || abandoned.load()) {
        stats_.interrupted = true;
        break;
      }
      hand_out();
      process_queued();
      if (active_ports_ == 0 && next_waiting_ == waiting_.size() && !feed_open) break;

      for (const epoll_event& ev : poller_.wait(wait_ms())) {
        if (ev.data.u64 == kFeedToken) {
          feed_open = feed_.take(waiting_);
          continue;
        }
        const auto c = static_cast<uint32_t>(ev.data.u64 >> 32);
        const auto seq = static_cast<uint32_t>(ev.data.u64);
        if (c < conns_.size() && conns_[c].in_use && conns_[c].seq == seq) pump(c, ev.events);
      }
      process_queued();
      expire_timers();
      process_queued();
      if (progress && Clock::now() >= next_progress) {
        progress(stats_.ports, feed_.pushed());
        next_progress += kProgressEvery;
      }
    }
    // Interrupted: the connections close with the loop.
    for (Conn& c : conns_) c.stream.close();
  }

 private:
  static constexpr uint64_t kFeedToken = ~uint64_t{0};

  enum class Phase : uint8_t { Connecting, Handshaking, Open };

  // One connection: one run (probe) of one port.
  struct Conn {
    TcpStream stream;
    Phase phase = Phase::Connecting;
    uint32_t seq = 0;  // changes with every connection: late events of an old one are ignored
    uint32_t port = 0;
    uint32_t generation = 0;
    int run = -1;
    bool in_use = false;
    bool closed = false;  // the peer closed; handled after the data before it is matched
  };

  struct Port {
    std::optional<PortProbes> probes;
    std::vector<uint32_t> conns;
    SSL_SESSION* tls_session = nullptr;  // resumed by the port's next TLS connection
    bool queued = false;                 // in queued_
    bool starved = false;                // in starved_: wants a connection none is free for
  };

  struct MatchJob {
    uint32_t port;
    int run;
    PortProbes::MatchRequest request;
    std::optional<ServiceMatch> result;
  };

  int wait_ms() { return deadlines_.wait_ms(kMaxWaitMs); }

  void queue(uint32_t p) {
    Port& port = ports_[p];
    if (port.queued) return;
    port.queued = true;
    queued_.push_back(p);
  }

  // Free connections go to ports already under way (in the order they ran
  // short), then to the next waiting ports.
  void hand_out() {
    while (!free_conns_.empty() && !starved_.empty()) {
      const uint32_t p = starved_.front();
      starved_.pop_front();
      ports_[p].starved = false;
      if (ports_[p].probes) launch(p);
    }
    while (!free_conns_.empty() && starved_.empty() && !free_ports_.empty() && next_waiting_ < waiting_.size()) {
      const uint32_t p = free_ports_.back();
      free_ports_.pop_back();
      ++active_ports_;
      Port& port = ports_[p];
      port.probes.emplace(db_, options_, waiting_[next_waiting_++], trace_);
      port.probes->start(Clock::now());
      settle(p);
    }
    if (next_waiting_ == waiting_.size() && next_waiting_ != 0) {
      waiting_.clear();
      next_waiting_ = 0;
    }
  }

  // Opens connections for the runs the port wants launched.
  void launch(uint32_t p) {
    Port& port = ports_[p];
    PortProbes& pp = *port.probes;
    while (!pp.done()) {
      if (free_conns_.empty()) {
        // Ask again once a connection is free, unless nothing is left to launch.
        if (!port.starved && pp.busy() < pp.lanes()) {
          port.starved = true;
          starved_.push_back(p);
        }
        return;
      }
      const int run = pp.launch(Clock::now());
      if (run < 0) return;
      const uint32_t c = free_conns_.back();
      free_conns_.pop_back();
      Conn& conn = conns_[c];
      conn.in_use = true;
      conn.port = p;
      conn.generation = pp.generation();
      conn.run = run;
      port.conns.push_back(c);
      stats_.parallel = std::max<unsigned>(stats_.parallel, static_cast<unsigned>(conns_.size() - free_conns_.size()));
      open(c);
    }
  }

  void open(uint32_t c) {
    Conn& conn = conns_[c];
    Port& port = ports_[conn.port];
    PortProbes& pp = *port.probes;
    ++conn.seq;
    conn.closed = false;
    ++stats_.connections;
    const ServiceTarget& t = target_of(conn.port);
    int err = conn.stream.open(t.ip, t.port);
    if (err == 0) err = poller_.add(conn.stream.fd(), (uint64_t{c} << 32) | conn.seq);
    if (err != 0) {
      conn.stream.close();
      connect_failed(c, err);
      return;
    }
    conn.phase = Phase::Connecting;
    deadlines_.arm(c, Clock::now() + (pp.tls() ? options_.tls_connect_timeout : options_.connect_timeout));
  }

  const ServiceTarget& target_of(uint32_t p) const { return ports_[p].probes->target(); }

  void connect_failed(uint32_t c, int err) {
    Conn& conn = conns_[c];
    const uint32_t p = conn.port;
    if (ports_[p].probes->on_connect_failed(conn.run, Clock::now(), err)) {
      open(c);
      return;
    }
    release(c);
    queue(p);
  }

  // Closes a connection and gives it back.
  void release(uint32_t c) {
    Conn& conn = conns_[c];
    Port& port = ports_[conn.port];
    if (conn.stream.tls()) {
      if (SSL_SESSION* sess = conn.stream.take_session()) {
        if (port.tls_session != nullptr) SSL_SESSION_free(port.tls_session);
        port.tls_session = sess;
      }
    }
    conn.stream.close();
    ++conn.seq;
    conn.in_use = false;
    conn.closed = false;
    conn.run = -1;
    deadlines_.disarm(c);
    std::erase(port.conns, c);
    free_conns_.push_back(c);
  }

  // Lets the port decide, closes what it no longer wants, launches more.
  void settle(uint32_t p) {
    Port& port = ports_[p];
    PortProbes& pp = *port.probes;
    pp.settle(Clock::now());
    if (pp.done()) {
      finish(p);
      return;
    }
    for (std::size_t k = port.conns.size(); k-- > 0;) {
      const uint32_t c = port.conns[k];
      Conn& conn = conns_[c];
      if (conn.generation != pp.generation() || !pp.wanted(conn.run)) {
        release(c);
      } else if (conn.phase == Phase::Open && deadlines_.when(c) != pp.deadline(conn.run)) {
        // A slow answer on the port moved this probe's wait.
        deadlines_.arm(c, pp.deadline(conn.run));
      }
    }
    launch(p);
    // A softmatch found by the walk may call for matching again under it.
    for (int r = 0; r < static_cast<int>(pp.runs()); ++r) {
      if (pp.match_due(r)) {
        queue(p);
        break;
      }
    }
  }

  // Reports the port's outcome and frees its slot for the next port.
  void finish(uint32_t p) {
    Port& port = ports_[p];
    while (!port.conns.empty()) release(port.conns.back());
    const ServiceOutcome outcome = port.probes->outcome();
    if (port.tls_session != nullptr) {
      SSL_SESSION_free(port.tls_session);
      port.tls_session = nullptr;
    }
    port.probes.reset();
    free_ports_.push_back(p);
    --active_ports_;
    stats_.count(outcome);
    done_(outcome);
  }

  void pump(uint32_t c, uint32_t events) {
    Conn& conn = conns_[c];
    PortProbes& pp = *ports_[conn.port].probes;
    if (conn.phase == Phase::Connecting) {
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      const int err = conn.stream.finish_connect();
      if (err == EINPROGRESS) return;
      if (err != 0) {
        conn.stream.close();
        connect_failed(c, err);
        return;
      }
      if (!pp.tls()) {
        connected(c);
        return;
      }
      conn.stream.start_tls(tls_.context(), ports_[conn.port].tls_session);
      conn.phase = Phase::Handshaking;
    }
    if (conn.phase == Phase::Handshaking) {
      switch (conn.stream.handshake()) {
        case TcpStream::Io::Wait: return;
        case TcpStream::Io::Failed: {
          const uint32_t p = conn.port;
          pp.on_tls_failed(conn.run, Clock::now());
          release(c);
          queue(p);
          return;
        }
        case TcpStream::Io::Done:
          connected(c);
          return;
      }
    }
    if (conn.phase == Phase::Open) {
      if (conn.stream.write_pending() && conn.stream.flush() == TcpStream::Io::Failed) {
        conn.closed = true;
        queue(conn.port);
      }
      read_ready(c);
    }
  }

  void connected(uint32_t c) {
    Conn& conn = conns_[c];
    PortProbes& pp = *ports_[conn.port].probes;
    conn.phase = Phase::Open;
    pp.on_connected(conn.run, Clock::now());
    ++stats_.probes;
    deadlines_.arm(c, pp.deadline(conn.run));
    if (conn.stream.write(pp.payload(conn.run)) == TcpStream::Io::Failed) {
      conn.closed = true;
      queue(conn.port);
      return;
    }
    // Edge-triggered: data that came with the connection has no event of its own.
    read_ready(c);
  }

  void read_ready(uint32_t c) {
    Conn& conn = conns_[c];
    if (conn.phase != Phase::Open || conn.closed) return;
    scratch_.clear();
    const TcpStream::ReadResult r = conn.stream.read(scratch_);
    if (r.bytes > 0) {
      ports_[conn.port].probes->on_data(conn.run, scratch_, Clock::now());
      queue(conn.port);
    }
    if (r.closed) {
      conn.closed = true;
      queue(conn.port);
    }
  }

  // Matches what arrived, then lets each queued port react to its matches
  // and to closes that came after the data, and settle.
  void process_queued() {
    while (!queued_.empty()) {
      std::vector<uint32_t> batch;
      batch.swap(queued_);
      jobs_.clear();
      for (uint32_t p : batch) {
        ports_[p].queued = false;
        if (!ports_[p].probes) continue;
        PortProbes& pp = *ports_[p].probes;
        for (int r = 0; r < static_cast<int>(pp.runs()); ++r) {
          if (pp.match_due(r)) jobs_.push_back({p, r, pp.match_request(r), std::nullopt});
        }
      }
      match_all();
      for (MatchJob& j : jobs_) ports_[j.port].probes->on_match(j.run, std::move(j.result));
      const Clock::time_point now = Clock::now();
      for (uint32_t p : batch) {
        Port& port = ports_[p];
        if (!port.probes) continue;
        for (std::size_t k = port.conns.size(); k-- > 0;) {
          const uint32_t c = port.conns[k];
          Conn& conn = conns_[c];
          if (!conn.closed || conn.phase != Phase::Open) continue;
          const int run = conn.run;
          const bool current = conn.generation == port.probes->generation();
          release(c);
          if (current) port.probes->on_closed(run, now);
        }
        settle(p);
      }
    }
  }

  void match_all() {
    if (jobs_.empty()) return;
    const auto t0 = Clock::now();
    auto match_one = [this](MatchJob& j) {
      j.result = db_.match(*j.request.probe, j.request.response, j.request.softmatched);
    };
    if (options_.parallel_match && jobs_.size() >= kParallelBatch) {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, jobs_.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& r) {
                          for (std::size_t k = r.begin(); k != r.end(); ++k) match_one(jobs_[k]);
                        });
    } else {
      for (MatchJob& j : jobs_) match_one(j);
    }
    stats_.matches += jobs_.size();
    ++stats_.match_batches;
    stats_.match_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
  }

  void expire_timers() {
    const Clock::time_point now = Clock::now();
    deadlines_.expire(now, [&](uint32_t c) {
      Conn& conn = conns_[c];
      if (!conn.in_use) return;
      const uint32_t p = conn.port;
      if (conn.phase == Phase::Connecting || conn.phase == Phase::Handshaking) {
        conn.stream.close();
        connect_failed(c, ETIMEDOUT);
        return;
      }
      // Data read before the deadline is matched before the probe's wait ends.
      const uint32_t seq = conn.seq;
      PortProbes* pp = &*ports_[p].probes;
      if (pp->match_due(conn.run) || conn.closed) {
        queue(p);
        process_queued();
        // The port may be decided, or the connection gone, by now.
        if (!conn.in_use || conn.seq != seq) return;
        pp = &*ports_[p].probes;
      }
      pp->on_deadline(conn.run, now);
      if (const int next = pp->take_handover(conn.run); next >= 0) {
        conn.run = next;
        ++stats_.probes;
        deadlines_.arm(c, pp->deadline(next));
        if (conn.stream.write(pp->payload(next)) == TcpStream::Io::Failed) conn.closed = true;
        queue(p);
        return;
      }
      const PortProbes::RunState st = pp->state(conn.run);
      if (pp->wanted(conn.run) && (st == PortProbes::RunState::Lingering || st == PortProbes::RunState::Running)) {
        deadlines_.arm(c, pp->deadline(conn.run));
      } else {
        release(c);
      }
      queue(p);
    });
  }

  const ServiceProbeDb& db_;
  const DetectOptions& options_;
  VersionTrace* trace_;
  const OnOutcome& done_;
  ServiceScanStats& stats_;
  ServiceFeed& feed_;
  std::vector<ServiceTarget> waiting_;  // ports from the feed not started yet, from next_waiting_ on
  std::size_t next_waiting_ = 0;
  std::size_t active_ports_ = 0;
  std::vector<Conn> conns_;
  std::vector<uint32_t> free_conns_;
  std::vector<Port> ports_;
  std::vector<uint32_t> free_ports_;
  std::deque<uint32_t> starved_;
  EventPoller poller_;
  TlsClient tls_;
  SlotDeadlines deadlines_;
  std::vector<uint32_t> queued_;
  std::vector<MatchJob> jobs_;
  std::string scratch_;
};

ServiceScanner::ServiceScanner(const ServiceProbeDb& db, DetectOptions options, VersionTrace* trace)
    : db_(db), options_(options), trace_(trace) {}

ServiceScanner::~ServiceScanner() = default;

ServiceScanStats ServiceScanner::run(std::span<const ServiceTarget> targets, const OnOutcome& done,
                                     const std::atomic<bool>* stop, const OnProgress& progress) {
  ServiceFeed feed;
  for (const ServiceTarget& t : targets) feed.push(t);
  feed.close();
  return run(feed, done, stop, progress);
}

ServiceScanStats ServiceScanner::run(ServiceFeed& feed, const OnOutcome& done, const std::atomic<bool>* stop,
                                     const OnProgress& progress) {
  const SigpipeGuard no_sigpipe;
  ServiceScanStats stats;
  const auto t0 = Clock::now();
  const std::size_t budget = std::max<std::size_t>(1, std::min<std::size_t>(options_.max_parallel, usable_sockets()));
  Loop loop(db_, options_, trace_, done, stats, feed, budget);
  loop.run(stop, abandoned_, progress);
  stats.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return stats;
}

}  // namespace portsweep
