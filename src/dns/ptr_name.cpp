#include "dns/ptr_name.hpp"

#include <array>
#include <cstdint>

namespace portsweep {

std::string reverse_query_name(const IpAddress& ip) {
  std::string s;
  if (ip.is_v4()) {
    const uint32_t v4 = ip.v4_value();
    for (int shift = 0; shift < 32; shift += 8) {
      s += std::to_string((v4 >> shift) & 0xFFu);
      s += '.';
    }
    return s + "in-addr.arpa";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const std::array<uint8_t, 16>& b = ip.bytes();
  s.reserve(64 + 8);
  for (int i = 15; i >= 0; --i) {
    s += kHex[b[i] & 0x0F];
    s += '.';
    s += kHex[b[i] >> 4];
    s += '.';
  }
  return s + "ip6.arpa";
}

std::optional<std::string> report_host_name(std::string_view answer) {
  if (!answer.empty() && answer.back() == '.') answer.remove_suffix(1);
  if (answer.empty() || answer.size() > 253) return std::nullopt;
  size_t label = 0;
  for (char c : answer) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return std::nullopt;
    if (c == '.') {
      if (label == 0) return std::nullopt;
      label = 0;
    } else if (++label > 63) {
      return std::nullopt;
    }
  }
  return std::string(answer);
}

}  // namespace portsweep
