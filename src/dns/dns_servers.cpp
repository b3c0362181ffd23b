#include "dns/dns_servers.hpp"

#include <arpa/inet.h>

#include "common/error.hpp"

namespace portsweep {

std::vector<std::string> parse_dns_servers(std::string_view list) {
  const auto fail = [&](const std::string& why) {
    throw UsageError("invalid --dns-servers \"" + std::string(list) + "\": " + why +
                     "; expected IP addresses separated by commas, e.g. 192.0.2.53,2001:db8::53");
  };
  std::vector<std::string> servers;
  size_t start = 0;
  while (true) {
    const size_t comma = list.find(',', start);
    const std::string item(list.substr(start, comma == std::string_view::npos ? list.npos : comma - start));
    if (item.empty()) fail("it has an empty entry");
    unsigned char buf[16];
    if (inet_pton(AF_INET, item.c_str(), buf) != 1 && inet_pton(AF_INET6, item.c_str(), buf) != 1)
      fail("\"" + item + "\" is not an IPv4 or IPv6 address");
    servers.push_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return servers;
}

}  // namespace portsweep
