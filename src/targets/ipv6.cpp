#include "targets/ipv6.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace portsweep {

std::string format_ipv6(u128 address) {
  uint8_t bytes[16];
  store_ipv6(bytes, address);
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, bytes, text, sizeof text) == nullptr) return "?";
  return text;
}

std::optional<u128> parse_ipv6(std::string_view text) {
  char buffer[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  uint8_t bytes[16];
  if (inet_pton(AF_INET6, buffer, bytes) != 1) return std::nullopt;
  return load_ipv6(bytes);
}

std::string format_count(u128 count) {
  std::string digits;
  do {
    digits += static_cast<char>('0' + static_cast<int>(count % 10));
    count /= 10;
  } while (count != 0);
  std::reverse(digits.begin(), digits.end());
  return digits;
}

}  // namespace portsweep
