#include "detect/tcp_stream.hpp"

#include "detect/socket_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace portsweep {

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;

}  // namespace

int TcpStream::open(const IpAddress& ip, uint16_t port) {
  close();
  const SocketAddress sa = socket_address(ip, port);
  fd_ = ::socket(sa.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return errno;
  if (::connect(fd_, sa.get(), sa.length) == 0 || errno == EINPROGRESS) return 0;
  const int err = errno;
  close();
  return err;
}

int TcpStream::finish_connect() {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  if (err != 0) return err;
  // SO_ERROR is 0 while the handshake is still under way too: only a peer
  // address proves the connection is up.
  sockaddr_storage peer{};
  socklen_t plen = sizeof peer;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&peer), &plen) != 0) return errno == ENOTCONN ? EINPROGRESS : errno;
  return 0;
}

void TcpStream::start_tls(SSL_CTX* ctx, SSL_SESSION* resume) {
  ssl_ = SSL_new(ctx);
  if (ssl_ == nullptr) return;
  SSL_set_fd(ssl_, fd_);
  SSL_set_connect_state(ssl_);
  if (resume != nullptr) SSL_set_session(ssl_, resume);
}

TcpStream::Io TcpStream::handshake() {
  if (ssl_ == nullptr) return Io::Failed;
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) return Io::Done;
  const int e = SSL_get_error(ssl_, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return Io::Wait;
  ERR_clear_error();
  return Io::Failed;
}

SSL_SESSION* TcpStream::take_session() const {
  if (ssl_ == nullptr) return nullptr;
  SSL_SESSION* s = SSL_get1_session(ssl_);
  if (s != nullptr && !SSL_SESSION_is_resumable(s)) {
    SSL_SESSION_free(s);
    return nullptr;
  }
  return s;
}

TcpStream::Io TcpStream::write(std::string_view data) {
  if (sent_ == pending_.size()) {
    pending_.clear();
    sent_ = 0;
  }
  pending_.append(data);
  return flush();
}

TcpStream::Io TcpStream::flush() {
  while (sent_ < pending_.size()) {
    const char* p = pending_.data() + sent_;
    const std::size_t left = pending_.size() - sent_;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_write(ssl_, p, static_cast<int>(left));
      if (n > 0) {
        sent_ += static_cast<std::size_t>(n);
        continue;
      }
      const int e = SSL_get_error(ssl_, n);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return Io::Wait;
      ERR_clear_error();
      return Io::Failed;
    }
    const ssize_t n = ::send(fd_, p, left, MSG_NOSIGNAL);
    if (n > 0) {
      sent_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::Wait;
    if (n < 0 && errno == EINTR) continue;
    return Io::Failed;
  }
  return Io::Done;
}

TcpStream::ReadResult TcpStream::read(std::string& into) {
  ReadResult r;
  char buf[kReadChunk];
  for (;;) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) {
        into.append(buf, static_cast<std::size_t>(n));
        r.bytes += static_cast<std::size_t>(n);
        continue;
      }
      const int e = SSL_get_error(ssl_, n);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return r;
      r.closed = true;
      if (e == SSL_ERROR_SYSCALL) r.error = errno;
      ERR_clear_error();
      return r;
    }
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      into.append(buf, static_cast<std::size_t>(n));
      r.bytes += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) {
      r.closed = true;
      return r;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return r;
    r.closed = true;
    r.error = errno;
    return r;
  }
}

void TcpStream::close() {
  if (ssl_ != nullptr) {
    // No close_notify: the peer is a port being probed, not a partner.
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  pending_.clear();
  sent_ = 0;
}

}  // namespace portsweep
