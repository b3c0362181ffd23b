#pragma once
// The AF_PACKET socket an address-resolution sweep runs on (ARP for IPv4,
// Neighbor Discovery for IPv6): bound to one interface and one EtherType,
// non-blocking, our own frames not looped back, room for thousands of
// answers arriving together.
#include <cstddef>
#include <cstdint>
#include <string>

namespace portsweep {

class SweepSocket {
 public:
  // `what` names the frames in messages: "ARP", "Neighbor Solicitations".
  // Throws RuntimeFailure when the socket cannot be opened or bound.
  SweepSocket(const std::string& iface, int ifindex, uint16_t ethertype, const char* what);
  ~SweepSocket();
  SweepSocket(const SweepSocket&) = delete;
  SweepSocket& operator=(const SweepSocket&) = delete;

  // False when the socket's buffer is full (try again later); throws
  // RuntimeFailure for any other failure.
  bool send(const uint8_t* frame, size_t len);
  // Sleeps up to ns, or until a frame arrives.
  void wait(int64_t ns);
  // Hands every frame waiting on the socket (not our own) to
  // on_frame(data, len, now_ns) with the CLOCK_MONOTONIC time it was read.
  template <typename OnFrame>
  void drain(OnFrame&& on_frame) {
    for (;;) {
      const long n = receive();
      if (n < 0) return;
      if (n > 0) on_frame(buf_, static_cast<size_t>(n), now_ns());
    }
  }

  static int64_t now_ns();

 private:
  // The next frame's length into buf_; 0 for one of our own; -1 when none waits.
  long receive();

  std::string iface_;
  const char* what_;
  int fd_ = -1;
  uint8_t buf_[1514] = {};
};

}  // namespace portsweep
