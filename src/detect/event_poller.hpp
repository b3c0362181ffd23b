#pragma once
// A thin epoll(7) set for the version-detection loop: edge-triggered, every
// socket watched for reading and writing at once, each tagged with a 64-bit
// token the loop chooses.
#include <sys/epoll.h>

#include <cstdint>
#include <span>
#include <vector>

namespace portsweep {

// How many sockets version detection may hold at once: the open-file limit
// (its soft limit first raised to the hard one) less a reserve for the rest
// of the process.
std::size_t usable_sockets();

class EventPoller {
 public:
  // Throws RuntimeFailure when the kernel refuses an epoll instance.
  explicit EventPoller(std::size_t max_events = 1024);
  ~EventPoller();
  EventPoller(const EventPoller&) = delete;
  EventPoller& operator=(const EventPoller&) = delete;

  // Watches `fd` until it is closed; returns the errno of a failure, else 0.
  int add(int fd, uint64_t token);
  // Ready sockets, waiting at most `timeout_ms` (0: just look).
  std::span<const epoll_event> wait(int timeout_ms);

 private:
  int epfd_ = -1;
  std::vector<epoll_event> events_;
};

}  // namespace portsweep
