// The c-ares backend of ReverseResolver.
//
// Design: one thread owns the c-ares channel and runs its event loop (poll
// on the channel's sockets plus an eventfd). Any thread may start a lookup:
// lookup() appends the address to a queue under a mutex and writes the
// eventfd; the loop moves the queue into ares_gethostbyaddr() calls (AF_INET
// or AF_INET6 by the address: in-addr.arpa or ip6.arpa names). So
// every lookup of the scan is in flight at once, each costs the caller one
// lock and one write(2) - once per host found, never per packet - and a
// /16 sweep's hundreds of lookups finish while the sweep is still sending.
// c-ares bounds each lookup itself (timeout x tries per server, the
// timeout doubling each round); finish() adds the overall bound: past it
// the channel is cancelled and the lookups still out are given up.
// The servers are --dns-servers' or, by c-ares's default initialisation,
// /etc/resolv.conf's, which is where nmap takes them from too.
#include <ares.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <thread>

#include "common/error.hpp"
#include "dns/ptr_name.hpp"
#include "dns/reverse_resolver.hpp"

namespace portsweep {

namespace {

class AresLibrary {
 public:
  AresLibrary() : status_(ares_library_init(ARES_LIB_INIT_ALL)) {}
  ~AresLibrary() {
    if (status_ == ARES_SUCCESS) ares_library_cleanup();
  }
  int status() const { return status_; }

 private:
  int status_;
};

class AresResolver final : public ReverseResolver {
 public:
  explicit AresResolver(const ResolverOptions& o) {
    static AresLibrary library;
    if (library.status() != ARES_SUCCESS)
      throw RuntimeFailure(std::string("cannot start c-ares for reverse DNS: ") + ares_strerror(library.status()));
    ares_options opts{};
    opts.timeout = static_cast<int>(o.timeout.count());
    opts.tries = o.tries;
    int rc = ares_init_options(&channel_, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    if (rc != ARES_SUCCESS)
      throw RuntimeFailure(std::string("cannot start c-ares for reverse DNS: ") + ares_strerror(rc));
    if (!o.servers.empty()) {
      std::string csv;
      for (const std::string& s : o.servers) csv += (csv.empty() ? "" : ",") + s;
      rc = ares_set_servers_ports_csv(channel_, csv.c_str());
      if (rc != ARES_SUCCESS) {
        ares_destroy(channel_);
        throw UsageError("invalid --dns-servers \"" + csv + "\": " + ares_strerror(rc));
      }
    }
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_ < 0) {
      ares_destroy(channel_);
      throw RuntimeFailure("cannot start reverse DNS: eventfd failed");
    }
    loop_ = std::thread([this] { run(); });
  }

  ~AresResolver() override {
    stop(std::chrono::steady_clock::now());
    ares_destroy(channel_);
    ::close(wake_);
  }

 protected:
  void start(const IpAddress& ip) override {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(ip);
    }
    wake();
  }

  uint64_t drain(std::chrono::steady_clock::time_point deadline) override { return stop(deadline); }

 private:
  struct Query {
    AresResolver* self;
    IpAddress ip;
  };

  void wake() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_, &one, sizeof one);
  }

  // Ends the loop once every lookup is answered or at `deadline`; returns
  // how many lookups were still out then.
  uint64_t stop(std::chrono::steady_clock::time_point deadline) {
    if (!loop_.joinable()) return given_up_;
    std::unique_lock lock(mutex_);
    draining_ = true;
    wake();
    if (!idle_.wait_until(lock, deadline, [this] { return done_; })) {
      cancel_ = true;
      wake();
      idle_.wait(lock, [this] { return done_; });
    }
    lock.unlock();
    loop_.join();
    return given_up_;
  }

  static void answered(void* arg, int status, int /*timeouts*/, hostent* host) {
    auto* q = static_cast<Query*>(arg);
    if (status == ARES_SUCCESS && host != nullptr && host->h_name != nullptr) {
      if (auto name = report_host_name(host->h_name)) q->self->names_.set(q->ip, std::move(*name));
    }
    if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) ++q->self->given_up_;
    --q->self->in_flight_;
    delete q;
  }

  void run() {
    std::vector<IpAddress> batch;
    while (true) {
      bool draining = false;
      bool cancel = false;
      {
        std::lock_guard lock(mutex_);
        batch.swap(queue_);
        draining = draining_;
        cancel = cancel_;
      }
      for (const IpAddress& ip : batch) {
        ++in_flight_;
        // c-ares asks in-addr.arpa or ip6.arpa by the family (and reads
        // the hosts file first, as for IPv4).
        if (ip.is_v4()) {
          in_addr addr{};
          addr.s_addr = htonl(ip.v4_value());
          ares_gethostbyaddr(channel_, &addr, sizeof addr, AF_INET, &AresResolver::answered, new Query{this, ip});
        } else {
          in6_addr addr{};
          std::memcpy(addr.s6_addr, ip.bytes().data(), 16);
          ares_gethostbyaddr(channel_, &addr, sizeof addr, AF_INET6, &AresResolver::answered, new Query{this, ip});
        }
      }
      batch.clear();
      if (cancel) ares_cancel(channel_);
      if ((draining && in_flight_ == 0) || cancel) break;

      ares_socket_t socks[ARES_GETSOCK_MAXNUM];
      const int bits = ares_getsock(channel_, socks, ARES_GETSOCK_MAXNUM);
      pollfd fds[ARES_GETSOCK_MAXNUM + 1];
      nfds_t n = 0;
      fds[n++] = {wake_, POLLIN, 0};
      for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
        short events = 0;
        if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
        if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
        if (events) fds[n++] = {socks[i], events, 0};
      }
      timeval tv{1, 0};
      timeval* left = ares_timeout(channel_, &tv, &tv);
      const int ms = static_cast<int>(left->tv_sec * 1000 + left->tv_usec / 1000) + 1;
      const int ready = ::poll(fds, n, ms);
      if (ready > 0 && (fds[0].revents & POLLIN)) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = ::read(wake_, &count, sizeof count);
      }
      for (nfds_t i = 1; i < n; ++i) {
        const ares_socket_t rd = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD;
        const ares_socket_t wr = (fds[i].revents & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;
        if (rd != ARES_SOCKET_BAD || wr != ARES_SOCKET_BAD) ares_process_fd(channel_, rd, wr);
      }
      ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts and retries
    }
    std::lock_guard lock(mutex_);
    given_up_ += queue_.size();
    queue_.clear();
    done_ = true;
    idle_.notify_all();
  }

  ares_channel channel_ = nullptr;
  int wake_ = -1;
  std::thread loop_;
  std::mutex mutex_;
  std::condition_variable idle_;
  std::vector<IpAddress> queue_;  // started, not yet handed to c-ares
  bool draining_ = false;
  bool cancel_ = false;
  bool done_ = false;
  uint64_t in_flight_ = 0;  // loop thread only
  uint64_t given_up_ = 0;   // loop thread, read after join
};

}  // namespace

std::unique_ptr<ReverseResolver> make_ares_resolver(const ResolverOptions& options) {
  return std::make_unique<AresResolver>(options);
}

}  // namespace portsweep
