#include "output/report_text.hpp"

#include <cmath>
#include <cstdio>

namespace portsweep {

std::string mac_text(const std::array<uint8_t, 6>& m) {
  char b[18];
  std::snprintf(b, sizeof b, "%02X:%02X:%02X:%02X:%02X:%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
  return b;
}

std::string ipv4_text(uint32_t ip) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xffu, (ip >> 8) & 0xffu,
                ip & 0xffu);
  return buf;
}

std::string address_text(const IpAddress& ip) {
  return ip.is_v4() ? ipv4_text(ip.v4_value()) : ip.to_string();
}

std::string_view addrtype_text(const IpAddress& ip) { return ip.is_v4() ? "ipv4" : "ipv6"; }

std::string reason_text(Reason r, uint8_t ttl) {
  std::string s(to_string(r));
  if (ttl != 0) s += " ttl " + std::to_string(ttl);
  return s;
}

std::string hosts_scanned_text(uint64_t total, uint64_t up) {
  return std::to_string(total) + (total == 1 ? " IP address (" : " IP addresses (") +
         std::to_string(up) + (up == 1 ? " host up)" : " hosts up)");
}

std::string latency_text(uint32_t us) {
  const double s = us / 1e6;
  // As many decimals as two significant digits need; none above 10 s.
  int decimals = 2;
  if (s > 0) decimals = std::max(0, 1 - static_cast<int>(std::floor(std::log10(s))));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*fs", decimals, s);
  return buf;
}

std::string byte_count_text(uint64_t bytes) {
  char buf[32];
  if (bytes < 1000) {
    std::snprintf(buf, sizeof buf, "%lluB", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1000000) {
    std::snprintf(buf, sizeof buf, "%.3fKB", bytes / 1e3);
  } else if (bytes < 1000000000) {
    std::snprintf(buf, sizeof buf, "%.3fMB", bytes / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.3fGB", bytes / 1e9);
  }
  return buf;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  return buf;
}

}  // namespace portsweep
