// nmap's OS probe set (os_probes) and the tests over the replies
// (os_observation): the probes' bytes, which reply answers which probe, each
// test on crafted replies, and two lab captures of nmap 7.93 -O whose
// printed fingerprints observe_os must reproduce.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "os/os_exchange.hpp"
#include "os/os_observation.hpp"
#include "os/os_probes.hpp"
#include "packet/checksum.hpp"
#include "packet/wire.hpp"

using namespace portsweep;
using namespace portsweep::os;
using wire::load_be16;
using wire::load_be32;
using wire::store_be16;
using wire::store_be32;

namespace {

constexpr uint32_t kScanner = 0xC6120001;  // 198.18.0.1
constexpr uint32_t kTarget = 0xC6130001;   // 198.19.0.1

OsProbeParams params() {
  OsProbeParams p;
  p.src_ip = kScanner;
  p.dst_ip = kTarget;
  p.open_tcp_port = 22;
  p.closed_tcp_port = 8080;
  p.closed_udp_port = 34395;
  p.src_port_base = 61407;
  p.seq_base = 0xB1C6E06A;
  p.icmp_id = 0x4855;
  p.ip_id = 0x1234;
  return p;
}

std::vector<uint8_t> build(OsProbeId id, const OsProbeParams& p) {
  std::vector<uint8_t> out(kOsProbeMaxBytes);
  out.resize(build_os_probe(id, p, out.data()));
  return out;
}

std::vector<uint8_t> unhex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
  return out;
}

std::string hexs(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

bool ip_checksum_ok(const std::vector<uint8_t>& d) { return internet_checksum(d.data(), (d[0] & 15) * 4) == 0; }

bool l4_checksum_ok(const std::vector<uint8_t>& d) {
  const size_t ihl = (d[0] & 15) * 4;
  const size_t len = load_be16(d.data() + 2) - ihl;
  if (d[9] == 1) return internet_checksum(d.data() + ihl, len) == 0;
  return internet_checksum(d.data() + ihl, len,
                           pseudo_header_sum(load_be32(d.data() + 12), load_be32(d.data() + 16), d[9],
                                             static_cast<uint16_t>(len))) == 0;
}

const uint8_t* tcp_of(const std::vector<uint8_t>& d) { return d.data() + (d[0] & 15) * 4; }
std::string tcp_options_hex(const std::vector<uint8_t>& d) {
  const uint8_t* t = tcp_of(d);
  return hexs(t + 20, (t[12] >> 4) * 4 - 20);
}

// --- Crafting replies from the target ----------------------------------------

struct TcpReply {
  uint8_t flags = wire::kTcpSyn | wire::kTcpAck;
  uint32_t seq = 1000;
  std::optional<uint32_t> ack;  // default: our probe's seq + 1
  uint16_t window = 65160;
  std::string options = "020405b40402080a0000000100000000010303070000";  // M5B4 S T10 N W7, padded
  uint8_t ttl = 64;
  uint16_t ip_id = 0;
  bool df = true;
  uint8_t reserved = 0;
  uint16_t urgent = 0;
  std::string data;  // hex
  uint16_t src_port = 0;  // 0: the probe's destination
};

std::vector<uint8_t> tcp_reply(const OsProbeParams& p, OsProbeId id, const TcpReply& r) {
  const std::vector<uint8_t> probe = build(id, p);
  std::vector<uint8_t> opts = unhex(r.options);
  while (opts.size() % 4) opts.push_back(0);
  const std::vector<uint8_t> data = unhex(r.data);
  const size_t tcp_len = 20 + opts.size() + data.size();
  std::vector<uint8_t> d(20 + tcp_len, 0);
  d[0] = 0x45;
  store_be16(&d[2], static_cast<uint16_t>(d.size()));
  store_be16(&d[4], r.ip_id);
  store_be16(&d[6], r.df ? 0x4000 : 0);
  d[8] = r.ttl;
  d[9] = 6;
  store_be32(&d[12], p.dst_ip);
  store_be32(&d[16], p.src_ip);
  store_be16(&d[10], internet_checksum(d.data(), 20));
  uint8_t* t = &d[20];
  const uint8_t* pt = tcp_of(probe);
  store_be16(t, r.src_port ? r.src_port : load_be16(pt + 2));
  store_be16(t + 2, load_be16(pt));
  store_be32(t + 4, r.seq);
  store_be32(t + 8, r.ack ? *r.ack : load_be32(pt + 4) + 1);
  t[12] = static_cast<uint8_t>(((20 + opts.size()) / 4) << 4 | r.reserved);
  t[13] = r.flags;
  store_be16(t + 14, r.window);
  store_be16(t + 18, r.urgent);
  std::copy(opts.begin(), opts.end(), t + 20);
  std::copy(data.begin(), data.end(), t + 20 + opts.size());
  store_be16(t + 16, internet_checksum(t, tcp_len, pseudo_header_sum(p.dst_ip, p.src_ip, 6, static_cast<uint16_t>(tcp_len))));
  return d;
}

std::vector<uint8_t> icmp_datagram(const OsProbeParams& p, const std::vector<uint8_t>& icmp, uint8_t ttl, uint16_t id,
                                   bool df) {
  std::vector<uint8_t> d(20 + icmp.size(), 0);
  d[0] = 0x45;
  std::copy(icmp.begin(), icmp.end(), d.begin() + 20);
  store_be16(&d[2], static_cast<uint16_t>(d.size()));
  store_be16(&d[4], id);
  store_be16(&d[6], df ? 0x4000 : 0);
  d[8] = ttl;
  d[9] = 1;
  store_be32(&d[12], p.dst_ip);
  store_be32(&d[16], p.src_ip);
  store_be16(&d[10], internet_checksum(d.data(), 20));
  return d;
}

std::vector<uint8_t> echo_reply(const OsProbeParams& p, OsProbeId id, uint8_t code, bool df, uint16_t ip_id,
                                uint8_t ttl = 64) {
  const std::vector<uint8_t> probe = build(id, p);
  std::vector<uint8_t> icmp(probe.begin() + 20, probe.end());
  icmp[0] = 0;
  icmp[1] = code;
  store_be16(&icmp[2], 0);
  store_be16(&icmp[2], internet_checksum(icmp.data(), icmp.size()));
  return icmp_datagram(p, icmp, ttl, ip_id, df);
}

// A port unreachable quoting `quoted` (U1 as it arrived: TTL lowered by
// `hops` - 1), `quote_bytes` of it.
std::vector<uint8_t> port_unreachable(const OsProbeParams& p, std::vector<uint8_t> quoted, size_t quote_bytes,
                                      int hops = 1, uint8_t ttl = 64, uint32_t unused = 0) {
  quoted[8] = static_cast<uint8_t>(quoted[8] - (hops - 1));
  store_be16(&quoted[10], 0);
  store_be16(&quoted[10], internet_checksum(quoted.data(), 20));
  std::vector<uint8_t> icmp(8, 0);
  icmp[0] = 3;
  icmp[1] = 3;
  store_be32(&icmp[4], unused);
  icmp.insert(icmp.end(), quoted.begin(), quoted.begin() + static_cast<long>(std::min(quote_bytes, quoted.size())));
  store_be16(&icmp[2], internet_checksum(icmp.data(), icmp.size()));
  return icmp_datagram(p, icmp, ttl, 0x8286, false);
}

// All sixteen probes sent 100 ms (SEQ) / 25 ms apart, none answered yet.
OsExchanges sent_all(const OsProbeParams& p) {
  OsExchanges x;
  x.params = p;
  int64_t t = 1'796'112'369'895'000;
  for (size_t i = 0; i < kOsProbeCount; ++i) {
    auto id = static_cast<OsProbeId>(i);
    x.probes[i].sent = build(id, p);
    x.probes[i].sent_us = t;
    t += i < 6 ? 100'000 : 25'000;
  }
  return x;
}

void answer(OsExchanges& x, OsProbeId id, std::vector<uint8_t> reply, int64_t after_us = 60) {
  OsExchange& e = x.at(id);
  e.reply = std::move(reply);
  e.reply_us = e.sent_us + after_us;
}

// A Linux-like host: SYN-ACKs with timestamps at 1000 Hz, IP ID 0 with DF,
// resets, echo replies with incrementing IDs, U1 answered from 1 hop.
OsExchanges linux_like(const OsProbeParams& p) {
  OsExchanges x = sent_all(p);
  const uint32_t isns[6] = {0x4B7711A7, 0xBC0CA336, 0xE570EEF1, 0x83AF5A75, 0x0A5D5EE6, 0x71FF8824};
  for (int i = 0; i < 6; ++i) {
    TcpReply r;
    r.seq = isns[i];
    const uint32_t ts = 5'000'000 + static_cast<uint32_t>(i) * 100;  // 1000 Hz over 100 ms steps
    char opts[64];
    std::snprintf(opts, sizeof opts, "020405b40402080a%08x%08x01030307", ts, 0xffffffffu);
    r.options = opts;
    answer(x, static_cast<OsProbeId>(i), tcp_reply(p, static_cast<OsProbeId>(i), r));
  }
  TcpReply ecn;
  ecn.flags = wire::kTcpSyn | wire::kTcpAck | 0x40;
  ecn.window = 64240;
  ecn.options = "020405b40101040201030307";
  answer(x, OsProbeId::Ecn, tcp_reply(p, OsProbeId::Ecn, ecn));
  // Resets: to the ACKs (T4, T6) seq = their ack, ack 0; to the others
  // (T5, T7) seq 0 and ack = their seq + 1.
  for (OsProbeId id : {OsProbeId::T4, OsProbeId::T6}) {
    TcpReply r;
    r.flags = wire::kTcpRst;
    r.window = 0;
    r.options = "";
    r.seq = os_probe_ack(p);
    r.ack = 0;
    answer(x, id, tcp_reply(p, id, r));
  }
  for (OsProbeId id : {OsProbeId::T5, OsProbeId::T7}) {
    TcpReply r;
    r.flags = wire::kTcpRst | wire::kTcpAck;
    r.window = 0;
    r.options = "";
    r.seq = 0;
    answer(x, id, tcp_reply(p, id, r));
  }
  answer(x, OsProbeId::U1, port_unreachable(p, x.at(OsProbeId::U1).sent, 328));
  answer(x, OsProbeId::Ie1, echo_reply(p, OsProbeId::Ie1, 9, false, 0x827e));
  answer(x, OsProbeId::Ie2, echo_reply(p, OsProbeId::Ie2, 0, false, 0x8284));
  return x;
}

std::string line_of(const OsObservation& o, const std::string& name) {
  const FingerprintLine* l = o.fingerprint.line(name);
  return l ? format_line(*l) : std::string("(absent)");
}

}  // namespace

