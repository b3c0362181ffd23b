#pragma once
// IPv6 addresses as the targets layer holds them: the 16 network-order bytes
// read as one big-endian u128 (load_ipv6), so ranges are integer ranges.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "portsweep/uint128.hpp"

namespace portsweep {

// RFC 5952 text ("2001:db8::1"), as inet_ntop gives it.
std::string format_ipv6(u128 address);

// Any text form inet_pton(AF_INET6) accepts: RFC 4291's full, compressed
// ("::") and mixed ("::ffff:192.0.2.1", "64:ff9b::198.51.100.7") forms.
// Nothing else: no zone ("%eth0"), no brackets, no prefix length.
std::optional<u128> parse_ipv6(std::string_view text);

// The block ::ffff:0:0/96 where IPv4-mapped addresses live: ::ffff:a.b.c.d
// is the IPv4 address a.b.c.d (as IpAddress holds it), not an IPv6 target.
inline constexpr u128 kIpv4MappedFirst = u128{0xFFFF} << 32;
inline constexpr u128 kIpv4MappedLast = kIpv4MappedFirst | 0xFFFFFFFFu;

// A count in decimal: 18446744073709551616 for a /64.
std::string format_count(u128 count);

}  // namespace portsweep
