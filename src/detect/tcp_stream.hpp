#pragma once
// One non-blocking TCP connection, optionally wrapped in TLS, driven by an
// edge-triggered event loop: every call does as much as the socket allows
// without blocking and says whether it has to wait.
#include <cstdint>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include "portsweep/ip_address.hpp"

namespace portsweep {

class TcpStream {
 public:
  enum class Io : uint8_t { Done, Wait, Failed };

  struct ReadResult {
    std::size_t bytes = 0;  // appended to the caller's buffer
    bool closed = false;    // the peer closed (FIN, reset, TLS close)
    int error = 0;          // errno of a reset or other failure, 0 for a clean close
  };

  TcpStream() = default;
  ~TcpStream() { close(); }
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  // Starts connecting to ip:port (an AF_INET or AF_INET6 socket, as the
  // address's family). Returns 0 when under way (or done), otherwise the
  // errno that stopped it.
  int open(const IpAddress& ip, uint16_t port);
  int fd() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }

  // After the socket turns writable: 0 when connected, else the errno.
  int finish_connect();

  // Wraps the connection in TLS (client side) and drives the handshake.
  void start_tls(SSL_CTX* ctx, SSL_SESSION* resume);
  Io handshake();
  bool tls() const { return ssl_ != nullptr; }
  // The TLS session, to resume on the port's next connection; owned by the caller.
  SSL_SESSION* take_session() const;

  // Queues `data` and writes what the socket takes now; flush() writes the
  // rest when the socket is writable again.
  Io write(std::string_view data);
  Io flush();
  bool write_pending() const { return sent_ < pending_.size(); }

  // Reads everything available into `into`.
  ReadResult read(std::string& into);

  void close();

 private:
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  std::string pending_;
  std::size_t sent_ = 0;
};

}  // namespace portsweep
