#include "dns/ptr_name.hpp"

namespace portsweep {

std::string reverse_query_name(uint32_t ip) {
  std::string s;
  for (int shift = 0; shift < 32; shift += 8) {
    s += std::to_string((ip >> shift) & 0xFFu);
    s += '.';
  }
  return s + "in-addr.arpa";
}

std::optional<std::string> report_host_name(std::string_view answer) {
  if (!answer.empty() && answer.back() == '.') answer.remove_suffix(1);
  if (answer.empty() || answer.size() > 253) return std::nullopt;
  size_t label = 0;
  for (char c : answer) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return std::nullopt;
    if (c == '.') {
      if (label == 0) return std::nullopt;
      label = 0;
    } else if (++label > 63) {
      return std::nullopt;
    }
  }
  return std::string(answer);
}

}  // namespace portsweep
