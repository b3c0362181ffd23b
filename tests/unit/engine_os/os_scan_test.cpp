// The OS probe engine against simulated hosts behind the MockIo test double:
// each answers as a stack does (SYN-ACK from an open port, RST from a closed
// one, echo replies, a port unreachable quoting U1), with per-probe losses
// and silences; the tests check nmap's timing and order, retransmissions,
// whole tries, stray replies and many hosts at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "engine/os_scan.hpp"
#include "io/mock_io.hpp"
#include "os/os_probes.hpp"

namespace portsweep {
namespace {

using os::OsProbeId;

constexpr uint32_t kUs = 0x0A010001;    // 10.1.0.1
constexpr uint32_t kNet = 0x0A000000;   // hosts 10.0.x.y
constexpr uint16_t kOpen = 22, kClosed = 8080, kClosedUdp = 40125;
constexpr MacAddress kOurMac{2, 0, 0, 0, 0, 1};
constexpr MacAddress kHopMac{2, 0, 0, 0, 0, 2};

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t get32(const uint8_t* p) { return uint32_t{get16(p)} << 16 | get16(p + 2); }
void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A probe as the host saw it.
struct Seen {
  uint32_t dst = 0;
  uint8_t proto = 0;
  uint16_t sport = 0, dport = 0;
  uint8_t tcp_flags = 0;
  uint8_t icmp_type = 0;
  uint16_t icmp_id = 0;
  int64_t at_us = 0;  // monotonic
};

// Simulated hosts: every address in `hosts` answers like a small stack.
struct FakeHosts {
  std::mutex mu;
  std::set<uint32_t> hosts;
  // Sends of a probe (by the host, our source port's offset from the try's
  // base unknown here: keyed by what identifies it on the wire) to drop.
  int drop_first_t5 = 0;     // the closed port's SYN (T5): drop this many
  bool answer_t3 = true;     // SYN|FIN|URG|PSH to the open port
  int drop_syn_number = 0;   // drop the Nth plain SYN to the open port (1-based; 0: none)
  int syns_to_open = 0;
  bool answer_udp = true;
  int hops = 0;              // TTL the quoted U1 lost on its way
  bool strays = false;       // also send a reply from a stranger and one from a wrong port
  std::vector<Seen> seen;

  static std::vector<uint8_t> frame(const std::vector<uint8_t>& ip) {
    std::vector<uint8_t> f(14 + ip.size());
    std::memcpy(f.data(), kOurMac.data(), 6);
    std::memcpy(f.data() + 6, kHopMac.data(), 6);
    f[12] = 0x08;
    std::memcpy(f.data() + 14, ip.data(), ip.size());
    // Ethernet padding, which the engine must cut off.
    if (f.size() < 60) f.resize(60, 0);
    return f;
  }
  static std::vector<uint8_t> ip_header(uint32_t src, uint32_t dst, uint8_t proto, size_t payload) {
    std::vector<uint8_t> ip(20 + payload, 0);
    ip[0] = 0x45;
    put16(ip.data() + 2, static_cast<uint16_t>(20 + payload));
    ip[8] = 64;
    ip[9] = proto;
    put32(ip.data() + 12, src);
    put32(ip.data() + 16, dst);
    return ip;
  }
  static std::vector<uint8_t> tcp_reply(uint32_t from, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t ack) {
    auto ip = ip_header(from, kUs, 6, 20);
    uint8_t* t = ip.data() + 20;
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, 0x12345678);
    put32(t + 8, ack);
    t[12] = 0x50;
    t[13] = flags;
    return ip;
  }

