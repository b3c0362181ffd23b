#pragma once
// Reading the IPv4 datagrams of OS detection (probes as sent, replies as
// received): bounds-checked views shared by the probe matcher and the tests.
// Internal to the os layer.
#include <cstddef>
#include <cstdint>

#include "packet/wire.hpp"

namespace portsweep::os {

// U1: 300 bytes of 'C' under IP ID 0x1042; IE: echo sequence 295 and 296.
inline constexpr size_t kU1PayloadBytes = 300;
inline constexpr uint8_t kU1PayloadByte = 0x43;
inline constexpr uint16_t kU1IpId = 0x1042;
inline constexpr uint16_t kIeSeq = 295;

struct Ipv4View {
  const uint8_t* ip = nullptr;
  size_t len = 0;  // the header's total length, clipped to what was captured
  size_t ihl = 0;  // header bytes
  uint8_t tos = 0;
  uint16_t total_length = 0;  // the header's field, as sent
  uint16_t id = 0;
  bool df = false;
  uint8_t ttl = 0;
  uint8_t proto = 0;
  uint32_t src = 0;
  uint32_t dst = 0;
  const uint8_t* l4 = nullptr;
  size_t l4_len = 0;
};

// False when `ip` is not an IPv4 header with room for itself and 4 bytes
// of payload.
inline bool parse_ipv4(const uint8_t* ip, size_t len, Ipv4View& v) noexcept {
  if (ip == nullptr || len < wire::kIpv4MinHeader || (ip[0] >> 4) != 4) return false;
  v.ip = ip;
  v.ihl = size_t{ip[0] & 0x0fu} * 4;
  v.total_length = wire::load_be16(ip + 2);
  v.len = len;
  if (v.total_length >= v.ihl && v.total_length < v.len) v.len = v.total_length;  // drop link padding
  if (v.ihl < wire::kIpv4MinHeader || v.len < v.ihl + 4) return false;
  v.tos = ip[1];
  v.id = wire::load_be16(ip + 4);
  v.df = (wire::load_be16(ip + 6) & 0x4000) != 0;
  v.ttl = ip[8];
  v.proto = ip[9];
  v.src = wire::load_be32(ip + 12);
  v.dst = wire::load_be32(ip + 16);
  v.l4 = ip + v.ihl;
  v.l4_len = v.len - v.ihl;
  return true;
}

}  // namespace portsweep::os
