// nmap's tests over one host's answers to the OS probe set.
//
// Design note. observe_os replays, over the exchanges kept whole, what nmap
// 7.93 (osscan2.cc) does as the replies arrive and then when a try ends:
// the same per-reply rules (which reply counts for SEQ, the duplicate-IP-ID
// guard, T1 taken from the first SEQ reply, OPS/WIN from the six SYN-ACKs),
// the same arithmetic for the sequence tests (single-precision rates, the
// GCD of the ISN differences, log2 * 8 rounding) and the same formatting
// (upper-case hex without padding, RD as eight digits, UN as its low 16
// bits). Where nmap 7.93 has a quirk that decides what it prints (EOL
// padding printed as one "L" per byte, option lengths taken from the option
// kind rather than the length byte, TTL and TG sharing one slot) it is kept,
// because the point of these lines is to match nmap-os-db. It runs once per
// host after the probes, a few microseconds; nothing here is per packet.
//
// The T-versus-TG rule: nmap knows the hop count only from U1's port
// unreachable (the TTL our datagram had left when it arrived, quoted back),
// and then prints T = received TTL + hops - 1; without it the slot becomes
// TG, the received TTL rounded up to 32, 64, 128 or 255.
#include "os/os_observation.hpp"

#include "os/os_match.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>

#include "os/os_probe_wire.hpp"
#include "packet/checksum.hpp"
#include "packet/wire.hpp"

