// The frames FrameShaper makes of a module's probe: payload, IP options, bad
// checksums, fragments and decoy sources, each checked on the bytes (with
// the test's own RFC 1071 sum and the packet decoder).
#include "probes/frame_shaper.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "packet/packet_decoder.hpp"
#include "packet/packet_trace.hpp"
#include "probes/icmp_ping_probe.hpp"
#include "probes/tcp_probe.hpp"
#include "probes/udp_probe.hpp"
#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kSrc = 0xc6120001;  // 198.18.0.1
constexpr uint32_t kDst = 0xc6130005;  // 198.19.0.5

ProbeConfig config() {
  ProbeConfig c;
  c.src_mac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  c.dst_mac = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
  c.src_ip = kSrc;
  c.src_ports = {40000, 16};
  c.ttl = 57;
  c.cookie_key = {0xabcdef, 0x123456};
  return c;
}

Bytes syn_probe(uint16_t port = 80) {
  TcpProbe p(config());
  Bytes f(TcpProbe::kMaxFrameSize);
  f.resize(p.write(f.data(), kDst, port));
  return f;
}

Bytes udp_probe(uint16_t port = 53) {
  UdpProbe p(config());
  Bytes f(p.frame_capacity());
  f.resize(p.write(f.data(), kDst, port));
  return f;
}

Bytes echo_probe() {
  IcmpPingProbe p(config(), IcmpPing::Echo);
  Bytes f(p.frame_capacity());
  f.resize(p.write(f.data(), kDst, 0, 1'700'000'000'000'000));
  return f;
}

struct Shaped {
  std::vector<Bytes> frames;
};

Shaped shape(const EvasionPlan& plan, const Bytes& probe) {
  const FrameShaper s(plan, 256);
  Bytes scratch(s.scratch_size());
  std::vector<Bytes> storage(s.frames_per_probe(), Bytes(s.max_frame_size()));
  std::vector<uint8_t*> out;
  for (Bytes& b : storage) out.push_back(b.data());
  std::vector<uint16_t> lengths(storage.size());
  const size_t n = s.shape(probe.data(), probe.size(), scratch.data(), out.data(), lengths.data());
  EXPECT_LE(n, s.frames_per_probe());
  Shaped r;
  for (size_t k = 0; k < n; ++k) {
    EXPECT_LE(lengths[k], s.max_frame_size());
    r.frames.emplace_back(storage[k].begin(), storage[k].begin() + lengths[k]);
  }
  return r;
}

Bytes zero_padded(std::initializer_list<uint8_t> head, size_t total) {
  Bytes b;
  for (uint8_t v : head) b.push_back(v);
  while (b.size() < total) b.push_back(0);
  return b;
}

size_t ihl_of(const Bytes& f) { return size_t{f[14] & 0x0fu} * 4; }

bool ip_checksum_ok(const Bytes& f) { return rfc1071(f.data() + 14, ihl_of(f)) == 0; }

// The L4 checksum of a whole (unfragmented) frame, with its pseudo-header
// where the protocol has one.
bool l4_checksum_ok(const Bytes& f) {
  const size_t l4 = 14 + ihl_of(f);
  const size_t len = get16(f.data() + 16) - ihl_of(f);
  const uint8_t proto = f[23];
  uint32_t pseudo = 0;
  if (proto == 6 || proto == 17) {
    pseudo = get16(f.data() + 26) + get16(f.data() + 28) + get16(f.data() + 30) + get16(f.data() + 32) + proto +
             static_cast<uint32_t>(len);
  }
  return rfc1071(f.data() + l4, len, pseudo) == 0;
}

TEST(FrameShaper, InactivePlanIsInactive) {
  EXPECT_FALSE(EvasionPlan{}.active());
  EvasionPlan one_source;
  one_source.sources = {0};
  EXPECT_FALSE(one_source.active());
}

TEST(FrameShaper, BadsumSpoilsOnlyTheL4Checksum) {
  EvasionPlan plan;
  plan.bad_checksum = true;
  for (const Bytes& probe : {syn_probe(), udp_probe(), echo_probe()}) {
    ASSERT_TRUE(l4_checksum_ok(probe));
    const Shaped s = shape(plan, probe);
    ASSERT_EQ(s.frames.size(), 1u);
    const Bytes& f = s.frames[0];
    ASSERT_EQ(f.size(), probe.size());
    EXPECT_TRUE(ip_checksum_ok(f));
    EXPECT_FALSE(l4_checksum_ok(f)) << "proto " << int(f[23]);
    DecodedPacket d;
    EXPECT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::BadChecksum);
    if (f[23] == 17) {
      EXPECT_NE(get16(f.data() + 40), 0);  // never "no checksum"
    }
  }
}

TEST(FrameShaper, BadChecksumNeverVerifiesNorSaysNone) {
  for (uint32_t good = 0; good <= 0xffff; ++good) {
    const uint16_t bad = bad_checksum_of(static_cast<uint16_t>(good));
    ASSERT_NE(bad, 0);
    // Equal in one's complement: the same value, or 0 and 0xffff.
    const auto norm = [](uint16_t v) { return v == 0xffff ? 0 : v; };
    ASSERT_NE(norm(bad), norm(static_cast<uint16_t>(good))) << good;
  }
}

TEST(FrameShaper, PayloadIsAppendedWithLengthsAndChecksums) {
  for (size_t len : {1u, 4u, 7u, 300u}) {
    EvasionPlan plan;
    for (size_t k = 0; k < len; ++k) plan.payload.push_back(static_cast<uint8_t>(0xa0 + k));
    for (const Bytes& probe : {syn_probe(), udp_probe(), echo_probe()}) {
      const Shaped s = shape(plan, probe);
      ASSERT_EQ(s.frames.size(), 1u);
      const Bytes& f = s.frames[0];
      ASSERT_EQ(f.size(), probe.size() + len);
      EXPECT_EQ(get16(f.data() + 16), probe.size() - 14 + len);
      EXPECT_TRUE(std::equal(plan.payload.begin(), plan.payload.end(), f.end() - static_cast<long>(len)));
      EXPECT_TRUE(std::equal(probe.begin() + 34, probe.begin() + 36, f.begin() + 34));  // source port, ICMP type and code
      EXPECT_TRUE(ip_checksum_ok(f));
      EXPECT_TRUE(l4_checksum_ok(f)) << "proto " << int(f[23]) << " payload " << len;
      if (f[23] == 17) {
        EXPECT_EQ(get16(f.data() + 38), 8 + len);
      }
      DecodedPacket d;
      EXPECT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok);
    }
  }
}

