// IPv6 against IPv4, per probe, in one run: writing a SYN from its template
// (cookie hash, copy, patch, checksum) and classifying the replies to SYNs
// (a mix of SYN-ACKs, RSTs, ICMP errors and forged answers) once decoded.
// The classify benchmarks take decoded replies, so they measure the
// classifier (cookie check included), not the decoder.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "packet/packet_decoder.hpp"
#include "packet/wire.hpp"
#include "probes/tcp_classifier.hpp"
#include "probes/tcp_classifier6.hpp"
#include "probes/tcp_probe.hpp"
#include "probes/tcp_probe6.hpp"

namespace portsweep {
namespace {

using namespace wire;

constexpr std::array<uint8_t, 16> kUs6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr u128 kBase6 = (u128{0x20010db800010000ull} << 64);  // 2001:db8:1::/64
constexpr uint32_t kBase4 = 0x0a010000;
constexpr std::array<uint16_t, 6> kPorts = {22, 80, 443, 3389, 8080, 8443};

ProbeConfig bench_config(AddressFamily family) {
  ProbeConfig c;
  c.family = family;
  c.src_mac = {0x02, 0, 0, 0, 0, 1};
  c.dst_mac = {0x02, 0, 0, 0, 0, 2};
  c.src_ip = 0x0a000001;
  c.src_ip6 = kUs6;
  c.src_ports = {40000, 64};
  c.cookie_key = {0x0123456789abcdefull, 0x0fedcba987654321ull};
  return c;
}

struct FrameRing {
  static constexpr size_t kSlots = 512;
  alignas(64) std::array<std::array<uint8_t, 128>, kSlots> slots{};
  size_t next = 0;
  uint8_t* slot() noexcept { return slots[next++ % kSlots].data(); }
};

void BM_SynWrite4(benchmark::State& state) {
  TcpProbe probe(bench_config(AddressFamily::V4));
  FrameRing ring;
  uint32_t i = 0;
  for (auto _ : state) {
    probe.write(ring.slot(), kBase4 + (i >> 3), kPorts[i % kPorts.size()]);
    ++i;
  }
  benchmark::DoNotOptimize(ring.slots[0]);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SynWrite4);

void BM_SynWrite6(benchmark::State& state) {
  TcpProbe6 probe(bench_config(AddressFamily::V6));
  FrameRing ring;
  uint32_t i = 0;
  for (auto _ : state) {
    probe.write(ring.slot(), kBase6 + (i >> 3), kPorts[i % kPorts.size()]);
    ++i;
  }
  benchmark::DoNotOptimize(ring.slots[0]);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SynWrite6);

// The reply mix to 1024 SYNs: 2/8 SYN-ACK, 4/8 RST, 1/8 an ICMP(v6)
// unreachable quoting the SYN, 1/8 a SYN-ACK with a wrong cookie.
enum class Kind { SynAck, Rst, Unreachable, Forged };
Kind kind_of(uint32_t i) {
  switch (i % 8) {
    case 0: case 1: return Kind::SynAck;
    case 6: return Kind::Unreachable;
    case 7: return Kind::Forged;
    default: return Kind::Rst;
  }
}

struct Replies4 {
  std::vector<std::array<uint8_t, TcpProbe::kMaxFrameSize>> syns;
  std::vector<DecodedPacket> replies;
};

Replies4 replies4() {
  Replies4 out;
  TcpProbe probe(bench_config(AddressFamily::V4));
  out.syns.resize(1024);
  for (uint32_t i = 0; i < 1024; ++i) {
    uint8_t* syn = out.syns[i].data();
    probe.write(syn, kBase4 + i, kPorts[i % kPorts.size()]);
    DecodedPacket d;
    d.ip_version = 4;
    d.ttl = 55;
    d.dst_ip = load_be32(syn + 26);
    const Kind k = kind_of(i);
    if (k == Kind::Unreachable) {
      d.src_ip = 0xac100001;
      d.ip_proto = kIpProtoIcmp;
      d.icmp_type = 3;
      d.icmp_code = 13;
      d.has_quote = true;
      d.quote.src_ip = load_be32(syn + 26);
      d.quote.dst_ip = load_be32(syn + 30);
      d.quote.proto = kIpProtoTcp;
      d.quote.l4_len = 8;
      d.quote.src_port = load_be16(syn + 34);
      d.quote.dst_port = load_be16(syn + 36);
      d.quote.seq = load_be32(syn + 38);
    } else {
      d.src_ip = load_be32(syn + 30);
      d.ip_proto = kIpProtoTcp;
      d.src_port = load_be16(syn + 36);
      d.dst_port = load_be16(syn + 34);
      d.ack = load_be32(syn + 38) + (k == Kind::Forged ? 7 : 1);
      d.tcp_flags = k == Kind::Rst ? (kTcpRst | kTcpAck) : (kTcpSyn | kTcpAck);
    }
    out.replies.push_back(d);
  }
  return out;
}

struct Replies6 {
  std::vector<std::array<uint8_t, TcpProbe6::kMaxFrameSize>> syns;
  std::array<uint8_t, 16> router{0x20, 0x01, 0x0d, 0xb8, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  std::vector<DecodedPacket> replies;
};

// The decoded replies point into the SYNs' own bytes for their addresses
// (the target's address is the SYN's destination; ours its source).
void fill_replies6(Replies6& out) {
  TcpProbe6 probe(bench_config(AddressFamily::V6));
  out.syns.resize(1024);
  for (uint32_t i = 0; i < 1024; ++i) {
    uint8_t* syn = out.syns[i].data();
    probe.write(syn, kBase6 + i, kPorts[i % kPorts.size()]);
    DecodedPacket d;
    d.ip_version = 6;
    d.ttl = 55;
    d.dst_ip6 = syn + kIp6SrcOff;
    const Kind k = kind_of(i);
    if (k == Kind::Unreachable) {
      d.src_ip6 = out.router.data();
      d.ip_proto = kIpProtoIcmp6;
      d.icmp_type = 1;
      d.icmp_code = 1;
      d.has_quote = true;
      d.quote.src_ip6 = syn + kIp6SrcOff;
      d.quote.dst_ip6 = syn + kIp6DstOff;
      d.quote.proto = kIpProtoTcp;
      d.quote.l4_len = 8;
      d.quote.src_port = load_be16(syn + 54);
      d.quote.dst_port = load_be16(syn + 56);
      d.quote.seq = load_be32(syn + 58);
    } else {
      d.src_ip6 = syn + kIp6DstOff;
      d.ip_proto = kIpProtoTcp;
      d.src_port = load_be16(syn + 56);
      d.dst_port = load_be16(syn + 54);
      d.ack = load_be32(syn + 58) + (k == Kind::Forged ? 7 : 1);
      d.tcp_flags = k == Kind::Rst ? (kTcpRst | kTcpAck) : (kTcpSyn | kTcpAck);
    }
    out.replies.push_back(d);
  }
}

void BM_SynClassify4(benchmark::State& state) {
  const Replies4 mix = replies4();
  const ProbeConfig c = bench_config(AddressFamily::V4);
  const TcpClassifier classifier(ProbeCookie(c.cookie_key), c.src_ip, c.src_ports);
  size_t i = 0, results = 0;
  PortResult r;
  bool rst = false;
  for (auto _ : state) {
    results += classifier.classify(mix.replies[i++ % mix.replies.size()], 0, r, rst) == ReplyVerdict::Result;
  }
  benchmark::DoNotOptimize(results);
  if (results * 8 < static_cast<size_t>(state.iterations()) * 6) state.SkipWithError("replies were not taken");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SynClassify4);

void BM_SynClassify6(benchmark::State& state) {
  Replies6 mix;
  fill_replies6(mix);
  const ProbeConfig c = bench_config(AddressFamily::V6);
  const TcpClassifier6 classifier(ProbeCookie(c.cookie_key), c.src_ip6.data(), c.src_ports);
  size_t i = 0, results = 0;
  PortResult r;
  bool rst = false;
  for (auto _ : state) {
    results += classifier.classify(mix.replies[i++ % mix.replies.size()], 0, r, rst) == ReplyVerdict::Result;
  }
  benchmark::DoNotOptimize(results);
  if (results * 8 < static_cast<size_t>(state.iterations()) * 6) state.SkipWithError("replies were not taken");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SynClassify6);

}  // namespace
}  // namespace portsweep