// --- Probe bytes ---------------------------------------------------------------

TEST(OsProbeBytes, EveryProbeHasValidChecksumsAndLengths) {
  const OsProbeParams p = params();
  const size_t expected_len[kOsProbeCount] = {60, 60, 60, 56, 60, 56, 52, 60, 60, 60, 60, 60, 60, 328, 148, 178};
  for (size_t i = 0; i < kOsProbeCount; ++i) {
    const auto id = static_cast<OsProbeId>(i);
    const std::vector<uint8_t> d = build(id, p);
    SCOPED_TRACE(std::string(to_string(id)));
    EXPECT_EQ(d.size(), expected_len[i]);
    EXPECT_EQ(load_be16(d.data() + 2), d.size());
    EXPECT_TRUE(ip_checksum_ok(d));
    EXPECT_TRUE(l4_checksum_ok(d));
    EXPECT_EQ(load_be32(d.data() + 12), kScanner);
    EXPECT_EQ(load_be32(d.data() + 16), kTarget);
    EXPECT_GE(d[8], 37);
    EXPECT_LE(d[8], 64);
    EXPECT_EQ(build(id, p), d) << "a probe is a pure function of its params";
  }
}

TEST(OsProbeBytes, TcpProbesCarryNmapsWindowsFlagsAndOptions) {
  const OsProbeParams p = params();
  struct Want {
    OsProbeId id;
    uint16_t window;
    uint8_t flags;
    bool df;
    uint16_t dport;
    const char* options;
  };
  const Want want[] = {
      {OsProbeId::Seq1, 1, 0x02, false, 22, "03030a01020405b4080affffffff000000000402"},
      {OsProbeId::Seq2, 63, 0x02, false, 22, "020405780303000402080affffffff0000000000"},
      {OsProbeId::Seq3, 4, 0x02, false, 22, "080affffffff0000000001010303050102040280"},
      {OsProbeId::Seq4, 4, 0x02, false, 22, "0402080affffffff000000000303" "0a00"},
      {OsProbeId::Seq5, 16, 0x02, false, 22, "020402180402080affffffff000000000303" "0a00"},
      {OsProbeId::Seq6, 512, 0x02, false, 22, "020401090402080affffffff00000000"},
      {OsProbeId::Ecn, 3, 0xc2, false, 22, "03030a01020405b404020101"},
      {OsProbeId::T2, 128, 0x00, true, 22, "03030a0102040109080affffffff000000000402"},
      {OsProbeId::T3, 256, 0x2b, false, 22, "03030a0102040109080affffffff000000000402"},
      {OsProbeId::T4, 1024, 0x10, true, 22, "03030a0102040109080affffffff000000000402"},
      {OsProbeId::T5, 31337, 0x02, false, 8080, "03030a0102040109080affffffff000000000402"},
      {OsProbeId::T6, 32768, 0x10, true, 8080, "03030a0102040109080affffffff000000000402"},
      {OsProbeId::T7, 65535, 0x29, false, 8080, "03030f0102040109080affffffff000000000402"},
  };
  for (const Want& w : want) {
    SCOPED_TRACE(std::string(to_string(w.id)));
    const std::vector<uint8_t> d = build(w.id, p);
    const uint8_t* t = tcp_of(d);
    EXPECT_EQ(load_be16(t + 14), w.window);
    EXPECT_EQ(t[13], w.flags);
    EXPECT_EQ((load_be16(d.data() + 6) & 0x4000) != 0, w.df);
    EXPECT_EQ(load_be16(t), p.src_port_base + static_cast<uint16_t>(w.id));
    EXPECT_EQ(load_be16(t + 2), w.dport);
    EXPECT_EQ(tcp_options_hex(d), w.options);
    EXPECT_EQ(d[1], 0) << "TOS";
  }
  // Sequence numbers: SEQ i carries seq_base + i, the others seq_base; the
  // ECN probe has ack 0, reserved bits 8 and urgent pointer 0xF7F5 without URG.
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(load_be32(tcp_of(build(static_cast<OsProbeId>(i), p)) + 4), p.seq_base + static_cast<uint32_t>(i));
  EXPECT_EQ(load_be32(tcp_of(build(OsProbeId::T7, p)) + 4), p.seq_base);
  EXPECT_EQ(load_be32(tcp_of(build(OsProbeId::T2, p)) + 8), os_probe_ack(p));
  const std::vector<uint8_t> ecn = build(OsProbeId::Ecn, p);
  EXPECT_EQ(load_be32(tcp_of(ecn) + 8), 0u);
  EXPECT_EQ(tcp_of(ecn)[12], 0x88);
  EXPECT_EQ(load_be16(tcp_of(ecn) + 18), 0xF7F5);
}