TEST(FrameShaper, IpOptionsSitBetweenHeaderAndL4) {
  EvasionPlan plan;
  plan.ip_options = zero_padded({7, 39, 4}, 40);  // record route, padded
  const Bytes probe = syn_probe(443);
  const Shaped s = shape(plan, probe);
  ASSERT_EQ(s.frames.size(), 1u);
  const Bytes& f = s.frames[0];
  EXPECT_EQ(f[14], 0x4f);  // IHL 15
  EXPECT_EQ(get16(f.data() + 16), probe.size() - 14 + 40);
  EXPECT_TRUE(std::equal(plan.ip_options.begin(), plan.ip_options.end(), f.begin() + 34));
  EXPECT_TRUE(std::equal(probe.begin() + 34, probe.end(), f.begin() + 74));
  EXPECT_TRUE(ip_checksum_ok(f));
  EXPECT_TRUE(l4_checksum_ok(f));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), d), DecodeStatus::Ok);
  EXPECT_EQ(d.dst_port, 443);
  EXPECT_EQ(d.src_ip, kSrc);
}

// nmap's loose source route: sent to the first hop, the target last in the
// route; the TCP checksum is the target's (RFC 791's final destination).
TEST(FrameShaper, SourceRouteGoesToTheFirstHopWithTheTargetLast) {
  EvasionPlan plan;
  plan.ip_options = {1, 0x83, 11, 4, 198, 18, 0, 2, 0, 0, 0, 0};
  plan.route_first_hop_at = 4;
  plan.route_target_at = 8;
  plan.sources = {0xc6120063, 0};
  plan.real_index = 1;
  const Bytes probe = syn_probe(22);
  const Shaped s = shape(plan, probe);
  ASSERT_EQ(s.frames.size(), 2u);
  for (const Bytes& f : s.frames) {
    EXPECT_EQ(f[14], 0x48);
    EXPECT_EQ(get32(f.data() + 30), 0xc6120002u);  // the first hop
    EXPECT_EQ(get32(f.data() + 34 + 8), kDst);     // the target, last
    EXPECT_TRUE(ip_checksum_ok(f));
    // The pseudo-header's destination is the target.
    Bytes final_dst = f;
    final_dst[30] = static_cast<uint8_t>(kDst >> 24);
    final_dst[31] = static_cast<uint8_t>(kDst >> 16);
    final_dst[32] = static_cast<uint8_t>(kDst >> 8);
    final_dst[33] = static_cast<uint8_t>(kDst);
    EXPECT_TRUE(l4_checksum_ok(final_dst));
  }
}

