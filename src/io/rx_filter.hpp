#pragma once
// The capture filter (BPF expression, libpcap syntax) that selects a scan's
// replies: the probes' protocols, addressed to our source address. Probe
// modules name their protocols in IPv4 words ("tcp or icmp", "udp or icmp",
// "icmp", "ip", "tcp"); for an IPv6 scan the words that differ are
// translated (icmp -> icmp6, ip -> ip6) and the whole is limited to IPv6:
//   "ip6 and (tcp or icmp6) and dst host 2001:db8::1"
// libpcap's tcp/udp/icmp6 look at the fixed IPv6 header's next-header
// field only, so a reply carrying extension headers (rare from the hosts a
// scan meets) is not captured; the engine's decoder would need to walk them
// anyway.
#include <string>
#include <string_view>

#include "portsweep/ip_address.hpp"

namespace portsweep {

// `protocols` in IPv4 words, already combined ("(tcp or icmp) or (icmp)");
// empty means any protocol. The result for an IPv4 address is exactly what
// the scan command built before IPv6: "(<protocols>) and dst host A.B.C.D".
std::string reply_filter(std::string_view protocols, const IpAddress& our_address);

// The IPv6 spelling of an IPv4-worded protocol expression: whole words
// "icmp" and "ip" become "icmp6" and "ip6"; everything else is kept.
std::string ipv6_protocol_words(std::string_view protocols);

}  // namespace portsweep
