#pragma once
// Small TCP servers on 127.0.0.1 (or ::1) for the detection tests: each
// accepts on an ephemeral port and runs a handler per connection on its own thread. Every
// connection's socket times out reads after a few seconds, so no handler can
// hang a test.
#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "portsweep/ip_address.hpp"

namespace portsweep::test {

inline const IpAddress kLoopback = IpAddress::v4(0x7f000001);
inline const IpAddress kLoopback6 = IpAddress::v6(u128{1});  // ::1

class LocalServer {
 public:
  // Handler of one accepted connection; the server closes `fd` afterwards.
  using Handler = std::function<void(int fd)>;

  explicit LocalServer(Handler handler, const IpAddress& at = kLoopback);
  ~LocalServer();
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  uint16_t port() const { return port_; }
  int connections() const { return accepted_.load(); }

 private:
  void accept_loop();

  Handler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> workers_;
};

// A UDP server on 127.0.0.1 or ::1 (ephemeral port): one thread reads datagrams and
// sends back whatever the handler returns for each (nothing when it returns
// an empty optional, so the port stays silent yet bound: no port unreachable).
class LocalUdpServer {
 public:
  using Handler = std::function<std::optional<std::string>(const std::string& datagram)>;

  explicit LocalUdpServer(Handler handler, const IpAddress& at = kLoopback);
  ~LocalUdpServer();
  LocalUdpServer(const LocalUdpServer&) = delete;
  LocalUdpServer& operator=(const LocalUdpServer&) = delete;

  uint16_t port() const { return port_; }
  // Every datagram received so far, in order.
  std::vector<std::string> received() const;

 private:
  void loop();

  Handler handler_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> received_;
  std::thread thread_;
};

// A UDP port of `at` nothing listens on (bound, then closed): the kernel
// answers it with ICMP (or ICMPv6) port unreachable.
uint16_t unused_udp_port(const IpAddress& at = kLoopback);

// Reads until the peer closes or the read times out; returns what came.
std::string drain(int fd);
// Reads until `want` has arrived (or close/timeout); returns what came.
std::string read_until(int fd, const std::string& want);
void send_all(int fd, const std::string& data);

// A self-signed certificate and key made with OpenSSL's API, and a server
// context using them.
class TestTlsServerContext {
 public:
  TestTlsServerContext();
  ~TestTlsServerContext();
  SSL_CTX* get() const { return ctx_; }

 private:
  SSL_CTX* ctx_ = nullptr;
};

}  // namespace portsweep::test