namespace portsweep::os {

namespace {

using wire::load_be16;
using wire::load_be32;

std::string hex(uint32_t v) {
  char buf[12];
  std::snprintf(buf, sizeof buf, "%X", v);
  return buf;
}

struct TcpView {
  const uint8_t* tcp = nullptr;
  size_t len = 0;  // segment bytes (the IP header's total length decides)
  size_t hdr = 0;
  uint8_t flags = 0;
  uint8_t reserved = 0;  // low nibble of byte 12
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint16_t window = 0;
  uint16_t urgent = 0;
};

bool parse_tcp(const Ipv4View& v, TcpView& t) noexcept {
  if (v.proto != wire::kIpProtoTcp || v.l4_len < wire::kTcpMinHeader) return false;
  t.tcp = v.l4;
  t.len = v.l4_len;
  t.hdr = size_t{static_cast<uint8_t>(v.l4[12] >> 4)} * 4;
  if (t.hdr < wire::kTcpMinHeader || t.hdr > t.len) return false;
  t.reserved = v.l4[12] & 0x0f;
  t.flags = v.l4[13];
  t.seq = load_be32(v.l4 + 4);
  t.ack = load_be32(v.l4 + 8);
  t.window = load_be16(v.l4 + 14);
  t.urgent = load_be16(v.l4 + 18);
  return true;
}

struct Parsed {
  bool ok = false;
  Ipv4View ip;
  TcpView tcp;  // when ip.proto is TCP and the header is sane
  bool is_tcp = false;
};

Parsed parse(const std::vector<uint8_t>& bytes) noexcept {
  Parsed p;
  if (bytes.empty() || !parse_ipv4(bytes.data(), bytes.size(), p.ip)) return p;
  p.ok = true;
  p.is_tcp = parse_tcp(p.ip, p.tcp);
  return p;
}

constexpr uint8_t kCwr = 0x80;
constexpr uint8_t kEce = 0x40;

// nmap's O value: "M5B4ST11NW7". Known kinds are read at their fixed sizes
// (MSS 4, WS 3, SACK-permitted 2, timestamps 10) whatever their length byte
// says; EOL and NOP are one letter each, so EOL padding reads "LL...". An
// unknown kind consumes one byte and leaves the remaining count alone (as
// nmap 7.93 does): the bytes after it are read as kinds in turn. A list that
// does not parse (or runs past the segment) gives the empty string.
std::string tcp_option_string(const TcpView& t) {
  std::string out;
  long remaining = static_cast<long>(t.hdr) - 20;
  const uint8_t* q = t.tcp + 20;
  const uint8_t* end = t.tcp + t.len;
  char buf[12];
  while (remaining > 0) {
    if (q >= end) return {};
    const uint8_t kind = *q++;
    switch (kind) {
      case 0:
        out += 'L';
        --remaining;
        break;
      case 1:
        out += 'N';
        --remaining;
        break;
      case 2:
        if (remaining < 4 || end - q < 3) return {};
        std::snprintf(buf, sizeof buf, "M%X", load_be16(q + 1));
        out += buf;
        q += 3;
        remaining -= 4;
        break;
      case 3:
        if (remaining < 3 || end - q < 2) return {};
        std::snprintf(buf, sizeof buf, "W%X", q[1]);
        out += buf;
        q += 2;
        remaining -= 3;
        break;
      case 4:
        if (remaining < 2 || end - q < 1) return {};
        out += 'S';
        q += 1;
        remaining -= 2;
        break;
      case 8:
        if (remaining < 10 || end - q < 9) return {};
        out += 'T';
        out += load_be32(q + 1) != 0 ? '1' : '0';
        out += load_be32(q + 5) != 0 ? '1' : '0';
        q += 9;
        remaining -= 10;
        break;
      default:
        break;
    }
  }
  return out;
}

// The first TCP timestamp option's TSval, as nmap looks for it.
std::optional<uint32_t> tcp_tsval(const TcpView& t) noexcept {
  long remaining = static_cast<long>(t.hdr) - 20;
  const uint8_t* p = t.tcp + 20;
  while (remaining > 0 && *p != 0) {
    const uint8_t kind = *p++;
    if (kind == 1) {
      --remaining;
      continue;
    }
    if (remaining < 2) break;  // no length byte left (nmap reads on; we stop)
    const uint8_t len = *p++;
    if (len < 2 || len > remaining) break;
    if (kind == 8 && len == 10) return load_be32(p);
    remaining -= len;
    p += len - 2;
  }
  return std::nullopt;
}

std::string tcp_flags_string(uint8_t flags) {
  std::string s;
  if (flags & kEce) s += 'E';
  if (flags & wire::kTcpUrg) s += 'U';
  if (flags & wire::kTcpAck) s += 'A';
  if (flags & wire::kTcpPsh) s += 'P';
  if (flags & wire::kTcpRst) s += 'R';
  if (flags & wire::kTcpSyn) s += 'S';
  if (flags & wire::kTcpFin) s += 'F';
  return s;
}

std::string quirks(const TcpView& t) {
  std::string q;
  if (t.reserved != 0) q += 'R';
  if (!(t.flags & wire::kTcpUrg) && t.urgent != 0) q += 'U';
  return q;
}

uint32_t crc32(const uint8_t* p, size_t n) noexcept {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

int initial_ttl_guess(int ttl) noexcept {
  if (ttl <= 32) return 32;
  if (ttl <= 64) return 64;
  if (ttl <= 128) return 128;
  return 255;
}

void add(FingerprintLine& l, const char* name, std::string value) { l.tests.push_back({name, std::move(value)}); }

// --- IP ID sequences (nmap's classes) ---------------------------------------
enum class IpidClass { Unknown, Zero, Constant, Incr, IncrBy2, BrokenIncr, RandomPositive, Random };

IpidClass classify_ipids(const std::vector<uint32_t>& ids, bool localhost) {
  const size_t n = ids.size();
  if (n < 2) return IpidClass::Unknown;
  std::vector<uint32_t> diffs(n - 1);
  bool all_zero = true;
  for (size_t i = 1; i < n; ++i) {
    if (ids[i - 1] != 0 || ids[i] != 0) all_zero = false;
    diffs[i - 1] = ids[i] - ids[i - 1];
    // A backwards step wraps to a huge difference: random.
    if (n > 2 && diffs[i - 1] > 20000) return IpidClass::Random;
  }
  if (all_zero) return IpidClass::Zero;
  for (uint32_t& d : diffs) d &= 0xffff;  // a 16-bit counter may wrap
  if (localhost) {
    bool all_above_one = true;
    for (uint32_t d : diffs) all_above_one = all_above_one && d >= 2;
    if (all_above_one) {
      // On localhost our own kernel's resets take IDs from the same counter.
      for (uint32_t& d : diffs) d = (d % 256 == 0) ? d - 256 : d - 1;
    }
  }
  bool constant = true;
  for (uint32_t d : diffs) constant = constant && d == 0;
  if (constant) return IpidClass::Constant;
  for (uint32_t d : diffs) {
    if (d > 1000 && (d % 256 != 0 || d >= 25600)) return IpidClass::RandomPositive;
  }
  bool small = true, by256 = true, even = true;
  for (uint32_t d : diffs) {
    if (d > 5120 || d % 256 != 0) by256 = false;
    if (d % 2 != 0) even = false;
    if (d > 9) small = false;
  }
  if (by256) return IpidClass::BrokenIncr;
  if (even) return IpidClass::IncrBy2;
  if (small) return IpidClass::Incr;
  return IpidClass::Unknown;
}

std::optional<std::string> ipid_value(IpidClass c, const std::vector<uint32_t>& ids) {
  switch (c) {
    case IpidClass::Constant: return hex(ids[0]);
    case IpidClass::Incr:
    case IpidClass::IncrBy2: return std::string("I");
    case IpidClass::BrokenIncr: return std::string("BI");
    case IpidClass::RandomPositive: return std::string("RI");
    case IpidClass::Random: return std::string("RD");
    case IpidClass::Zero: return std::string("Z");
    case IpidClass::Unknown: break;
  }
  return std::nullopt;
}

const char* ipid_words(IpidClass c) {
  switch (c) {
    case IpidClass::Constant: return "Duplicated ipid (!)";
    case IpidClass::Incr: return "Incremental";
    case IpidClass::IncrBy2: return "Incrementing by 2";
    case IpidClass::BrokenIncr: return "Broken little-endian incremental";
    case IpidClass::Random: return "Randomized";
    case IpidClass::RandomPositive: return "Random positive increments";
    case IpidClass::Zero: return "All zeros";
    case IpidClass::Unknown: break;
  }
  return "Busy server or unknown class";
}

bool incremental(IpidClass c) {
  return c == IpidClass::Incr || c == IpidClass::BrokenIncr || c == IpidClass::RandomPositive;
}

enum class TsClass { Unknown, Zero, Hz2, Hz100, Hz1000, Other, Unsupported };

const char* ts_words(TsClass c) {
  switch (c) {
    case TsClass::Zero: return "zero timestamp";
    case TsClass::Hz2: return "2HZ";
    case TsClass::Hz100: return "100HZ";
    case TsClass::Hz1000: return "1000HZ";
    case TsClass::Other: return "other";
    case TsClass::Unsupported: return "none returned (unsupported)";
    case TsClass::Unknown: break;
  }
  return "unknown class";
}

const char* difficulty_words(uint32_t index) {
  if (index < 3) return "Trivial joke";
  if (index < 6) return "Easy";
  if (index < 11) return "Medium";
  if (index < 12) return "Formidable";
  if (index < 16) return "Worthy challenge";
  return "Good luck!";
}

uint32_t mod_diff(uint32_t a, uint32_t b) noexcept {
  const uint32_t x = a - b, y = b - a;
  return x < y ? x : y;
}

uint32_t gcd_of(const std::vector<uint32_t>& v) noexcept {
  if (v.empty()) return 1;
  uint32_t a = v[0];
  for (size_t i = 1; i < v.size(); ++i) {
    uint32_t b = v[i];
    if (a < b) std::swap(a, b);
    while (b != 0) {
      const uint32_t c = a % b;
      a = b;
      b = c;
    }
  }
  return a;
}

bool is_echo_reply(const Parsed& r) noexcept { return r.ok && r.ip.proto == wire::kIpProtoIcmp && r.ip.l4[0] == 0; }

bool is_localhost(const OsProbeParams& p) noexcept { return (p.dst_ip >> 24) == 127 || p.dst_ip == p.src_ip; }

// One T1-T7 line (reply_no 0 is T1: no W, no O).
FingerprintLine t_line(int reply_no, const Parsed& r, const Parsed& sent) {
  FingerprintLine l;
  l.name = 'T';
  l.name += static_cast<char>('1' + reply_no);
  const TcpView& t = r.tcp;
  const uint32_t our_seq = sent.is_tcp ? sent.tcp.seq : 0;
  const uint32_t our_ack = sent.is_tcp ? sent.tcp.ack : 0;
  add(l, "R", "Y");
  add(l, "DF", r.ip.df ? "Y" : "N");
  add(l, "T", hex(r.ip.ttl));
  if (reply_no != 0) add(l, "W", hex(t.window));
  add(l, "S", t.seq == 0 ? "Z" : t.seq == our_ack ? "A" : t.seq == our_ack + 1 ? "A+" : "O");
  add(l, "A", t.ack == 0 ? "Z" : t.ack == our_seq ? "S" : t.ack == our_seq + 1 ? "S+" : "O");
  add(l, "F", tcp_flags_string(t.flags));
  if (reply_no != 0) add(l, "O", tcp_option_string(t));
  // RD: CRC-32 of the data a reset carries (its length from the IP header).
  const size_t data = t.len > t.hdr ? t.len - t.hdr : 0;
  if ((t.flags & wire::kTcpRst) && data > 0) {
    char buf[12];
    std::snprintf(buf, sizeof buf, "%08X", crc32(t.tcp + t.hdr, data));
    add(l, "RD", buf);
  } else {
    add(l, "RD", "0");
  }
  add(l, "Q", quirks(t));
  return l;
}

FingerprintLine ecn_line(const Parsed& r) {
  FingerprintLine l{"ECN", {}};
  const TcpView& t = r.tcp;
  add(l, "R", "Y");
  add(l, "DF", r.ip.df ? "Y" : "N");
  add(l, "T", hex(r.ip.ttl));
  add(l, "W", hex(t.window));
  add(l, "O", tcp_option_string(t));
  const bool ece = t.flags & kEce, cwr = t.flags & kCwr;
  add(l, "CC", ece && cwr ? "S" : ece ? "Y" : !cwr ? "N" : "O");
  add(l, "Q", quirks(t));
  return l;
}

// U1, from an ICMP port unreachable quoting our datagram; nullopt when the
// quote is too short or names other ports. `hops` gets nmap's distance.
std::optional<FingerprintLine> u1_line(const Parsed& r, const Parsed& sent, int& hops) {
  if (r.ip.proto != wire::kIpProtoIcmp || !sent.ok || sent.ip.proto != wire::kIpProtoUdp ||
      sent.ip.l4_len < wire::kUdpHeader)
    return std::nullopt;
  const uint8_t* icmp = r.ip.l4;
  const size_t icmp_len = r.ip.l4_len;
  if (icmp_len < 8 + 20 + 8 || icmp[0] != 3 || icmp[1] != 3) return std::nullopt;
  const uint8_t* q = icmp + 8;
  const size_t qihl = size_t{q[0] & 0x0fu} * 4;
  if (qihl < 20 || icmp_len < 8 + qihl + 8) return std::nullopt;
  const uint8_t* udp = q + qihl;
  const uint8_t* sent_udp = sent.ip.l4;
  if (load_be16(udp) != load_be16(sent_udp) || load_be16(udp + 2) != load_be16(sent_udp + 2)) return std::nullopt;

  FingerprintLine l{"U1", {}};
  add(l, "R", "Y");
  add(l, "DF", r.ip.df ? "Y" : "N");
  add(l, "T", hex(r.ip.ttl));
  add(l, "IPL", hex(r.ip.total_length));
  add(l, "UN", hex(load_be32(icmp + 4) & 0xffff));  // nmap prints the unused field as a 16-bit value
  const uint16_t qlen = load_be16(q + 2);
  add(l, "RIPL", qlen == 328 ? "G" : hex(qlen));
  const uint16_t qid = load_be16(q + 4);
  add(l, "RID", qid == sent.ip.id ? "G" : hex(qid));
  const uint16_t qsum = load_be16(q + 10);
  if (qsum == 0) {
    add(l, "RIPCK", "Z");
  } else {
    uint8_t hdr[20];
    std::memcpy(hdr, q, 20);
    hdr[10] = hdr[11] = 0;
    add(l, "RIPCK", internet_checksum(hdr, 20) == qsum ? "G" : "I");
  }
  const uint16_t qudpsum = load_be16(udp + 6);
  add(l, "RUCK", qudpsum == load_be16(sent_udp + 6) ? "G" : hex(qudpsum));
  bool intact = true;
  for (const uint8_t* d = udp + 8; d < icmp + icmp_len; ++d) intact = intact && *d == kU1PayloadByte;
  add(l, "RUD", intact ? "G" : "I");
  hops = static_cast<int>(sent.ip.ttl) - static_cast<int>(q[8]) + 1;
  return l;
}

}  // namespace

OsObservation observe_os(const OsExchanges& x) {
  OsObservation o;
  std::array<Parsed, kOsProbeCount> sent{}, reply{};
  for (size_t i = 0; i < kOsProbeCount; ++i) {
    sent[i] = parse(x.probes[i].sent);
    reply[i] = parse(x.probes[i].reply);
  }
  const bool localhost = is_localhost(x.params);

  // --- The six SYNs: SEQ, OPS, WIN and T1, reply by reply ------------------
  constexpr size_t kSeq = 6;
  std::array<size_t, kSeq> order{0, 1, 2, 3, 4, 5};
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return x.probes[a].reply_us < x.probes[b].reply_us;
  });
  std::array<uint32_t, kSeq> isn{}, tsval{};
  std::array<uint16_t, kSeq> seq_ipid{};
  std::array<std::optional<uint32_t>, kSeq> tcp_ipid{};
  std::array<std::optional<std::string>, kSeq> ops, win;
  std::optional<FingerprintLine> t_lines[7];
  TsClass ts_class = TsClass::Unknown;
  uint16_t last_ipid = 0;
  for (size_t i : order) {
    const Parsed& r = reply[i];
    if (!r.ok || !r.is_tcp) continue;
    bool useful = false;
    if (!(last_ipid != 0 && r.ip.id == last_ipid)) {  // nmap drops a repeated IP ID as a duplicate
      last_ipid = r.ip.id;
      const uint8_t synack = wire::kTcpSyn | wire::kTcpAck;
      if (!(r.tcp.flags & wire::kTcpRst) && (r.tcp.flags & synack) == synack && isn[i] == 0) {
        isn[i] = r.tcp.seq;
        seq_ipid[i] = r.ip.id;
        const std::optional<uint32_t> ts = tcp_tsval(r.tcp);
        if (!ts) ts_class = TsClass::Unsupported;
        else if (*ts == 0) ts_class = TsClass::Zero;
        tsval[i] = ts.value_or(0);
        useful = true;
      }
    }
    if (useful) tcp_ipid[i] = r.ip.id;
    if (i == 0) t_lines[0] = t_line(0, r, sent[0]);
    ops[i] = tcp_option_string(r.tcp);
    win[i] = hex(r.tcp.window);
  }

