// The --system-dns backend of ReverseResolver: getnameinfo() on a few
// worker threads, so the lookups go through the C library (nsswitch,
// /etc/hosts, resolv.conf) exactly as other programs' do. getnameinfo()
// blocks and cannot be cancelled, so the workers share their state with the
// resolver through a shared_ptr: when finish() runs out of time the
// workers still blocked are detached and end on their own (or with the
// process), touching nothing the resolver owned.
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <thread>

#include "dns/ptr_name.hpp"
#include "dns/reverse_resolver.hpp"

namespace portsweep {

namespace {

struct WorkQueue {
  std::mutex mutex;
  std::condition_variable work;
  std::condition_variable idle;
  std::deque<IpAddress> pending;
  std::size_t busy = 0;
  bool closing = false;
  NameBook found;
};

void work(const std::shared_ptr<WorkQueue>& q) {
  std::unique_lock lock(q->mutex);
  while (true) {
    q->work.wait(lock, [&] { return q->closing || !q->pending.empty(); });
    if (q->pending.empty()) return;
    const IpAddress ip = q->pending.front();
    q->pending.pop_front();
    ++q->busy;
    lock.unlock();
    sockaddr_storage sa{};
    socklen_t sa_len = 0;
    if (ip.is_v4()) {
      auto* in = reinterpret_cast<sockaddr_in*>(&sa);
      in->sin_family = AF_INET;
      in->sin_addr.s_addr = htonl(ip.v4_value());
      sa_len = sizeof(sockaddr_in);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&sa);
      in6->sin6_family = AF_INET6;
      std::memcpy(in6->sin6_addr.s6_addr, ip.bytes().data(), 16);
      sa_len = sizeof(sockaddr_in6);
    }
    char host[NI_MAXHOST];
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&sa), sa_len, host, sizeof host, nullptr, 0, NI_NAMEREQD) == 0) {
      if (auto name = report_host_name(host)) q->found.set(ip, std::move(*name));
    }
    lock.lock();
    --q->busy;
    if (q->pending.empty() && q->busy == 0) q->idle.notify_all();
  }
}

class SystemResolver final : public ReverseResolver {
 public:
  explicit SystemResolver(int threads) : queue_(std::make_shared<WorkQueue>()) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([q = queue_] { work(q); });
  }

  ~SystemResolver() override { drain(std::chrono::steady_clock::now()); }

 protected:
  void start(const IpAddress& ip) override {
    {
      std::lock_guard lock(queue_->mutex);
      queue_->pending.push_back(ip);
    }
    queue_->work.notify_one();
  }

  uint64_t drain(std::chrono::steady_clock::time_point deadline) override {
    if (workers_.empty()) return given_up_;
    std::unique_lock lock(queue_->mutex);
    const bool all = queue_->idle.wait_until(lock, deadline, [&] {
      return queue_->pending.empty() && queue_->busy == 0;
    });
    given_up_ = queue_->pending.size() + queue_->busy;
    queue_->pending.clear();
    queue_->closing = true;
    lock.unlock();
    queue_->work.notify_all();
    for (std::thread& t : workers_) {
      if (all) t.join();
      else t.detach();
    }
    workers_.clear();
    copy_names();
    return given_up_;
  }

 private:
  void copy_names() {
    // Only here, once the wait is over: what a detached worker finds later is dropped.
    for (auto& [ip, name] : queue_->found.snapshot()) names_.set(ip, std::move(name));
  }

  std::shared_ptr<WorkQueue> queue_;
  std::vector<std::thread> workers_;
  uint64_t given_up_ = 0;
};

}  // namespace

std::unique_ptr<ReverseResolver> make_ares_resolver(const ResolverOptions& options);

std::unique_ptr<ReverseResolver> make_reverse_resolver(const ResolverOptions& options) {
  if (options.system) return std::make_unique<SystemResolver>(options.system_threads);
  return make_ares_resolver(options);
}

}  // namespace portsweep
