#pragma once
// Dotted-quad text for IPv4 addresses held in host byte order.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portsweep {

std::string format_ipv4(uint32_t address);

// Accepts exactly four decimal octets 0-255 and nothing else: no signs, no
// spaces, no leading zeros (inet_aton would read "010" as octal 8, so such
// text is ambiguous and rejected), no shorthand like "10.1".
std::optional<uint32_t> parse_ipv4(std::string_view text);

}  // namespace portsweep
