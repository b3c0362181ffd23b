#pragma once
// nmap's second-generation OS detection probe set: six SYNs to an open port
// (SEQ/OPS/WIN/T1), the ECN SYN, T2-T4 to the open port, T5-T7 to a closed
// one, U1 to a closed UDP port, and two ICMP echo requests (IE). Each probe
// is an IPv4 datagram built from OsProbeParams alone, so the sender keeps no
// state beyond the params: the reply's ports (or ICMP id, or the datagram an
// ICMP error quotes) name the probe it answers.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace portsweep::os {

enum class OsProbeId : uint8_t { Seq1, Seq2, Seq3, Seq4, Seq5, Seq6, Ecn, T2, T3, T4, T5, T6, T7, U1, Ie1, Ie2 };
inline constexpr size_t kOsProbeCount = 16;
// The largest probe datagram (U1: 20 + 8 + 300 bytes).
inline constexpr size_t kOsProbeMaxBytes = 336;

// "SEQ1", "ECN", "T2", "U1", "IE1", ...: for traces and tests.
std::string_view to_string(OsProbeId id);

struct OsProbeParams {
  uint32_t src_ip = 0;  // IPv4, host byte order
  uint32_t dst_ip = 0;
  uint16_t open_tcp_port = 0;    // 0: no open port known; SEQ, ECN, T2-T4 are not sent
  uint16_t closed_tcp_port = 0;  // 0: none known; T5-T7 are not sent
  uint16_t closed_udp_port = 0;  // 0: none known; U1 is not sent
  // Source port of probe i is src_port_base + i (TCP and UDP): distinct per
  // probe and per try, so a late reply to an earlier try is told apart.
  uint16_t src_port_base = 0;
  uint32_t seq_base = 0;  // TCP sequence numbers derive from it
  uint16_t icmp_id = 0;   // IE1's id; IE2 uses icmp_id + 1
  uint16_t ip_id = 0;     // IP ID of the TCP probes (U1 uses nmap's 0x1042)
  uint8_t ttl = 0;        // 0: a random-looking TTL as nmap picks (37-59; U1 51-64)
};

// What nmap draws at random, derived here from the params so a probe rebuilt
// later is the same datagram: the TCP probes' ack number (the ECN probe's is
// 0), each probe's TTL (p.ttl when set), and probe `id`'s source port
// (src_port_base + id).
uint32_t os_probe_ack(const OsProbeParams& p) noexcept;
uint8_t os_probe_ttl(OsProbeId id, const OsProbeParams& p) noexcept;
uint16_t os_probe_src_port(OsProbeId id, const OsProbeParams& p) noexcept;

// Whether the params allow probe `id` to be sent (its port is known).
bool os_probe_possible(OsProbeId id, const OsProbeParams& p) noexcept;

// Writes probe `id`'s IPv4 datagram (header on, checksums set) to `out`,
// which holds kOsProbeMaxBytes; returns its length.
size_t build_os_probe(OsProbeId id, const OsProbeParams& p, uint8_t* out) noexcept;

// The probe a received IPv4 datagram (header on) from p.dst_ip answers: a
// TCP segment to one of our source ports, an ICMP echo reply with our id, or
// an ICMP port unreachable quoting U1. nullopt when it answers none of them.
std::optional<OsProbeId> os_probe_answered(const OsProbeParams& p, const uint8_t* ip, size_t len) noexcept;

}  // namespace portsweep::os
