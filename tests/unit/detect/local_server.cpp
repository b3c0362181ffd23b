#include "local_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>

#include "detect/socket_address.hpp"

namespace portsweep::test {

namespace {

constexpr int kReadTimeoutSeconds = 5;

// A socket of `type` bound to an ephemeral port of `at`; throws on failure.
int bound_socket(const IpAddress& at, int type, uint16_t& port) {
  SocketAddress sa = socket_address(at, 0);
  const int fd = ::socket(sa.family(), type | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, sa.get(), sa.length) != 0) {
    ::close(fd);
    throw std::runtime_error("bind on " + at.to_string() + " failed");
  }
  socklen_t len = sizeof sa.storage;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa.storage), &len);
  // sin_port and sin6_port sit at the same offset.
  port = ntohs(reinterpret_cast<const sockaddr_in*>(&sa.storage)->sin_port);
  return fd;
}

}  // namespace

LocalServer::LocalServer(Handler handler, const IpAddress& at) : handler_(std::move(handler)) {
  // A handler may write to a client that has already closed (the scanner
  // cuts a port's other connections short): an error, not the test's end.
  ::signal(SIGPIPE, SIG_IGN);
  listen_fd_ = bound_socket(at, SOCK_STREAM, port_);
  if (::listen(listen_fd_, 64) != 0) throw std::runtime_error("listen on " + at.to_string() + " failed");
  acceptor_ = std::thread([this] { accept_loop(); });
}

LocalServer::~LocalServer() {
  stopping_ = true;
  acceptor_.join();
  ::close(listen_fd_);
  std::lock_guard lock(mutex_);
  for (std::thread& t : workers_) t.join();
}

void LocalServer::accept_loop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    timeval tv{kReadTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::lock_guard lock(mutex_);
    workers_.emplace_back([this, fd] {
      handler_(fd);
      ::close(fd);
    });
  }
}

std::string drain(int fd) {
  std::string got;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return got;
    got.append(buf, static_cast<std::size_t>(n));
  }
}

std::string read_until(int fd, const std::string& want) {
  std::string got;
  char buf[4096];
  while (got.find(want) == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

TestTlsServerContext::TestTlsServerContext() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  if (key == nullptr || cert == nullptr) throw std::runtime_error("cannot make a test key");
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1,
                             -1, 0);
  X509_set_issuer_name(cert, name);
  if (X509_sign(cert, key, EVP_sha256()) == 0) throw std::runtime_error("cannot sign the test certificate");
  ctx_ = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(ctx_, cert);
  SSL_CTX_use_PrivateKey(ctx_, key);
  X509_free(cert);
  EVP_PKEY_free(key);
}

TestTlsServerContext::~TestTlsServerContext() { SSL_CTX_free(ctx_); }

LocalUdpServer::LocalUdpServer(Handler handler, const IpAddress& at) : handler_(std::move(handler)) {
  fd_ = bound_socket(at, SOCK_DGRAM, port_);
  thread_ = std::thread([this] { loop(); });
}

LocalUdpServer::~LocalUdpServer() {
  stopping_ = true;
  thread_.join();
  ::close(fd_);
}

std::vector<std::string> LocalUdpServer::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void LocalUdpServer::loop() {
  std::string buf(65536, '\0');
  while (!stopping_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) continue;
    const std::string datagram(buf.data(), static_cast<std::size_t>(n));
    {
      std::lock_guard lock(mutex_);
      received_.push_back(datagram);
    }
    if (std::optional<std::string> reply = handler_(datagram)) {
      ::sendto(fd_, reply->data(), reply->size(), 0, reinterpret_cast<const sockaddr*>(&from), len);
    }
  }
}

uint16_t unused_udp_port(const IpAddress& at) {
  uint16_t port = 0;
  ::close(bound_socket(at, SOCK_DGRAM, port));
  return port;
}

}  // namespace portsweep::test