TEST(OsProbeBytes, U1AndIcmpEchoes) {
  const OsProbeParams p = params();
  const std::vector<uint8_t> u1 = build(OsProbeId::U1, p);
  EXPECT_EQ(u1[9], 17);
  EXPECT_EQ(load_be16(u1.data() + 4), 0x1042);
  EXPECT_EQ(load_be16(u1.data() + 6), 0) << "no DF";
  EXPECT_EQ(load_be16(u1.data() + 20), p.src_port_base + 13);
  EXPECT_EQ(load_be16(u1.data() + 22), 34395);
  EXPECT_EQ(load_be16(u1.data() + 24), 308);
  for (size_t i = 28; i < u1.size(); ++i) ASSERT_EQ(u1[i], 'C');
  EXPECT_GE(u1[8], 51);
  EXPECT_LE(u1[8], 64);

  const std::vector<uint8_t> ie1 = build(OsProbeId::Ie1, p), ie2 = build(OsProbeId::Ie2, p);
  EXPECT_EQ(ie1[1], 0x00);
  EXPECT_EQ(ie2[1], 0x04);
  EXPECT_EQ(load_be16(ie1.data() + 6), 0x4000);
  EXPECT_EQ(load_be16(ie2.data() + 6), 0);
  EXPECT_EQ(ie1[20], 8);
  EXPECT_EQ(ie1[21], 9);
  EXPECT_EQ(ie2[21], 0);
  EXPECT_EQ(load_be16(ie1.data() + 24), p.icmp_id);
  EXPECT_EQ(load_be16(ie2.data() + 24), p.icmp_id + 1);
  EXPECT_EQ(load_be16(ie1.data() + 26), 295);
  EXPECT_EQ(load_be16(ie2.data() + 26), 296);
  EXPECT_EQ(ie1.size() - 28, 120u);
  EXPECT_EQ(ie2.size() - 28, 150u);
  for (size_t i = 28; i < ie2.size(); ++i) ASSERT_EQ(ie2[i], 0);

  OsProbeParams fixed = p;
  fixed.ttl = 50;
  for (size_t i = 0; i < kOsProbeCount; ++i) EXPECT_EQ(build(static_cast<OsProbeId>(i), fixed)[8], 50);
}

TEST(OsProbeBytes, PossibleOnlyWithTheirPorts) {
  OsProbeParams p = params();
  p.open_tcp_port = 0;
  EXPECT_FALSE(os_probe_possible(OsProbeId::Seq1, p));
  EXPECT_FALSE(os_probe_possible(OsProbeId::Ecn, p));
  EXPECT_FALSE(os_probe_possible(OsProbeId::T4, p));
  EXPECT_TRUE(os_probe_possible(OsProbeId::T5, p));
  p.closed_tcp_port = 0;
  p.closed_udp_port = 0;
  EXPECT_FALSE(os_probe_possible(OsProbeId::T7, p));
  EXPECT_FALSE(os_probe_possible(OsProbeId::U1, p));
  EXPECT_TRUE(os_probe_possible(OsProbeId::Ie1, p));
  EXPECT_EQ(to_string(OsProbeId::Seq1), "SEQ1");
  EXPECT_EQ(to_string(OsProbeId::Ie2), "IE2");
}

// --- Reply matching --------------------------------------------------------------

TEST(OsProbeMatch, TcpRepliesByPortPair) {
  const OsProbeParams p = params();
  for (size_t i = 0; i <= static_cast<size_t>(OsProbeId::T7); ++i) {
    const auto id = static_cast<OsProbeId>(i);
    const auto d = tcp_reply(p, id, TcpReply{});
    EXPECT_EQ(os_probe_answered(p, d.data(), d.size()), id) << to_string(id);
  }
  TcpReply wrong_sport;
  wrong_sport.src_port = 23;
  auto d = tcp_reply(p, OsProbeId::Seq3, wrong_sport);
  EXPECT_EQ(os_probe_answered(p, d.data(), d.size()), std::nullopt);
  TcpReply from_open;
  from_open.src_port = 22;  // T5 goes to the closed port
  d = tcp_reply(p, OsProbeId::T5, from_open);
  EXPECT_EQ(os_probe_answered(p, d.data(), d.size()), std::nullopt);
  // A destination port outside our 13 TCP source ports.
  d = tcp_reply(p, OsProbeId::Seq1, TcpReply{});
  store_be16(&d[22], static_cast<uint16_t>(p.src_port_base + 13));
  EXPECT_EQ(os_probe_answered(p, d.data(), d.size()), std::nullopt);
  store_be16(&d[22], static_cast<uint16_t>(p.src_port_base - 1));
  EXPECT_EQ(os_probe_answered(p, d.data(), d.size()), std::nullopt);
  // Another host.
  d = tcp_reply(p, OsProbeId::Seq1, TcpReply{});
  store_be32(&d[12], kTarget + 1);
  EXPECT_EQ(os_probe_answered(p, d.data(), d.size()), std::nullopt);
  // Truncated.
  d = tcp_reply(p, OsProbeId::Seq1, TcpReply{});
  EXPECT_EQ(os_probe_answered(p, d.data(), 22), std::nullopt);
}

