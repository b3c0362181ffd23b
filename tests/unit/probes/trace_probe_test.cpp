// --traceroute's probe: the TTL in the IP header, the ip id and the payload;
// a hop's time exceeded and the target's echo reply each give back the TTL,
// the cookie and the send time.
#include "probes/trace_probe.hpp"

#include "probes/probe_module.hpp"

#include <gtest/gtest.h>

#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kUs = 0xc6120001;
constexpr uint32_t kTarget = 0xc6130005;
constexpr uint32_t kRouter = 0xc6120002;
constexpr int64_t kSent = 1'790'000'000'000'000;

struct Trace : ::testing::Test {
  Trace() : probe(config()), classifier(probe.cookie(), kUs) {}
  static ProbeConfig config() {
    ProbeConfig c;
    c.src_ip = kUs;
    c.cookie_key = {5, 6};
    return c;
  }
  Bytes send(uint8_t ttl) {
    Bytes f(probe.frame_capacity());
    f.resize(probe.write(f.data(), kTarget, ttl, kSent));
    return f;
  }
  ReplyVerdict classify(const Bytes& frame, PortResult& r, int64_t at = kSent + 300) {
    DecodedPacket d;
    EXPECT_EQ(decode_ethernet(frame.data(), frame.size(), d), DecodeStatus::Ok);
    return classifier.classify(d, at, r);
  }
  TraceProbe probe;
  TraceClassifier classifier;
};

TEST_F(Trace, EachProbeCarriesItsTtlWhereRepliesReturnIt) {
  const Bytes f = send(3);
  ASSERT_EQ(f.size(), 51u);
  EXPECT_EQ(f[22], 3) << "IP TTL";
  EXPECT_EQ(get16(f.data() + 18), 3) << "ip id";
  EXPECT_EQ(f[50], 3) << "payload";
  EXPECT_EQ(rfc1071(f.data() + 14, 20), 0);
  EXPECT_EQ(rfc1071(f.data() + 34, 17), 0);
  EXPECT_NE(get32(f.data() + 38), get32(send(4).data() + 38)) << "the cookie differs per TTL";
}

TEST_F(Trace, AHopsTimeExceededNamesTheHopAtThatTtl) {
  const Bytes probe2 = send(2);
  const Bytes quote(probe2.begin() + 14, probe2.end());  // the whole datagram, as Linux quotes it
  PortResult r;
  ASSERT_EQ(classify(concat(ethernet(), ipv4(kRouter, kUs, 1, icmp_error(11, 0, quote), 64)), r), ReplyVerdict::Result);
  EXPECT_EQ(r.ip, IpAddress::v4(kTarget));
  EXPECT_EQ(r.port, 2);
  EXPECT_EQ(r.from_ip, IpAddress::v4(kRouter));
  EXPECT_EQ(r.reason, Reason::TimeExceeded);
  EXPECT_EQ(r.rtt_us, 300u);
  // Only the first 8 bytes quoted (an old router): the hop, with no round trip.
  const Bytes short_quote(probe2.begin() + 14, probe2.begin() + 42);
  ASSERT_EQ(classify(concat(ethernet(), ipv4(kRouter, kUs, 1, icmp_error(11, 0, short_quote), 64)), r),
            ReplyVerdict::Result);
  EXPECT_EQ(r.rtt_us, 0u);
  // A forged quote (another cookie) is rejected.
  Bytes forged = quote;
  forged[25] ^= 1;
  EXPECT_EQ(classify(concat(ethernet(), ipv4(kRouter, kUs, 1, icmp_error(11, 0, forged), 64)), r),
            ReplyVerdict::Rejected);
}

TEST_F(Trace, TheTargetsEchoReplyEndsTheRoute) {
  const Bytes probe3 = send(3);
  Bytes icmp(probe3.begin() + 34, probe3.end());
  icmp[0] = 0;
  icmp[2] = icmp[3] = 0;
  PortResult r;
  ASSERT_EQ(classify(concat(ethernet(), ipv4(kTarget, kUs, 1, icmp, 62)), r), ReplyVerdict::Result);
  EXPECT_EQ(r.port, 3);
  EXPECT_EQ(r.from_ip, IpAddress::v4(kTarget));
  EXPECT_EQ(r.reason, Reason::EchoReply);
  EXPECT_EQ(r.rtt_us, 300u);
  // A discovery echo reply (8-byte payload) is not a trace reply.
  icmp.resize(16);
  EXPECT_EQ(classify(concat(ethernet(), ipv4(kTarget, kUs, 1, icmp, 62)), r), ReplyVerdict::Ignored);
}

// The TCP form: a SYN to an open port with the TTL in the ip id and the low
// bits of the sequence number; the host's RST and a hop's error give it back.
TEST(TraceTcp, TheTtlComesBackInTheAckAndTheQuote) {
  ProbeConfig c = Trace::config();
  c.src_ports = {40000, 4096};
  c.trace_tcp_port = 22;
  auto prober = make_trace_tcp_prober(c);
  Bytes frame(prober->max_frame_size());
  uint8_t* frames[] = {frame.data()};
  uint16_t len = 0;
  const ProbeTarget target{.ip = kTarget, .port = 5};  // TTL 5
  prober->write_probes({&target, 1}, frames, &len);
  frame.resize(len);
  EXPECT_EQ(frame[22], 5) << "IP TTL";
  EXPECT_EQ(get16(frame.data() + 18), 5) << "ip id";
  EXPECT_EQ(get16(frame.data() + 36), 22) << "to the open port";
  EXPECT_EQ(frame[47], 0x02) << "a SYN";
  const uint32_t seq = get32(frame.data() + 38);
  EXPECT_EQ(seq & 0x3f, 5u);
  EXPECT_EQ(rfc1071(frame.data() + 14, 20), 0);
  EXPECT_EQ(l4_verify(kUs, kTarget, 6, frame.data() + 34, len - 34), 0);
  const uint16_t sport = get16(frame.data() + 34);

  const auto classify = [&](const Bytes& reply, ReplyOutcome& out) {
    DecodedPacket d;
    EXPECT_EQ(decode_ethernet(reply.data(), reply.size(), d), DecodeStatus::Ok);
    bool done = false;
    out = {};
    prober->classify({&d, 1}, kSent, &out, &done);
    return done;
  };
  ReplyOutcome out;
  ASSERT_TRUE(classify(concat(ethernet(), ipv4(kTarget, kUs, 6, tcp(22, sport, 0, seq + 1, 0x14), 60)), out));
  EXPECT_EQ(out.result.port, 5);
  EXPECT_EQ(out.result.from_ip, IpAddress::v4(kTarget));
  EXPECT_EQ(out.result.reason, Reason::Reset);
  const Bytes quote(frame.begin() + 14, frame.end());
  ASSERT_TRUE(classify(concat(ethernet(), ipv4(kRouter, kUs, 1, icmp_error(11, 0, quote), 64)), out));
  EXPECT_EQ(out.result.ip, IpAddress::v4(kTarget));
  EXPECT_EQ(out.result.port, 5);
  EXPECT_EQ(out.result.from_ip, IpAddress::v4(kRouter));
  // A RST acknowledging another sequence number is not ours.
  EXPECT_FALSE(classify(concat(ethernet(), ipv4(kTarget, kUs, 6, tcp(22, sport, 0, seq + 0x41, 0x14), 60)), out));
  EXPECT_EQ(out.verdict, ReplyVerdict::Rejected);
}

}  // namespace
}  // namespace portsweep
