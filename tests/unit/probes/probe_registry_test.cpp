#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "probes/probe_module.hpp"
#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

TEST(ProbeRegistry, FindsTcpSyn) {
  const ProbeModule* m = find_probe_module("tcp_syn");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->name, "tcp_syn");
  EXPECT_EQ(m->proto, Proto::Tcp);
  EXPECT_EQ(find_probe_module("nope"), nullptr);
  EXPECT_EQ(find_probe_module("-sS"), m);
  EXPECT_EQ(find_probe_module("--syn-scan"), m);
  bool listed = false;
  for (const ProbeModule* p : probe_modules()) listed |= p == m;
  EXPECT_TRUE(listed);
}

TEST(ProbeRegistry, TcpProberRoundTrip) {
  ProbeConfig c;
  c.src_ip = 0x0a000001;
  c.src_ports = {50000, 2};
  c.cookie_key = {3, 4};
  auto prober = find_probe_module("tcp_syn")->create(c);
  const size_t cap = prober->max_frame_size();
  ASSERT_GE(cap, 58u);

  const std::vector<ProbeTarget> targets = {
      {.ip = 0xc0a80001, .port = 22}, {.ip = 0xc0a80002, .port = 80}, {.ip = 0xc0a80003, .port = 443}};
  std::vector<Bytes> bufs(targets.size(), Bytes(cap));
  std::vector<uint8_t*> frames;
  for (auto& b : bufs) frames.push_back(b.data());
  std::vector<uint16_t> lens(targets.size());
  prober->write_probes(targets, frames.data(), lens.data());

  // Answer the first with SYN-ACK, the second with RST, the third forged.
  std::vector<Bytes> replies;
  for (size_t i = 0; i < targets.size(); ++i) {
    ASSERT_EQ(lens[i], 58);
    ASSERT_EQ(rfc1071(bufs[i].data() + 14, 20), 0);
    const uint32_t seq = get32(bufs[i].data() + 38);
    const uint8_t flags = i == 1 ? 0x14 : 0x12;
    replies.push_back(concat(ethernet(), ipv4(targets[i].ip, c.src_ip, 6,
                                              tcp(targets[i].port, get16(bufs[i].data() + 34), 7,
                                                  i == 2 ? seq : seq + 1, flags))));
  }
  std::vector<DecodedPacket> decoded(replies.size());
  for (size_t i = 0; i < replies.size(); ++i) {
    ASSERT_EQ(decode_ethernet(replies[i].data(), replies[i].size(), decoded[i]), DecodeStatus::Ok);
  }
  std::vector<ReplyOutcome> out(replies.size());
  bool done[3] = {false, false, false};
  prober->classify(decoded, 42, out.data(), done);
  // The forged one is rejected but left to the next module of the sweep.
  EXPECT_TRUE(done[0] && done[1]);
  EXPECT_FALSE(done[2]);
  EXPECT_EQ(out[2].verdict, ReplyVerdict::Rejected);
  EXPECT_EQ(out[0].verdict, ReplyVerdict::Result);
  EXPECT_EQ(out[0].result.state, PortState::Open);
  EXPECT_TRUE(out[0].needs_answer);
  EXPECT_EQ(out[0].result.time_us, 42);
  EXPECT_EQ(out[1].verdict, ReplyVerdict::Result);
  EXPECT_EQ(out[1].result.state, PortState::Closed);
  EXPECT_FALSE(out[1].needs_answer);
  EXPECT_EQ(out[2].verdict, ReplyVerdict::Rejected);

  Bytes rst(cap);
  const size_t n = prober->write_answer(decoded[0], rst.data());
  ASSERT_EQ(n, 54u);
  EXPECT_EQ(rst[47], 0x04);
  EXPECT_EQ(get32(rst.data() + 38), get32(replies[0].data() + 42));  // seq = their ack
}

}  // namespace
}  // namespace portsweep
