#pragma once
// The Ethernet and IPv4 headers every probe template starts with.
#include <cstdint>
#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"
#include "probes/probe_config.hpp"

namespace portsweep {

inline void write_ethernet_header(uint8_t* f, const MacAddress& dst, const MacAddress& src) noexcept {
  std::memcpy(f, dst.data(), 6);
  std::memcpy(f + 6, src.data(), 6);
  wire::store_be16(f + 12, wire::kEtherTypeIpv4);
}

// IPv4 header without options; id, destination and checksum left zero for
// the per-probe patch. No DF, like nmap's raw probes.
inline void write_ipv4_header(uint8_t* ip, const ProbeConfig& c, uint8_t proto, uint16_t total_len) noexcept {
  ip[0] = 0x45;
  ip[1] = 0;
  wire::store_be16(ip + 2, total_len);
  wire::store_be16(ip + 4, 0);
  wire::store_be16(ip + 6, 0);
  ip[8] = c.ttl;
  ip[9] = proto;
  wire::store_be16(ip + 10, 0);
  wire::store_be32(ip + 12, c.src_ip);
  wire::store_be32(ip + 16, 0);
}

// The sum of an IPv4 address's two 16-bit words, for the incremental
// checksums: it enters both the IP header and the TCP/UDP pseudo-header.
inline uint64_t address_words(uint32_t ip) noexcept { return uint64_t{ip >> 16} + (ip & 0xffff); }

// A probe's own IPv4 fields over its template's header: id, destination,
// and the checksum from the template's sum (zero in those fields) plus them.
inline void patch_ipv4_header(uint8_t* ip, uint64_t template_sum, uint32_t dst_ip, uint16_t ip_id) noexcept {
  wire::store_be16(ip + 4, ip_id);
  wire::store_be16(ip + 10, static_cast<uint16_t>(~ones_fold(template_sum + address_words(dst_ip) + ip_id)));
  wire::store_be32(ip + 16, dst_ip);
}

// A probe whose TTL is its own (--traceroute's): the TTL, and the header
// checksum summed afresh (20 bytes; traces are small).
inline void set_ipv4_ttl(uint8_t* ip, uint8_t ttl) noexcept {
  ip[8] = ttl;
  wire::store_be16(ip + 10, 0);
  wire::store_be16(ip + 10, static_cast<uint16_t>(~ones_fold(ones_sum(ip, wire::kIpv4MinHeader))));
}

}  // namespace portsweep
