#pragma once
// Wording shared by the text formats, kept in one place so the normal,
// grepable and XML outputs agree with each other and with nmap.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "portsweep/result.hpp"

namespace portsweep {

// Dotted quad of an address held in host byte order.
std::string ipv4_text(uint32_t ip);
// Either family as every format prints it: "198.19.0.5", "2001:db8:1::5".
std::string address_text(const IpAddress& ip);
// nmap.dtd's addrtype of an address: "ipv4" or "ipv6".
std::string_view addrtype_text(const IpAddress& ip);
// nmap's spelling of a MAC: "02:50:53:01:00:0A".
std::string mac_text(const std::array<uint8_t, 6>& mac);
// "syn-ack ttl 64"; the TTL is left out when there was no reply packet.
std::string reason_text(Reason r, uint8_t ttl);
// "1 IP address (1 host up)", "65536 IP addresses (12 hosts up)".
std::string hosts_scanned_text(uint64_t total, uint64_t up);
// "0.00034s": two significant digits, as nmap prints latency.
std::string latency_text(uint32_t us);
// "132B", "44.000KB", "26.660MB": nmap's raw packet byte counts (powers of 1000).
std::string byte_count_text(uint64_t bytes);
// "3.21": seconds with two decimals.
std::string seconds_text(double s);

}  // namespace portsweep
