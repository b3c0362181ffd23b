#pragma once
// --dns-servers s1[,s2...]: the servers c-ares asks instead of resolv.conf's.
#include <string>
#include <string_view>
#include <vector>

namespace portsweep {

// Each entry an IPv4 or IPv6 address (no names: resolving a server's name
// would need a server). Returns the list in c-ares's "a,b" form, unchanged.
// Throws UsageError naming the bad entry:
//   invalid --dns-servers "1.2.3": "1.2.3" is not an IPv4 or IPv6 address
std::vector<std::string> parse_dns_servers(std::string_view list);

}  // namespace portsweep
