#include "cli/scan_flags.hpp"

#include <cctype>
#include <charconv>
#include <string>

#include "common/error.hpp"

namespace portsweep {

uint8_t parse_scan_flags(std::string_view text) {
  const auto bad = [&] {
    return UsageError("invalid --scanflags \"" + std::string(text) +
                      "\": expected flag names run together (URG ACK PSH RST SYN FIN ECE CWR, e.g. SYNFIN) "
                      "or a number from 0 to 255");
  };
  if (text.empty()) throw bad();
  if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    unsigned value = 0;
    int base = 10;
    std::string_view digits = text;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
      base = 16;
      digits.remove_prefix(2);
    }
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (ec != std::errc{} || end != digits.data() + digits.size() || value > 255) throw bad();
    return static_cast<uint8_t>(value);
  }
  static constexpr struct {
    std::string_view name;
    uint8_t bit;
  } kNames[] = {{"FIN", 0x01}, {"SYN", 0x02}, {"RST", 0x04}, {"PSH", 0x08},
                {"ACK", 0x10}, {"URG", 0x20}, {"ECE", 0x40}, {"CWR", 0x80}};
  uint8_t flags = 0;
  for (size_t i = 0; i < text.size();) {
    if (i + 3 > text.size()) throw bad();
    std::string word(text.substr(i, 3));
    for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    bool known = false;
    for (const auto& n : kNames) {
      if (n.name == word) {
        flags |= n.bit;
        known = true;
      }
    }
    if (!known) throw bad();
    i += 3;
  }
  return flags;
}

}  // namespace portsweep