  // SEQ: the replies that carried an ISN, in probe order.
  std::vector<uint32_t> isns, tsvals;
  std::vector<uint16_t> ipids;
  std::vector<int64_t> send_us;
  for (size_t i = 0; i < kSeq; ++i) {
    if (isn[i] == 0) continue;
    isns.push_back(isn[i]);
    ipids.push_back(seq_ipid[i]);
    tsvals.push_back(tsval[i]);
    send_us.push_back(x.probes[i].sent_us);
  }
  const size_t responses = isns.size();
  std::vector<uint32_t> seq_diffs, ts_diffs;
  std::vector<uint64_t> usec_diffs;
  std::vector<float> seq_rates;
  double avg_rate = 0;
  for (size_t j = 1; j < responses; ++j) {
    seq_diffs.push_back(mod_diff(isns[j], isns[j - 1]));
    ts_diffs.push_back(mod_diff(tsvals[j], tsvals[j - 1]));
    uint64_t us = static_cast<uint64_t>(send_us[j] - send_us[j - 1]);
    if (us == 0) us = 1;
    usec_diffs.push_back(us);
    seq_rates.push_back(static_cast<float>(seq_diffs.back() * 1000000.0 / static_cast<double>(us)));
    avg_rate += seq_rates.back();
  }

  FingerprintLine seq{"SEQ", {}};
  if (responses >= 4) {
    avg_rate /= static_cast<double>(responses - 1);
    double rate = avg_rate;
    const uint32_t gcd = gcd_of(seq_diffs);
    uint32_t index = 0;
    if (gcd == 0) {
      rate = 0;
    } else {
      rate = static_cast<unsigned>(std::log(rate) / std::log(2.0) * 8 + 0.5);
      // nmap divides by the GCD only when it is at least 10, so a host whose
      // ISNs happen to be all even keeps its spread.
      const double div = gcd > 9 ? gcd : 1;
      double stddev = 0;
      for (float r : seq_rates) {
        const double d = r / div - avg_rate / div;
        stddev += d * d;
      }
      stddev = std::sqrt(stddev / static_cast<double>(responses - 2));
      if (stddev > 1) index = static_cast<uint32_t>(static_cast<int>(std::log(stddev) / std::log(2.0) * 8 + 0.5));
    }
    o.tcp_seq_index = index;
    add(seq, "SP", hex(index));
    add(seq, "GCD", hex(gcd));
    add(seq, "ISR", hex(static_cast<unsigned>(rate)));
  }

