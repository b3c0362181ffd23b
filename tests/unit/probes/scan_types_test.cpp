// Every TCP scan type through its registered module, against replies built
// the way RFC 793 §3.4 (and so Linux, and nft's "reject with tcp reset")
// builds them: a RST to a segment with ACK takes seq = that ack; any other
// answer acknowledges seq + SYN + FIN. Each type must read them as nmap does.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "probes/probe_module.hpp"
#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kUs = 0x0a000001;
constexpr uint32_t kTarget = 0xc0a80105;
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20;

ProbeConfig config() {
  ProbeConfig c;
  c.src_ip = kUs;
  c.src_ports = {40000, 8};
  c.cookie_key = {0xabc, 0xdef};
  return c;
}

struct Sent {
  Bytes frame;
  uint16_t sport;
  uint32_t seq, ack;
  uint8_t flags;
};

Sent send(Prober& p, uint16_t port) {
  Bytes f(p.max_frame_size());
  uint8_t* fp = f.data();
  uint16_t len = 0;
  const ProbeTarget t{.ip = kTarget, .port = port};
  p.write_probes({&t, 1}, &fp, &len);
  f.resize(len);
  const uint8_t* tcp = f.data() + 34;
  EXPECT_EQ(rfc1071(f.data() + 14, 20), 0) << "IP checksum";
  EXPECT_EQ(l4_verify(kUs, kTarget, 6, tcp, len - 34u), 0) << "TCP checksum";
  return {f, get16(tcp), get32(tcp + 4), get32(tcp + 8), tcp[13]};
}

ReplyOutcome classify(Prober& p, const Bytes& frame) {
  DecodedPacket d;
  EXPECT_EQ(decode_ethernet(frame.data(), frame.size(), d), DecodeStatus::Ok);
  ReplyOutcome o;
  bool done = false;
  p.classify({&d, 1}, 5, &o, &done);
  return o;
}

// The RST a conforming stack sends for `s`, with the given window.
Bytes rst_for(const Sent& s, uint16_t port, uint16_t window = 0) {
  const bool had_ack = s.flags & kAck;
  const uint32_t advance = ((s.flags & kSyn) ? 1 : 0) + ((s.flags & kFin) ? 1 : 0);
  Bytes t = had_ack ? tcp(port, s.sport, s.ack, 0, kRst) : tcp(port, s.sport, 0, s.seq + advance, kRst | kAck);
  t[14] = static_cast<uint8_t>(window >> 8);
  t[15] = static_cast<uint8_t>(window);
  return concat(ethernet(), ipv4(kTarget, kUs, 6, t));
}

Bytes admin_prohibited(const Sent& s) {
  const Bytes quote(s.frame.begin() + 14, s.frame.begin() + 14 + 28);
  return concat(ethernet(), ipv4(0xac100001, kUs, 1, icmp_error(3, 13, quote)));
}

struct Case {
  std::string option;
  uint8_t flags;               // on the wire
  PortState rst, rst_window;   // a RST with window 0 / 1024
  PortState silent;            // the module's no-response state
  std::string scan_type;
};

class ScanTypes : public ::testing::TestWithParam<Case> {};

TEST_P(ScanTypes, ReadRepliesAsNmapDoes) {
  const Case& c = GetParam();
  const ProbeModule* m = find_probe_module(c.option);
  ASSERT_NE(m, nullptr) << c.option;
  EXPECT_EQ(m->scan_type, c.scan_type);
  EXPECT_EQ(m->no_response, c.silent);
  EXPECT_EQ(m->proto, Proto::Tcp);
  auto p = m->create(config());

  const Sent s = send(*p, 80);
  EXPECT_EQ(s.flags, c.flags);
  EXPECT_EQ(s.frame.size(), (c.flags & kSyn) ? 58u : 54u);  // MSS option on SYNs only, as nmap
  if (c.flags & kAck) {
    EXPECT_EQ(s.ack, s.seq);  // the cookie rides in both
  }

  ReplyOutcome o = classify(*p, rst_for(s, 80));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, c.rst);
  EXPECT_EQ(o.result.reason, Reason::Reset);
  EXPECT_EQ(o.result.port, 80);
  EXPECT_FALSE(o.needs_answer);
  EXPECT_EQ(classify(*p, rst_for(s, 80, 1024)).result.state, c.rst_window);

  o = classify(*p, admin_prohibited(s));
  ASSERT_EQ(o.verdict, ReplyVerdict::Result);
  EXPECT_EQ(o.result.state, PortState::Filtered);
  EXPECT_EQ(o.result.reason, Reason::AdminProhibited);

  // Forgeries: a RST that does not echo the cookie, a quote of another seq.
  Sent wrong = s;
  wrong.seq += 7;
  wrong.ack += 7;
  EXPECT_EQ(classify(*p, rst_for(wrong, 80)).verdict, ReplyVerdict::Rejected);
  Bytes forged_quote = s.frame;
  forged_quote[38] ^= 0x55;
  wrong.frame = forged_quote;
  EXPECT_EQ(classify(*p, admin_prohibited(wrong)).verdict, ReplyVerdict::Rejected);
}

INSTANTIATE_TEST_SUITE_P(
    Tcp, ScanTypes,
    ::testing::Values(Case{"-sS", kSyn, PortState::Closed, PortState::Closed, PortState::Filtered, "syn"},
                      Case{"-sA", kAck, PortState::Unfiltered, PortState::Unfiltered, PortState::Filtered, "ack"},
                      Case{"-sW", kAck, PortState::Closed, PortState::Open, PortState::Filtered, "window"},
                      Case{"-sM", kFin | kAck, PortState::Closed, PortState::Closed, PortState::OpenFiltered, "maimon"},
                      Case{"-sN", 0, PortState::Closed, PortState::Closed, PortState::OpenFiltered, "null"},
                      Case{"-sF", kFin, PortState::Closed, PortState::Closed, PortState::OpenFiltered, "fin"},
                      Case{"-sX", kFin | kPsh | kUrg, PortState::Closed, PortState::Closed, PortState::OpenFiltered,
                           "xmas"}),
    [](const ::testing::TestParamInfo<Case>& i) { return i.param.scan_type; });

