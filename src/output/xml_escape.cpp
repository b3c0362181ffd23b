#include "output/xml_escape.hpp"

#include <cstdint>

namespace portsweep {

namespace {

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0.
std::size_t utf8_length(std::string_view s) {
  const auto b0 = static_cast<uint8_t>(s[0]);
  std::size_t len;
  uint32_t cp;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
    cp = b0 & 0x1fu;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    cp = b0 & 0x0fu;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    if ((b & 0xc0u) != 0x80u) return 0;
    cp = (cp << 6) | (b & 0x3fu);
  }
  // Overlong forms, surrogates, U+FFFE/U+FFFF and beyond U+10FFFF are not XML characters.
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff) {
    return 0;
  }
  return len;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  char prev = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t len = utf8_length(text.substr(i));
    if (len == 0) {
      out += '?';
      prev = '?';
      ++i;
      continue;
    }
    if (len > 1) {
      out.append(text.substr(i, len));
      prev = c;
      i += len;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      case '-': out += prev == '-' ? "&#45;" : "-"; break;
      default:
        out += (static_cast<uint8_t>(c) < 0x20 || c == 0x7f) ? '?' : c;
    }
    prev = c;
    ++i;
  }
  return out;
}

namespace {

// Built by appending: g++ 12 at -O3 misreads the equivalent operator+ chain
// as an overlapping memcpy (-Wrestrict) and -Werror stops the build.
std::string attr_text(std::string_view name, std::string_view escaped) {
  std::string s;
  s.reserve(name.size() + escaped.size() + 4);
  s += ' ';
  s.append(name);
  s += "=\"";
  s.append(escaped);
  s += '"';
  return s;
}

}  // namespace

std::string xml_attr(std::string_view name, std::string_view value) { return attr_text(name, xml_escape(value)); }

std::string xml_attr(std::string_view name, int64_t value) { return attr_text(name, std::to_string(value)); }

}  // namespace portsweep