  // IP IDs: open-port SYN-ACKs, closed-port T5-T7 replies, echo replies.
  std::vector<uint32_t> tcp_ids, closed_ids, icmp_ids;
  for (const auto& id : tcp_ipid)
    if (id) tcp_ids.push_back(*id);
  for (size_t i = static_cast<size_t>(OsProbeId::T5); i <= static_cast<size_t>(OsProbeId::T7); ++i)
    if (reply[i].ok && reply[i].is_tcp) closed_ids.push_back(reply[i].ip.id);
  for (OsProbeId id : {OsProbeId::Ie1, OsProbeId::Ie2}) {
    const Parsed& r = reply[static_cast<size_t>(id)];
    if (is_echo_reply(r)) icmp_ids.push_back(r.ip.id);
  }
  const IpidClass ti = tcp_ids.size() >= 3 ? classify_ipids(tcp_ids, localhost) : IpidClass::Unknown;
  const IpidClass ci = closed_ids.size() >= 2 ? classify_ipids(closed_ids, localhost) : IpidClass::Unknown;
  const IpidClass ii = icmp_ids.size() >= 2 ? classify_ipids(icmp_ids, localhost) : IpidClass::Unknown;
  if (auto v = ipid_value(ti, tcp_ids)) add(seq, "TI", *v);
  if (auto v = ipid_value(ci, closed_ids)) add(seq, "CI", *v);
  if (auto v = ipid_value(ii, icmp_ids)) add(seq, "II", *v);
  if (incremental(ti) && incremental(ii)) {
    // SS: do ICMP and TCP share one counter? (unsigned arithmetic, as nmap)
    const uint32_t n = static_cast<uint32_t>(tcp_ids.size());
    const uint32_t avg = (tcp_ids[n - 1] - tcp_ids[0]) / (n - 1);
    add(seq, "SS", icmp_ids[0] < tcp_ids[n - 1] + 3 * avg ? "S" : "O");
  }

