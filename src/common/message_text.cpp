#include "common/message_text.hpp"

#include <cstdint>

namespace portsweep {

namespace {

// Length of the valid UTF-8 sequence at `s[i]` (1 for printable ASCII), or 0
// when the byte must be escaped: a control, a stray or overlong byte, a
// surrogate, a code point past U+10FFFF, or one of the invisible code points
// that reorder or break a line (U+0080-U+009F, U+2028-U+202E, U+2066-U+2069).
size_t printable_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t lead = b(i);
  if (lead >= 0x20 && lead < 0x7f) return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    len = 2;
    cp = lead & 0x1fu;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    len = 3;
    cp = lead & 0x0fu;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    len = 4;
    cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xc0u) != 0x80u) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  const bool invisible = cp <= 0x9f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
  if (overlong || invisible || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return 0;
  return len;
}

void append_escape(std::string& out, uint8_t byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xf];
}

}  // namespace

std::string printable_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool quoted = false;
  size_t quoted_chars = 0;  // characters of the current quoted value written
  bool cut = false;         // the rest of the current quoted value is dropped
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '"') {
      if (cut) out += "...";
      out += '"';
      quoted = !quoted;
      quoted_chars = 0;
      cut = false;
      ++i;
      continue;
    }
    const size_t len = printable_length(text, i);
    const size_t step = len == 0 ? 1 : len;
    if (quoted && !cut && ++quoted_chars > kMaxQuoted) cut = true;
    if (!cut) {
      if (len == 0) append_escape(out, static_cast<uint8_t>(text[i]));
      else out.append(text.substr(i, len));
    }
    i += step;
  }
  if (cut) out += "...";
  if (out.size() > kMaxMessage) {
    // Keep the start (what is wrong) and the end (what was expected); cut
    // between whole characters only, so the result stays valid UTF-8.
    size_t head = kMaxMessage * 2 / 3;
    while (head > 0 && (static_cast<uint8_t>(out[head]) & 0xc0u) == 0x80u) --head;
    size_t tail = out.size() - kMaxMessage / 3;
    while (tail < out.size() && (static_cast<uint8_t>(out[tail]) & 0xc0u) == 0x80u) ++tail;
    out = out.substr(0, head) + " ... " + out.substr(tail);
  }
  return out;
}

void print_message_line(std::ostream& out, std::string_view prefix, std::string_view message) {
  out << prefix << printable_text(message) << '\n';
}

std::string_view trim_blanks(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string quoted_excerpt(std::string_view s, size_t max) {
  std::string out = "\"";
  out += s.substr(0, max);
  if (s.size() > max) out += "...";
  out += '"';
  return out;
}

}  // namespace portsweep
