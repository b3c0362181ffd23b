#pragma once
// One address type for both families. IPv4 is kept as the IPv4-mapped IPv6
// address (::ffff:a.b.c.d), so every address is 16 bytes, compares and
// hashes the same way, and a sorted list puts IPv4 before 2001:db8::/32.
// The hot paths keep IPv4 as a host-order uint32_t and IPv6 as a u128; this
// type is what results, reports and everything else that holds either
// family carry.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <functional>

#include "portsweep/uint128.hpp"

namespace portsweep {

enum class AddressFamily : uint8_t { V4 = 4, V6 = 6 };

class IpAddress {
 public:
  IpAddress() = default;
  static IpAddress v4(uint32_t host_order) noexcept {
    IpAddress a;
    a.bytes_[10] = a.bytes_[11] = 0xff;
    a.bytes_[12] = static_cast<uint8_t>(host_order >> 24);
    a.bytes_[13] = static_cast<uint8_t>(host_order >> 16);
    a.bytes_[14] = static_cast<uint8_t>(host_order >> 8);
    a.bytes_[15] = static_cast<uint8_t>(host_order);
    return a;
  }
  static IpAddress v6(const std::array<uint8_t, 16>& bytes) noexcept {
    IpAddress a;
    a.bytes_ = bytes;
    return a;
  }
  static IpAddress v6(const uint8_t* bytes16) noexcept {
    IpAddress a;
    for (int i = 0; i < 16; ++i) a.bytes_[i] = bytes16[i];
    return a;
  }
  static IpAddress v6(u128 value) noexcept {
    IpAddress a;
    store_ipv6(a.bytes_.data(), value);
    return a;
  }

  bool is_v4() const noexcept {
    for (int i = 0; i < 10; ++i)
      if (bytes_[i] != 0) return false;
    return bytes_[10] == 0xff && bytes_[11] == 0xff;
  }
  AddressFamily family() const noexcept { return is_v4() ? AddressFamily::V4 : AddressFamily::V6; }
  // Host byte order; meaningful only when is_v4().
  uint32_t v4_value() const noexcept {
    return uint32_t{bytes_[12]} << 24 | uint32_t{bytes_[13]} << 16 | uint32_t{bytes_[14]} << 8 | bytes_[15];
  }
  const std::array<uint8_t, 16>& bytes() const noexcept { return bytes_; }
  // All 16 bytes as one number (an IPv4 address gives its mapped form).
  u128 value() const noexcept { return load_ipv6(bytes_.data()); }
  bool is_unspecified() const noexcept { return *this == IpAddress{}; }

  // "198.19.0.1" or "2001:db8::1" (RFC 5952 form).
  std::string to_string() const;
  // Either family's textual form; nullopt for anything else.
  static std::optional<IpAddress> parse(std::string_view text);

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  std::array<uint8_t, 16> bytes_{};
};

}  // namespace portsweep

template <>
struct std::hash<portsweep::IpAddress> {
  size_t operator()(const portsweep::IpAddress& a) const noexcept {
    const portsweep::u128 v = a.value();
    const uint64_t x = static_cast<uint64_t>(v) ^ (static_cast<uint64_t>(v >> 64) * 0x9e3779b97f4a7c15ull);
    return static_cast<size_t>(x ^ (x >> 29));
  }
};
