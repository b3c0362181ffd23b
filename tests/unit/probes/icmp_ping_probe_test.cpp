// The ICMP discovery probes (-PE -PP -PM): nmap's requests, the cookie in
// the identifier and sequence number, the send time echoed back as the round
// trip, and the replies that are and are not the host's answer. Also the
// discovery modules side by side: two of one protocol in one sweep.
#include "probes/icmp_ping_probe.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "common/error.hpp"
#include "engine/scan_layout.hpp"
#include "probes/probe_module.hpp"
#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kUs = 0x0a000001;
constexpr uint32_t kTarget = 0xc0a80105;
constexpr int64_t kSent = 1'790'000'000'123'456;  // microseconds since the epoch

ProbeConfig config() {
  ProbeConfig c;
  c.src_ip = kUs;
  c.src_ports = {45000, 1024};
  c.cookie_key = {21, 22};
  return c;
}

Bytes send(IcmpPingProbe& probe, int64_t now = kSent) {
  Bytes f(probe.frame_capacity());
  f.resize(probe.write(f.data(), kTarget, 0, now));
  EXPECT_EQ(f[23], 1);  // ICMP
  EXPECT_EQ(rfc1071(f.data() + 14, 20), 0);
  EXPECT_EQ(rfc1071(f.data() + 34, f.size() - 34), 0);
  return f;
}

// What a host sends back: the request with its type changed (and, for a
// timestamp, receive and transmit times filled in), checksum recomputed.
Bytes answer(const Bytes& request, uint8_t type, uint32_t from = kTarget) {
  Bytes icmp(request.begin() + 34, request.end());
  icmp[0] = type;
  icmp[2] = icmp[3] = 0;
  if (type == 14 && icmp.size() >= 20) icmp[12] = icmp[16] = 0x42;
  return concat(ethernet(), ipv4(from, kUs, 1, icmp, 63));
}

ReplyVerdict classify(const IcmpPingClassifier& c, const Bytes& frame, int64_t at, PortResult& out) {
  DecodedPacket d;
  EXPECT_EQ(decode_ethernet(frame.data(), frame.size(), d), DecodeStatus::Ok);
  return c.classify(d, at, out);
}

TEST(IcmpPing, EchoCarriesTheCookieAndItsSendTime) {
  IcmpPingProbe probe(config(), IcmpPing::Echo);
  const Bytes req = send(probe);
  ASSERT_EQ(req.size(), 50u);  // 8-byte header + 8-byte time
  EXPECT_EQ(req[34], 8);
  EXPECT_EQ((uint64_t{get32(req.data() + 42)} << 32) | get32(req.data() + 46), static_cast<uint64_t>(kSent));
  EXPECT_EQ(get16(req.data() + 40), get16(req.data() + 18)) << "the sequence number is the IP id";

  IcmpPingClassifier c(probe.cookie(), kUs, IcmpPing::Echo);
  PortResult r;
  ASSERT_EQ(classify(c, answer(req, 0), kSent + 120, r), ReplyVerdict::Result);
  EXPECT_EQ(r.ip, IpAddress::v4(kTarget));
  EXPECT_EQ(r.state, PortState::Open);
  EXPECT_EQ(r.reason, Reason::EchoReply);
  EXPECT_EQ(r.ttl, 63);
  EXPECT_EQ(r.rtt_us, 120u);
  EXPECT_EQ(r.time_us, kSent + 120);
}

