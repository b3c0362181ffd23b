#pragma once
// Ports handed to version detection while they are still being found: the
// sweep's result consumer push()es each open port as it arrives, the
// detection loop take()s them, woken through an eventfd it polls with its
// sockets, and close() says that no more will come. Offline detection fills
// a feed and closes it before the loop starts.
//
// Cost: one mutex hand-over and one eventfd write per port pushed (an open
// port, not a packet), and one eventfd read per wake-up of the loop.
#include <mutex>
#include <vector>

#include "detect/service_outcome.hpp"

namespace portsweep {

class ServiceFeed {
 public:
  // Throws RuntimeFailure when the kernel refuses an eventfd.
  ServiceFeed();
  ~ServiceFeed();
  ServiceFeed(const ServiceFeed&) = delete;
  ServiceFeed& operator=(const ServiceFeed&) = delete;

  // Any thread. A push after close() is dropped.
  void push(const ServiceTarget& t);
  void close();

  // The loop's side: the descriptor that turns readable when something was
  // pushed or the feed closed.
  int fd() const { return fd_; }
  // Appends every queued target to `into` and clears the wake-up; returns
  // false once the feed is closed and nothing is left.
  bool take(std::vector<ServiceTarget>& into);
  // Ports pushed so far.
  std::size_t pushed() const;

 private:
  void wake();

  mutable std::mutex mutex_;
  std::vector<ServiceTarget> queued_;
  std::size_t pushed_ = 0;
  bool closed_ = false;
  int fd_ = -1;
};

}  // namespace portsweep