TEST(ScanTypes, SynAckOpensOnlyForTheSynScan) {
  for (const char* option : {"-sS", "-sA", "-sF"}) {
    auto p = find_probe_module(option)->create(config());
    const Sent s = send(*p, 443);
    const Bytes synack = concat(ethernet(), ipv4(kTarget, kUs, 6, tcp(443, s.sport, 99, s.seq + 1, kSyn | kAck)));
    const ReplyOutcome o = classify(*p, synack);
    if (std::string(option) == "-sS") {
      EXPECT_EQ(o.verdict, ReplyVerdict::Result);
      EXPECT_EQ(o.result.state, PortState::Open);
      EXPECT_TRUE(o.needs_answer);
    } else {
      EXPECT_EQ(o.verdict, ReplyVerdict::Ignored) << option;
    }
  }
}

// --scanflags sends other flags; the base type's rules read the replies,
// and the cookie check follows the flags actually sent.
TEST(ScanTypes, ScanFlagsChangeWhatIsSentNotHowItIsRead) {
  ProbeConfig c = config();
  c.tcp_flags = kSyn | kFin;
  auto p = find_probe_module("-sS")->create(c);
  const Sent s = send(*p, 22);
  EXPECT_EQ(s.flags, kSyn | kFin);
  const ReplyOutcome closed = classify(*p, rst_for(s, 22));  // acks seq + 2
  ASSERT_EQ(closed.verdict, ReplyVerdict::Result);
  EXPECT_EQ(closed.result.state, PortState::Closed);

  c.tcp_flags = kAck | kPsh;
  auto a = find_probe_module("-sF")->create(c);
  const Sent sa = send(*a, 22);
  EXPECT_EQ(sa.flags, kAck | kPsh);
  EXPECT_EQ(classify(*a, rst_for(sa, 22)).result.state, PortState::Closed);
}

TEST(ScanTypes, EveryModuleDeclaresItselfFully) {
  for (const ProbeModule* m : probe_modules()) {
    EXPECT_FALSE(m->name.empty());
    // Scan types are -s options; discovery probes nmap's -P ones; the
    // traceroute probe is --traceroute's.
    // (-b, the FTP bounce scan, is nmap's one scan type outside -s.)
    const std::string_view prefix = m->role == ProbeRole::ScanType ? "-s" : m->role == ProbeRole::HostDiscovery ? "-P" : "--";
    if (m->nmap_option != "-b") {
      EXPECT_EQ(m->nmap_option.substr(0, 2), prefix) << m->name;
    }
    EXPECT_EQ(m->long_option.substr(0, 2), "--") << m->name;
    EXPECT_FALSE(m->scan_type.empty()) << m->name;
    EXPECT_FALSE(m->summary.empty()) << m->name;
    EXPECT_EQ(m->rx_filter.empty(), !m->raw_packets) << m->name;  // -sT reads no packets
    EXPECT_GE(m->rx_snaplen, 96u) << m->name;
    EXPECT_NE(m->create, nullptr) << m->name;
    EXPECT_EQ(find_probe_module(m->name), m);
    // --traceroute's two probes share the option that selects them both.
    if (m->role != ProbeRole::Traceroute) {
      EXPECT_EQ(find_probe_module(m->nmap_option), m);
    }
  }
}

// -sT is a scan type of the registry (its options, --help, XML type), but
// the kernel's sockets carry it out: it makes no packet prober.
TEST(ScanTypes, ConnectScanIsRegisteredButMakesNoProber) {
  const ProbeModule* m = find_probe_module("-sT");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->name, "tcp_connect");
  EXPECT_EQ(m->long_option, "--connect-scan");
  EXPECT_EQ(m->scan_type, "connect");
  EXPECT_EQ(m->proto, Proto::Tcp);
  EXPECT_FALSE(m->raw_packets);
  EXPECT_THROW(m->create(ProbeConfig{}), RuntimeFailure);
  // Only -sT and -b, whose engines are the kernel's sockets, send no raw
  // packets (-sI's engine of its own sends them).
  for (const ProbeModule* other : probe_modules())
    EXPECT_EQ(other->raw_packets,
              other->runner != ScanRunner::Connect && other->runner != ScanRunner::FtpBounce) << other->name;
  EXPECT_EQ(m->runner, ScanRunner::Connect);
}

// -b likewise: an FTP server carries it out; its option takes the server.
TEST(ScanTypes, FtpBounceIsRegisteredButMakesNoProber) {
  const ProbeModule* m = find_probe_module("-b");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->name, "ftp_bounce");
  EXPECT_EQ(m->scan_type, "bounce");  // nmap.dtd's <scaninfo type>
  EXPECT_EQ(m->proto, Proto::Tcp);
  EXPECT_EQ(m->runner, ScanRunner::FtpBounce);
  EXPECT_FALSE(m->raw_packets);
  EXPECT_EQ(m->option_argument, "[USER:PASS@]SERVER[:PORT]");
  EXPECT_EQ(m->no_response, PortState::Filtered);
  EXPECT_THROW(m->create(ProbeConfig{}), RuntimeFailure);
}

}  // namespace
}  // namespace portsweep
