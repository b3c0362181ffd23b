#include "packet/ip_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace portsweep {

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) {
    if (!inet_ntop(AF_INET, bytes_.data() + 12, buf, sizeof buf)) return "?";
  } else if (!inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf)) {
    return "?";
  }
  return buf;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char raw[16];
  if (text.find(':') == std::string_view::npos) {
    // inet_pton(AF_INET) takes exactly the dotted quad: no octal, no shorthand.
    if (inet_pton(AF_INET, buf, raw) != 1) return std::nullopt;
    return v4(uint32_t{raw[0]} << 24 | uint32_t{raw[1]} << 16 | uint32_t{raw[2]} << 8 | raw[3]);
  }
  if (inet_pton(AF_INET6, buf, raw) != 1) return std::nullopt;
  std::array<uint8_t, 16> b;
  std::memcpy(b.data(), raw, 16);
  return v6(b);
}

}  // namespace portsweep
