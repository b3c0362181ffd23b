// The reply decoder against arbitrary frames, as Ethernet and as bare IPv4.
// libFuzzer hands over a heap copy of exactly `size` bytes, so ASan catches
// any read past the capture; on top of that every pointer the decoder
// returns must lie inside the frame, with the lengths it reports.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "packet/packet_decoder.hpp"

namespace {

using portsweep::DecodedPacket;
using portsweep::fuzz::check;

volatile unsigned g_payload_sum = 0;  // keeps the reads of every payload byte

bool inside(const uint8_t* p, size_t n, const uint8_t* base, size_t size) {
  return p >= base && p <= base + size && n <= static_cast<size_t>(base + size - p);
}

void check_decoded(const DecodedPacket& d, const uint8_t* data, size_t size) {
  if (d.src_mac != nullptr) check(inside(d.src_mac, 6, data, size), "src_mac outside the frame");
  if (d.payload != nullptr) check(inside(d.payload, d.payload_len, data, size), "payload outside the frame");
  if (d.has_quote) {
    check(d.ip_proto == 1, "a quote outside ICMP");
    check(d.quote.l4_len <= 8, "more than 8 quoted L4 bytes");
  }
  if (d.ip_proto == 6) check(d.tcp_header_len >= 20 && d.tcp_header_len <= 60, "TCP header length out of 20-60");
  // Touch every payload byte, so a bad length shows under ASan even when the
  // pointer arithmetic above happens to agree.
  unsigned sum = 0;
  for (size_t i = 0; i < d.payload_len; ++i) sum += d.payload[i];
  g_payload_sum = g_payload_sum + sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  DecodedPacket eth;
  if (portsweep::decode_ethernet(data, size, eth)) {
    check(eth.src_mac == data + 6, "src_mac is not bytes 6-11");
    check_decoded(eth, data, size);
  }
  DecodedPacket ip;
  if (portsweep::decode_ipv4(data, size, ip)) {
    check(ip.src_mac == nullptr && ip.vlan_id == 0, "link fields on a bare datagram");
    check_decoded(ip, data, size);
  }
  // Reuse: a struct holding an earlier frame's fields decodes the same.
  DecodedPacket reused = eth;
  if (portsweep::decode_ipv4(data, size, reused)) {
    check(reused.src_mac == nullptr && reused.vlan_id == 0, "link fields kept from an earlier frame");
    check(reused.payload == ip.payload && reused.payload_len == ip.payload_len, "payload differs on reuse");
  }
  return 0;
}
