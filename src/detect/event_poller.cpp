#include "detect/event_poller.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.hpp"

namespace portsweep {

std::size_t usable_sockets() {
  // File descriptors left for everything else the process has open.
  constexpr rlim_t kSpareFiles = 64;
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) rl.rlim_cur = rl.rlim_max = 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  const rlim_t usable = rl.rlim_cur > 2 * kSpareFiles ? rl.rlim_cur - kSpareFiles : kSpareFiles;
  return static_cast<std::size_t>(usable);
}

EventPoller::EventPoller(std::size_t max_events) : events_(max_events) {
  epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) throw RuntimeFailure(std::string("cannot create an epoll set: ") + std::strerror(errno));
}

EventPoller::~EventPoller() {
  if (epfd_ >= 0) ::close(epfd_);
}

int EventPoller::add(int fd, uint64_t token) {
  epoll_event ev{};
  // Edge-triggered for both directions: the loop always reads and writes
  // until the socket would block, so a level would only repeat itself.
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = token;
  return ::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : errno;
}

std::span<const epoll_event> EventPoller::wait(int timeout_ms) {
  const int n = ::epoll_wait(epfd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
  if (n <= 0) return {};  // EINTR counts as "nothing yet"
  return {events_.data(), static_cast<std::size_t>(n)};
}

}  // namespace portsweep
