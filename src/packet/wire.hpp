#pragma once
// Big-endian field access on packet bytes. Always through memcpy: casting a
// byte pointer to uint16_t*/uint32_t* breaks strict aliasing (GCC -O2 may
// reorder or drop such accesses) and can fault on unaligned addresses; the
// compiler turns these memcpys into single (possibly unaligned) moves + bswap.
#include <cstdint>
#include <cstring>

namespace portsweep::wire {

inline uint16_t load_be16(const uint8_t* p) noexcept {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}

inline uint32_t load_be32(const uint8_t* p) noexcept {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

inline void store_be16(uint8_t* p, uint16_t v) noexcept {
  v = __builtin_bswap16(v);
  std::memcpy(p, &v, 2);
}

inline void store_be32(uint8_t* p, uint32_t v) noexcept {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}

inline uint64_t load_be64(const uint8_t* p) noexcept { return (uint64_t{load_be32(p)} << 32) | load_be32(p + 4); }

inline void store_be64(uint8_t* p, uint64_t v) noexcept {
  store_be32(p, static_cast<uint32_t>(v >> 32));
  store_be32(p + 4, static_cast<uint32_t>(v));
}

// Frame layout constants shared by builders and the decoder.
inline constexpr size_t kEthHeader = 14;
inline constexpr size_t kVlanTag = 4;
inline constexpr size_t kIpv4MinHeader = 20;
inline constexpr size_t kTcpMinHeader = 20;
inline constexpr size_t kUdpHeader = 8;
inline constexpr size_t kIcmpHeader = 8;
inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;
inline constexpr uint16_t kEtherTypeQinQ = 0x88a8;
inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr size_t kIpv6Header = 40;
inline constexpr uint8_t kIpProtoIcmp = 1;
inline constexpr uint8_t kIpProtoTcp = 6;
inline constexpr uint8_t kIpProtoUdp = 17;
inline constexpr uint8_t kIpProtoIcmp6 = 58;
// IPv6 extension headers the decoder walks past (RFC 8200 §4), and the
// fragment header it refuses as it refuses IPv4 fragments.
inline constexpr uint8_t kIp6HopByHop = 0;
inline constexpr uint8_t kIp6Routing = 43;
inline constexpr uint8_t kIp6Fragment = 44;
inline constexpr uint8_t kIp6DestOptions = 60;

// TCP flag bits (byte 13 of the header).
inline constexpr uint8_t kTcpFin = 0x01;
inline constexpr uint8_t kTcpSyn = 0x02;
inline constexpr uint8_t kTcpRst = 0x04;
inline constexpr uint8_t kTcpPsh = 0x08;
inline constexpr uint8_t kTcpAck = 0x10;
inline constexpr uint8_t kTcpUrg = 0x20;

}  // namespace portsweep::wire