  // TS: the timestamp clock's rate over the send times of the SYNs.
  double ts_hz = 0;
  if (ts_class == TsClass::Unknown && responses >= 2) {
    for (size_t i = 0; i + 1 < responses; ++i)
      ts_hz += (static_cast<double>(ts_diffs[i]) / (static_cast<double>(usec_diffs[i]) / 1000000.0)) /
               static_cast<double>(responses - 1);
    int64_t uptime = 0;
    if (ts_hz > 0 && ts_hz < 5.66) {
      ts_class = TsClass::Hz2;
      uptime = tsvals[0] / 2;
    } else if (ts_hz > 70 && ts_hz < 150) {
      ts_class = TsClass::Hz100;
      uptime = tsvals[0] / 100;
    } else if (ts_hz > 724 && ts_hz < 1448) {
      ts_class = TsClass::Hz1000;
      uptime = tsvals[0] / 1000;
    } else if (ts_hz > 0) {
      ts_class = TsClass::Other;
      // nmap converts the rate to a 32-bit unsigned; past 2^32 Hz (random
      // per-connection offsets) x86 keeps the low 32 bits of the integer.
      const auto hz = static_cast<uint32_t>(static_cast<uint64_t>(0.5 + ts_hz));
      uptime = hz != 0 ? tsvals[0] / hz : 0;
    }
    if (uptime > 63072000) uptime = 0;  // "up" two years: nmap does not believe it
    o.uptime_seconds = uptime;
  }
  switch (ts_class) {
    case TsClass::Zero: add(seq, "TS", "0"); break;
    case TsClass::Hz2:
    case TsClass::Hz100:
    case TsClass::Hz1000:
    case TsClass::Other: {
      unsigned v;
      if (ts_hz <= 5.66) v = 1;
      else if (ts_hz > 70 && ts_hz <= 150) v = 7;
      else if (ts_hz > 150 && ts_hz <= 350) v = 8;
      else v = static_cast<unsigned>(0.5 + std::log(ts_hz) / std::log(2.0));
      add(seq, "TS", hex(v));
      break;
    }
    case TsClass::Unsupported: add(seq, "TS", "U"); break;
    case TsClass::Unknown: break;
  }