  void respond(std::span<const uint8_t> f, MockIo& io) {
    std::lock_guard lock(mu);
    ASSERT_GE(f.size(), 34u);
    ASSERT_EQ(0, std::memcmp(f.data(), kHopMac.data(), 6));
    ASSERT_EQ(0, std::memcmp(f.data() + 6, kOurMac.data(), 6));
    const uint8_t* ip = f.data() + 14;
    const size_t ihl = size_t{ip[0] & 15u} * 4;
    Seen s;
    s.dst = get32(ip + 16);
    s.proto = ip[9];
    s.at_us = now_us();
    const uint8_t* l4 = ip + ihl;
    if (s.proto == 6 || s.proto == 17) {
      s.sport = get16(l4);
      s.dport = get16(l4 + 2);
    }
    if (s.proto == 6) s.tcp_flags = l4[13];
    if (s.proto == 1) {
      s.icmp_type = l4[0];
      s.icmp_id = get16(l4 + 4);
    }
    seen.push_back(s);
    if (!hosts.count(s.dst)) return;
    if (strays) {
      // A stranger answering, and the host answering from a port we did not probe.
      io.queue_reply(frame(tcp_reply(s.dst + 0x01000000, s.dport, s.sport, 0x12, 1)));
      if (s.proto == 6) io.queue_reply(frame(tcp_reply(s.dst, 9999, s.sport, 0x12, 1)));
    }
    if (s.proto == 6) {
      const uint32_t ack = get32(l4 + 4) + 1;
      if (s.dport == kOpen) {
        if ((s.tcp_flags & 0x3F) == 0x2B && !answer_t3) return;  // T3
        if (s.tcp_flags == 0x02 && ++syns_to_open == drop_syn_number) return;
        const uint8_t flags = (s.tcp_flags & 0x02) ? 0x12 : 0x04;
        io.queue_reply(frame(tcp_reply(s.dst, s.dport, s.sport, flags, ack)));
      } else {
        if (s.tcp_flags == 0x02 && drop_first_t5 > 0) {
          --drop_first_t5;
          return;
        }
        io.queue_reply(frame(tcp_reply(s.dst, s.dport, s.sport, 0x14, ack)));
      }
    } else if (s.proto == 1 && s.icmp_type == 8) {
      const size_t len = get16(ip + 2);
      auto r = ip_header(s.dst, kUs, 1, len - ihl);
      std::memcpy(r.data() + 20, l4, len - ihl);
      r[20] = 0;
      io.queue_reply(frame(r));
    } else if (s.proto == 17 && answer_udp) {
      const size_t len = get16(ip + 2);
      auto r = ip_header(s.dst, kUs, 1, 8 + len);
      r[20] = 3;
      r[21] = 3;
      std::memcpy(r.data() + 28, ip, len);
      r[28 + 8] = static_cast<uint8_t>(ip[8] - hops);
      io.queue_reply(frame(r));
    }
  }

  std::vector<Seen> sent_to(uint32_t dst) {
    std::lock_guard lock(mu);
    std::vector<Seen> v;
    for (const Seen& s : seen)
      if (s.dst == dst) v.push_back(s);
    return v;
  }
};

OsScanHost host(uint32_t ip) {
  OsScanHost h;
  h.ip = ip;
  h.open_tcp_port = kOpen;
  h.closed_tcp_port = kClosed;
  h.closed_udp_port = kClosedUdp;
  h.next_hop_mac = kHopMac;
  return h;
}

OsScanConfig config(std::vector<OsScanHost> hosts) {
  OsScanConfig c;
  c.hosts = std::move(hosts);
  c.src_mac = kOurMac;
  c.src_ip = kUs;
  c.rtt_timeout = {0.02, 0.5, 0.1};
  c.seed = 42;
  c.try_gap = 0.05;
  c.fourth_try_extra = 0;
  return c;
}

// What the judge saw, per host and try.
struct Judged {
  std::mutex mu;
  std::map<std::pair<size_t, int>, os::OsExchanges> tries;
  bool done = true;

  OsTryJudge judge() {
    return [this](size_t h, int t, const os::OsExchanges& x) {
      std::lock_guard lock(mu);
      tries[{h, t}] = x;
      return done;
    };
  }
};

struct Scan {
  MockIo io;
  FakeHosts net;
  Judged judged;
  OsScanReport report;

