#include "probes/tcp_probe.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>

#include "packet/packet_decoder.hpp"
#include "test_frames.hpp"

namespace portsweep {
namespace {

using namespace portsweep::testing;

ProbeConfig config() {
  ProbeConfig c;
  c.src_mac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  c.dst_mac = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
  c.src_ip = 0x0a000001;
  c.src_ports = {40000, 16};
  c.ttl = 57;
  c.tcp_window = 1024;
  c.tcp_mss = 1460;
  c.cookie_key = {0xabcdef, 0x123456};
  return c;
}

void expect_static_fields(const uint8_t* f, const ProbeConfig& c) {
  EXPECT_TRUE(std::equal(c.dst_mac.begin(), c.dst_mac.end(), f));
  EXPECT_TRUE(std::equal(c.src_mac.begin(), c.src_mac.end(), f + 6));
  EXPECT_EQ(get16(f + 12), 0x0800);
  const uint8_t* ip = f + 14;
  EXPECT_EQ(ip[0], 0x45);
  EXPECT_EQ(ip[1], 0);
  EXPECT_EQ(get16(ip + 2), 44);
  EXPECT_EQ(get16(ip + 6), 0);  // no fragmentation bits
  EXPECT_EQ(ip[8], c.ttl);
  EXPECT_EQ(ip[9], 6);
  EXPECT_EQ(get32(ip + 12), c.src_ip);
  const uint8_t* tcp = f + 34;
  EXPECT_EQ(get32(tcp + 8), 0u);  // ack
  EXPECT_EQ(tcp[12], 0x60);       // 24-byte header
  EXPECT_EQ(tcp[13], 0x02);       // SYN only
  EXPECT_EQ(get16(tcp + 14), c.tcp_window);
  EXPECT_EQ(get16(tcp + 18), 0);  // urgent pointer
  const uint8_t mss[4] = {2, 4, 0x05, 0xb4};
  EXPECT_TRUE(std::equal(mss, mss + 4, tcp + 20));
}

TEST(TcpProbe, ThousandsOfRandomProbesHaveCorrectFieldsAndChecksums) {
  const ProbeConfig c = config();
  TcpProbe probe(c);
  const ProbeCookie cookie(c.cookie_key);
  std::mt19937_64 rng(7);
  std::array<uint8_t, TcpProbe::kMaxFrameSize + 8> buf{};
  for (int i = 0; i < 20000; ++i) {
    // Mix random addresses with the extremes that stress end-around carries.
    uint32_t dst = static_cast<uint32_t>(rng());
    if (i % 7 == 0) dst = 0xffffffff;
    if (i % 11 == 0) dst = 0;
    const auto dport = static_cast<uint16_t>(i % 13 == 0 ? 65535 : rng());
    buf.fill(0xee);
    ASSERT_EQ(probe.write(buf.data(), dst, dport), TcpProbe::kMaxFrameSize);
    EXPECT_EQ(buf[TcpProbe::kMaxFrameSize], 0xee);  // nothing written past the frame
    if (i < 50) expect_static_fields(buf.data(), c);

    const uint8_t* ip = buf.data() + 14;
    const uint8_t* tcp = buf.data() + 34;
    ASSERT_EQ(rfc1071(ip, 20), 0) << "IP checksum, probe " << i;
    ASSERT_EQ(l4_verify(c.src_ip, dst, 6, tcp, 24), 0) << "TCP checksum, probe " << i;
    ASSERT_EQ(get32(ip + 16), dst);
    const uint16_t sport = get16(tcp);
    ASSERT_EQ(sport, 40000 + i % 16);  // cycles through the range
    ASSERT_EQ(get16(tcp + 2), dport);
    const uint64_t h = cookie.hash(c.src_ip, dst, sport, dport);
    ASSERT_EQ(get32(tcp + 4), ProbeCookie::seq_of(h));
    ASSERT_EQ(get16(ip + 4), ProbeCookie::ip_id_of(h));
  }
}

TEST(TcpProbe, WriteFieldsPatchesExactValues) {
  const ProbeConfig c = config();
  const TcpProbe probe(c);
  std::mt19937_64 rng(99);
  uint8_t buf[TcpProbe::kMaxFrameSize];
  for (int i = 0; i < 20000; ++i) {
    const auto dst = static_cast<uint32_t>(rng());
    const auto sport = static_cast<uint16_t>(rng());
    const auto dport = static_cast<uint16_t>(rng());
    const auto seq = static_cast<uint32_t>(i % 5 == 0 ? 0xffffffff : rng());
    const auto id = static_cast<uint16_t>(i % 3 == 0 ? 0xffff : rng());
    probe.write_fields(buf, dst, sport, dport, seq, id);
    ASSERT_EQ(rfc1071(buf + 14, 20), 0);
    ASSERT_EQ(l4_verify(c.src_ip, dst, 6, buf + 34, 24), 0);
    ASSERT_EQ(get16(buf + 18), id);
    ASSERT_EQ(get32(buf + 30), dst);
    ASSERT_EQ(get16(buf + 34), sport);
    ASSERT_EQ(get16(buf + 36), dport);
    ASSERT_EQ(get32(buf + 38), seq);
  }
}

TEST(TcpProbe, ProbeDecodesAsWhatWasSent) {
  const ProbeConfig c = config();
  TcpProbe probe(c);
  uint8_t buf[TcpProbe::kMaxFrameSize];
  probe.write(buf, 0xc0a80105, 443);
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(buf, sizeof buf, d), DecodeStatus::Ok);
  EXPECT_EQ(d.src_ip, c.src_ip);
  EXPECT_EQ(d.dst_ip, 0xc0a80105u);
  EXPECT_EQ(d.dst_port, 443);
  EXPECT_EQ(d.src_port, 40000);
  EXPECT_EQ(d.tcp_flags, 0x02);
  EXPECT_EQ(d.tcp_header_len, 24);
  EXPECT_EQ(d.payload_len, 0);
  EXPECT_EQ(d.ttl, 57);
}

TEST(TcpProbe, RstAnswersSynAck) {
  const ProbeConfig c = config();
  const TcpProbe probe(c);
  // The SYN-ACK a target would send back.
  const Bytes synack = concat(ethernet(), ipv4(0xc0a80105, c.src_ip, 6, tcp(22, 40003, 0x11111111, 0x22222222, 0x12)));
  DecodedPacket d;
  ASSERT_EQ(decode_ethernet(synack.data(), synack.size(), d), DecodeStatus::Ok);
  uint8_t rst[TcpProbe::kRstFrameSize + 4];
  ASSERT_EQ(probe.write_rst(rst, d), TcpProbe::kRstFrameSize);
  EXPECT_TRUE(std::equal(c.dst_mac.begin(), c.dst_mac.end(), rst));
  const uint8_t* ip = rst + 14;
  const uint8_t* t = rst + 34;
  EXPECT_EQ(rfc1071(ip, 20), 0);
  EXPECT_EQ(get16(ip + 2), 40);
  EXPECT_EQ(ip[9], 6);
  EXPECT_EQ(get32(ip + 12), c.src_ip);
  EXPECT_EQ(get32(ip + 16), 0xc0a80105u);
  EXPECT_EQ(l4_verify(c.src_ip, 0xc0a80105, 6, t, 20), 0);
  EXPECT_EQ(get16(t), 40003);
  EXPECT_EQ(get16(t + 2), 22);
  EXPECT_EQ(get32(t + 4), 0x22222222u);  // seq = the SYN-ACK's ack
  EXPECT_EQ(get32(t + 8), 0u);
  EXPECT_EQ(t[12], 0x50);
  EXPECT_EQ(t[13], 0x04);  // RST only
}

}  // namespace
}  // namespace portsweep
