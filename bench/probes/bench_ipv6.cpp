// IPv6 costs beside their IPv4 counterparts: the cookie over whole 16-byte
// addresses (a 36-byte SipHash message instead of 12), and the decode of a
// reply mix like bench_reply's — SYN-ACKs, RST-ACKs, ICMPv6 errors quoting
// our SYN, forgeries — as IPv6 frames.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "packet/checksum.hpp"
#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "packet/wire.hpp"

namespace portsweep {
namespace {

using namespace wire;

using Addr = std::array<uint8_t, 16>;

const ProbeCookie kCookie(CookieKey{0x0123456789abcdefull, 0x0fedcba987654321ull});

Addr address(uint16_t net, uint32_t host) {
  Addr a{0x20, 0x01, 0x0d, 0xb8};
  a[4] = static_cast<uint8_t>(net >> 8);
  a[5] = static_cast<uint8_t>(net);
  store_be32(a.data() + 12, host);
  return a;
}

void BM_CookieHash(benchmark::State& state) {
  uint32_t ip = 0x0a010000;
  uint64_t acc = 0;
  for (auto _ : state) {
    acc ^= kCookie.hash(0x0a000001, ip, 40000, 80);
    ++ip;
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_CookieHash);

// A sweep's targets: 1024 addresses, read from memory as a TX loop reads
// its next target (writing one in place just before hashing it would time
// a store-forwarding stall instead of the hash).
std::vector<Addr> sweep_targets() {
  std::vector<Addr> out;
  for (uint32_t i = 0; i < 1024; ++i) out.push_back(address(1, i * 2654435761u));
  return out;
}

void BM_CookieHash6(benchmark::State& state) {
  const Addr us = address(0, 1);
  const auto targets = sweep_targets();
  size_t i = 0;
  uint64_t acc = 0;
  for (auto _ : state) {
    acc ^= kCookie.hash6(us.data(), targets[i++ % targets.size()].data(), 40000, 80);
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_CookieHash6);

void BM_FlowHash6(benchmark::State& state) {
  const Addr us = address(0, 1);
  const auto targets = sweep_targets();
  size_t i = 0;
  uint64_t acc = 0;
  for (auto _ : state) {
    acc ^= kCookie.flow_hash6(us.data(), targets[i++ % targets.size()].data(), 17, 53);
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_FlowHash6);

// --- Decoding IPv6 replies ----------------------------------------------------

constexpr size_t kIp = 14;
constexpr size_t kL4 = 14 + 40;

void ipv6_header(uint8_t* ip, const Addr& src, const Addr& dst, uint8_t nh, uint16_t payload_len, uint8_t hops) {
  ip[0] = 0x60;
  store_be16(ip + 4, payload_len);
  ip[6] = nh;
  ip[7] = hops;
  std::memcpy(ip + 8, src.data(), 16);
  std::memcpy(ip + 24, dst.data(), 16);
}

// Our SYN to `target`:`port`, as bytes from the IPv6 header on.
std::vector<uint8_t> syn6(const Addr& us, const Addr& target, uint16_t port) {
  std::vector<uint8_t> p(40 + 20);
  ipv6_header(p.data(), us, target, kIpProtoTcp, 20, 64);
  uint8_t* tcp = p.data() + 40;
  store_be16(tcp, 40000);
  store_be16(tcp + 2, port);
  store_be32(tcp + 4, kCookie.seq6(us.data(), target.data(), 40000, port));
  tcp[12] = 0x50;
  tcp[13] = kTcpSyn;
  store_be16(tcp + 14, 1024);
  store_be16(tcp + 16, internet_checksum(tcp, 20, ipv6_pseudo_sum(us.data(), target.data(), 20, kIpProtoTcp)));
  return p;
}

std::vector<uint8_t> tcp_reply6(const Addr& us, const Addr& target, uint16_t port, uint8_t flags, uint32_t ack_delta) {
  std::vector<uint8_t> f(kL4 + 20);
  store_be16(f.data() + 12, kEtherTypeIpv6);
  ipv6_header(f.data() + kIp, target, us, kIpProtoTcp, 20, 55);
  uint8_t* tcp = f.data() + kL4;
  store_be16(tcp, port);
  store_be16(tcp + 2, 40000);
  store_be32(tcp + 8, kCookie.seq6(us.data(), target.data(), 40000, port) + ack_delta);
  tcp[12] = 0x50;
  tcp[13] = flags;
  store_be16(tcp + 16, internet_checksum(tcp, 20, ipv6_pseudo_sum(target.data(), us.data(), 20, kIpProtoTcp)));
  return f;
}

std::vector<uint8_t> unreachable6(const Addr& us, const Addr& target, uint16_t port) {
  const Addr router = address(0xff, 1);
  const std::vector<uint8_t> quote = syn6(us, target, port);
  const auto icmp_len = static_cast<uint16_t>(8 + quote.size());
  std::vector<uint8_t> f(kL4 + icmp_len);
  store_be16(f.data() + 12, kEtherTypeIpv6);
  ipv6_header(f.data() + kIp, router, us, kIpProtoIcmp6, icmp_len, 250);
  uint8_t* icmp = f.data() + kL4;
  icmp[0] = 1;  // destination unreachable
  icmp[1] = 1;  // administratively prohibited
  std::memcpy(icmp + 8, quote.data(), quote.size());
  store_be16(icmp + 2, internet_checksum(icmp, icmp_len, ipv6_pseudo_sum(router.data(), us.data(), icmp_len, kIpProtoIcmp6)));
  return f;
}

std::vector<std::vector<uint8_t>> reply_mix6() {
  const Addr us = address(0, 1);
  std::vector<std::vector<uint8_t>> out;
  for (uint32_t i = 0; i < 1024; ++i) {
    const Addr target = address(1, i);
    const auto port = static_cast<uint16_t>(1 + i % 1000);
    switch (i % 8) {
      case 0: case 1: out.push_back(tcp_reply6(us, target, port, kTcpSyn | kTcpAck, 1)); break;
      case 2: case 3: case 4: case 5: out.push_back(tcp_reply6(us, target, port, kTcpRst | kTcpAck, 1)); break;
      case 6: out.push_back(unreachable6(us, target, port)); break;
      default: out.push_back(tcp_reply6(us, target, port, kTcpSyn | kTcpAck, 7)); break;  // forged
    }
  }
  return out;
}

// As BM_DecodeOnly, over IPv6 frames.
void BM_DecodeOnly6(benchmark::State& state) {
  const auto replies = reply_mix6();
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
BENCHMARK(BM_DecodeOnly6)->ArgName("verify")->Arg(1)->Arg(0);

// Decode and the cookie check a classifier makes, forgeries included.
void BM_DecodeCookieCheck6(benchmark::State& state) {
  const auto replies = reply_mix6();
  size_t i = 0, genuine = 0;
  for (auto _ : state) {
    const auto& f = replies[i++ % replies.size()];
    DecodedPacket d;
    if (decode_ethernet(f.data(), f.size(), d) != DecodeStatus::Ok) continue;
    if (d.ip_proto == kIpProtoTcp) {
      genuine += kCookie.ack_matches6(d.src_ip6, d.dst_ip6, d.src_port, d.dst_port, d.ack);
    } else if (d.has_quote) {
      genuine += kCookie.seq6(d.quote.src_ip6, d.quote.dst_ip6, d.quote.src_port, d.quote.dst_port) == d.quote.seq;
    }
  }
  benchmark::DoNotOptimize(genuine);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecodeCookieCheck6);

}  // namespace
}  // namespace portsweep
