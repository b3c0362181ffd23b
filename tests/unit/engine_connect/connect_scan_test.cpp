// The connect scan (-sT) against local listeners on the loopback: no root
// needed. Open ports are listeners, closed ports are bound but not
// listening (the kernel resets, and no other process can take the port),
// filtered ports are a listener whose accept queue is full (the kernel
// drops further SYNs).
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "engine/connect_scan.hpp"
#include "targets/target_set.hpp"

namespace portsweep {
namespace {

constexpr uint32_t kLoopback = 0x7f000001;

// A TCP socket bound to 0.0.0.0 on a port the kernel picks; listening or not.
class LocalPort {
 public:
  explicit LocalPort(bool listening, int backlog = 128) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ADD_FAILURE() << "bind: " << errno;
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    if (listening && ::listen(fd_, backlog) != 0) ADD_FAILURE() << "listen: " << errno;
  }
  ~LocalPort() { ::close(fd_); }
  uint16_t port() const { return port_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TargetSet targets(uint32_t first, uint32_t last) {
  return TargetSet({{first, last}});
}

struct Scan {
  std::map<std::pair<IpAddress, uint16_t>, PortResult> results;
  size_t duplicates = 0;
  ConnectScanReport report;
};

Scan scan(const ConnectScanConfig& cfg, const std::atomic<bool>& stop = std::atomic<bool>{false},
          std::function<void()> tick = {}) {
  Scan s;
  ConnectScanHooks hooks;
  hooks.on_results = [&](std::span<const PortResult> batch) {
    for (const PortResult& r : batch)
      if (!s.results.emplace(std::pair{r.ip, r.port}, r).second) ++s.duplicates;
  };
  hooks.on_tick = std::move(tick);
  s.report = run_connect_scan(cfg, hooks, stop);
  return s;
}

size_t open_descriptors() {
  size_t n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  while (dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n;
}

// Connections in TIME_WAIT (state 06) in /proc/net/tcp with `port` at either end.
int time_waits(uint16_t port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);
  int n = 0;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string slot, local, remote, state;
    f >> slot >> local >> remote >> state;
    const auto port_of = [](const std::string& addr) {
      return static_cast<uint16_t>(std::stoul(addr.substr(addr.find(':') + 1), nullptr, 16));
    };
    if (state == "06" && (port_of(local) == port || port_of(remote) == port)) ++n;
  }
  return n;
}

TEST(ConnectVerdict, ReadsErrnoAsNmapDoes) {
  EXPECT_EQ(connect_verdict(0).state, PortState::Open);
  EXPECT_EQ(connect_verdict(0).reason, Reason::SynAck);
  EXPECT_EQ(connect_verdict(ECONNREFUSED).state, PortState::Closed);
  EXPECT_EQ(to_string(connect_verdict(ECONNREFUSED).reason), "conn-refused");
  EXPECT_EQ(connect_verdict(EHOSTUNREACH).state, PortState::Filtered);
  EXPECT_EQ(to_string(connect_verdict(EHOSTUNREACH).reason), "host-unreach");
  EXPECT_EQ(to_string(connect_verdict(ENETUNREACH).reason), "net-unreach");
  EXPECT_FALSE(connect_verdict(EHOSTUNREACH).retry);
  EXPECT_TRUE(connect_verdict(ETIMEDOUT).retry);
  EXPECT_EQ(connect_verdict(ETIMEDOUT).reason, Reason::NoResponse);
}

TEST(ConnectScan, OpenAndClosedOnTheLoopback) {
  LocalPort open1(true), open2(true), closed1(false), closed2(false);
  const TargetSet t = targets(kLoopback, kLoopback);
  ConnectScanConfig cfg;
  cfg.targets = &t;
  cfg.ports = {open1.port(), closed1.port(), open2.port(), closed2.port()};
  const Scan s = scan(cfg);
  ASSERT_EQ(s.results.size(), 4u);
  for (uint16_t p : {open1.port(), open2.port()}) {
    EXPECT_EQ(s.results.at({IpAddress::v4(kLoopback), p}).state, PortState::Open) << p;
    EXPECT_EQ(s.results.at({IpAddress::v4(kLoopback), p}).reason, Reason::SynAck) << p;
  }
  for (uint16_t p : {closed1.port(), closed2.port()}) {
    EXPECT_EQ(s.results.at({IpAddress::v4(kLoopback), p}).state, PortState::Closed) << p;
    EXPECT_EQ(s.results.at({IpAddress::v4(kLoopback), p}).reason, Reason::ConnRefused) << p;
  }
  EXPECT_EQ(s.report.open, 2u);
  EXPECT_EQ(s.report.closed, 2u);
  EXPECT_EQ(s.report.finished, 4u);
  EXPECT_EQ(s.report.connects, 4u);
}

// 254 loopback addresses x 32 ports, 8128 probes, 16 open per address,
// with a bound of 300 sockets in flight.
TEST(ConnectScan, ManyTargetsAndPortsAtOnceWithinTheBound) {
  std::vector<std::unique_ptr<LocalPort>> open, closed;
  ConnectScanConfig cfg;
  for (int i = 0; i < 16; ++i) {
    open.push_back(std::make_unique<LocalPort>(true, 4096));
    closed.push_back(std::make_unique<LocalPort>(false));
    cfg.ports.push_back(open.back()->port());
    cfg.ports.push_back(closed.back()->port());
  }
  const TargetSet t = targets(kLoopback, kLoopback + 253);
  cfg.targets = &t;
  cfg.max_parallel = 300;
  const size_t baseline = open_descriptors();
  size_t most = 0;
  const Scan s = scan(cfg, std::atomic<bool>{false}, [&] { most = std::max(most, open_descriptors()); });
  EXPECT_EQ(s.duplicates, 0u);
  ASSERT_EQ(s.results.size(), 254u * 32);
  size_t n_open = 0;
  for (const auto& [key, r] : s.results) {
    // A copy: clang 14 cannot capture a structured binding (C++20 allows it).
    const auto port = key.second;
    const bool is_open = std::any_of(open.begin(), open.end(), [&](auto& p) { return p->port() == port; });
    EXPECT_EQ(r.state, is_open ? PortState::Open : PortState::Closed) << key.first.to_string() << ":" << key.second;
    n_open += is_open;
  }
  EXPECT_EQ(n_open, 254u * 16);
  EXPECT_LE(s.report.peak_in_flight, 300u);
  EXPECT_EQ(s.report.parallel_limit, 300u);
  EXPECT_LE(most, baseline + 300 + 1);  // the epoll set's descriptor too
  EXPECT_EQ(open_descriptors(), baseline);  // every socket closed
}

// A listener whose accept queue is full drops SYNs: the connects time out,
// are retried, and end filtered (unreported), never more than the bound
// at once.
TEST(ConnectScan, FullBacklogTimesOutAsFilteredWithinTheBound) {
  LocalPort listener(true, 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(listener.port());
    a.sin_addr.s_addr = htonl(kLoopback);
    ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    fillers.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // Other loopback addresses than the fillers', so no 4-tuple repeats.
  const TargetSet t = targets(kLoopback + 1, kLoopback + 24);
  ConnectScanConfig cfg;
  cfg.targets = &t;
  cfg.ports = {listener.port()};
  cfg.max_parallel = 8;
  cfg.timeout_ms = 150;
  cfg.max_retries = 1;
  const size_t baseline = open_descriptors();
  size_t most = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const Scan s = scan(cfg, std::atomic<bool>{false}, [&] { most = std::max(most, open_descriptors()); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(s.results.empty());
  EXPECT_EQ(s.report.timeouts, 48u);  // 24 probes, each tried twice
  EXPECT_EQ(s.report.connects, 48u);
  EXPECT_EQ(s.report.finished, 24u);
  EXPECT_EQ(s.report.peak_in_flight, 8u);
  EXPECT_LE(most, baseline + 8 + 1);
  EXPECT_GE(seconds, 48 / 8 * 0.15 * 0.95);  // six rounds of eight
  for (int fd : fillers) ::close(fd);
}

// SO_LINGER 0: the scan's close resets every connection, so none is left
// in TIME_WAIT; a plain close on the same machine leaves one (the check sees it).
TEST(ConnectScan, LeavesNoTimeWait) {
  LocalPort listener(true, 4096);
  const TargetSet t = targets(kLoopback, kLoopback + 63);
  ConnectScanConfig cfg;
  cfg.targets = &t;
  cfg.ports = {listener.port()};
  const Scan s = scan(cfg);
  EXPECT_EQ(s.report.open, 64u);
  EXPECT_EQ(time_waits(listener.port()), 0);

  LocalPort control(true);
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(control.port());
  a.sin_addr.s_addr = htonl(kLoopback);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  const int accepted = ::accept(control.fd(), nullptr, nullptr);
  ::close(fd);  // the client closes first: its end waits in TIME_WAIT
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::close(accepted);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_GE(time_waits(control.port()), 1);
}

TEST(ConnectScan, RateHoldsConnectsPerSecond) {
  LocalPort closed(false);
  const TargetSet t = targets(kLoopback, kLoopback + 99);
  ConnectScanConfig cfg;
  cfg.targets = &t;
  cfg.ports = {closed.port()};
  cfg.rate = 400;
  const auto t0 = std::chrono::steady_clock::now();
  const Scan s = scan(cfg);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(s.report.closed, 100u);
  EXPECT_GE(seconds, 99 / 400.0 * 0.95);
  EXPECT_LE(seconds, 99 / 400.0 + 0.5);
}

TEST(ConnectScan, InterruptStopsAndClosesEverySocket) {
  LocalPort listener(true, 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(listener.port());
    a.sin_addr.s_addr = htonl(kLoopback);
    ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    fillers.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const TargetSet t = targets(kLoopback + 1, kLoopback + 200);
  ConnectScanConfig cfg;
  cfg.targets = &t;
  cfg.ports = {listener.port()};
  cfg.max_parallel = 50;
  cfg.timeout_ms = 10'000;
  std::atomic<bool> stop{false};
  const size_t baseline = open_descriptors();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  const Scan s = scan(cfg, stop);
  stopper.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(s.report.interrupted);
  EXPECT_LT(seconds, 1.0);
  EXPECT_EQ(s.report.peak_in_flight, 50u);
  EXPECT_EQ(open_descriptors(), baseline);
  for (int fd : fillers) ::close(fd);
}

}  // namespace
}  // namespace portsweep