TEST(OsProbeMatch, EchoRepliesAndPortUnreachables) {
  const OsProbeParams p = params();
  auto e1 = echo_reply(p, OsProbeId::Ie1, 9, false, 1);
  auto e2 = echo_reply(p, OsProbeId::Ie2, 0, false, 2);
  EXPECT_EQ(os_probe_answered(p, e1.data(), e1.size()), OsProbeId::Ie1);
  EXPECT_EQ(os_probe_answered(p, e2.data(), e2.size()), OsProbeId::Ie2);
  store_be16(&e1[24], static_cast<uint16_t>(p.icmp_id + 2));
  EXPECT_EQ(os_probe_answered(p, e1.data(), e1.size()), std::nullopt);
  auto request = build(OsProbeId::Ie1, p);  // our own request echoed back at us is no reply
  std::swap_ranges(request.begin() + 12, request.begin() + 16, request.begin() + 16);
  EXPECT_EQ(os_probe_answered(p, request.data(), request.size()), std::nullopt);

  const auto u1 = build(OsProbeId::U1, p);
  auto unreach = port_unreachable(p, u1, 328);
  EXPECT_EQ(os_probe_answered(p, unreach.data(), unreach.size()), OsProbeId::U1);
  auto short_quote = port_unreachable(p, u1, 28);
  EXPECT_EQ(os_probe_answered(p, short_quote.data(), short_quote.size()), OsProbeId::U1);
  auto other_port = u1;
  store_be16(&other_port[22], 53);
  auto unreach_other = port_unreachable(p, other_port, 328);
  EXPECT_EQ(os_probe_answered(p, unreach_other.data(), unreach_other.size()), std::nullopt);
  auto host_unreach = unreach;
  host_unreach[21] = 1;
  EXPECT_EQ(os_probe_answered(p, host_unreach.data(), host_unreach.size()), std::nullopt);
  // A port unreachable quoting a TCP probe answers none.
  auto tcp_quote = port_unreachable(p, build(OsProbeId::T5, p), 60);
  EXPECT_EQ(os_probe_answered(p, tcp_quote.data(), tcp_quote.size()), std::nullopt);
}

// --- Each test on crafted replies ------------------------------------------------

TEST(OsObserve, LinuxLikeHostGivesTheExpectedLines) {
  const OsProbeParams p = params();
  const OsExchanges x = linux_like(p);
  const OsObservation o = observe_os(x);
  // ISNs random (SP high), IP IDs: SYN-ACKs and resets 0, echoes incremental
  // (not "SS": the TCP side is not incremental); timestamps 1000 Hz -> A.
  const FingerprintLine* seq = o.fingerprint.line("SEQ");
  ASSERT_NE(seq, nullptr);
  EXPECT_EQ(*seq->value("TI"), "Z");
  EXPECT_EQ(*seq->value("CI"), "Z");
  EXPECT_EQ(*seq->value("II"), "I");
  EXPECT_EQ(seq->value("SS"), nullptr);
  EXPECT_EQ(*seq->value("TS"), "A");
  EXPECT_EQ(*seq->value("GCD"), "1");
  EXPECT_EQ(line_of(o, "OPS"), "OPS(O1=M5B4ST11NW7%O2=M5B4ST11NW7%O3=M5B4ST11NW7%O4=M5B4ST11NW7%O5=M5B4ST11NW7%O6=M5B4ST11NW7)");
  EXPECT_EQ(line_of(o, "WIN"), "WIN(W1=FE88%W2=FE88%W3=FE88%W4=FE88%W5=FE88%W6=FE88)");
  EXPECT_EQ(line_of(o, "ECN"), "ECN(R=Y%DF=Y%T=40%W=FAF0%O=M5B4NNSNW7%CC=Y%Q=)");
  EXPECT_EQ(line_of(o, "T1"), "T1(R=Y%DF=Y%T=40%S=O%A=S+%F=AS%RD=0%Q=)");
  EXPECT_EQ(line_of(o, "T2"), "T2(R=N)");
  EXPECT_EQ(line_of(o, "T3"), "T3(R=N)");
  EXPECT_EQ(line_of(o, "T4"), "T4(R=Y%DF=Y%T=40%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)");
  EXPECT_EQ(line_of(o, "T5"), "T5(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)");
  EXPECT_EQ(line_of(o, "T6"), "T6(R=Y%DF=Y%T=40%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)");
  EXPECT_EQ(line_of(o, "T7"), "T7(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)");
  EXPECT_EQ(line_of(o, "U1"), "U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)");
  EXPECT_EQ(line_of(o, "IE"), "IE(R=Y%DFI=N%T=40%CD=S)");
  std::vector<std::string> order;
  for (const auto& l : o.fingerprint.lines) order.push_back(l.name);
  EXPECT_EQ(order, (std::vector<std::string>{"SEQ", "OPS", "WIN", "ECN", "T1", "T2", "T3", "T4", "T5", "T6", "T7",
                                             "U1", "IE"}));
  EXPECT_EQ(o.distance, 1);
  EXPECT_EQ(o.distance_method, "I");
  EXPECT_EQ(o.ipid_class, "All zeros");
  EXPECT_EQ(o.ts_class, "1000HZ");
  ASSERT_TRUE(o.uptime_seconds.has_value());
  EXPECT_EQ(*o.uptime_seconds, 5000);  // TSval 5,000,000 at 1000 Hz
  EXPECT_EQ(o.tcp_isns.size(), 6u);
  EXPECT_EQ(o.tcp_isns[1], 0xBC0CA336u);
  EXPECT_FALSE(o.tcp_seq_difficulty.empty());
  EXPECT_EQ(format_hex_list(o.tcp_isns), "4B7711A7,BC0CA336,E570EEF1,83AF5A75,A5D5EE6,71FF8824");
  EXPECT_EQ(format_hex_list(o.ipids), "0,0,0,0,0,0");
  EXPECT_EQ(format_hex_list(o.tsvals), "4C4B40,4C4BA4,4C4C08,4C4C6C,4C4CD0,4C4D34");
}

TEST(OsObserve, TtlBecomesTgWithoutU1AndCountsHopsWithIt) {
  const OsProbeParams p = params();
  OsExchanges x = linux_like(p);
  // Three hops away: replies arrive with TTL 62, U1 reached the host with
  // its TTL lowered by 2.
  answer(x, OsProbeId::U1, port_unreachable(p, x.at(OsProbeId::U1).sent, 328, 3, 62));
  auto e1 = echo_reply(p, OsProbeId::Ie1, 9, false, 1, 62), e2 = echo_reply(p, OsProbeId::Ie2, 0, false, 2, 62);
  answer(x, OsProbeId::Ie1, e1);
  answer(x, OsProbeId::Ie2, e2);
  OsObservation o = observe_os(x);
  EXPECT_EQ(o.distance, 3);
  EXPECT_EQ(line_of(o, "IE"), "IE(R=Y%DFI=N%T=40%CD=S)");  // 62 + 3 - 1
  EXPECT_EQ(*o.fingerprint.line("U1")->value("T"), "40");

  x.at(OsProbeId::U1).reply.clear();
  o = observe_os(x);
  EXPECT_EQ(line_of(o, "U1"), "U1(R=N)");
  EXPECT_EQ(line_of(o, "IE"), "IE(R=Y%DFI=N%TG=40%CD=S)");
  EXPECT_EQ(line_of(o, "T1"), "T1(R=Y%DF=Y%TG=40%S=O%A=S+%F=AS%RD=0%Q=)");
  EXPECT_EQ(o.distance, -1);
  EXPECT_EQ(o.distance_method, "");
  x.on_link = true;
  EXPECT_EQ(observe_os(x).distance_method, "D");
  x.distance = 4;  // a hop count from elsewhere is not nmap's to print...
  EXPECT_EQ(observe_os(x).distance, 1);
  x.distance_from_traceroute = true;  // ...but a traceroute's overrides, as nmap's does
  EXPECT_EQ(observe_os(x).distance, 4);
  EXPECT_EQ(observe_os(x).distance_method, "T");
  x.distance_from_traceroute = false;
  EXPECT_EQ(*observe_os(x).fingerprint.line("T1")->value("TG"), "40") << "on-link does not give nmap the T value";
}

