#include "io/sweep_socket.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/error.hpp"

namespace portsweep {

SweepSocket::SweepSocket(const std::string& iface, int ifindex, uint16_t ethertype, const char* what)
    : iface_(iface), what_(what) {
  // Protocol 0 here and the EtherType at bind: a socket opened with a
  // protocol starts receiving from every interface at once, and moving it to
  // one interface then waits for an RCU grace period (milliseconds).
  fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) {
    const int err = errno;
    throw RuntimeFailure("cannot open a packet socket on " + iface + " to send " + what + ": " +
                         std::strerror(err) +
                         (err == EPERM ? " (portsweep needs root or CAP_NET_RAW)." : "."));
  }
  // Answers to a burst of requests arrive together; room for thousands.
  const int rcvbuf = 4 << 20;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
#ifdef PACKET_IGNORE_OUTGOING
  const int one = 1;  // our own requests need not come back to us (Linux >= 4.20)
  ::setsockopt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
#endif
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ethertype);
  sll.sll_ifindex = ifindex;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
    const int err = errno;
    ::close(fd_);
    throw RuntimeFailure("cannot bind a packet socket to " + iface + " to send " + what + ": " +
                         std::strerror(err) + ".");
  }
}

SweepSocket::~SweepSocket() { ::close(fd_); }

bool SweepSocket::send(const uint8_t* frame, size_t len) {
  if (::send(fd_, frame, len, 0) >= 0) return true;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR) return false;
  throw RuntimeFailure(std::string("cannot send ") + what_ + " on " + iface_ + ": " +
                       std::strerror(errno) + ".");
}

void SweepSocket::wait(int64_t ns) {
  pollfd pfd{fd_, POLLIN, 0};
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  ::ppoll(&pfd, 1, &ts, nullptr);
}

long SweepSocket::receive() {
  for (;;) {
    sockaddr_ll from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buf_, sizeof buf_, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;  // EAGAIN: nothing more
    }
    return from.sll_pkttype == PACKET_OUTGOING ? 0 : static_cast<long>(n);
  }
}

int64_t SweepSocket::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace portsweep
