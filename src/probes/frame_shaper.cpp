#include "probes/frame_shaper.hpp"

#include <algorithm>
#include <cstring>

#include "packet/checksum.hpp"
#include "packet/wire.hpp"

namespace portsweep {

using namespace wire;

namespace {

constexpr size_t kIpOff = kEthHeader;
constexpr size_t kL4Off = kEthHeader + kIpv4MinHeader;  // in a module's frame (no options)

// Where a protocol's checksum lies in its header, or 0 for one without
// (-sO's bare IP headers).
size_t checksum_offset(uint8_t proto) noexcept {
  switch (proto) {
    case kIpProtoTcp: return 16;
    case kIpProtoUdp: return 6;
    case kIpProtoIcmp: return 2;
    default: return 0;
  }
}

uint64_t words_of(uint32_t ip) noexcept { return uint64_t{ip >> 16} + (ip & 0xffff); }
// Minus an address in one's complement: its words' complements.
uint64_t minus_words_of(uint32_t ip) noexcept { return uint64_t{0xffff - (ip >> 16)} + (0xffff - (ip & 0xffff)); }

uint16_t finish_checksum(uint64_t sum, uint8_t proto) noexcept {
  const auto c = static_cast<uint16_t>(~ones_fold(sum));
  return proto == kIpProtoUdp && c == 0 ? 0xffff : c;  // 0 would say "no checksum" (RFC 768)
}

void set_ip_checksum(uint8_t* ip, size_t ihl) noexcept {
  store_be16(ip + 10, 0);
  store_be16(ip + 10, internet_checksum(ip, ihl));
}

}  // namespace

FrameShaper::FrameShaper(const EvasionPlan& plan, size_t max_probe_frame)
    : plan_(plan), active_(plan.active()), sources_(std::max<size_t>(1, plan.sources.size())) {
  if (plan_.sources.empty()) plan_.real_index = 0;
  const size_t plen = plan_.payload.size();
  datagram_max_ = max_probe_frame + plan_.ip_options.size() + plen;
  out_frame_max_ = datagram_max_;
  if (plan_.fragment_size != 0) {
    const size_t ip_payload = datagram_max_ - kEthHeader - kIpv4MinHeader - plan_.ip_options.size();
    fragments_max_ = std::max<size_t>(1, (ip_payload + plan_.fragment_size - 1) / plan_.fragment_size);
    out_frame_max_ = std::min(datagram_max_, kEthHeader + kIpv4MinHeader + plan_.ip_options.size() + plan_.fragment_size);
  }
  payload_sum_even_ = ones_sum(plan_.payload.data(), plen);
  // At an odd offset each byte takes the other half of its word.
  for (size_t i = 0; i < plen; ++i)
    payload_sum_odd_ += i % 2 == 0 ? uint64_t{plan_.payload[i]} : uint64_t{plan_.payload[i]} << 8;
}

size_t FrameShaper::shape(const uint8_t* in, size_t len, uint8_t* scratch, uint8_t* const* out,
                          uint16_t* lengths) const noexcept {
  const size_t l4_len = len - kL4Off;
  const size_t opt_len = plan_.ip_options.size();
  const size_t plen = plan_.payload.size();
  const size_t ihl = kIpv4MinHeader + opt_len;
  std::memcpy(scratch, in, kL4Off);
  if (opt_len) std::memcpy(scratch + kL4Off, plan_.ip_options.data(), opt_len);
  uint8_t* ip = scratch + kIpOff;
  uint8_t* l4 = ip + ihl;
  if (plan_.route_target_at != 0) {
    uint8_t* slot = scratch + kL4Off + plan_.route_target_at;
    std::memcpy(slot, ip + 16, 4);                                           // the target, last in the route
    std::memcpy(ip + 16, scratch + kL4Off + plan_.route_first_hop_at, 4);  // sent to the first hop
  }
  std::memcpy(l4, in + kL4Off, l4_len);
  if (plen) std::memcpy(l4 + l4_len, plan_.payload.data(), plen);
  ip[0] = static_cast<uint8_t>(0x40 | (ihl / 4));
  store_be16(ip + 2, static_cast<uint16_t>(ihl + l4_len + plen));
  const size_t frame_len = kEthHeader + ihl + l4_len + plen;

  const uint8_t proto = ip[9];
  size_t csum_at = checksum_offset(proto);
  if (csum_at != 0 && l4_len < csum_at + 2) csum_at = 0;
  if (proto == kIpProtoUdp && csum_at != 0 && load_be16(l4 + csum_at) == 0) csum_at = 0;  // sent without one
  uint16_t good = 0;
  if (csum_at != 0) {
    good = load_be16(l4 + csum_at);
    if (plen) {
      uint64_t sum = static_cast<uint16_t>(~good);
      sum += (l4_len % 2 == 0) ? payload_sum_even_ : payload_sum_odd_;
      if (proto == kIpProtoTcp) sum += plen;  // the pseudo-header's length
      if (proto == kIpProtoUdp) {             // ... and the UDP header's
        sum += 2 * plen;
        store_be16(l4 + 4, static_cast<uint16_t>(load_be16(l4 + 4) + plen));
      }
      good = finish_checksum(sum, proto);
    }
  }

  const uint32_t real_src = load_be32(ip + 12);
  const bool pseudo_header = proto == kIpProtoTcp || proto == kIpProtoUdp;
  size_t written = 0;
  for (size_t s = 0; s < sources_; ++s) {
    const uint32_t src = (plan_.sources.empty() || s == plan_.real_index) ? real_src : plan_.sources[s];
    store_be32(ip + 12, src);
    set_ip_checksum(ip, ihl);
    if (csum_at != 0) {
      uint16_t c = good;
      if (pseudo_header && src != real_src)
        c = finish_checksum(uint64_t{static_cast<uint16_t>(~good)} + words_of(src) + minus_words_of(real_src), proto);
      if (plan_.bad_checksum) c = bad_checksum_of(c);
      store_be16(l4 + csum_at, c);
    }
    written += emit(scratch, frame_len, out + written, lengths + written);
  }
  return written;
}

size_t FrameShaper::emit(const uint8_t* d, size_t len, uint8_t* const* out, uint16_t* lengths) const noexcept {
  const size_t ihl = size_t{d[kIpOff] & 0x0fu} * 4;
  const size_t hdr = kEthHeader + ihl;
  const size_t payload = len - hdr;
  const size_t step = plan_.fragment_size;
  if (step == 0 || payload <= step) {
    std::memcpy(out[0], d, len);
    lengths[0] = static_cast<uint16_t>(len);
    return 1;
  }
  size_t n = 0;
  for (size_t off = 0; off < payload; off += step, ++n) {
    const size_t chunk = std::min(step, payload - off);
    uint8_t* f = out[n];
    std::memcpy(f, d, hdr);
    std::memcpy(f + hdr, d + hdr + off, chunk);
    uint8_t* ip = f + kIpOff;
    store_be16(ip + 2, static_cast<uint16_t>(ihl + chunk));
    // Offset in 8-byte units; MF on every fragment but the last.
    const bool more = off + chunk < payload;
    store_be16(ip + 6, static_cast<uint16_t>((off / 8) | (more ? 0x2000 : 0)));
    set_ip_checksum(ip, ihl);
    lengths[n] = static_cast<uint16_t>(hdr + chunk);
  }
  return n;
}

}  // namespace portsweep