TEST(OsObserve, MissingRepliesFollowNmapsRules) {
  const OsProbeParams p = params();
  OsExchanges x = linux_like(p);
  x.at(OsProbeId::T5).reply.clear();
  x.at(OsProbeId::Ie2).reply.clear();
  x.at(OsProbeId::Ecn).reply.clear();
  OsObservation o = observe_os(x);
  EXPECT_EQ(line_of(o, "T5"), "T5(R=N)");
  EXPECT_EQ(line_of(o, "IE"), "IE(R=N)") << "IE needs both echo replies";
  EXPECT_EQ(line_of(o, "ECN"), "ECN(R=N)");
  EXPECT_EQ(o.fingerprint.line("SEQ")->value("II"), nullptr) << "one echo ID is no sequence";

  // A closed port picked at random: unanswered T5-T7 are left out.
  x.closed_tcp_port_guessed = true;
  x.at(OsProbeId::T6).reply.clear();
  x.at(OsProbeId::T7).reply.clear();
  o = observe_os(x);
  EXPECT_EQ(o.fingerprint.line("T5"), nullptr);
  EXPECT_EQ(o.fingerprint.line("T7"), nullptr);

  // Three SYN-ACKs: no SP/GCD/ISR, no TI (needs three IDs... it has three),
  // OPS and WIN need all six.
  x = linux_like(p);
  x.at(OsProbeId::Seq2).reply.clear();
  x.at(OsProbeId::Seq4).reply.clear();
  x.at(OsProbeId::Seq6).reply.clear();
  o = observe_os(x);
  const FingerprintLine* seq = o.fingerprint.line("SEQ");
  ASSERT_NE(seq, nullptr);
  EXPECT_EQ(seq->value("SP"), nullptr);
  EXPECT_EQ(seq->value("ISR"), nullptr);
  EXPECT_EQ(*seq->value("TI"), "Z");
  EXPECT_EQ(o.fingerprint.line("OPS"), nullptr);
  EXPECT_EQ(o.fingerprint.line("WIN"), nullptr);
  EXPECT_TRUE(o.tcp_seq_difficulty.empty());
  EXPECT_EQ(o.ipid_class, "All zeros");  // three responses are enough for it

  // No open port: SEQ/OPS/WIN/ECN/T1-T4 all absent (not even R=N).
  OsProbeParams closed_only = p;
  closed_only.open_tcp_port = 0;
  x = linux_like(p);
  x.params = closed_only;
  for (int i = 0; i <= static_cast<int>(OsProbeId::T4); ++i) x.probes[static_cast<size_t>(i)] = {};
  o = observe_os(x);
  for (const char* name : {"OPS", "WIN", "ECN", "T1", "T2", "T3", "T4"}) EXPECT_EQ(o.fingerprint.line(name), nullptr) << name;
  EXPECT_EQ(line_of(o, "SEQ"), "SEQ(CI=Z%II=I)");

  // Nothing answered at all.
  x = sent_all(p);
  o = observe_os(x);
  EXPECT_EQ(o.fingerprint.line("SEQ"), nullptr);
  EXPECT_EQ(line_of(o, "T1"), "T1(R=N)");
  EXPECT_EQ(line_of(o, "U1"), "U1(R=N)");
  EXPECT_EQ(o.ipid_class, "");
}

TEST(OsObserve, SequenceTests) {
  const OsProbeParams p = params();
  OsExchanges x = linux_like(p);
  // ISNs stepping by 64000 every 100 ms: GCD FA00, rate 640000/s -> ISR
  // log2 * 8 = 154.3 -> 9A, no spread -> SP 0; IP IDs incremental in TCP and
  // ICMP alike (one counter) -> TI=I, II=I, SS=S; no timestamps -> TS=U.
  for (int i = 0; i < 6; ++i) {
    TcpReply r;
    r.seq = 1'000'000 + 64000u * static_cast<uint32_t>(i);
    r.ip_id = static_cast<uint16_t>(100 + i);
    r.df = false;
    r.options = "020405b4";
    answer(x, static_cast<OsProbeId>(i), tcp_reply(p, static_cast<OsProbeId>(i), r));
  }
  answer(x, OsProbeId::Ie1, echo_reply(p, OsProbeId::Ie1, 9, false, 106));
  answer(x, OsProbeId::Ie2, echo_reply(p, OsProbeId::Ie2, 0, false, 107));
  OsObservation o = observe_os(x);
  const FingerprintLine* seq = o.fingerprint.line("SEQ");
  ASSERT_NE(seq, nullptr);
  EXPECT_EQ(format_line(*seq), "SEQ(SP=0%GCD=FA00%ISR=9A%TI=I%CI=Z%II=I%SS=S%TS=U)");
  EXPECT_EQ(o.tcp_seq_difficulty, "Trivial joke");
  EXPECT_EQ(o.ipid_class, "Incremental");
  EXPECT_EQ(o.ts_class, "none returned (unsupported)");
  EXPECT_FALSE(o.uptime_seconds.has_value());
  EXPECT_EQ(*o.fingerprint.line("OPS")->value("O1"), "M5B4");

  // Echo IDs far ahead of the TCP counter: SS=O.
  answer(x, OsProbeId::Ie1, echo_reply(p, OsProbeId::Ie1, 9, false, 5000));
  answer(x, OsProbeId::Ie2, echo_reply(p, OsProbeId::Ie2, 0, false, 5001));
  EXPECT_EQ(*observe_os(x).fingerprint.line("SEQ")->value("SS"), "O");

  // Random IDs -> RD; constant nonzero IDs -> the value (but nmap drops a
  // repeated ID as a duplicate SYN-ACK, so only the echo side shows it).
  const uint16_t random_ids[6] = {100, 40000, 3000, 60000, 2000, 50000};
  for (int i = 0; i < 6; ++i) {
    TcpReply r;
    r.seq = 7 + 1234567u * static_cast<uint32_t>(i * i + 1);
    r.ip_id = random_ids[i];
    answer(x, static_cast<OsProbeId>(i), tcp_reply(p, static_cast<OsProbeId>(i), r));
  }
  answer(x, OsProbeId::Ie1, echo_reply(p, OsProbeId::Ie1, 9, false, 777));
  answer(x, OsProbeId::Ie2, echo_reply(p, OsProbeId::Ie2, 0, false, 777));
  o = observe_os(x);
  EXPECT_EQ(*o.fingerprint.line("SEQ")->value("TI"), "RD");
  EXPECT_EQ(*o.fingerprint.line("SEQ")->value("II"), "309");
  EXPECT_EQ(o.ipid_class, "Randomized");
  // The same nonzero TSval in every SYN-ACK: no rate, no class, no TS test.
  EXPECT_EQ(o.fingerprint.line("SEQ")->value("TS"), nullptr);
}