// The fragments of `frames` (one datagram) put back together: the IP payload.
Bytes reassemble(const std::vector<Bytes>& frames, uint16_t& ip_id) {
  Bytes payload;
  ip_id = get16(frames[0].data() + 18);
  for (size_t k = 0; k < frames.size(); ++k) {
    const Bytes& f = frames[k];
    const uint16_t field = get16(f.data() + 20);
    EXPECT_EQ(size_t{field & 0x1fffu} * 8, payload.size()) << "fragment " << k;
    EXPECT_EQ((field & 0x2000) != 0, k + 1 < frames.size()) << "MF of fragment " << k;
    EXPECT_EQ(get16(f.data() + 18), ip_id);
    EXPECT_TRUE(ip_checksum_ok(f));
    EXPECT_EQ(get16(f.data() + 16), f.size() - 14);
    payload.insert(payload.end(), f.begin() + 14 + static_cast<long>(ihl_of(f)), f.end());
  }
  return payload;
}

TEST(FrameShaper, FragmentsCarryTheDatagramInEightByteSteps) {
  EvasionPlan plan;
  plan.fragment_size = 8;
  const Bytes probe = syn_probe(22);  // 24-byte TCP header: 3 fragments
  const Shaped s = shape(plan, probe);
  ASSERT_EQ(s.frames.size(), 3u);
  for (const Bytes& f : s.frames) EXPECT_EQ(f.size(), 14u + 20 + 8);
  // The first carries the ports and the sequence number (the cookie).
  EXPECT_TRUE(std::equal(probe.begin() + 34, probe.begin() + 42, s.frames[0].begin() + 34));
  uint16_t id = 0;
  const Bytes payload = reassemble(s.frames, id);
  EXPECT_EQ(id, get16(probe.data() + 18));
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), probe.begin() + 34, probe.end()));
  EXPECT_EQ(payload.size(), probe.size() - 34);
}

TEST(FrameShaper, PacketTraceShowsFragments) {
  EvasionPlan plan;
  plan.fragment_size = 8;
  const Shaped s = shape(plan, syn_probe(22));
  ASSERT_EQ(s.frames.size(), 3u);
  const std::string first = packet_trace_line(s.frames[0].data(), s.frames[0].size(), true, 0.5);
  EXPECT_NE(first.find("IP [198.18.0.1 > 198.19.0.5 proto=6 ttl=57"), std::string::npos) << first;
  EXPECT_NE(first.find("iplen=28 frag offset=0 MF ]"), std::string::npos) << first;
  const std::string last = packet_trace_line(s.frames[2].data(), s.frames[2].size(), true, 0.5);
  EXPECT_NE(last.find("frag offset=16 ]"), std::string::npos) << last;
}