  // --- ECN, T2-T7, U1, IE ---------------------------------------------------
  std::optional<FingerprintLine> ecn;
  if (reply[6].ok && reply[6].is_tcp) ecn = ecn_line(reply[6]);
  for (int n = 2; n <= 7; ++n) {
    const size_t i = static_cast<size_t>(OsProbeId::T2) + static_cast<size_t>(n - 2);
    if (reply[i].ok && reply[i].is_tcp) t_lines[n - 1] = t_line(n - 1, reply[i], sent[i]);
  }
  int hops = -1;
  std::optional<FingerprintLine> u1;
  {
    const size_t i = static_cast<size_t>(OsProbeId::U1);
    if (reply[i].ok) u1 = u1_line(reply[i], sent[i], hops);
  }
  std::optional<FingerprintLine> ie;
  {
    const size_t a = static_cast<size_t>(OsProbeId::Ie1), b = static_cast<size_t>(OsProbeId::Ie2);
    const Parsed& r1 = reply[a];
    const Parsed& r2 = reply[b];
    if (is_echo_reply(r1) && is_echo_reply(r2)) {
      FingerprintLine l{"IE", {}};
      add(l, "R", "Y");
      add(l, "DFI", r1.ip.df && r2.ip.df ? "Y" : r1.ip.df ? "S" : !r2.ip.df ? "N" : "O");
      // The TTL of whichever reply came last (nmap builds the line then).
      const Parsed& later = x.probes[b].reply_us >= x.probes[a].reply_us ? r2 : r1;
      add(l, "T", hex(later.ip.ttl));
      const uint8_t c1 = r1.ip.l4[1], c2 = r2.ip.l4[1];
      add(l, "CD", c1 == c2 ? (c1 == 0 ? std::string("Z") : hex(c1)) : (c1 == 9 && c2 == 0) ? "S" : "O");
      ie = l;
    }
  }

