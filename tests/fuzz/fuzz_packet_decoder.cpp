// The reply decoder against arbitrary frames, as Ethernet and as bare IPv4 and IPv6,
// with checksum verification on (as the engine runs it, the wire length
// unknown or equal to the capture) and off. libFuzzer hands over a heap copy
// of exactly `size` bytes, so ASan catches any read past the capture; on top
// of that every pointer the decoder returns must lie inside the frame, with
// the lengths it reports, and verification may only turn an Ok into a
// BadChecksum (or a malformed frame with a damaged IP header into one), never
// change what a frame decodes to.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "packet/packet_decoder.hpp"
#include "packet/packet_trace.hpp"

namespace {

using namespace portsweep;
using portsweep::fuzz::check;

volatile unsigned g_payload_sum = 0;  // keeps the reads of every payload byte

bool inside(const uint8_t* p, size_t n, const uint8_t* base, size_t size) {
  return p >= base && p <= base + size && n <= static_cast<size_t>(base + size - p);
}

void check_decoded(const DecodedPacket& d, const uint8_t* data, size_t size) {
  if (d.src_mac != nullptr) check(inside(d.src_mac, 6, data, size), "src_mac outside the frame");
  if (d.payload != nullptr) check(inside(d.payload, d.payload_len, data, size), "payload outside the frame");
  check(d.ip_version == 4 || d.ip_version == 6, "an IP version other than 4 and 6");
  if (d.ip_version == 6) {
    check(inside(d.src_ip6, 16, data, size) && inside(d.dst_ip6, 16, data, size), "an IPv6 address outside the frame");
    check(d.src_ip6 == d.l3 + 8 && d.dst_ip6 == d.l3 + 24, "IPv6 addresses not those of the header");
    if (d.nd_target != nullptr) {
      check(d.icmp_type == 135 || d.icmp_type == 136, "a neighbor discovery target outside NS/NA");
      check(inside(d.nd_target, 16, data, size), "nd_target outside the frame");
    }
    if (d.nd_mac != nullptr) check(inside(d.nd_mac, 6, data, size), "nd_mac outside the frame");
  } else {
    check(d.src_ip6 == nullptr && d.dst_ip6 == nullptr, "IPv6 addresses on an IPv4 packet");
  }
  if (d.has_quote) {
    check(d.ip_proto == (d.ip_version == 6 ? 58 : 1), "a quote outside ICMP");
    check(d.quote.l4_len <= 8, "more than 8 quoted L4 bytes");
    if (d.ip_version == 6) {
      check(inside(d.quote.src_ip6, 16, data, size) && inside(d.quote.dst_ip6, 16, data, size),
            "a quoted IPv6 address outside the frame");
    } else {
      check(d.quote.src_ip6 == nullptr, "an IPv6 address in an IPv4 quote");
    }
  }
  if (d.ip_proto == 6) check(d.tcp_header_len >= 20 && d.tcp_header_len <= 60, "TCP header length out of 20-60");
  // Touch every payload byte, so a bad length shows under ASan even when the
  // pointer arithmetic above happens to agree.
  unsigned sum = 0;
  for (size_t i = 0; i < d.payload_len; ++i) sum += d.payload[i];
  g_payload_sum = g_payload_sum + sum;
}

bool same(const DecodedPacket& a, const DecodedPacket& b) {
  return a.src_mac == b.src_mac && a.vlan_id == b.vlan_id && a.ip_version == b.ip_version && a.src_ip == b.src_ip &&
         a.dst_ip == b.dst_ip && a.src_ip6 == b.src_ip6 && a.dst_ip6 == b.dst_ip6 && a.nd_target == b.nd_target &&
         a.nd_mac == b.nd_mac &&
         a.ip_proto == b.ip_proto && a.src_port == b.src_port && a.dst_port == b.dst_port && a.seq == b.seq &&
         a.ack == b.ack && a.tcp_flags == b.tcp_flags && a.icmp_type == b.icmp_type && a.has_quote == b.has_quote &&
         a.payload == b.payload && a.payload_len == b.payload_len && a.truncated == b.truncated;
}

using Decoder = DecodeStatus (*)(const uint8_t*, size_t, DecodedPacket&, DecodeOptions) noexcept;

void run(Decoder decode, const uint8_t* data, size_t size, bool ethernet) {
  DecodedPacket unverified, verified, wire;
  const DecodeStatus u = decode(data, size, unverified, {.wire_len = 0, .verify_checksums = false});
  const DecodeStatus v = decode(data, size, verified, {});
  const DecodeStatus w = decode(data, size, wire, {.wire_len = size, .verify_checksums = true});
  check(u != DecodeStatus::BadChecksum, "a bad checksum reported with verification off");
  // (A bad IP header checksum is reported before anything the header says is
  // believed, so a malformed frame may read as BadChecksum: by design.)
  if (u == DecodeStatus::Malformed) check(v != DecodeStatus::Ok, "verification made a malformed frame decode");
  if (v == DecodeStatus::Ok) {
    check(u == DecodeStatus::Ok && same(unverified, verified), "verification changed what a frame decodes to");
  }
  // Told the capture is the whole frame, a datagram longer than it is malformed.
  if (w == DecodeStatus::Ok) check(!wire.truncated, "a datagram cut short by a capture that was the whole frame");
  for (const auto* d : {&unverified, &verified, &wire}) {
    const DecodeStatus s = d == &unverified ? u : d == &verified ? v : w;
    if (s != DecodeStatus::Ok) continue;
    check_decoded(*d, data, size);
    if (ethernet) check(d->src_mac == data + 6, "src_mac is not bytes 6-11");
    else check(d->src_mac == nullptr && d->vlan_id == 0, "link fields on a bare datagram");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(&decode_ethernet, data, size, true);
  run(&decode_ipv4, data, size, false);
  run(&decode_ipv6, data, size, false);
  // Reuse: a struct holding an earlier frame's link fields loses them.
  for (Decoder bare : {&decode_ipv4, &decode_ipv6}) {
    DecodedPacket reused;
    if (decode_ethernet(data, size, reused, {.wire_len = 0, .verify_checksums = false}) == DecodeStatus::Ok &&
        bare(data, size, reused, {.wire_len = 0, .verify_checksums = false}) == DecodeStatus::Ok) {
      check(reused.src_mac == nullptr && reused.vlan_id == 0, "link fields kept from an earlier frame");
      check_decoded(reused, data, size);
    }
  }
  // --packet-trace reads whatever arrives, as sent and as received.
  for (bool sent : {true, false}) {
    const std::string line = packet_trace_line(data, size, sent, 1.5);
    check(line.rfind(sent ? "SENT (1.5000s) " : "RCVD (1.5000s) ", 0) == 0, "a trace line without its head");
    check(line.find('\n') == std::string::npos, "a trace line with a line break");
  }
  return 0;
}
