// Per-reply cost of the RX path: decode a captured frame and classify it
// (cookie check included), over a mix of SYN-ACKs, RSTs, ICMP unreachables
// and forged replies.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "packet/checksum.hpp"
#include "packet/packet_decoder.hpp"
#include "probes/tcp_classifier.hpp"
#include "probes/tcp_probe.hpp"
#include "packet/wire.hpp"

namespace portsweep {
namespace {

using namespace wire;

constexpr uint32_t kUs = 0x0a000001;

ProbeConfig reply_config() {
  ProbeConfig c;
  c.src_ip = kUs;
  c.src_ports = {40000, 64};
  c.cookie_key = {0xfeed, 0xbeef};
  return c;
}

// The reply a target would send to `syn` (a frame from TcpProbe).
// Fills the IP header checksum and the L4 one (TCP with its pseudo-header,
// ICMP without), as the replying host does.
void fill_checksums(std::vector<uint8_t>& f) {
  uint8_t* ip = f.data() + 14;
  store_be16(ip + 10, internet_checksum(ip, 20));
  const uint16_t l4_len = static_cast<uint16_t>(load_be16(ip + 2) - 20);
  if (ip[9] == kIpProtoTcp) {
    store_be16(ip + 36, internet_checksum(ip + 20, l4_len,
                                          pseudo_header_sum(load_be32(ip + 12), load_be32(ip + 16), kIpProtoTcp, l4_len)));
  } else {
    store_be16(ip + 22, internet_checksum(ip + 20, l4_len));
  }
}

std::vector<uint8_t> tcp_reply(const uint8_t* syn, uint8_t flags, uint32_t ack_delta) {
  std::vector<uint8_t> f(14 + 20 + 20);
  std::memcpy(f.data(), syn + 6, 6);
  std::memcpy(f.data() + 6, syn, 6);
  store_be16(f.data() + 12, kEtherTypeIpv4);
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45;
  store_be16(ip + 2, 40);
  ip[8] = 55;
  ip[9] = kIpProtoTcp;
  std::memcpy(ip + 12, syn + 30, 4);
  std::memcpy(ip + 16, syn + 26, 4);
  uint8_t* tcp = ip + 20;
  std::memcpy(tcp, syn + 36, 2);
  std::memcpy(tcp + 2, syn + 34, 2);
  store_be32(tcp + 8, load_be32(syn + 38) + ack_delta);
  tcp[12] = 0x50;
  tcp[13] = flags;
  fill_checksums(f);
  return f;
}

std::vector<uint8_t> icmp_reply(const uint8_t* syn, uint8_t code) {
  std::vector<uint8_t> f(14 + 20 + 8 + 28);
  std::memcpy(f.data(), syn + 6, 6);
  std::memcpy(f.data() + 6, syn, 6);
  store_be16(f.data() + 12, kEtherTypeIpv4);
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45;
  store_be16(ip + 2, 56);
  ip[8] = 250;
  ip[9] = kIpProtoIcmp;
  store_be32(ip + 12, 0xac100001);
  std::memcpy(ip + 16, syn + 26, 4);
  ip[20] = 3;
  ip[21] = code;
  std::memcpy(ip + 28, syn + 14, 28);
  fill_checksums(f);
  return f;
}

std::vector<std::vector<uint8_t>> reply_mix() {
  TcpProbe probe(reply_config());
  std::vector<std::vector<uint8_t>> out;
  uint8_t syn[TcpProbe::kMaxFrameSize];
  for (uint32_t i = 0; i < 1024; ++i) {
    probe.write(syn, 0xc0a80000 + i, static_cast<uint16_t>(1 + i % 1000));
    switch (i % 8) {
      case 0: case 1: out.push_back(tcp_reply(syn, kTcpSyn | kTcpAck, 1)); break;
      case 2: case 3: case 4: case 5: out.push_back(tcp_reply(syn, kTcpRst | kTcpAck, 1)); break;
      case 6: out.push_back(icmp_reply(syn, 13)); break;
      default: out.push_back(tcp_reply(syn, kTcpSyn | kTcpAck, 7)); break;  // forged
    }
  }
  return out;
}

void BM_DecodeClassify(benchmark::State& state) {
  const auto replies = reply_mix();
  const ProbeConfig c = reply_config();
  const TcpClassifier classifier(ProbeCookie(c.cookie_key), c.src_ip, c.src_ports);
  size_t i = 0, results = 0;
  for (auto _ : state) {
    const auto& f = replies[i++ % replies.size()];
    DecodedPacket d;
    PortResult r;
    bool rst;
    if (decode_ethernet(f.data(), f.size(), d) == DecodeStatus::Ok) {
      results += classifier.classify(d, 0, r, rst) == ReplyVerdict::Result;
    }
  }
  benchmark::DoNotOptimize(results);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecodeClassify);

// The decode alone, with the checksums verified (what the engine does) and,
// for comparison, without.
void BM_DecodeOnly(benchmark::State& state) {
  const auto replies = reply_mix();
  const DecodeOptions options{.wire_len = 0, .verify_checksums = state.range(0) != 0};
  size_t i = 0, ok = 0;
  for (auto _ : state) {
    const auto& f = replies[i++ % replies.size()];
    DecodedPacket d;
    ok += decode_ethernet(f.data(), f.size(), d, options) == DecodeStatus::Ok;
    benchmark::DoNotOptimize(d);
  }
  if (ok != static_cast<size_t>(state.iterations())) state.SkipWithError("a reply did not decode");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecodeOnly)->ArgName("verify")->Arg(1)->Arg(0);

void BM_RstBuild(benchmark::State& state) {
  const TcpProbe probe(reply_config());
  const auto replies = reply_mix();
  DecodedPacket d;
  (void)decode_ethernet(replies[0].data(), replies[0].size(), d);
  uint8_t out[TcpProbe::kRstFrameSize];
  for (auto _ : state) {
    probe.write_rst(out, d);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RstBuild);

}  // namespace
}  // namespace portsweep