  // --- Assembly: "R=N" for probes nmap would have sent, T or TG -----------
  o.u1_answered = u1.has_value();
  const bool open_known = x.params.open_tcp_port != 0;
  const bool closed_known = x.params.closed_tcp_port != 0 && !x.closed_tcp_port_guessed;
  auto finish = [&](std::optional<FingerprintLine>& line, const char* name, bool expected) {
    if (!line) {
      if (expected) line = FingerprintLine{name, {{"R", "N"}}};
      return;
    }
    for (FingerprintTest& t : line->tests) {
      if (t.name != "T") continue;
      const int ttl = static_cast<int>(std::strtol(t.value.c_str(), nullptr, 16));
      if (hops != -1) {
        t.value = hex(static_cast<uint16_t>(ttl + hops - 1));
      } else {
        t.name = "TG";
        t.value = hex(static_cast<uint32_t>(initial_ttl_guess(ttl)));
      }
      break;
    }
  };
  finish(ecn, "ECN", open_known);
  static const char* const kTNames[7] = {"T1", "T2", "T3", "T4", "T5", "T6", "T7"};
  for (int n = 0; n < 7; ++n) finish(t_lines[n], kTNames[n], n < 4 ? open_known : closed_known);
  finish(u1, "U1", true);
  finish(ie, "IE", true);

  Fingerprint& fp = o.fingerprint;
  if (!seq.tests.empty()) fp.lines.push_back(std::move(seq));
  bool all_ops = true, all_win = true;
  for (size_t i = 0; i < kSeq; ++i) {
    all_ops = all_ops && ops[i].has_value();
    all_win = all_win && win[i].has_value();
  }
  if (all_ops) {
    FingerprintLine l{"OPS", {}};
    static const char* const kNames[kSeq] = {"O1", "O2", "O3", "O4", "O5", "O6"};
    for (size_t i = 0; i < kSeq; ++i) add(l, kNames[i], *ops[i]);
    fp.lines.push_back(std::move(l));
  }
  if (all_win) {
    FingerprintLine l{"WIN", {}};
    static const char* const kNames[kSeq] = {"W1", "W2", "W3", "W4", "W5", "W6"};
    for (size_t i = 0; i < kSeq; ++i) add(l, kNames[i], *win[i]);
    fp.lines.push_back(std::move(l));
  }
  if (ecn) fp.lines.push_back(std::move(*ecn));
  for (auto& t : t_lines)
    if (t) fp.lines.push_back(std::move(*t));
  if (u1) fp.lines.push_back(std::move(*u1));
  if (ie) fp.lines.push_back(std::move(*ie));

  // --- What nmap prints beside the fingerprint -----------------------------
  o.tcp_isns = isns;
  o.ipids = ipids;
  o.tsvals = tsvals;
  if (responses > 3) o.tcp_seq_difficulty = difficulty_words(o.tcp_seq_index);
  else o.tcp_seq_index = 0;
  if (responses > 2) {
    o.ipid_class = ipid_words(ti);
    o.ts_class = ts_words(ts_class);
  }
  if (x.distance_from_traceroute && x.distance > 0) {
    o.distance = x.distance;
    o.distance_method = "T";
  } else if (localhost) {
    o.distance = 0;
    o.distance_method = "L";
  } else if (x.on_link) {
    o.distance = 1;
    o.distance_method = "D";
  } else if (hops != -1) {
    o.distance = hops;
    o.distance_method = "I";
  }
  return o;
}