TEST(IcmpPing, ForgedAndForeignRepliesAreNotAnswers) {
  IcmpPingProbe probe(config(), IcmpPing::Echo);
  const Bytes req = send(probe);
  IcmpPingClassifier c(probe.cookie(), kUs, IcmpPing::Echo);
  PortResult r;
  Bytes forged = req;
  forged[38] ^= 1;  // another identifier
  EXPECT_EQ(classify(c, answer(forged, 0), kSent, r), ReplyVerdict::Rejected);
  // Our cookie for this target, from another address: its cookie differs.
  EXPECT_EQ(classify(c, answer(req, 0, kTarget + 1), kSent, r), ReplyVerdict::Rejected);
  EXPECT_EQ(classify(c, answer(req, 14), kSent, r), ReplyVerdict::Ignored) << "a timestamp reply is -PP's";
  EXPECT_EQ(classify(c, answer(req, 8), kSent, r), ReplyVerdict::Ignored) << "a request is not a reply";
  // A reply whose time was rewritten gives the host, without a round trip.
  Bytes rewritten = req;
  rewritten[42] ^= 0x80;
  ASSERT_EQ(classify(c, answer(rewritten, 0), kSent + 5, r), ReplyVerdict::Result);
  EXPECT_EQ(r.rtt_us, 0u);
}

TEST(IcmpPing, TimestampRoundTripSurvivesTheWrapOf32BitMicroseconds) {
  IcmpPingProbe probe(config(), IcmpPing::Timestamp);
  const int64_t sent = (int64_t{5} << 32) + 0xffffff00;  // 256 µs before the low 32 bits wrap
  const Bytes req = send(probe, sent);
  ASSERT_EQ(req.size(), 54u);  // header + originate, receive, transmit
  EXPECT_EQ(req[34], 13);
  EXPECT_EQ(get32(req.data() + 42), 0xffffff00u);
  IcmpPingClassifier c(probe.cookie(), kUs, IcmpPing::Timestamp);
  PortResult r;
  ASSERT_EQ(classify(c, answer(req, 14), sent + 0x200, r), ReplyVerdict::Result);
  EXPECT_EQ(r.reason, Reason::TimestampReply);
  EXPECT_EQ(r.rtt_us, 0x200u);
}

TEST(IcmpPing, AddressMaskRepliesCarryNoRoundTrip) {
  IcmpPingProbe probe(config(), IcmpPing::AddressMask);
  const Bytes req = send(probe);
  ASSERT_EQ(req.size(), 46u);
  EXPECT_EQ(req[34], 17);
  IcmpPingClassifier c(probe.cookie(), kUs, IcmpPing::AddressMask);
  PortResult r;
  ASSERT_EQ(classify(c, answer(req, 18), kSent + 50, r), ReplyVerdict::Result);
  EXPECT_EQ(r.reason, Reason::AddressmaskReply);
  EXPECT_EQ(r.rtt_us, 0u);
}

TEST(IcmpPing, EachRequestTypeHasItsOwnCookie) {
  IcmpPingProbe echo(config(), IcmpPing::Echo);
  IcmpPingProbe stamp(config(), IcmpPing::Timestamp);
  const Bytes e = send(echo), t = send(stamp);
  EXPECT_NE(get32(e.data() + 38), get32(t.data() + 38));
}

TEST(DiscoveryModules, AreRegisteredAsDiscoveryNotAsScanTypes) {
  for (const char* option : {"-PE", "-PP", "-PM", "-PS", "-PA", "-PU", "-PO"}) {
    const ProbeModule* m = find_probe_module(option);
    ASSERT_NE(m, nullptr) << option;
    EXPECT_EQ(m->role, ProbeRole::HostDiscovery) << option;
  }
  EXPECT_TRUE(find_probe_module("-sS")->is_scan_type());
}

