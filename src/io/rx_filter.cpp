#include "io/rx_filter.hpp"

#include <cctype>

namespace portsweep {

namespace {
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }
}  // namespace

std::string ipv6_protocol_words(std::string_view protocols) {
  std::string out;
  out.reserve(protocols.size() + 8);
  for (size_t i = 0; i < protocols.size();) {
    if (!word_char(protocols[i])) {
      out += protocols[i++];
      continue;
    }
    size_t j = i;
    while (j < protocols.size() && word_char(protocols[j])) ++j;
    const std::string_view word = protocols.substr(i, j - i);
    out += word;
    if (word == "icmp" || word == "ip") out += '6';
    i = j;
  }
  return out;
}

std::string reply_filter(std::string_view protocols, const IpAddress& our_address) {
  const std::string dst = "dst host " + our_address.to_string();
  if (our_address.is_v4()) {
    if (protocols.empty()) return dst;
    std::string f = "(";
    f += protocols;
    f += ") and ";
    return f + dst;
  }
  if (protocols.empty()) return "ip6 and " + dst;
  return "ip6 and (" + ipv6_protocol_words(protocols) + ") and " + dst;
}

}  // namespace portsweep
