// -sI's module and its three packets, written from the TCP template: each
// decodes with valid checksums and says what the idle scan needs it to say;
// the zombie's RST is read back, anything else is not.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "packet/packet_decoder.hpp"
#include "probes/probe_module.hpp"
#include "probes/tcp_idle_scan.hpp"
#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

constexpr uint32_t kUs = 0x0a000001, kZombie = 0x0a000309, kTarget = 0xc6130005;

IdleFrameConfig config() {
  IdleFrameConfig c;
  c.src_mac = {2, 0, 0, 0, 0, 1};
  c.zombie_hop_mac = {2, 0, 0, 0, 0, 2};
  c.target_hop_mac = {2, 0, 0, 0, 0, 3};
  c.our_ip = kUs;
  c.zombie_ip = kZombie;
  c.probe_port = 8080;
  c.spoof_test_src = kTarget;
  return c;
}

DecodedPacket decode(const uint8_t* f, size_t n) {
  DecodedPacket p;
  EXPECT_EQ(decode_ethernet(f, n, p), DecodeStatus::Ok);
  EXPECT_EQ(p.l4_checksum, L4Checksum::Verified);
  return p;
}

TEST(IdleScanModule, IsRegisteredWithItsOwnEngineAndArgument) {
  const ProbeModule* m = find_probe_module("-sI");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->name, "tcp_idle");
  EXPECT_EQ(m->long_option, "--idle-scan");
  EXPECT_EQ(m->scan_type, "idle");
  EXPECT_EQ(m->runner, ScanRunner::Idle);
  EXPECT_TRUE(m->raw_packets);
  EXPECT_EQ(m->option_argument, "ZOMBIE[:PROBEPORT]");
  EXPECT_EQ(m->no_response, PortState::ClosedFiltered);
  EXPECT_THROW(m->create(ProbeConfig{}), RuntimeFailure);
}

TEST(IdleScanFrames, IpidProbeIsASynAckToTheZombieCarryingTheToken) {
  const IdleScanFrames frames(config());
  uint8_t f[IdleScanFrames::kFrameSize];
  const size_t n = frames.write_ipid_probe(f, 41000, 0xdeadbeef);
  const DecodedPacket p = decode(f, n);
  EXPECT_EQ(p.src_ip, kUs);
  EXPECT_EQ(p.dst_ip, kZombie);
  EXPECT_EQ(p.src_port, 41000);
  EXPECT_EQ(p.dst_port, 8080);
  EXPECT_EQ(p.tcp_flags, 0x12);
  EXPECT_EQ(p.ack, 0xdeadbeefu);
  EXPECT_EQ(f[5], 2);  // the zombie's next hop
}

TEST(IdleScanFrames, SpoofedSynComesFromTheZombiesProbePort) {
  const IdleScanFrames frames(config());
  uint8_t f[IdleScanFrames::kFrameSize];
  DecodedPacket p = decode(f, frames.write_spoofed_syn(f, kTarget, 443, 77, nullptr));
  EXPECT_EQ(p.src_ip, kZombie);
  EXPECT_EQ(p.dst_ip, kTarget);
  EXPECT_EQ(p.src_port, 8080);
  EXPECT_EQ(p.dst_port, 443);
  EXPECT_EQ(p.tcp_flags, 0x02);
  EXPECT_EQ(f[5], 3);  // the targets' next hop
  const uint8_t own[6] = {2, 9, 9, 9, 9, 9};
  p = decode(f, frames.write_spoofed_syn(f, kTarget, 443, 77, own));
  EXPECT_EQ(f[1], 9);  // an on-link target's own MAC
  EXPECT_EQ(p.src_ip, kZombie);
}

TEST(IdleScanFrames, SpoofTestClaimsTheFirstTarget) {
  const IdleScanFrames frames(config());
  uint8_t f[IdleScanFrames::kFrameSize];
  const DecodedPacket p = decode(f, frames.write_spoof_test(f, 40001, 5));
  EXPECT_EQ(p.src_ip, kTarget);
  EXPECT_EQ(p.dst_ip, kZombie);
  EXPECT_EQ(p.dst_port, 8080);
  EXPECT_EQ(p.tcp_flags, 0x12);
}

TEST(IdleScanFrames, ReadsOnlyTheZombiesResets) {
  const IdleScanFrames frames(config());
  const auto reply = [](uint32_t src, uint16_t sport, uint8_t flags) {
    Bytes f = concat(ethernet(), ipv4(src, kUs, 6, tcp(sport, 41000, 0xdeadbeef, 0, flags)));
    f[14 + 4] = 0x12;
    f[14 + 5] = 0x34;
    return refill_checksums(f);
  };
  DecodedPacket p;
  Bytes f = reply(kZombie, 8080, 0x04);
  ASSERT_EQ(decode_ethernet(f.data(), f.size(), p), DecodeStatus::Ok);
  const auto r = frames.read_reply(p);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->token, 0xdeadbeefu);
  EXPECT_EQ(r->dst_port, 41000);
  EXPECT_EQ(r->ip_id, 0x1234);
  for (const Bytes& other : {reply(kTarget, 8080, 0x04), reply(kZombie, 80, 0x04), reply(kZombie, 8080, 0x12)}) {
    ASSERT_EQ(decode_ethernet(other.data(), other.size(), p), DecodeStatus::Ok);
    EXPECT_FALSE(frames.read_reply(p).has_value());
  }
}

}  // namespace
}  // namespace portsweep