TEST(DiscoveryModules, SeveralOfOneProtocolShareASweepButScanTypesDoNot) {
  SweepConfig c;
  c.targets = TargetSet({{kTarget, kTarget + 9}});
  c.scans = {{"icmp_echo_ping", {0}}, {"tcp_syn_ping", {443}}, {"tcp_ack_ping", {80}}, {"icmp_timestamp_ping", {0}}};
  const ScanLayout layout(c);
  EXPECT_EQ(layout.space().size(), 40u);
  // Each module's slot is found from its own index, whatever the others hold.
  EXPECT_GE(layout.index_of(1, IpAddress::v4(kTarget), 443), 0);
  EXPECT_LT(layout.index_of(1, IpAddress::v4(kTarget), 80), 0);
  EXPECT_GE(layout.index_of(2, IpAddress::v4(kTarget), 80), 0);
  EXPECT_NE(layout.index_of(0, IpAddress::v4(kTarget), 0), layout.index_of(3, IpAddress::v4(kTarget), 0));
  c.scans = {{"tcp_syn", {443}}, {"tcp_ack", {80}}};
  EXPECT_THROW(ScanLayout{c}, UsageError);
}

// A RST answering -PA's ACK is rejected by -PS's classifier (wrong cookie
// field) and must still reach -PA's: a rejection is not a claim.
TEST(DiscoveryModules, ARejectedReplyReachesTheModuleWhoseCookieItCarries) {
  const ProbeConfig cfg = config();
  auto syn = find_probe_module("-PS")->create(cfg);
  auto ack = find_probe_module("-PA")->create(cfg);
  Bytes frame(ack->max_frame_size());
  uint8_t* frames[] = {frame.data()};
  uint16_t len = 0;
  const ProbeTarget target{.ip = kTarget, .port = 80};
  ack->write_probes({&target, 1}, frames, &len);
  const uint16_t sport = get16(frame.data() + 34);
  const uint32_t ack_no = get32(frame.data() + 42);
  const Bytes rst = concat(ethernet(), ipv4(kTarget, kUs, 6, tcp(80, sport, ack_no, 0, 0x04)));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(rst.data(), rst.size(), d), DecodeStatus::Ok);
  ReplyOutcome out{};
  bool done = false;
  syn->classify({&d, 1}, 7, &out, &done);
  EXPECT_FALSE(done);
  EXPECT_EQ(out.verdict, ReplyVerdict::Rejected);
  ack->classify({&d, 1}, 7, &out, &done);
  EXPECT_TRUE(done);
  EXPECT_EQ(out.verdict, ReplyVerdict::Result);
  EXPECT_EQ(out.result.port, 80);
}

// The engine reuses a burst's outcomes from reply to reply: a classifier
// sets every field of its result, or a RST would inherit the round trip and
// the hop address of the echo reply classified there before it.
TEST(DiscoveryModules, EveryResultFieldIsSetWhateverTheOutcomeHeldBefore) {
  const ProbeConfig cfg = config();
  int taken = 0;
  for (const char* option : {"-PS", "-PA", "-sS", "-sA", "-sU", "-sO", "-PE"}) {
    auto prober = find_probe_module(option)->create(cfg);
    Bytes frame(prober->max_frame_size());
    uint8_t* frames[] = {frame.data()};
    uint16_t len = 0;
    const ProbeTarget target{.ip = kTarget, .port = 80};
    prober->write_probes({&target, 1}, frames, &len);
    frame.resize(len);
    // The host's answer in kind: an ICMP error quoting the probe always is one.
    const Bytes quote(frame.begin() + 14, frame.end());
    const Bytes reply = concat(ethernet(), ipv4(kTarget, kUs, 1, icmp_error(3, 3, quote), 64));
    DecodedPacket d;
    ASSERT_EQ(decode_ethernet(reply.data(), reply.size(), d), DecodeStatus::Ok);
    ReplyOutcome out{};
    out.result.rtt_us = 777;
    out.result.from_ip = IpAddress::v4(0x01020304);
    bool done = false;
    prober->classify({&d, 1}, 9, &out, &done);
    if (!done) continue;  // -PE reads no ICMP error
    ++taken;
    EXPECT_EQ(out.result.rtt_us, 0u) << option;
    EXPECT_TRUE(out.result.from_ip.is_unspecified()) << option;
  }
  EXPECT_EQ(taken, 6) << "every module but -PE takes the error quoting its own probe";
}

}  // namespace
}  // namespace portsweep