TEST(OsObserve, TimestampRates) {
  const OsProbeParams p = params();
  auto with_rate = [&](uint32_t per_step, uint32_t first) {
    OsExchanges x = linux_like(p);
    for (int i = 0; i < 6; ++i) {
      TcpReply r;
      r.seq = 0x10000 + 0x3779b9u * static_cast<uint32_t>(i + 1);
      char opts[64];
      std::snprintf(opts, sizeof opts, "0101080a%08x00000000", first + per_step * static_cast<uint32_t>(i));
      r.options = opts;
      answer(x, static_cast<OsProbeId>(i), tcp_reply(p, static_cast<OsProbeId>(i), r));
    }
    return observe_os(x);
  };
  OsObservation o = with_rate(10, 360'000);  // 100 Hz
  EXPECT_EQ(*o.fingerprint.line("SEQ")->value("TS"), "7");
  EXPECT_EQ(o.ts_class, "100HZ");
  EXPECT_EQ(*o.uptime_seconds, 3600);
  o = with_rate(0, 0);
  EXPECT_EQ(*o.fingerprint.line("SEQ")->value("TS"), "0");
  EXPECT_EQ(o.ts_class, "zero timestamp");
  o = with_rate(25, 1000);  // 250 Hz -> 8
  EXPECT_EQ(*o.fingerprint.line("SEQ")->value("TS"), "8");
  o = with_rate(3000, 1000);  // 30000 Hz -> log2 = 14.9 -> F
  EXPECT_EQ(*o.fingerprint.line("SEQ")->value("TS"), "F");
  EXPECT_EQ(o.ts_class, "other");
  EXPECT_EQ(*o.fingerprint.line("OPS")->value("O1"), "NNT10");
}

TEST(OsObserve, TcpOptionStringsAndQuirks) {
  const OsProbeParams p = params();
  OsExchanges x = linux_like(p);
  TcpReply r;
  r.options = "020405b4" "01" "030302" "0101" "0402" "080a00000000000000000000" "000000";  // EOL padding
  answer(x, OsProbeId::Seq1, tcp_reply(p, OsProbeId::Seq1, r));
  r.options = "01010102";  // MSS cut short: nmap prints nothing
  answer(x, OsProbeId::Seq2, tcp_reply(p, OsProbeId::Seq2, r));
  r.options = "";
  answer(x, OsProbeId::Seq3, tcp_reply(p, OsProbeId::Seq3, r));
  r.options = "1e040000020405b4";  // unknown kind 30: nmap reads on byte by byte, past the list
  answer(x, OsProbeId::Seq4, tcp_reply(p, OsProbeId::Seq4, r));
  OsObservation o = observe_os(x);
  const FingerprintLine* ops = o.fingerprint.line("OPS");
  ASSERT_NE(ops, nullptr);
  EXPECT_EQ(*ops->value("O1"), "M5B4NW2NNST00LLLLLL");
  EXPECT_EQ(*ops->value("O2"), "");
  EXPECT_EQ(*ops->value("O3"), "");
  EXPECT_EQ(*ops->value("O4"), "");

  // Reset with data (RD = CRC-32, eight digits), reserved bits and an urgent
  // pointer without URG (Q=RU), ECE|CWR echoed (CC=S), odd seq/ack values.
  TcpReply t;
  t.flags = wire::kTcpRst | wire::kTcpAck | 0x40;
  t.options = "";
  t.data = "313233343536373839";  // "123456789": CRC-32 CBF43926
  t.reserved = 1;
  t.urgent = 7;
  t.seq = os_probe_ack(p) + 1;
  t.ack = p.seq_base;
  answer(x, OsProbeId::T3, tcp_reply(p, OsProbeId::T3, t));
  TcpReply e;
  e.flags = wire::kTcpSyn | wire::kTcpAck | 0xc0;
  e.options = "";
  answer(x, OsProbeId::Ecn, tcp_reply(p, OsProbeId::Ecn, e));
  o = observe_os(x);
  EXPECT_EQ(line_of(o, "T3"), "T3(R=Y%DF=Y%T=40%W=FE88%S=A+%A=S%F=EAR%O=%RD=CBF43926%Q=RU)");
  EXPECT_EQ(*o.fingerprint.line("ECN")->value("CC"), "S");
  e.flags = wire::kTcpSyn | wire::kTcpAck | 0x80;
  answer(x, OsProbeId::Ecn, tcp_reply(p, OsProbeId::Ecn, e));
  EXPECT_EQ(*observe_os(x).fingerprint.line("ECN")->value("CC"), "O");
  e.flags = wire::kTcpSyn | wire::kTcpAck;
  answer(x, OsProbeId::Ecn, tcp_reply(p, OsProbeId::Ecn, e));
  EXPECT_EQ(*observe_os(x).fingerprint.line("ECN")->value("CC"), "N");
}

TEST(OsObserve, U1AndIeValues) {
  const OsProbeParams p = params();
  OsExchanges x = linux_like(p);
  std::vector<uint8_t> u1 = x.at(OsProbeId::U1).sent;
  // A host that rewrites what it quotes: length, ID, payload, UDP checksum,
  // IP checksum zeroed; quotes 64 bytes; a nonzero "unused" field.
  std::vector<uint8_t> mangled = u1;
  store_be16(&mangled[2], 0x0148 + 20);
  store_be16(&mangled[4], 0x4210);
  mangled[40] = 'D';
  store_be16(&mangled[26], 0xBEEF);
  auto reply = port_unreachable(p, mangled, 64, 1, 64, 0x00012345);
  // port_unreachable recomputes the quoted checksum; set it to zero.
  reply[20 + 8 + 10] = reply[20 + 8 + 11] = 0;
  store_be16(&reply[22], 0);
  std::vector<uint8_t> icmp(reply.begin() + 20, reply.end());
  store_be16(&reply[22], internet_checksum(icmp.data(), icmp.size()));
  answer(x, OsProbeId::U1, reply);
  OsObservation o = observe_os(x);
  EXPECT_EQ(line_of(o, "U1"), "U1(R=Y%DF=N%T=40%IPL=5C%UN=2345%RIPL=15C%RID=4210%RIPCK=Z%RUCK=BEEF%RUD=I)");
  // A bad quoted IP checksum: I.
  reply = port_unreachable(p, u1, 328);
  reply[20 + 8 + 10] ^= 0x55;
  answer(x, OsProbeId::U1, reply);
  EXPECT_EQ(*observe_os(x).fingerprint.line("U1")->value("RIPCK"), "I");

  // IE: DF on both (Y) / on the first only (S) / codes echoed back (S), both
  // zero (Z), the same nonzero value (hex), anything else (O).
  struct Case {
    bool df1, df2;
    uint8_t c1, c2;
    const char* dfi;
    const char* cd;
  };
  for (const Case& c : {Case{true, true, 9, 0, "Y", "S"}, Case{true, false, 0, 0, "S", "Z"},
                        Case{false, true, 9, 9, "O", "9"}, Case{false, false, 1, 2, "N", "O"}}) {
    answer(x, OsProbeId::Ie1, echo_reply(p, OsProbeId::Ie1, c.c1, c.df1, 10));
    answer(x, OsProbeId::Ie2, echo_reply(p, OsProbeId::Ie2, c.c2, c.df2, 11));
    o = observe_os(x);
    EXPECT_EQ(*o.fingerprint.line("IE")->value("DFI"), c.dfi);
    EXPECT_EQ(*o.fingerprint.line("IE")->value("CD"), c.cd);
  }
}

TEST(OsFormat, ScanLineAndWrap) {
  setenv("TZ", "UTC", 1);
  tzset();
  const OsProbeParams p = params();
  OsExchanges x = linux_like(p);
  const OsObservation o = observe_os(x);
  ScanLineFacts facts{"7.93", 0x6B0E7FFD, "x86_64-pc-linux-gnu"};
  EXPECT_EQ(scan_line(x, o, facts),
            "SCAN(V=7.93%E=4%D=12/1%OT=22%CT=8080%CU=34395%PV=N%DS=1%DC=I%G=Y%TM=6B0E7FFD%P=x86_64-pc-linux-gnu)");
  const std::string block = format_subject_fingerprint(x, o, facts);
  std::string flat;
  std::istringstream rows(block);
  std::string row;
  size_t n = 0;
  while (std::getline(rows, row)) {
    ASSERT_EQ(row.rfind("OS:", 0), 0u) << row;
    if (rows.peek() != EOF) {
      EXPECT_EQ(row.size(), 75u) << row;
    }
    flat += row.substr(3);
    ++n;
  }
  EXPECT_EQ(flat.rfind("SCAN(V=7.93", 0), 0u);
  EXPECT_NE(flat.find(")SEQ("), std::string::npos);
  EXPECT_EQ(block.back(), '\n');
  EXPECT_GT(n, 5u);

  // On-link with a MAC, private address, no U1 answer, a guessed closed port.
  OsProbeParams q = p;
  q.dst_ip = 0xC0A80105;  // 192.168.1.5
  x.params = q;
  x.on_link = true;
  x.has_mac = true;
  x.mac = {0x02, 0x50, 0x53, 0x01, 0x00, 0x0a};
  x.closed_tcp_port_guessed = true;
  x.at(OsProbeId::U1).reply.clear();
  EXPECT_EQ(submission_omitted_reason(x, observe_os(x), facts), "Missing a closed TCP port so results incomplete");
  EXPECT_EQ(scan_line(x, observe_os(x), facts),
            "SCAN(V=7.93%E=4%D=12/1%OT=22%CT=%CU=%PV=Y%DS=1%DC=D%G=N%M=025053%TM=6B0E7FFD%P=x86_64-pc-linux-gnu)");
}

// --- The lab: nmap 7.93's own run, replayed -------------------------------------

namespace {

struct Fixture {
  OsExchanges x;
  std::vector<std::string> nmap_rows;  // the block nmap printed, row by row
  std::vector<std::string> host_lines;
};

uint32_t parse_ip(const std::string& s) {
  unsigned a, b, c, d;
  if (std::sscanf(s.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) != 4) return 0;
  return a << 24 | b << 16 | c << 8 | d;
}

Fixture load_fixture(const std::string& file) {
  Fixture f;
  std::ifstream in(std::string(OS_PROBES_FIXTURES) + "/" + file);
  EXPECT_TRUE(in.good()) << file;
  std::string line;
  OsProbeParams& p = f.x.params;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "target" || key == "scanner") {
      std::string ip;
      ls >> ip;
      (key == "target" ? p.dst_ip : p.src_ip) = parse_ip(ip);
    } else if (key == "open_tcp") {
      ls >> p.open_tcp_port;
    } else if (key == "closed_tcp") {
      ls >> p.closed_tcp_port;
    } else if (key == "closed_udp") {
      ls >> p.closed_udp_port;
    } else if (key == "mac") {
      std::string m;
      ls >> m;
      if (m != "-") {
        f.x.on_link = f.x.has_mac = true;
        const auto bytes = unhex(m);
        std::copy(bytes.begin(), bytes.end(), f.x.mac.begin());
      }
    } else if (key == "probe") {
      std::string name, dir, hex;
      int64_t us = 0;
      ls >> name >> dir >> us >> hex;
      for (size_t i = 0; i < kOsProbeCount; ++i) {
        if (to_string(static_cast<OsProbeId>(i)) != name) continue;
        OsExchange& e = f.x.probes[i];
        (dir == "sent" ? e.sent : e.reply) = unhex(hex);
        (dir == "sent" ? e.sent_us : e.reply_us) = us;
      }
    } else if (key == "closed_tcp_guessed") {
      int g = 0;
      ls >> g;
      f.x.closed_tcp_port_guessed = g != 0;
    } else if (key == "nmap") {
      f.nmap_rows.push_back(line.substr(5));
    } else if (key == "nmap-host") {
      f.host_lines.push_back(line.substr(10));
    }
  }
  return f;
}

