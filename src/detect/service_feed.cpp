#include "detect/service_feed.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.hpp"

namespace portsweep {

ServiceFeed::ServiceFeed() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw RuntimeFailure(std::string("cannot create an eventfd for version detection: ") + std::strerror(errno));
}

ServiceFeed::~ServiceFeed() {
  if (fd_ >= 0) ::close(fd_);
}

void ServiceFeed::wake() {
  const uint64_t one = 1;
  // A full counter (never, at 2^64 - 2) or EAGAIN still leaves it readable.
  [[maybe_unused]] const ssize_t n = ::write(fd_, &one, sizeof one);
}

void ServiceFeed::push(const ServiceTarget& t) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    queued_.push_back(t);
    ++pushed_;
  }
  wake();
}

void ServiceFeed::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
  }
  wake();
}

bool ServiceFeed::take(std::vector<ServiceTarget>& into) {
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(fd_, &count, sizeof count);
  std::lock_guard lock(mutex_);
  into.insert(into.end(), queued_.begin(), queued_.end());
  queued_.clear();
  return !closed_;
}

std::size_t ServiceFeed::pushed() const {
  std::lock_guard lock(mutex_);
  return pushed_;
}

}  // namespace portsweep
