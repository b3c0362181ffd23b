#pragma once
// The two ends of a PTR lookup: the name asked for, and the answer made fit
// for a report.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portsweep {

// "10.0.19.198.in-addr.arpa" for 198.19.0.10 (host byte order).
std::string reverse_query_name(uint32_t ip);

// A PTR answer as reports print it: without the root's trailing dot and
// lower-cased as given; nullopt for an answer that is no host name (empty,
// longer than 253 characters, a label longer than 63 or empty, or a byte
// outside letters, digits, '-', '_' and '.'), which a hostile server could
// otherwise smuggle into a report or a terminal.
std::optional<std::string> report_host_name(std::string_view answer);

}  // namespace portsweep
