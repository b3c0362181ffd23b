#include "dns/reverse_resolver.hpp"

namespace portsweep {

void ReverseResolver::lookup(const IpAddress& ip) {
  {
    std::lock_guard lock(mutex_);
    if (finished_ || !asked_.insert(ip).second) return;
    ++stats_.started;
  }
  start(ip);
}

void ReverseResolver::finish(std::chrono::milliseconds limit) {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t given_up = drain(t0 + limit);
  std::lock_guard lock(mutex_);
  stats_.given_up = given_up;
  stats_.waited_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

ResolverStats ReverseResolver::stats() const {
  std::lock_guard lock(mutex_);
  ResolverStats s = stats_;
  s.named = names_.size();
  return s;
}

}  // namespace portsweep