  void go(const OsScanConfig& c) {
    io.set_record_sent(false);
    io.set_responder([this](unsigned, std::span<const uint8_t> f, MockIo& m) { net.respond(f, m); });
    OsScanHooks hooks;
    hooks.judge = judged.judge();
    std::atomic<bool> stop{false};
    report = run_os_scan(c, io, hooks, stop);
  }
};

TEST(OsScan, SendsTheSixSeqProbes100msApartThenTheRestInNmapsOrder) {
  Scan r;
  r.net.hosts = {kNet + 1};
  r.go(config({host(kNet + 1)}));
  const auto seen = r.net.sent_to(kNet + 1);
  ASSERT_EQ(seen.size(), 16u);
  // The six SEQ SYNs to the open port first, 100 ms apart. The mock stamps a
  // frame when the burst reaches it, a little after the engine decided to
  // send it, so the gaps are checked against what a wrong schedule would
  // give (25 ms, or none), with 10 ms for that skew, and not from above: a
  // loaded machine may stretch them.
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(seen[i].proto, 6);
    EXPECT_EQ(seen[i].dport, kOpen);
    EXPECT_EQ(seen[i].tcp_flags & 0x02, 0x02);
    if (i > 0) {
      const int64_t gap = seen[i].at_us - seen[i - 1].at_us;
      EXPECT_GE(gap, 90'000) << "SEQ" << i + 1;
    }
  }
  // Then IE1, IE2, U1, ECN, T2-T7, each at least 25 ms after the one before.
  EXPECT_EQ(seen[6].proto, 1);
  EXPECT_EQ(seen[7].proto, 1);
  EXPECT_EQ(seen[7].icmp_id, static_cast<uint16_t>(seen[6].icmp_id + 1));
  EXPECT_EQ(seen[8].proto, 17);
  EXPECT_EQ(seen[8].dport, kClosedUdp);
  for (int i = 9; i < 16; ++i) EXPECT_EQ(seen[i].proto, 6) << i;
  for (int i = 9; i < 13; ++i) EXPECT_EQ(seen[i].dport, kOpen) << i;
  for (int i = 13; i < 16; ++i) EXPECT_EQ(seen[i].dport, kClosed) << i;
  for (int i = 7; i < 16; ++i) EXPECT_GE(seen[i].at_us - seen[i - 1].at_us, 20'000) << i;
  // Source ports: base + probe index, one base for the try.
  const uint16_t base = seen[0].sport;
  for (int i = 0; i < 6; ++i) EXPECT_EQ(seen[i].sport, base + i);

  ASSERT_EQ(r.judged.tries.size(), 1u);
  const os::OsExchanges& x = r.judged.tries.begin()->second;
  for (size_t i = 0; i < os::kOsProbeCount; ++i) {
    const auto id = static_cast<OsProbeId>(i);
    EXPECT_FALSE(x.at(id).sent.empty()) << os::to_string(id);
    EXPECT_TRUE(x.at(id).answered()) << os::to_string(id);
    EXPECT_GE(x.at(id).reply_us, x.at(id).sent_us) << os::to_string(id);
    // The reply is the IPv4 datagram, cut to its total length (no Ethernet padding).
    ASSERT_GE(x.at(id).reply.size(), 20u);
    EXPECT_EQ(x.at(id).reply.size(), get16(x.at(id).reply.data() + 2)) << os::to_string(id);
  }
  EXPECT_EQ(x.params.dst_ip, kNet + 1);
  EXPECT_EQ(r.report.replies, 16u);
  EXPECT_EQ(r.report.strays, 0u);
  EXPECT_EQ(r.report.retransmissions, 0u);
  EXPECT_EQ(r.report.hosts_done, 1u);
}

TEST(OsScan, RetransmitsUnansweredProbesUpToFourSends) {
  Scan r;
  r.net.hosts = {kNet + 1};
  r.net.drop_first_t5 = 2;   // T5 answered on its third send
  r.net.answer_t3 = false;   // T3 never
  r.go(config({host(kNet + 1)}));
  const auto seen = r.net.sent_to(kNet + 1);
  const auto count = [&](auto pred) { return std::count_if(seen.begin(), seen.end(), pred); };
  EXPECT_EQ(count([](const Seen& s) { return s.dport == kClosed && s.tcp_flags == 0x02; }), 3);
  EXPECT_EQ(count([](const Seen& s) { return s.dport == kOpen && (s.tcp_flags & 0x3F) == 0x2B; }), 4);
  // The six SEQ probes, answered, are not sent again.
  EXPECT_EQ(count([](const Seen& s) { return s.dport == kOpen && s.tcp_flags == 0x02; }), 6);
  ASSERT_EQ(r.judged.tries.size(), 1u);
  const os::OsExchanges& x = r.judged.tries.begin()->second;
  EXPECT_TRUE(x.at(OsProbeId::T5).answered());
  EXPECT_FALSE(x.at(OsProbeId::T3).answered());
  EXPECT_FALSE(x.at(OsProbeId::T3).sent.empty());
  EXPECT_EQ(x.at(OsProbeId::T3).sends, 4);
  EXPECT_EQ(x.at(OsProbeId::T5).sends, 3);
  EXPECT_EQ(x.at(OsProbeId::Seq1).sends, 1);
  EXPECT_EQ(r.report.retransmissions, 2u + 3u);
}

TEST(OsScan, ASeqProbeLostIsSentAgainAfterTheSeqPhaseNotDuringIt) {
  Scan r;
  r.net.hosts = {kNet + 1};
  r.net.drop_syn_number = 3;  // SEQ3
  r.go(config({host(kNet + 1)}));
  const auto seen = r.net.sent_to(kNet + 1);
  ASSERT_EQ(seen.size(), 17u);
  // The first six are the SEQ probes, 100 ms apart, SEQ3 not repeated among them.
  for (int i = 0; i < 6; ++i) EXPECT_EQ(seen[i].sport, seen[0].sport + i);
  // SEQ3 goes again after IE1, IE2 and U1, before ECN (nmap's OPS/WIN probe).
  EXPECT_EQ(seen[9].dport, kOpen);
  EXPECT_EQ(seen[9].sport, seen[0].sport + 2);
  EXPECT_EQ(seen[10].tcp_flags, 0xC2);
  ASSERT_EQ(r.judged.tries.size(), 1u);
  const os::OsExchanges& x = r.judged.tries.begin()->second;
  EXPECT_TRUE(x.at(OsProbeId::Seq3).answered());
  EXPECT_EQ(x.at(OsProbeId::Seq3).sends, 2);
  EXPECT_EQ(x.at(OsProbeId::Seq2).sends, 1);
}

TEST(OsScan, IgnoresRepliesFromOtherHostsAndPorts) {
  Scan r;
  r.net.hosts = {kNet + 1};
  r.net.strays = true;
  r.go(config({host(kNet + 1)}));
  ASSERT_EQ(r.judged.tries.size(), 1u);
  const os::OsExchanges& x = r.judged.tries.begin()->second;
  for (size_t i = 0; i < os::kOsProbeCount; ++i) {
    const auto& e = x.probes[i];
    ASSERT_TRUE(e.answered()) << i;
    EXPECT_EQ(get32(e.reply.data() + 12), kNet + 1) << i;
    if (e.reply[9] == 6) {
      EXPECT_NE(get16(e.reply.data() + 20), 9999) << i;
    }
  }
  EXPECT_EQ(r.report.replies, 16u);
  // From the right host but a port not probed: counted, not taken. The
  // stranger's are not from a host of the scan at all.
  EXPECT_EQ(r.report.strays, 13u);
}

TEST(OsScan, WholeTriesMoveTheSourcePortsAndStopAtMaxTries) {
  Scan r;
  r.net.hosts = {kNet + 1};
  r.judged.done = false;  // never a good enough match
  OsScanConfig c = config({host(kNet + 1)});
  c.max_tries = 3;
  r.go(c);
  EXPECT_EQ(r.report.tries, 3u);
  ASSERT_EQ(r.judged.tries.size(), 3u);
  const uint16_t b0 = r.judged.tries.at({0, 0}).params.src_port_base;
  const uint16_t b1 = r.judged.tries.at({0, 1}).params.src_port_base;
  EXPECT_EQ(static_cast<uint16_t>(b1 - b0), 256);
  for (int t = 0; t < 3; ++t) EXPECT_TRUE(r.judged.tries.at({0, t}).at(OsProbeId::Seq1).answered());
  EXPECT_EQ(r.net.sent_to(kNet + 1).size(), 48u);
}

TEST(OsScan, SkipsTheProbesOfPortsNotKnown) {
  Scan r;
  r.net.hosts = {kNet + 1};
  OsScanHost h = host(kNet + 1);
  h.open_tcp_port = 0;  // no SEQ, ECN, T2-T4
  h.closed_udp_port = 0;
  r.go(config({h}));
  const auto seen = r.net.sent_to(kNet + 1);
  ASSERT_EQ(seen.size(), 5u);  // IE1, IE2, T5-T7
  EXPECT_EQ(seen[0].proto, 1);
  EXPECT_EQ(seen[1].proto, 1);
  for (int i = 2; i < 5; ++i) EXPECT_EQ(seen[i].dport, kClosed);
}

TEST(OsScan, OnLinkHostAndDistanceFromU1) {
  Scan r;
  r.net.hosts = {kNet + 1, kNet + 2};
  r.net.hops = 2;
  OsScanHost near = host(kNet + 1);
  near.on_link = true;
  r.go(config({near, host(kNet + 2)}));
  ASSERT_EQ(r.judged.tries.size(), 2u);
  const auto& a = r.judged.tries.at({0, 0});
  const auto& b = r.judged.tries.at({1, 0});
  EXPECT_TRUE(a.on_link);
  EXPECT_TRUE(a.has_mac);
  EXPECT_EQ(a.mac, kHopMac);
  EXPECT_EQ(a.distance, 1);
  EXPECT_FALSE(b.on_link);
  EXPECT_EQ(b.distance, 3);  // two routers took one each, plus one
}

TEST(OsScan, ManyHostsAtOnceRunSideBySide) {
  Scan r;
  std::vector<OsScanHost> hosts;
  for (uint32_t i = 1; i <= 300; ++i) {
    hosts.push_back(host(kNet + i));
    if (i % 10 != 0) r.net.hosts.insert(kNet + i);  // every tenth is down
  }
  r.go(config(hosts));
  EXPECT_EQ(r.report.hosts_done, 300u);
  EXPECT_EQ(r.judged.tries.size(), 300u);
  EXPECT_EQ(r.report.replies, 270u * 16);
  // Side by side, not one after another: every host's first SEQ probe goes
  // out before the first host's last one (the hosts' starts are spread over
  // one 100 ms SEQ gap; a host's six SEQ probes take 500 ms). How long the
  // whole takes is bench/os_vs_nmap.sh's question, not a unit test's.
  const int64_t first_host_last_seq = r.net.sent_to(kNet + 1).at(5).at_us;
  for (uint32_t i = 1; i <= 300; ++i) EXPECT_LT(r.net.sent_to(kNet + i).at(0).at_us, first_host_last_seq) << i;
  size_t answered_hosts = 0;
  for (const auto& [key, x] : r.judged.tries) {
    if (x.at(OsProbeId::Seq1).answered()) {
      ++answered_hosts;
      EXPECT_EQ(get32(x.at(OsProbeId::Seq1).reply.data() + 12), x.params.dst_ip);
    }
  }
  EXPECT_EQ(answered_hosts, 270u);
  // The SEQ probes' spacing holds for every host though 300 share the loop.
  for (uint32_t i = 1; i <= 300; i += 37) {
    const auto seen = r.net.sent_to(kNet + i);
    for (int k = 1; k < 6; ++k) {
      EXPECT_GE(seen[k].at_us - seen[k - 1].at_us, 90'000);
    }
  }
}

TEST(OsScan, StopsWhenInterrupted) {
  MockIo io;
  std::atomic<bool> stop{true};
  OsScanHooks hooks;
  const OsScanReport rep = run_os_scan(config({host(kNet + 1)}), io, hooks, stop);
  EXPECT_TRUE(rep.interrupted);
  EXPECT_EQ(rep.hosts_done, 0u);
}

}  // namespace
}  // namespace portsweep
