#pragma once
// --scanflags: nmap's spelling of a TCP flag set, as names run together in
// any order ("SYNFIN", "URGACKPSHRSTSYNFIN") or as a number ("9", "0x29").
#include <cstdint>
#include <string_view>

namespace portsweep {

// Throws UsageError naming the bad text and the accepted forms.
uint8_t parse_scan_flags(std::string_view text);

}  // namespace portsweep
