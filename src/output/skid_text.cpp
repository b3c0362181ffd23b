#include "output/skid_text.hpp"

#include <cctype>

namespace portsweep {

uint64_t SkidText::next() {
  // xorshift64: cheap and good enough to scramble letters.
  state_ ^= state_ << 13;
  state_ ^= state_ >> 7;
  state_ ^= state_ << 17;
  return state_;
}

std::string SkidText::operator()(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const int lower = std::tolower(static_cast<unsigned char>(c));
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      out += c;
      continue;
    }
    const uint64_t r = next();
    // Look-alikes, each about one time in three; the rest flip case at random.
    if (r % 3 == 0) {
      switch (lower) {
        case 'a': out += '4'; continue;
        case 'e': out += '3'; continue;
        case 'i': out += (r & 8) ? '1' : '!'; continue;
        case 'o': out += '0'; continue;
        case 's': out += (r & 8) ? '$' : 'z'; continue;
        case 't': out += '7'; continue;
        case 'l': out += '|'; continue;
        case 'z': out += 's'; continue;
        default: break;
      }
    }
    out += static_cast<char>((r >> 32) & 1 ? std::toupper(lower) : lower);
  }
  return out;
}

}  // namespace portsweep