int u1_distance(const OsExchanges& x) {
  const OsExchange& u1 = x.at(OsProbeId::U1);
  const Parsed reply = parse(u1.reply);
  int hops = -1;
  if (reply.ok) u1_line(reply, parse(u1.sent), hops);
  return hops;
}

std::string format_hex_list(const std::vector<uint32_t>& values) {
  std::string out;
  for (uint32_t v : values) {
    if (!out.empty()) out += ',';
    out += hex(v);
  }
  return out;
}

std::string format_hex_list(const std::vector<uint16_t>& values) {
  return format_hex_list(std::vector<uint32_t>(values.begin(), values.end()));
}

namespace {

bool private_ipv4(uint32_t a) noexcept {
  const uint32_t b1 = a >> 24, b2 = (a >> 16) & 0xff;
  return b1 == 10 || (b1 == 172 && b2 >= 16 && b2 <= 31) || (b1 == 169 && b2 == 254) || (b1 == 192 && b2 == 168);
}

}  // namespace

std::string submission_omitted_reason(const OsExchanges& x, const OsObservation& o, const ScanLineFacts& facts) {
  if (!facts.omit_reason.empty()) return facts.omit_reason;
  // nmap's rules in one place (os_match): this host's ports and distance.
  OsScanConditions c;
  c.open_tcp_port = x.params.open_tcp_port == 0 ? -1 : x.params.open_tcp_port;
  c.closed_tcp_port = x.params.closed_tcp_port == 0 || x.closed_tcp_port_guessed ? -1 : x.params.closed_tcp_port;
  c.closed_udp_port = o.u1_answered || x.closed_udp_port_from_scan ? x.params.closed_udp_port : -1;
  c.distance = o.distance;
  return omit_submission_reason(c);
}

std::string scan_line(const OsExchanges& x, const OsObservation& o, const ScanLineFacts& facts) {
  const OsProbeParams& p = x.params;
  std::tm tm{};
  const std::time_t t = static_cast<std::time_t>(facts.time_s);
  const bool have_tm = localtime_r(&t, &tm) != nullptr;
  const bool closed_known = p.closed_tcp_port != 0 && !x.closed_tcp_port_guessed;
  const bool udp_known = o.u1_answered || x.closed_udp_port_from_scan;
  // G: whether nmap offers the print for submission.
  const bool good = !facts.too_many_matches && submission_omitted_reason(x, o, facts).empty();
  std::string s = "SCAN(V=" + facts.version + "%E=4%D=";
  s += have_tm ? std::to_string(tm.tm_mon + 1) + "/" + std::to_string(tm.tm_mday) : std::string("0/0");
  s += "%OT=" + (p.open_tcp_port != 0 ? std::to_string(p.open_tcp_port) : std::string());
  s += "%CT=" + (closed_known ? std::to_string(p.closed_tcp_port) : std::string());
  s += "%CU=" + (udp_known && p.closed_udp_port != 0 ? std::to_string(p.closed_udp_port) : std::string());
  s += "%PV=";
  s += private_ipv4(p.dst_ip) ? 'Y' : 'N';
  if (o.distance != -1) s += "%DS=" + std::to_string(o.distance);
  if (!o.distance_method.empty()) s += "%DC=" + o.distance_method;
  s += "%G=";
  s += good ? 'Y' : 'N';
  if (x.has_mac) {
    char mac[16];
    std::snprintf(mac, sizeof mac, "%02X%02X%02X", x.mac[0], x.mac[1], x.mac[2]);
    s += "%M=";
    s += mac;
  }
  s += "%TM=" + hex(static_cast<uint32_t>(facts.time_s));
  s += "%P=" + facts.platform + ")";
  return s;
}

std::string format_subject_fingerprint(const OsExchanges& x, const OsObservation& o, const ScanLineFacts& facts,
                                       bool wrap) {
  if (!wrap) {
    std::string out = scan_line(x, o, facts) + '\n';
    for (const FingerprintLine& l : o.fingerprint.lines) out += format_line(l) + '\n';
    return out;
  }
  std::string flat = scan_line(x, o, facts);
  for (const FingerprintLine& l : o.fingerprint.lines) flat += format_line(l);
  // nmap's submission wrap: rows of "OS:" and 72 characters of the text.
  constexpr size_t kRow = 72;
  std::string out;
  for (size_t i = 0; i < flat.size(); i += kRow) {
    out += "OS:";
    out.append(flat, i, kRow);
    out += '\n';
  }
  return out;
}

}  // namespace portsweep::os
