#include "detect/udp_service_scanner.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "detect/event_poller.hpp"
#include "detect/slot_deadlines.hpp"
#include "detect/socket_address.hpp"
#include "detect/udp_probe_session.hpp"

namespace portsweep {

namespace {

using Clock = UdpProbeSession::Clock;
using Next = UdpProbeSession::Next;

constexpr int kMaxWaitMs = 100;  // how often the loop looks at `stop`
constexpr auto kProgressEvery = std::chrono::seconds(5);

struct Slot {
  std::optional<UdpProbeSession> session;
  int fd = -1;
  uint32_t seq = 0;  // changes with every port: late events of an old socket are ignored
};

// A non-blocking UDP socket connected to the target; -errno on failure.
int open_socket(const ServiceTarget& t) {
  const SocketAddress sa = socket_address(t.ip, t.port);
  const int fd = ::socket(sa.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (::connect(fd, sa.get(), sa.length) != 0) {
    const int err = errno;
    ::close(fd);
    return -err;
  }
  return fd;
}

class Loop {
 public:
  Loop(const ServiceProbeDb& db, const DetectOptions& options, VersionTrace* trace,
       const ServiceScanner::OnOutcome& done, ServiceScanStats& stats, ServiceFeed& feed, std::size_t slots)
      : db_(db), options_(options), trace_(trace), done_(done), stats_(stats), feed_(feed), slots_(slots),
        deadlines_(slots), buffer_(64 * 1024) {}

  ~Loop() {
    for (Slot& s : slots_) {
      if (s.fd >= 0) ::close(s.fd);
    }
  }

  void run(const std::atomic<bool>* stop, const std::atomic<bool>& abandoned,
           const ServiceScanner::OnProgress& progress) {
    Clock::time_point next_progress = Clock::now() + kProgressEvery;
    for (auto i = static_cast<uint32_t>(slots_.size()); i-- > 0;) free_.push_back(i);
    if (const int err = poller_.add(feed_.fd(), kFeedToken); err != 0) {
      throw RuntimeFailure(std::string("UDP version detection cannot watch its port feed: ") + std::strerror(err));
    }
    bool feed_open = feed_.take(waiting_);
    for (;;) {
      if ((stop != nullptr && stop->load()) || abandoned.load()) {
        stats_.interrupted = true;
        return;
      }
      while (!free_.empty() && next_target_ < waiting_.size()) {
        const uint32_t i = free_.back();
        free_.pop_back();
        ++active_;
        most_active_ = std::max(most_active_, active_);
        begin(i, waiting_[next_target_++]);
      }
      if (next_target_ == waiting_.size()) {
        waiting_.clear();
        next_target_ = 0;
      }
      if (active_ == 0 && waiting_.empty() && !feed_open) return;
      for (const epoll_event& ev : poller_.wait(wait_ms())) {
        if (ev.data.u64 == kFeedToken) {
          feed_open = feed_.take(waiting_);
          continue;
        }
        const auto i = static_cast<uint32_t>(ev.data.u64 >> 32);
        const auto seq = static_cast<uint32_t>(ev.data.u64);
        if (i < slots_.size() && slots_[i].session && slots_[i].seq == seq && (ev.events & (EPOLLIN | EPOLLERR)))
          read_ready(i);
      }
      expire_timers();
      if (progress && Clock::now() >= next_progress) {
        progress(stats_.ports, feed_.pushed());
        next_progress += kProgressEvery;
      }
    }
  }

  std::size_t most_active() const { return most_active_; }

 private:
  static constexpr uint64_t kFeedToken = ~uint64_t{0};

  int wait_ms() { return deadlines_.wait_ms(kMaxWaitMs); }

  void set_timer(uint32_t i, Clock::time_point when) { deadlines_.arm(i, when); }

  void begin(uint32_t i, const ServiceTarget& target) {
    Slot& s = slots_[i];
    ++s.seq;
    s.session.emplace(db_, options_, target, trace_);
    const Next first = s.session->start(Clock::now());
    if (first == Next::Done) {
      finish(i);
      return;
    }
    const int fd = open_socket(target);
    int err = fd < 0 ? -fd : 0;
    if (err == 0) {
      s.fd = fd;
      ++stats_.connections;
      err = poller_.add(fd, (uint64_t{i} << 32) | s.seq);
    }
    if (err != 0) {
      act(i, s.session->on_error(Clock::now(), err));
      return;
    }
    act(i, first);
  }

  void act(uint32_t i, Next next) {
    Slot& s = slots_[i];
    UdpProbeSession& ps = *s.session;
    // A send refused at once (a port unreachable already queued on the
    // socket) moves the session on; loop until it waits or is done.
    while (next == Next::Send) {
      ++stats_.probes;
      const std::string_view payload = ps.payload();
      if (::send(s.fd, payload.data(), payload.size(), MSG_NOSIGNAL) >= 0 || errno == EAGAIN ||
          errno == EWOULDBLOCK || errno == ENOBUFS) {
        // A datagram the local queue could not take is lost as one on the wire would be.
        set_timer(i, ps.deadline());
        return;
      }
      const int err = errno;
      next = ps.on_error(Clock::now(), err);
    }
    if (next == Next::Read) return;
    finish(i);
  }

  void finish(uint32_t i) {
    Slot& s = slots_[i];
    const ServiceOutcome outcome = s.session->outcome();
    if (s.fd >= 0) ::close(s.fd);
    s.fd = -1;
    ++s.seq;
    deadlines_.disarm(i);
    s.session.reset();
    free_.push_back(i);
    --active_;
    stats_.count(outcome);
    done_(outcome);
  }

  // Drains the socket (edge-triggered): each datagram is matched as it comes.
  void read_ready(uint32_t i) {
    Slot& s = slots_[i];
    const uint32_t seq = s.seq;
    while (s.session && s.seq == seq) {
      const ssize_t n = ::recv(s.fd, buffer_.data(), buffer_.size(), 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        const int err = errno;
        if (err == EINTR) continue;
        act(i, s.session->on_error(Clock::now(), err));
        continue;
      }
      UdpProbeSession& ps = *s.session;
      ps.on_datagram(std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
      if (!ps.match_due()) continue;
      const auto t0 = Clock::now();
      std::optional<ServiceMatch> m = db_.match(*ps.probe(), ps.response(), ps.softmatched());
      const auto t1 = Clock::now();
      ++stats_.matches;
      stats_.match_seconds += std::chrono::duration<double>(t1 - t0).count();
      act(i, ps.on_match(std::move(m), t1));
    }
  }

  void expire_timers() {
    const Clock::time_point now = Clock::now();
    deadlines_.expire(now, [&](uint32_t i) {
      if (slots_[i].session) act(i, slots_[i].session->on_timeout(now));
    });
  }

  const ServiceProbeDb& db_;
  const DetectOptions& options_;
  VersionTrace* trace_;
  const ServiceScanner::OnOutcome& done_;
  ServiceScanStats& stats_;
  ServiceFeed& feed_;
  std::vector<ServiceTarget> waiting_;  // fed, not started yet, from next_target_ on
  std::size_t next_target_ = 0;
  std::size_t active_ = 0;
  std::size_t most_active_ = 0;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  EventPoller poller_;
  SlotDeadlines deadlines_;
  std::vector<char> buffer_;
};

}  // namespace

UdpServiceScanner::UdpServiceScanner(const ServiceProbeDb& db, DetectOptions options, VersionTrace* trace)
    : db_(db), options_(options), trace_(trace) {}

ServiceScanStats UdpServiceScanner::run(std::span<const ServiceTarget> targets,
                                        const ServiceScanner::OnOutcome& done, const std::atomic<bool>* stop,
                                        const ServiceScanner::OnProgress& progress) {
  ServiceFeed feed;
  for (const ServiceTarget& t : targets) feed.push(t);
  feed.close();
  return run(feed, done, stop, progress, targets.size());
}

ServiceScanStats UdpServiceScanner::run(ServiceFeed& feed, const ServiceScanner::OnOutcome& done,
                                        const std::atomic<bool>* stop, const ServiceScanner::OnProgress& progress,
                                        std::size_t expected) {
  ServiceScanStats stats;
  const auto t0 = Clock::now();
  std::size_t slots = std::min<std::size_t>(options_.max_parallel, usable_sockets());
  if (expected != 0) slots = std::min(slots, expected);
  slots = std::max<std::size_t>(slots, 1);
  Loop loop(db_, options_, trace_, done, stats, feed, slots);
  loop.run(stop, abandoned_, progress);
  // Ports at once: as many as there were to probe, up to the slots.
  stats.parallel = static_cast<unsigned>(loop.most_active());
  stats.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return stats;
}

}  // namespace portsweep
