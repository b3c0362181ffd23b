#include "io/arp_resolver.hpp"
#include "packet/wire.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {

namespace {

constexpr size_t kEthHeader = 14;
constexpr size_t kArpBody = 28;
// Frames shorter than Ethernet's minimum are padded by most drivers but not
// all virtual ones; pad ourselves so every peer sees a valid frame.
constexpr size_t kMinFrame = 60;
constexpr uint16_t kArpRequest = 1;
constexpr uint16_t kArpReply = 2;

using wire::load_be16, wire::load_be32, wire::store_be16, wire::store_be32;

std::array<uint8_t, kMinFrame> build_request(const ArpQuery& q) {
  std::array<uint8_t, kMinFrame> f{};
  std::memset(f.data(), 0xff, 6);  // broadcast
  std::memcpy(f.data() + 6, q.src_mac.bytes.data(), 6);
  store_be16(f.data() + 12, ETH_P_ARP);
  uint8_t* a = f.data() + kEthHeader;
  store_be16(a + 0, 1);          // hardware: Ethernet
  store_be16(a + 2, ETH_P_IP);   // protocol: IPv4
  a[4] = 6;
  a[5] = 4;
  store_be16(a + 6, kArpRequest);
  std::memcpy(a + 8, q.src_mac.bytes.data(), 6);
  store_be32(a + 14, q.src_ip);
  // target hardware address stays zero: that is what we ask for
  store_be32(a + 24, q.target_ip);
  return f;
}

// The sender MAC if this frame is an ARP message from target_ip. A request
// from the target tells its MAC just as well as a reply.
std::optional<MacAddr> sender_if_target(const uint8_t* f, size_t len, uint32_t target_ip) {
  if (len < kEthHeader + kArpBody || load_be16(f + 12) != ETH_P_ARP) return std::nullopt;
  const uint8_t* a = f + kEthHeader;
  if (load_be16(a) != 1 || load_be16(a + 2) != ETH_P_IP || a[4] != 6 || a[5] != 4) return std::nullopt;
  uint16_t op = load_be16(a + 6);
  if ((op != kArpReply && op != kArpRequest) || load_be32(a + 14) != target_ip) return std::nullopt;
  MacAddr mac;
  std::memcpy(mac.bytes.data(), a + 8, 6);
  if (mac.is_zero()) return std::nullopt;
  return mac;
}

class PacketSocket {
 public:
  explicit PacketSocket(const ArpQuery& q) {
    fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP));
    if (fd_ < 0) {
      int err = errno;
      throw RuntimeFailure("cannot open a packet socket on " + q.iface + " to send ARP: " +
                           std::strerror(err) +
                           (err == EPERM ? " (portsweep needs root or CAP_NET_RAW)." : "."));
    }
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ARP);
    sll.sll_ifindex = q.ifindex;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
      int err = errno;
      ::close(fd_);
      throw RuntimeFailure("cannot bind a packet socket to " + q.iface + " to send ARP: " +
                           std::strerror(err) + ".");
    }
  }
  ~PacketSocket() { ::close(fd_); }
  PacketSocket(const PacketSocket&) = delete;
  PacketSocket& operator=(const PacketSocket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

}  // namespace

std::optional<MacAddr> try_arp_resolve(const ArpQuery& query, std::chrono::milliseconds timeout,
                                       unsigned attempts) {
  using Clock = std::chrono::steady_clock;
  if (attempts == 0) attempts = 1;
  // Open before sending so an instant reply is not missed.
  PacketSocket sock(query);
  auto request = build_request(query);
  const auto start = Clock::now();
  std::array<uint8_t, 1514> buf{};
  for (unsigned attempt = 1; attempt <= attempts; ++attempt) {
    if (::send(sock.fd(), request.data(), request.size(), 0) < 0) {
      throw RuntimeFailure("cannot send an ARP request on " + query.iface + ": " +
                           std::strerror(errno) + ".");
    }
    const auto deadline = start + timeout * attempt / attempts;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      pollfd pfd{sock.fd(), POLLIN, 0};
      int pr = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (pr < 0 && errno == EINTR) continue;
      if (pr <= 0) break;
      sockaddr_ll from{};
      socklen_t from_len = sizeof from;
      ssize_t n = ::recvfrom(sock.fd(), buf.data(), buf.size(), MSG_DONTWAIT,
                             reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING) continue;
      if (auto mac = sender_if_target(buf.data(), static_cast<size_t>(n), query.target_ip)) {
        return mac;
      }
    }
  }
  return std::nullopt;
}

MacAddr arp_resolve(const ArpQuery& query, std::chrono::milliseconds timeout, unsigned attempts) {
  if (auto mac = try_arp_resolve(query, timeout, attempts)) return *mac;
  throw no_arp_reply(query, timeout, attempts);
}

RuntimeFailure no_arp_reply(const ArpQuery& query, std::chrono::milliseconds timeout,
                            unsigned attempts) {
  return RuntimeFailure("no ARP reply from " + format_ipv4(query.target_ip) + " on " +
                        query.iface + " (" + std::to_string(attempts) + " requests over " +
                        std::to_string(timeout.count()) + " ms).");
}

}  // namespace portsweep
