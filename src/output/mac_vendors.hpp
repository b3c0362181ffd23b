#pragma once
// Who made a network card, from the first three bytes of its MAC: nmap's
// nmap-mac-prefixes (Debian's nmap-common, --datadir first), read when a scan
// first needs it. Without the file every vendor is unknown, as nmap prints it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace portsweep {

class MacVendors {
 public:
  // Never throws: a missing or unreadable file leaves the table empty.
  static MacVendors load(const std::string& datadir = {});
  static MacVendors parse(std::string_view text);

  std::string_view vendor(const std::array<uint8_t, 6>& mac) const;
  // The 24-bit prefix of the vendor called `name` (--spoof-mac Apple): a name
  // equal to it (case aside), else one that starts with it, else one that
  // contains it; the lowest prefix among equals. None when nothing matches.
  std::optional<uint32_t> prefix_of(std::string_view name) const;
  size_t size() const { return by_prefix_.size(); }

 private:
  std::unordered_map<uint32_t, std::string> by_prefix_;  // 24-bit OUI -> name
};

}  // namespace portsweep
