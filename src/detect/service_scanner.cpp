#include "detect/service_scanner.hpp"

#include <openssl/ssl.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "detect/event_poller.hpp"
#include "detect/probe_session.hpp"
#include "detect/slot_deadlines.hpp"
#include "detect/tcp_stream.hpp"
#include "detect/tls_client.hpp"

namespace portsweep {

namespace {

using Clock = ProbeSession::Clock;
using Next = ProbeSession::Next;

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
       ServiceScanStats& stats, std::span<const ServiceTarget> targets, unsigned slots)
      : db_(db), options_(options), trace_(trace), done_(done), stats_(stats), targets_(targets), slots_(slots),
        deadlines_(slots) {}

  ~Loop() {
    for (Slot& s : slots_) {
      if (s.tls_session != nullptr) SSL_SESSION_free(s.tls_session);
    }
  }

  void run(const std::atomic<bool>* stop, const OnProgress& progress) {
    Clock::time_point next_progress = Clock::now() + kProgressEvery;
    for (uint32_t i = static_cast<uint32_t>(slots_.size()); i-- > 0;) free_slots_.push_back(i);
    for (;;) {
      if (stop != nullptr && stop->load()) {
        stats_.interrupted = true;
        break;
      }
      while (!free_slots_.empty() && next_target_ < targets_.size()) {
        const uint32_t i = free_slots_.back();
        free_slots_.pop_back();
        ++active_;
        begin(i, next_target_++);
      }
      process_queued();
      if (active_ == 0 && next_target_ == targets_.size()) break;

      for (const epoll_event& ev : poller_.wait(wait_ms())) {
        const auto i = static_cast<uint32_t>(ev.data.u64 >> 32);
        const auto conn = static_cast<uint32_t>(ev.data.u64);
        if (i < slots_.size() && slots_[i].session && slots_[i].conn_seq == conn) {
          pump(i, ev.events);
        }
      }
      process_queued();
      expire_timers();
      process_queued();
      if (progress && Clock::now() >= next_progress) {
        progress(stats_.ports, targets_.size());
        next_progress += kProgressEvery;
      }
    }
    // Interrupted: the connections close with the slots.
    for (Slot& s : slots_) s.stream.close();
  }

 private:
  enum class Phase : uint8_t { Idle, Connecting, Handshaking, Open };

  struct Slot {
    std::optional<ProbeSession> session;
    TcpStream stream;
    Phase phase = Phase::Idle;
    uint32_t conn_seq = 0;   // changes with every connection: late events of an old one are ignored
    bool closed = false;     // the peer closed; handled after the data before it is matched
    bool queued = false;     // in queued_
    std::optional<ServiceMatch> match;
    SSL_SESSION* tls_session = nullptr;  // resumed by the port's next TLS connection
  };

  int wait_ms() { return deadlines_.wait_ms(kMaxWaitMs); }

  void set_timer(uint32_t i, Clock::time_point when) { deadlines_.arm(i, when); }

  void queue(uint32_t i) {
    Slot& s = slots_[i];
    if (s.queued) return;
    s.queued = true;
    queued_.push_back(i);
  }

  void begin(uint32_t i, std::size_t target) {
    Slot& s = slots_[i];
    s.session.emplace(db_, options_, targets_[target], trace_);
    act(i, s.session->start(Clock::now()));
  }

  void close_connection(Slot& s) {
    if (s.stream.tls()) {
      if (SSL_SESSION* sess = s.stream.take_session()) {
        if (s.tls_session != nullptr) SSL_SESSION_free(s.tls_session);
        s.tls_session = sess;
      }
    }
    s.stream.close();
    ++s.conn_seq;
    s.phase = Phase::Idle;
    s.closed = false;
  }

  void act(uint32_t i, Next next) {
    Slot& s = slots_[i];
    ProbeSession& ps = *s.session;
    switch (next) {
      case Next::Connect: {
        close_connection(s);
        ++stats_.connections;
        const ServiceTarget& t = ps.target();
        int err = s.stream.open(t.ip, t.port);
        if (err == 0) err = poller_.add(s.stream.fd(), (uint64_t{i} << 32) | s.conn_seq);
        if (err != 0) {
          s.stream.close();
          act(i, ps.on_connect_failed(Clock::now(), err));
          return;
        }
        s.phase = Phase::Connecting;
        set_timer(i, Clock::now() + ps.connect_timeout());
        return;
      }
      case Next::Send:
        ++stats_.probes;
        set_timer(i, ps.deadline());
        if (s.stream.write(ps.payload()) == TcpStream::Io::Failed) {
          s.closed = true;
          queue(i);
          return;
        }
        // Edge-triggered: data that came with the connection has no event of its own.
        read_ready(i);
        return;
      case Next::Read:
        if (!deadlines_.armed(i) || deadlines_.when(i) != ps.deadline()) set_timer(i, ps.deadline());
        return;
      case Next::Done:
        finish(i);
        return;
    }
  }

  // Reports the session's outcome and frees its slot for the next port.
  void finish(uint32_t i) {
    Slot& s = slots_[i];
    const ServiceOutcome outcome = s.session->outcome();
    close_connection(s);
    if (s.tls_session != nullptr) {
      SSL_SESSION_free(s.tls_session);
      s.tls_session = nullptr;
    }
    s.session.reset();
    deadlines_.disarm(i);
    s.match.reset();
    free_slots_.push_back(i);
    --active_;
    stats_.count(outcome);
    done_(outcome);
  }