TEST(FrameShaper, SixteenByteFragmentsWithPayloadAndOptions) {
  EvasionPlan plan;
  plan.fragment_size = 16;
  plan.payload.assign(21, 0x5a);
  plan.ip_options = zero_padded({0x44, 40, 5, 0}, 40);
  const Bytes probe = udp_probe(161);  // 8 + 21 = 29 bytes: 16 + 13
  const Shaped s = shape(plan, probe);
  ASSERT_EQ(s.frames.size(), 2u);
  EXPECT_EQ(s.frames[0].size(), 14u + 60 + 16);
  EXPECT_EQ(s.frames[1].size(), 14u + 60 + 13);
  for (const Bytes& f : s.frames) EXPECT_TRUE(std::equal(plan.ip_options.begin(), plan.ip_options.end(), f.begin() + 34));
  uint16_t id = 0;
  const Bytes payload = reassemble(s.frames, id);
  // The reassembled datagram's UDP checksum is right.
  Bytes whole(s.frames[0].begin(), s.frames[0].begin() + 74);
  whole.insert(whole.end(), payload.begin(), payload.end());
  whole[16] = static_cast<uint8_t>((whole.size() - 14) >> 8);
  whole[17] = static_cast<uint8_t>(whole.size() - 14);
  EXPECT_TRUE(l4_checksum_ok(whole));
}

TEST(FrameShaper, DatagramThatFitsOneFragmentIsSentWhole) {
  EvasionPlan plan;
  plan.fragment_size = 64;
  const Bytes probe = syn_probe();
  const Shaped s = shape(plan, probe);
  ASSERT_EQ(s.frames.size(), 1u);
  EXPECT_EQ(s.frames[0], probe);
}

TEST(FrameShaper, DecoysInOrderOursAtItsPlace) {
  EvasionPlan plan;
  plan.sources = {0xc6120063, 0, 0xc6120064, 0x01020304};
  plan.real_index = 1;
  for (const Bytes& probe : {syn_probe(), udp_probe(), echo_probe()}) {
    const Shaped s = shape(plan, probe);
    ASSERT_EQ(s.frames.size(), 4u);
    const uint32_t want[] = {0xc6120063, kSrc, 0xc6120064, 0x01020304};
    for (size_t k = 0; k < 4; ++k) {
      const Bytes& f = s.frames[k];
      EXPECT_EQ(get32(f.data() + 26), want[k]);
      EXPECT_TRUE(ip_checksum_ok(f));
      EXPECT_TRUE(l4_checksum_ok(f)) << "source " << k << " proto " << int(f[23]);
      // Only the source address and the checksums differ from our probe.
      Bytes a = f, b = probe;
      for (Bytes* x : {&a, &b}) {
        for (size_t i = 24; i < 30; ++i) (*x)[i] = 0;
        const size_t c = (*x)[23] == 6 ? 50 : (*x)[23] == 17 ? 40 : 36;
        (*x)[c] = (*x)[c + 1] = 0;
      }
      EXPECT_EQ(a, b);
    }
    EXPECT_EQ(s.frames[1], probe);
  }
}

TEST(FrameShaper, DecoysWithFragmentsAndBadsum) {
  EvasionPlan plan;
  plan.sources = {0xc6120063, 0xc6120064, 0};
  plan.real_index = 2;
  plan.fragment_size = 8;
  plan.bad_checksum = true;
  const Bytes probe = syn_probe();
  const FrameShaper shaper(plan, TcpProbe::kMaxFrameSize);
  EXPECT_EQ(shaper.frames_per_probe(), 9u);
  const Shaped s = shape(plan, probe);
  ASSERT_EQ(s.frames.size(), 9u);
  for (size_t src = 0; src < 3; ++src) {
    std::vector<Bytes> one(s.frames.begin() + static_cast<long>(3 * src), s.frames.begin() + static_cast<long>(3 * src + 3));
    uint16_t id = 0;
    const Bytes payload = reassemble(one, id);
    Bytes whole(one[0].begin(), one[0].begin() + 34);
    whole.insert(whole.end(), payload.begin(), payload.end());
    whole[16] = 0;
    whole[17] = static_cast<uint8_t>(whole.size() - 14);
    EXPECT_EQ(get32(whole.data() + 26), src == 2 ? kSrc : plan.sources[src]);
    EXPECT_FALSE(l4_checksum_ok(whole)) << "source " << src;
  }
}

}  // namespace
}  // namespace portsweep
