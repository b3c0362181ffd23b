#pragma once
// The two ends of a PTR lookup: the name asked for, and the answer made fit
// for a report.
#include <optional>
#include <string>
#include <string_view>

#include "portsweep/ip_address.hpp"

namespace portsweep {

// The name a PTR lookup asks for: "10.0.19.198.in-addr.arpa" for
// 198.19.0.10, and for an IPv6 address its 32 nibbles, lowest first, under
// ip6.arpa (RFC 3596): 2001:db8::567:89ab is
// "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa".
std::string reverse_query_name(const IpAddress& ip);

// A PTR answer as reports print it: without the root's trailing dot and
// lower-cased as given; nullopt for an answer that is no host name (empty,
// longer than 253 characters, a label longer than 63 or empty, or a byte
// outside letters, digits, '-', '_' and '.'), which a hostile server could
// otherwise smuggle into a report or a terminal.
std::optional<std::string> report_host_name(std::string_view answer);

}  // namespace portsweep
