#include "engine/connect_scan.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>

#include "common/clock.hpp"
#include "common/error.hpp"

namespace portsweep {

ConnectVerdict connect_verdict(int error) noexcept {
  switch (error) {
    case 0: return {PortState::Open, Reason::SynAck, false};
    // A RST, or an ICMP port unreachable (the kernel reads both as refusal).
    case ECONNREFUSED: return {PortState::Closed, Reason::ConnRefused, false};
    // ICMP host unreachable, host/admin prohibited (codes 1, 10, 13), or no ARP answer.
    case EHOSTUNREACH:
    case EHOSTDOWN: return {PortState::Filtered, Reason::HostUnreach, false};
    // ICMP net unreachable or prohibited (codes 0, 9), or no route here.
    case ENETUNREACH:
    case ENETDOWN: return {PortState::Filtered, Reason::NetUnreach, false};
    case ENOPROTOOPT: return {PortState::Filtered, Reason::ProtoUnreach, false};  // ICMP code 2
    // A local firewall rejected the SYN.
    case EACCES:
    case EPERM: return {PortState::Filtered, Reason::AdminProhibited, false};
    default: return {PortState::Filtered, Reason::NoResponse, true};  // ETIMEDOUT and the like
  }
}

uint64_t raise_open_file_limit() noexcept {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur == RLIM_INFINITY ? uint64_t{1} << 20 : static_cast<uint64_t>(lim.rlim_cur);
}

namespace {

int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}


// Descriptors kept free for the process's own files (outputs, the epoll set, stdio).
constexpr uint64_t kReservedFds = 64;

// Connects started per pass of the loop, at most.
constexpr unsigned kLaunchRound = 1024;

struct Probe {
  uint32_t ip;
  uint16_t port;
  uint8_t attempt;
  uint32_t host;  // the target's index, for --host-timeout's count of each host's decided ports
};

// One socket in flight. `generation` tells a stale epoll event or timeout
// entry (for an earlier socket in the same slot) from the current one.
struct Slot {
  int fd = -1;
  Probe probe{};
  uint32_t generation = 0;
  int64_t started_ns = 0;
};

class ConnectLoop {
 public:
  ConnectLoop(const ConnectScanConfig& c, const ConnectScanHooks& h, const std::atomic<bool>& stop)
      : cfg_(c), hooks_(h), stop_(stop) {
    report_.probes = c.targets->size() * c.ports.size();
    const uint64_t files = raise_open_file_limit();
    const uint64_t by_files = files > kReservedFds * 2 ? files - kReservedFds : files / 2;
    limit_ = static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(std::max(1u, c.max_parallel), by_files)));
    report_.parallel_limit = limit_;
    slots_.resize(limit_);
    free_.reserve(limit_);
    for (unsigned i = limit_; i-- > 0;) free_.push_back(i);
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0) throw RuntimeFailure(std::string("cannot create an epoll set: ") + std::strerror(errno));
    interval_ns_ = c.rate > 0 ? 1e9 / c.rate : 0;
    if (c.deadline_seconds > 0) decided_.assign(c.targets->size(), 0);
  }

  ~ConnectLoop() {
    for (Slot& s : slots_)
      if (s.fd >= 0) ::close(s.fd);
    if (epfd_ >= 0) ::close(epfd_);
  }

  ConnectScanReport run() {
    const int64_t t0 = mono_ns();
    const int64_t deadline = cfg_.deadline_seconds > 0 ? t0 + static_cast<int64_t>(cfg_.deadline_seconds * 1e9) : INT64_MAX;
    next_send_ns_ = static_cast<double>(t0);
    const auto progress_ns = static_cast<int64_t>(hooks_.progress_every_s * 1e9);
    int64_t next_tick = t0 + 100'000'000, next_progress = t0 + progress_ns;
    std::vector<epoll_event> events(1024);
    while (true) {
      if (stop_.load(std::memory_order_relaxed)) {
        report_.interrupted = true;
        break;
      }
      int64_t now = mono_ns();
      if (now >= deadline) {
        report_.timed_out = true;
        break;
      }
      launch(now);
      if (in_flight_ == 0 && retries_.empty() && next_ >= report_.probes) break;
      if (in_flight_ == 0 && !report_.error.empty()) break;

      // Sleep until an answer, the next timeout, the next paced launch or the tick.
      int64_t wake = std::min(next_tick, deadline);
      if (!deadlines_.empty()) wake = std::min(wake, slots_[deadlines_.front().slot].started_ns + timeout_ns());
      if (can_launch()) {
        // Room for more: right away, or when the pace or a backoff allows.
        const int64_t at = interval_ns_ > 0 ? static_cast<int64_t>(next_send_ns_) : now;
        wake = std::min(wake, std::max(at, backoff_until_ns_));
      }
      const int wait_ms = wake <= now ? 0 : static_cast<int>(std::min<int64_t>((wake - now + 999'999) / 1'000'000, 100));
      const int n = ::epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), wait_ms);
      for (int i = 0; i < n; ++i) finish(events[static_cast<size_t>(i)].data.u64);
      expire(mono_ns());
      deliver();

      now = mono_ns();
      if (now >= next_tick) {
        next_tick = now + 100'000'000;
        if (hooks_.on_tick) hooks_.on_tick();
      }
      if (hooks_.progress != nullptr && now >= next_progress) {
        next_progress = now + progress_ns;
        *hooks_.progress << "portsweep: connect scan: " << report_.finished << " of " << report_.probes
                         << " probes done, " << in_flight_ << " in flight\n";
      }
    }
    for (Slot& s : slots_) {
      if (s.fd >= 0) {
        ::close(s.fd);
        s.fd = -1;
      }
    }
    deliver();
    if (report_.timed_out)
      for (uint64_t h = 0; h < decided_.size(); ++h)
        if (decided_[h] < cfg_.ports.size()) report_.skipped_hosts.push_back(cfg_.targets->at(h));
    report_.seconds = static_cast<double>(mono_ns() - t0) / 1e9;
    return report_;
  }

 private:
  struct Deadline {
    uint32_t slot;
    uint32_t generation;
  };

  int64_t timeout_ns() const { return int64_t{std::max(1, cfg_.timeout_ms)} * 1'000'000; }

  bool can_launch() const {
    return in_flight_ < limit_ && (!retries_.empty() || next_ < report_.probes) && report_.error.empty();
  }

  // Starts as many connects as the bound, the pace and the kernel allow.
  void launch(int64_t now) {
    if (backoff_until_ns_ > now) return;
    const double now_d = static_cast<double>(now);
    // A pace that fell behind (a slow loop) catches up by at most 64 connects.
    if (interval_ns_ > 0 && next_send_ns_ < now_d - 64 * interval_ns_) next_send_ns_ = now_d - 64 * interval_ns_;
    // At most a round's worth per call, so connects that fail at once (no
    // route) still let the loop deliver results, tick and see an interrupt.
    for (unsigned round = 0; round < kLaunchRound && can_launch(); ++round) {
      if (interval_ns_ > 0 && next_send_ns_ > now_d) return;
      Probe p;
      if (!retries_.empty()) {
        p = retries_.front();
        retries_.pop_front();
      } else {
        const uint64_t a = next_ % cfg_.targets->size(), port = next_ / cfg_.targets->size();
        p = {cfg_.targets->at(a), cfg_.ports[port], 0, static_cast<uint32_t>(a)};
        ++next_;
      }
      if (!start(p, now)) return;
      next_send_ns_ += interval_ns_;
    }
  }

  // One connect(). False when the kernel is out of something (descriptors,
  // local ports, buffers): the probe is queued again and launching pauses.
  bool start(const Probe& p, int64_t now) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      const int e = errno;
      retries_.push_front(p);
      if (e == EMFILE || e == ENFILE) {
        // Fewer descriptors than RLIMIT_NOFILE promised: hold the bound here.
        if (in_flight_ == 0) {
          report_.error = std::string("cannot open a socket: ") + std::strerror(e);
        } else {
          limit_ = in_flight_;
          report_.parallel_limit = limit_;
        }
      } else if (e == ENOBUFS || e == ENOMEM) {
        backoff_until_ns_ = now + 10'000'000;
      } else {
        report_.error = std::string("cannot open a socket: ") + std::strerror(e);
      }
      return false;
    }
    // Linger 0: close() resets the connection, so none waits in TIME_WAIT.
    const linger no_linger{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &no_linger, sizeof no_linger);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(p.port);
    to.sin_addr.s_addr = htonl(p.ip);
    ++report_.connects;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) {
      ::close(fd);
      decide(p, 0, now, now);
      return true;
    }
    const int e = errno;
    if (e != EINPROGRESS) {
      ::close(fd);
      if (e == EADDRNOTAVAIL || e == EAGAIN || e == ENOBUFS || e == ENOMEM) {
        // No local port or buffer free right now: wait for sockets to close.
        --report_.connects;
        retries_.push_front(p);
        backoff_until_ns_ = now + 10'000'000;
        return false;
      }
      decide(p, e, now, now);
      return true;
    }
    const uint32_t slot = free_.back();
    free_.pop_back();
    Slot& s = slots_[slot];
    s.fd = fd;
    s.probe = p;
    s.started_ns = now;
    ++s.generation;
    epoll_event ev{};
    ev.events = EPOLLOUT;  // level-triggered: the socket is closed on its first event
    ev.data.u64 = (uint64_t{s.generation} << 32) | slot;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      report_.error = std::string("cannot watch a socket: ") + std::strerror(errno);
      release(slot);
      retries_.push_front(p);
      return false;
    }
    deadlines_.push_back({slot, s.generation});
    ++in_flight_;
    report_.peak_in_flight = std::max(report_.peak_in_flight, in_flight_);
    return true;
  }

  void release(uint32_t slot) {
    Slot& s = slots_[slot];
    ::close(s.fd);  // also leaves the epoll set
    s.fd = -1;
    ++s.generation;  // its deadline entry is now stale
    free_.push_back(slot);
  }

  // A socket turned writable (connected) or failed.
  void finish(uint64_t token) {
    const auto slot = static_cast<uint32_t>(token & 0xffffffffu);
    const auto generation = static_cast<uint32_t>(token >> 32);
    if (slot >= slots_.size() || slots_[slot].fd < 0 || slots_[slot].generation != generation) return;
    Slot& s = slots_[slot];
    int error = 0;
    socklen_t len = sizeof error;
    if (::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
    const Probe p = s.probe;
    const int64_t started = s.started_ns;
    release(slot);
    --in_flight_;
    decide(p, error, started, mono_ns());
  }

  // Attempts whose time ran out: retried while retries are left, else filtered.
  void expire(int64_t now) {
    while (!deadlines_.empty()) {
      const Deadline d = deadlines_.front();
      Slot& s = slots_[d.slot];
      if (s.fd >= 0 && s.generation == d.generation) {
        if (s.started_ns + timeout_ns() > now) break;
        const Probe p = s.probe;
        release(d.slot);
        --in_flight_;
        ++report_.timeouts;
        retry_or_give_up(p);
      }
      deadlines_.pop_front();
    }
  }

  void retry_or_give_up(Probe p) {
    if (p.attempt < cfg_.max_retries) {
      ++p.attempt;
      retries_.push_back(p);
    } else {
      ++report_.finished;  // filtered, no-response: counted by the outputs, not listed
      if (!decided_.empty()) ++decided_[p.host];
    }
  }

  void decide(const Probe& p, int error, int64_t started_ns, int64_t now_ns) {
    const ConnectVerdict v = connect_verdict(error);
    if (v.retry) {
      retry_or_give_up(p);
      return;
    }
    ++report_.finished;
    if (!decided_.empty()) ++decided_[p.host];
    if (v.state == PortState::Open) ++report_.open;
    else if (v.state == PortState::Closed) ++report_.closed;
    else ++report_.filtered;
    PortResult r;
    r.ip = IpAddress::v4(p.ip);
    r.port = p.port;
    r.proto = Proto::Tcp;
    r.state = v.state;
    r.reason = v.reason;
    r.time_us = wall_us();
    // The handshake's (or the refusal's) round trip: the host's latency.
    if (v.state != PortState::Filtered) r.rtt_us = static_cast<uint32_t>(std::max<int64_t>(1, (now_ns - started_ns) / 1000));
    batch_.push_back(r);
  }

  void deliver() {
    if (batch_.empty()) return;
    if (hooks_.on_results) hooks_.on_results(batch_);
    batch_.clear();
  }

  const ConnectScanConfig& cfg_;
  const ConnectScanHooks& hooks_;
  const std::atomic<bool>& stop_;
  ConnectScanReport report_;
  unsigned limit_ = 0;
  unsigned in_flight_ = 0;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  std::deque<Deadline> deadlines_;  // in start order, so in deadline order
  std::deque<Probe> retries_;
  std::vector<PortResult> batch_;
  uint64_t next_ = 0;  // the next probe index never started
  std::vector<uint32_t> decided_;  // per target: ports decided (only with a deadline)
  int epfd_ = -1;
  double interval_ns_ = 0;
  double next_send_ns_ = 0;
  int64_t backoff_until_ns_ = 0;
};

}  // namespace

ConnectScanReport run_connect_scan(const ConnectScanConfig& config, const ConnectScanHooks& hooks,
                                   const std::atomic<bool>& interrupt) {
  if (config.targets == nullptr || config.targets->size() == 0 || config.ports.empty()) return {};
  ConnectLoop loop(config, hooks, interrupt);
  return loop.run();
}

}  // namespace portsweep