// "SCAN(...)SEQ(...)..." -> name -> "TEST=V%..." in order.
std::vector<std::pair<std::string, std::string>> split_lines(const std::string& flat) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < flat.size()) {
    const size_t open = flat.find('(', i), close = flat.find(')', open);
    if (open == std::string::npos || close == std::string::npos) break;
    out.emplace_back(flat.substr(i, open - i), flat.substr(open + 1, close - open - 1));
    i = close + 1;
  }
  return out;
}

std::map<std::string, std::string> tests_of(const std::string& body) {
  std::map<std::string, std::string> m;
  std::istringstream s(body);
  std::string kv;
  while (std::getline(s, kv, '%')) {
    const size_t eq = kv.find('=');
    m[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return m;
}

// Replays nmap's first try and compares our block with the one nmap printed,
// byte for byte: every line and every test, SP, GCD, ISR and TS included
// (they differ from run to run of the host, not between replays of one run).
void compare_with_nmap(const std::string& file) {
  setenv("TZ", "UTC", 1);
  tzset();
  const Fixture f = load_fixture(file);
  ASSERT_FALSE(f.nmap_rows.empty());
  const bool wrapped = f.nmap_rows[0].rfind("OS:", 0) == 0;
  std::string nmap_block, flat;
  for (const std::string& r : f.nmap_rows) {
    nmap_block += r + '\n';
    flat += wrapped ? r.substr(3) : r;
  }
  const auto nmap = split_lines(flat);
  ASSERT_GT(nmap.size(), 3u);
  ASSERT_EQ(nmap[0].first, "SCAN");
  const auto scan = tests_of(nmap[0].second);
  ScanLineFacts facts{scan.at("V"), static_cast<int64_t>(std::stoul(scan.at("TM"), nullptr, 16)), scan.at("P")};
  bool distance_printed = false;
  for (const std::string& h : f.host_lines) {
    if (h.rfind("Too many fingerprints match", 0) == 0) facts.too_many_matches = true;
  }
  const OsObservation o = observe_os(f.x);
  const std::string ours = format_subject_fingerprint(f.x, o, facts, wrapped);
  EXPECT_EQ(ours, nmap_block);
  // Line by line too, for a readable failure.
  std::string ours_flat;
  std::istringstream rows(ours);
  std::string row;
  while (std::getline(rows, row)) ours_flat += wrapped ? row.substr(3) : row;
  const auto mine = split_lines(ours_flat);
  ASSERT_EQ(mine.size(), nmap.size());
  for (size_t i = 0; i < nmap.size(); ++i)
    EXPECT_EQ(mine[i].first + "(" + mine[i].second + ")", nmap[i].first + "(" + nmap[i].second + ")");
  // The G flag and the unwrapped form go together in nmap's output.
  EXPECT_EQ(scan.at("G") == "Y", wrapped);
  for (const std::string& h : f.host_lines) {
    if (h.rfind("Network Distance: ", 0) == 0) {
      distance_printed = true;
      EXPECT_EQ(h, "Network Distance: " + std::to_string(o.distance) + (o.distance == 1 ? " hop" : " hops"));
    }
    if (h.rfind("IP ID Sequence Generation: ", 0) == 0) {
      EXPECT_EQ(h, "IP ID Sequence Generation: " + o.ipid_class);
    }
    if (h.rfind("OS fingerprint not ideal because: ", 0) == 0) {
      EXPECT_EQ(h, "OS fingerprint not ideal because: " + submission_omitted_reason(f.x, o, facts));
    }
  }
  if (!distance_printed) {
    EXPECT_EQ(o.distance, -1);
  }
}

}  // namespace

TEST(OsLabFixture, RoutedLinuxTargetEqualsNmap) { compare_with_nmap("target_198.19.0.1.txt"); }

TEST(OsLabFixture, OnLinkLanHostEqualsNmap) { compare_with_nmap("lan_198.18.1.10.txt"); }

// 198.19.0.3 drops everything but its open ports: no closed port (nmap
// picks one at random, T5-T7 go unanswered and are left out), no U1 or echo
// answer (TG instead of T, no DS/DC), G=N and the unwrapped block.
TEST(OsLabFixture, FirewalledHostEqualsNmap) { compare_with_nmap("target_198.19.0.3.txt"); }

// 198.19.0.12's resets carry window 8192 (W=2000 in T4-T7).
TEST(OsLabFixture, ResetsWithAWindowEqualNmap) { compare_with_nmap("target_198.19.0.12.txt"); }

// 198.19.0.4 has no open port: no SEQ SYNs, ECN or T1-T4 at all.
TEST(OsLabFixture, NoOpenPortEqualsNmap) { compare_with_nmap("target_198.19.0.4.txt"); }

TEST(OsLabFixture, OurProbesMatchNmapsOnTheWire) {
  // What nmap sent in the lab, field by field, against what we build with the
  // same addresses, ports, sequence base, echo id and TTLs.
  const Fixture f = load_fixture("target_198.19.0.1.txt");
  OsProbeParams p = f.x.params;
  p.seq_base = load_be32(f.x.at(OsProbeId::Seq1).sent.data() + 24);
  p.icmp_id = load_be16(f.x.at(OsProbeId::Ie1).sent.data() + 24);
  for (size_t i = 0; i < kOsProbeCount; ++i) {
    const auto id = static_cast<OsProbeId>(i);
    const std::vector<uint8_t>& theirs = f.x.probes[i].sent;
    ASSERT_FALSE(theirs.empty()) << to_string(id);
    SCOPED_TRACE(std::string(to_string(id)));
    OsProbeParams pi = p;
    pi.ttl = theirs[8];
    std::vector<uint8_t> ours = build(id, pi);
    ASSERT_EQ(ours.size(), theirs.size());
    EXPECT_EQ(ours[1], theirs[1]) << "TOS";
    EXPECT_EQ(load_be16(ours.data() + 6), load_be16(theirs.data() + 6)) << "DF";
    EXPECT_EQ(ours[9], theirs[9]);
    const size_t l4 = 20;
    if (ours[9] == 6) {
      // Ports and ack differ by design (nmap: random base and ack); the
      // rest of the header and the options are the same bytes.
      EXPECT_EQ(load_be32(ours.data() + l4 + 4), load_be32(theirs.data() + l4 + 4)) << "seq";
      EXPECT_EQ(hexs(ours.data() + l4 + 12, 4), hexs(theirs.data() + l4 + 12, 4)) << "offset, flags, window";
      EXPECT_EQ(load_be16(ours.data() + l4 + 18), load_be16(theirs.data() + l4 + 18)) << "urgent";
      EXPECT_EQ(hexs(ours.data() + l4 + 20, ours.size() - l4 - 20), hexs(theirs.data() + l4 + 20, theirs.size() - l4 - 20));
      EXPECT_EQ(load_be32(ours.data() + l4 + 8) == 0, load_be32(theirs.data() + l4 + 8) == 0) << "ack zero or not";
    } else if (ours[9] == 1) {
      EXPECT_EQ(hexs(ours.data() + l4, ours.size() - l4), hexs(theirs.data() + l4, theirs.size() - l4));
    } else {
      EXPECT_EQ(load_be16(ours.data() + 4), load_be16(theirs.data() + 4)) << "IP ID";
      EXPECT_EQ(hexs(ours.data() + l4 + 4, ours.size() - l4 - 4).substr(8), hexs(theirs.data() + l4 + 4, theirs.size() - l4 - 4).substr(8))
          << "length and payload";
    }
  }
}

TEST(OsLabFixture, TruncatedAndCorruptRepliesAreSafe) {
  // Every prefix of every captured reply, and each byte of it flipped in
  // turn: observe_os and os_probe_answered read only within the datagram
  // (run under ASan by scripts/sanitize).
  const Fixture f = load_fixture("target_198.19.0.1.txt");
  OsProbeParams p = f.x.params;
  size_t observed = 0;
  for (size_t i = 0; i < kOsProbeCount; ++i) {
    const std::vector<uint8_t> whole = f.x.probes[i].reply;
    for (size_t n = 0; n <= whole.size(); ++n) {
      OsExchanges x = f.x;
      x.probes[i].reply.assign(whole.begin(), whole.begin() + static_cast<long>(n));
      (void)os_probe_answered(p, x.probes[i].reply.data(), n);
      observed += observe_os(x).fingerprint.lines.size();
    }
    const std::vector<uint8_t> probe = f.x.probes[i].sent;
    for (size_t n = 0; n <= probe.size(); ++n) {
      OsExchanges x = f.x;
      x.probes[i].sent.assign(probe.begin(), probe.begin() + static_cast<long>(n));
      observed += observe_os(x).fingerprint.lines.size();
    }
    for (size_t b = 0; b < whole.size(); ++b) {
      OsExchanges x = f.x;
      x.probes[i].reply[b] ^= 0xff;
      (void)os_probe_answered(p, x.probes[i].reply.data(), x.probes[i].reply.size());
      observed += observe_os(x).fingerprint.lines.size();
    }
  }
  EXPECT_GT(observed, 0u);
}
