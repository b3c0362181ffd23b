#pragma once
// The kernel's form of an address and port, for connect(2): sockaddr_in for
// an IPv4 address and sockaddr_in6 for an IPv6 one. IPv4 keeps its AF_INET
// socket rather than connecting an AF_INET6 one to ::ffff:a.b.c.d, which
// fails where IPv6 is disabled or the socket is IPv6-only. Once per
// connection, never per packet.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

#include "portsweep/ip_address.hpp"

namespace portsweep {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

inline SocketAddress socket_address(const IpAddress& ip, uint16_t port) {
  SocketAddress a;
  if (ip.is_v4()) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(ip.v4_value());
    std::memcpy(&a.storage, &sa, sizeof sa);
    a.length = sizeof sa;
  } else {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(port);
    std::memcpy(sa.sin6_addr.s6_addr, ip.bytes().data(), 16);
    std::memcpy(&a.storage, &sa, sizeof sa);
    a.length = sizeof sa;
  }
  return a;
}

}  // namespace portsweep
