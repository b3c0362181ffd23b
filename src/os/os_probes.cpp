// nmap's OS probe set, byte for byte as nmap 7.93 sends it.
//
// Design note. Every probe is a pure function of (probe id, OsProbeParams):
// no table of sent packets is kept, and a reply names its probe by the
// destination port it comes back to (TCP), the echo id (ICMP), or the UDP
// header an ICMP port unreachable quotes (U1). What nmap picks at random per
// packet (IP ID, TTL 37-59, the TCP ack number, U1's TTL 51-64) is derived
// here from the params by a cheap mix, so a probe rebuilt later is the same
// datagram. Building one costs one 60-336 byte write plus two checksums
// (well under a microsecond); it happens 16 times per host, not per packet of
// a sweep, so clarity wins over templating.
//
// The facts below (windows, TCP option lists, flags, DF, ICMP TOS/code/seq
// and payload sizes, U1's payload and IP ID) follow nmap's osscan2.cc and
// https://nmap.org/book/osdetect-methods.html; the option lists are written
// out here as (kind, value) sequences and serialised by our own code.
#include "os/os_probes.hpp"

#include <cstring>

#include "os/os_probe_wire.hpp"
#include "packet/checksum.hpp"
#include "packet/wire.hpp"

namespace portsweep::os {

namespace {

using wire::store_be16;
using wire::store_be32;

// One TCP option of a probe: what nmap puts on the wire.
enum class Opt : uint8_t { Nop, Eol, Mss, Ws, SackOk, Ts };
struct OptItem {
  Opt kind;
  uint16_t value = 0;  // MSS or window-scale shift
};

// nmap's option lists. Timestamps are always TSval 0xFFFFFFFF, TSecr 0.
constexpr OptItem kSeqOpts[6][7] = {
    {{Opt::Ws, 10}, {Opt::Nop}, {Opt::Mss, 1460}, {Opt::Ts}, {Opt::SackOk}, {Opt::Eol, 0xffff}},
    {{Opt::Mss, 1400}, {Opt::Ws, 0}, {Opt::SackOk}, {Opt::Ts}, {Opt::Eol}, {Opt::Eol, 0xffff}},
    {{Opt::Ts}, {Opt::Nop}, {Opt::Nop}, {Opt::Ws, 5}, {Opt::Nop}, {Opt::Mss, 640}, {Opt::Eol, 0xffff}},
    {{Opt::SackOk}, {Opt::Ts}, {Opt::Ws, 10}, {Opt::Eol}, {Opt::Eol, 0xffff}},
    {{Opt::Mss, 536}, {Opt::SackOk}, {Opt::Ts}, {Opt::Ws, 10}, {Opt::Eol}, {Opt::Eol, 0xffff}},
    {{Opt::Mss, 265}, {Opt::SackOk}, {Opt::Ts}, {Opt::Eol, 0xffff}},
};
constexpr OptItem kEcnOpts[] = {{Opt::Ws, 10}, {Opt::Nop},    {Opt::Mss, 1460}, {Opt::SackOk},
                                {Opt::Nop},    {Opt::Nop},    {Opt::Eol, 0xffff}};
// T2-T6; T7 differs only in its window-scale shift (15).
constexpr OptItem kTOpts[] = {{Opt::Ws, 10}, {Opt::Nop}, {Opt::Mss, 265}, {Opt::Ts}, {Opt::SackOk}, {Opt::Eol, 0xffff}};
constexpr OptItem kT7Opts[] = {{Opt::Ws, 15}, {Opt::Nop}, {Opt::Mss, 265}, {Opt::Ts}, {Opt::SackOk}, {Opt::Eol, 0xffff}};

// An Eol with value 0xffff ends a list (it is not written).
size_t write_options(const OptItem* items, uint8_t* out) noexcept {
  size_t n = 0;
  for (const OptItem* it = items;; ++it) {
    switch (it->kind) {
      case Opt::Eol:
        if (it->value == 0xffff) return n;
        out[n++] = 0;
        break;
      case Opt::Nop:
        out[n++] = 1;
        break;
      case Opt::Mss:
        out[n++] = 2;
        out[n++] = 4;
        store_be16(out + n, it->value);
        n += 2;
        break;
      case Opt::Ws:
        out[n++] = 3;
        out[n++] = 3;
        out[n++] = static_cast<uint8_t>(it->value);
        break;
      case Opt::SackOk:
        out[n++] = 4;
        out[n++] = 2;
        break;
      case Opt::Ts:
        out[n++] = 8;
        out[n++] = 10;
        store_be32(out + n, 0xffffffffu);
        store_be32(out + n + 4, 0);
        n += 8;
        break;
    }
  }
}

struct TcpProbeSpec {
  uint8_t flags;
  uint8_t reserved;  // low nibble of byte 12 (nmap sets 8 on the ECN probe)
  uint16_t window;
  uint16_t urgent;
  bool df;
  bool to_closed;  // T5-T7 go to the closed port
  const OptItem* opts;
};

constexpr uint8_t kCwr = 0x80;
constexpr uint8_t kEce = 0x40;

TcpProbeSpec tcp_spec(OsProbeId id) noexcept {
  using namespace wire;
  switch (id) {
    case OsProbeId::Seq1: return {kTcpSyn, 0, 1, 0, false, false, kSeqOpts[0]};
    case OsProbeId::Seq2: return {kTcpSyn, 0, 63, 0, false, false, kSeqOpts[1]};
    case OsProbeId::Seq3: return {kTcpSyn, 0, 4, 0, false, false, kSeqOpts[2]};
    case OsProbeId::Seq4: return {kTcpSyn, 0, 4, 0, false, false, kSeqOpts[3]};
    case OsProbeId::Seq5: return {kTcpSyn, 0, 16, 0, false, false, kSeqOpts[4]};
    case OsProbeId::Seq6: return {kTcpSyn, 0, 512, 0, false, false, kSeqOpts[5]};
    case OsProbeId::Ecn: return {static_cast<uint8_t>(kCwr | kEce | kTcpSyn), 8, 3, 0xF7F5, false, false, kEcnOpts};
    case OsProbeId::T2: return {0, 0, 128, 0, true, false, kTOpts};
    case OsProbeId::T3: return {static_cast<uint8_t>(kTcpSyn | kTcpFin | kTcpUrg | kTcpPsh), 0, 256, 0, false, false, kTOpts};
    case OsProbeId::T4: return {kTcpAck, 0, 1024, 0, true, false, kTOpts};
    case OsProbeId::T5: return {kTcpSyn, 0, 31337, 0, false, true, kTOpts};
    case OsProbeId::T6: return {kTcpAck, 0, 32768, 0, true, true, kTOpts};
    case OsProbeId::T7: return {static_cast<uint8_t>(kTcpFin | kTcpPsh | kTcpUrg), 0, 65535, 0, false, true, kT7Opts};
    default: return {};
  }
}

// A 32-bit mix (the finaliser of MurmurHash3): what nmap draws at random
// per packet is derived from the params, so a rebuilt probe is identical.
uint32_t mix32(uint32_t h) noexcept {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

size_t write_ipv4(uint8_t* out, size_t total_len, uint8_t tos, uint16_t id, bool df, uint8_t ttl, uint8_t proto,
                  const OsProbeParams& p) noexcept {
  out[0] = 0x45;
  out[1] = tos;
  store_be16(out + 2, static_cast<uint16_t>(total_len));
  store_be16(out + 4, id);
  store_be16(out + 6, df ? 0x4000 : 0);
  out[8] = ttl;
  out[9] = proto;
  store_be16(out + 10, 0);
  store_be32(out + 12, p.src_ip);
  store_be32(out + 16, p.dst_ip);
  store_be16(out + 10, internet_checksum(out, wire::kIpv4MinHeader));
  return wire::kIpv4MinHeader;
}

}  // namespace

std::string_view to_string(OsProbeId id) {
  static constexpr std::string_view kNames[kOsProbeCount] = {"SEQ1", "SEQ2", "SEQ3", "SEQ4", "SEQ5", "SEQ6",
                                                             "ECN",  "T2",   "T3",   "T4",   "T5",   "T6",
                                                             "T7",   "U1",   "IE1",  "IE2"};
  const auto i = static_cast<size_t>(id);
  return i < kOsProbeCount ? kNames[i] : std::string_view("?");
}

uint32_t os_probe_ack(const OsProbeParams& p) noexcept { return mix32(p.seq_base ^ 0x6f73ac4bu) | 1u; }

uint8_t os_probe_ttl(OsProbeId id, const OsProbeParams& p) noexcept {
  if (p.ttl != 0) return p.ttl;
  const uint32_t r = mix32(p.seq_base + 0x9e3779b9u * (static_cast<uint32_t>(id) + 1) + p.dst_ip);
  // nmap: (random % 23) + 37 for its raw TCP/ICMP packets; U1 uses its own
  // (time % 14) + 51.
  if (id == OsProbeId::U1) return static_cast<uint8_t>(51 + r % 14);
  return static_cast<uint8_t>(37 + r % 23);
}

uint16_t os_probe_src_port(OsProbeId id, const OsProbeParams& p) noexcept {
  return static_cast<uint16_t>(p.src_port_base + static_cast<uint16_t>(id));
}

bool os_probe_possible(OsProbeId id, const OsProbeParams& p) noexcept {
  switch (id) {
    case OsProbeId::Seq1:
    case OsProbeId::Seq2:
    case OsProbeId::Seq3:
    case OsProbeId::Seq4:
    case OsProbeId::Seq5:
    case OsProbeId::Seq6:
    case OsProbeId::Ecn:
    case OsProbeId::T2:
    case OsProbeId::T3:
    case OsProbeId::T4:
      return p.open_tcp_port != 0;
    case OsProbeId::T5:
    case OsProbeId::T6:
    case OsProbeId::T7:
      return p.closed_tcp_port != 0;
    case OsProbeId::U1:
      return p.closed_udp_port != 0;
    case OsProbeId::Ie1:
    case OsProbeId::Ie2:
      return true;
  }
  return false;
}

size_t build_os_probe(OsProbeId id, const OsProbeParams& p, uint8_t* out) noexcept {
  const auto index = static_cast<uint16_t>(id);
  const uint8_t ttl = os_probe_ttl(id, p);
  const auto ip_id = static_cast<uint16_t>(p.ip_id + index);
  uint8_t* l4 = out + wire::kIpv4MinHeader;

  if (id == OsProbeId::U1) {
    constexpr size_t kPayload = kU1PayloadBytes;
    const size_t udp_len = wire::kUdpHeader + kPayload;
    const size_t total = wire::kIpv4MinHeader + udp_len;
    write_ipv4(out, total, 0, kU1IpId, false, ttl, wire::kIpProtoUdp, p);
    store_be16(l4, os_probe_src_port(id, p));
    store_be16(l4 + 2, p.closed_udp_port);
    store_be16(l4 + 4, static_cast<uint16_t>(udp_len));
    store_be16(l4 + 6, 0);
    std::memset(l4 + wire::kUdpHeader, kU1PayloadByte, kPayload);
    uint16_t sum = internet_checksum(
        l4, udp_len, pseudo_header_sum(p.src_ip, p.dst_ip, wire::kIpProtoUdp, static_cast<uint16_t>(udp_len)));
    if (sum == 0) sum = 0xffff;  // RFC 768: zero means "no checksum"
    store_be16(l4 + 6, sum);
    return total;
  }

  if (id == OsProbeId::Ie1 || id == OsProbeId::Ie2) {
    const bool first = id == OsProbeId::Ie1;
    // IE1: TOS 0, DF, code 9, seq 295, 120 zero bytes; IE2: TOS 4
    // (reliability), no DF, code 0, seq 296, 150 zero bytes.
    const size_t payload = first ? 120 : 150;
    const size_t icmp_len = wire::kIcmpHeader + payload;
    const size_t total = wire::kIpv4MinHeader + icmp_len;
    write_ipv4(out, total, first ? 0x00 : 0x04, ip_id, first, ttl, wire::kIpProtoIcmp, p);
    l4[0] = 8;  // echo request
    l4[1] = first ? 9 : 0;
    store_be16(l4 + 2, 0);
    store_be16(l4 + 4, first ? p.icmp_id : static_cast<uint16_t>(p.icmp_id + 1));
    store_be16(l4 + 6, first ? kIeSeq : static_cast<uint16_t>(kIeSeq + 1));
    std::memset(l4 + wire::kIcmpHeader, 0, payload);
    store_be16(l4 + 2, internet_checksum(l4, icmp_len));
    return total;
  }

  const TcpProbeSpec s = tcp_spec(id);
  uint8_t opts[40];
  const size_t opt_len = write_options(s.opts, opts);
  const size_t tcp_len = wire::kTcpMinHeader + opt_len;
  const size_t total = wire::kIpv4MinHeader + tcp_len;
  write_ipv4(out, total, 0, ip_id, s.df, ttl, wire::kIpProtoTcp, p);
  const bool is_seq = index <= static_cast<uint16_t>(OsProbeId::Seq6);
  store_be16(l4, os_probe_src_port(id, p));
  store_be16(l4 + 2, s.to_closed ? p.closed_tcp_port : p.open_tcp_port);
  store_be32(l4 + 4, p.seq_base + (is_seq ? index : 0u));
  store_be32(l4 + 8, id == OsProbeId::Ecn ? 0u : os_probe_ack(p));
  l4[12] = static_cast<uint8_t>(((tcp_len / 4) << 4) | (s.reserved & 0x0f));
  l4[13] = s.flags;
  store_be16(l4 + 14, s.window);
  store_be16(l4 + 16, 0);
  store_be16(l4 + 18, s.urgent);
  std::memcpy(l4 + wire::kTcpMinHeader, opts, opt_len);
  store_be16(l4 + 16, internet_checksum(l4, tcp_len,
                                        pseudo_header_sum(p.src_ip, p.dst_ip, wire::kIpProtoTcp,
                                                          static_cast<uint16_t>(tcp_len))));
  return total;
}

std::optional<OsProbeId> os_probe_answered(const OsProbeParams& p, const uint8_t* ip, size_t len) noexcept {
  Ipv4View v;
  if (!parse_ipv4(ip, len, v)) return std::nullopt;
  if (v.src != p.dst_ip) return std::nullopt;
  if (p.src_ip != 0 && v.dst != p.src_ip) return std::nullopt;

  if (v.proto == wire::kIpProtoTcp) {
    if (v.l4_len < wire::kTcpMinHeader) return std::nullopt;
    const uint16_t sport = wire::load_be16(v.l4);
    const uint16_t dport = wire::load_be16(v.l4 + 2);
    const auto offset = static_cast<uint16_t>(dport - p.src_port_base);
    if (offset > static_cast<uint16_t>(OsProbeId::T7)) return std::nullopt;
    const auto id = static_cast<OsProbeId>(offset);
    if (!os_probe_possible(id, p)) return std::nullopt;
    const bool to_closed = id == OsProbeId::T5 || id == OsProbeId::T6 || id == OsProbeId::T7;
    if (sport != (to_closed ? p.closed_tcp_port : p.open_tcp_port)) return std::nullopt;
    return id;
  }
  if (v.proto != wire::kIpProtoIcmp || v.l4_len < wire::kIcmpHeader) return std::nullopt;
  const uint8_t type = v.l4[0];
  const uint8_t code = v.l4[1];
  if (type == 0) {  // echo reply
    const uint16_t echo_id = wire::load_be16(v.l4 + 4);
    if (echo_id == p.icmp_id) return OsProbeId::Ie1;
    if (echo_id == static_cast<uint16_t>(p.icmp_id + 1)) return OsProbeId::Ie2;
    return std::nullopt;
  }
  if (type == 3 && code == 3 && p.closed_udp_port != 0) {  // port unreachable: must quote U1
    const uint8_t* q = v.l4 + wire::kIcmpHeader;
    const size_t qlen = v.l4_len - wire::kIcmpHeader;
    if (qlen < wire::kIpv4MinHeader || (q[0] >> 4) != 4) return std::nullopt;
    const size_t qihl = size_t{q[0] & 0x0fu} * 4;
    if (qihl < wire::kIpv4MinHeader || qlen < qihl + wire::kUdpHeader) return std::nullopt;
    if (q[9] != wire::kIpProtoUdp || wire::load_be32(q + 16) != p.dst_ip) return std::nullopt;
    if (p.src_ip != 0 && wire::load_be32(q + 12) != p.src_ip) return std::nullopt;
    const uint8_t* udp = q + qihl;
    if (wire::load_be16(udp) != os_probe_src_port(OsProbeId::U1, p) || wire::load_be16(udp + 2) != p.closed_udp_port)
      return std::nullopt;
    return OsProbeId::U1;
  }
  return std::nullopt;
}

}  // namespace portsweep::os