  void pump(uint32_t i, uint32_t events) {
    Slot& s = slots_[i];
    ProbeSession& ps = *s.session;
    if (s.phase == Phase::Connecting) {
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      const int err = s.stream.finish_connect();
      if (err == EINPROGRESS) return;
      if (err != 0) {
        close_connection(s);
        act(i, ps.on_connect_failed(Clock::now(), err));
        return;
      }
      if (!ps.tls()) {
        connected(i);
        return;
      }
      s.stream.start_tls(tls_.context(), s.tls_session);
      s.phase = Phase::Handshaking;
    }
    if (s.phase == Phase::Handshaking) {
      switch (s.stream.handshake()) {
        case TcpStream::Io::Wait: return;
        case TcpStream::Io::Failed:
          close_connection(s);
          act(i, ps.on_tls_failed(Clock::now()));
          return;
        case TcpStream::Io::Done:
          connected(i);
          return;
      }
    }
    if (s.phase == Phase::Open) {
      if (s.stream.write_pending() && s.stream.flush() == TcpStream::Io::Failed) {
        s.closed = true;
        queue(i);
      }
      read_ready(i);
    }
  }

  void connected(uint32_t i) {
    Slot& s = slots_[i];
    s.phase = Phase::Open;
    act(i, s.session->on_connected(Clock::now()));
  }

  void read_ready(uint32_t i) {
    Slot& s = slots_[i];
    if (s.phase != Phase::Open || s.closed) return;
    scratch_.clear();
    const TcpStream::ReadResult r = s.stream.read(scratch_);
    if (r.bytes > 0) {
      s.session->on_data(scratch_);
      queue(i);
    }
    if (r.closed) {
      s.closed = true;
      queue(i);
    }
  }

  // Matches what arrived, then lets each queued session react to its
  // match and to a close that came after the data.
  void process_queued() {
    while (!queued_.empty()) {
      std::vector<uint32_t> batch;
      batch.swap(queued_);
      match_all(batch);
      const Clock::time_point now = Clock::now();
      for (uint32_t i : batch) {
        Slot& s = slots_[i];
        s.queued = false;
        if (!s.session) continue;
        ProbeSession& ps = *s.session;
        if (s.match || ps.match_due()) {
          const Next next = ps.on_match(std::move(s.match), now);
          s.match.reset();
          if (next != Next::Read) {
            act(i, next);
            continue;
          }
        }
        if (s.closed && s.phase == Phase::Open) {
          close_connection(s);
          act(i, ps.on_closed(now));
        }
      }
    }
  }

  void match_all(const std::vector<uint32_t>& batch) {
    std::vector<uint32_t> work;
    for (uint32_t i : batch) {
      if (slots_[i].session && slots_[i].session->match_due()) work.push_back(i);
    }
    if (work.empty()) return;
    const auto t0 = Clock::now();
    auto match_one = [this](uint32_t i) {
      Slot& s = slots_[i];
      const ProbeSession& ps = *s.session;
      s.match = db_.match(*ps.probe(), ps.response(), ps.softmatched());
    };
    if (options_.parallel_match && work.size() >= kParallelBatch) {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, work.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& r) {
                          for (std::size_t k = r.begin(); k != r.end(); ++k) match_one(work[k]);
                        });
    } else {
      for (uint32_t i : work) match_one(i);
    }
    stats_.matches += work.size();
    ++stats_.match_batches;
    stats_.match_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
  }

  void expire_timers() {
    const Clock::time_point now = Clock::now();
    deadlines_.expire(now, [&](uint32_t i) {
      Slot& s = slots_[i];
      if (!s.session) return;
      ProbeSession& ps = *s.session;
      if (s.phase == Phase::Connecting || s.phase == Phase::Handshaking) {
        close_connection(s);
        act(i, ps.on_connect_failed(now, ETIMEDOUT));
      } else if (s.phase == Phase::Open) {
        // Data read before the deadline is matched before the probe gives up.
        if (ps.match_due() || s.closed) {
          queue(i);
          process_queued();
          // Finished, or moved on to another probe with a deadline of its own.
          if (!s.session || deadlines_.armed(i)) return;
        }
        act(i, ps.on_timeout(now));
      }
    });
  }

  const ServiceProbeDb& db_;
  const DetectOptions& options_;
  VersionTrace* trace_;
  const OnOutcome& done_;
  ServiceScanStats& stats_;
  std::span<const ServiceTarget> targets_;
  std::size_t next_target_ = 0;
  std::size_t active_ = 0;  // targets being probed
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  EventPoller poller_;
  TlsClient tls_;
  SlotDeadlines deadlines_;
  std::vector<uint32_t> queued_;
  std::string scratch_;
};

ServiceScanner::ServiceScanner(const ServiceProbeDb& db, DetectOptions options, VersionTrace* trace)
    : db_(db), options_(options), trace_(trace) {}

ServiceScanner::~ServiceScanner() = default;

ServiceScanStats ServiceScanner::run(std::span<const ServiceTarget> targets, const OnOutcome& done,
                                     const std::atomic<bool>* stop, const OnProgress& progress) {
  ServiceScanStats stats;
  const auto t0 = Clock::now();
  if (!targets.empty()) {
    const std::size_t slots = std::max<std::size_t>(
        1, std::min<std::size_t>({options_.max_parallel, usable_sockets(), targets.size()}));
    stats.parallel = static_cast<unsigned>(slots);
    Loop loop(db_, options_, trace_, done, stats, targets, static_cast<unsigned>(slots));
    loop.run(stop, progress);
  }
  stats.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return stats;
}

}  // namespace portsweep
