#include "detect/version_match_template.hpp"

#include <cstdint>
#include <stdexcept>

#include "common/hex_digit.hpp"

namespace portsweep {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Reads the arguments of a helper call, `text` starting just after its '('.
// Arguments are a group number or a double-quoted string.
class HelperArgs {
 public:
  explicit HelperArgs(std::string_view text) : text_(text) {}

  unsigned group() {
    skip_spaces();
    if (pos_ >= text_.size() || text_[pos_] < '1' || text_[pos_] > '9') {
      throw std::invalid_argument("expected a capture group number 1-9 in a $-helper");
    }
    unsigned n = static_cast<unsigned>(text_[pos_++] - '0');
    if (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      throw std::invalid_argument("capture group numbers in a $-helper are 1-9");
    }
    return n;
  }

  std::string quoted() {
    skip_spaces();
    if (pos_ >= text_.size() || text_[pos_] != '"') {
      throw std::invalid_argument("expected a double-quoted string in a $-helper");
    }
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) throw std::invalid_argument("unterminated string in a $-helper");
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) throw std::invalid_argument("unterminated string in a $-helper");
      char e = text_[pos_++];
      switch (e) {
        case 'r': out += '\r'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case '0': out += '\0'; break;
        case 'x': {
          int hi = pos_ < text_.size() ? hex_digit_value(text_[pos_]) : -1;
          int lo = pos_ + 1 < text_.size() ? hex_digit_value(text_[pos_ + 1]) : -1;
          if (hi < 0 || lo < 0) throw std::invalid_argument("\\x needs two hex digits in a $-helper string");
          out += static_cast<char>(hi * 16 + lo);
          pos_ += 2;
          break;
        }
        default: out += e; break;  // \\ \" and anything else stand for themselves
      }
    }
  }

  void comma() { expect(','); }
  // Consumes the closing ')' and returns how much of the text the call used.
  size_t close() {
    expect(')');
    return pos_;
  }

 private:
  void skip_spaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }
  void expect(char c) {
    skip_spaces();
    if (pos_ >= text_.size() || text_[pos_] != c) {
      throw std::invalid_argument(std::string("expected '") + c + "' in a $-helper");
    }
    ++pos_;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::string_view group_text(const CompiledRegex::Groups* groups, unsigned n) {
  if (groups == nullptr || !(*groups)[n]) return {};
  return *(*groups)[n];
}

std::string printable_only(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 0x20 && c < 0x7f) out += c;
  }
  return out;
}

std::string substitute(std::string_view s, const std::string& from, const std::string& to) {
  if (from.empty()) return std::string(s);
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(from, pos);
    if (hit == std::string_view::npos) break;
    out.append(s.substr(pos, hit - pos));
    out += to;
    pos = hit + from.size();
  }
  out.append(s.substr(pos));
  return out;
}

std::string unpack_unsigned(std::string_view s, bool big_endian) {
  // Wider than 8 bytes cannot be an unsigned 64-bit value; nmap leaves such
  // a field empty rather than print a wrapped number.
  if (s.empty() || s.size() > 8) return {};
  uint64_t value = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto byte = static_cast<uint8_t>(big_endian ? s[i] : s[s.size() - 1 - i]);
    value = (value << 8) | byte;
  }
  return std::to_string(value);
}

// One pass for both expansion and checking: with groups == nullptr every
// capture reads as empty, which exercises the same syntax paths.
std::string expand(std::string_view templ, const CompiledRegex::Groups* groups) {
  std::string out;
  size_t i = 0;
  while (i < templ.size()) {
    char c = templ[i];
    if (c != '$' || i + 1 >= templ.size()) {
      out += c;
      ++i;
      continue;
    }
    std::string_view rest = templ.substr(i + 1);
    if (rest[0] >= '1' && rest[0] <= '9') {
      out.append(group_text(groups, static_cast<unsigned>(rest[0] - '0')));
      i += 2;
    } else if (starts_with(rest, "P(")) {
      HelperArgs args(rest.substr(2));
      unsigned n = args.group();
      i += 1 + 2 + args.close();
      out += printable_only(group_text(groups, n));
    } else if (starts_with(rest, "SUBST(")) {
      HelperArgs args(rest.substr(6));
      unsigned n = args.group();
      args.comma();
      std::string from = args.quoted();
      args.comma();
      std::string to = args.quoted();
      i += 1 + 6 + args.close();
      out += substitute(group_text(groups, n), from, to);
    } else if (starts_with(rest, "I(")) {
      HelperArgs args(rest.substr(2));
      unsigned n = args.group();
      args.comma();
      std::string order = args.quoted();
      if (order != ">" && order != "<") {
        throw std::invalid_argument("$I needs \">\" (big-endian) or \"<\" (little-endian)");
      }
      i += 1 + 2 + args.close();
      out += unpack_unsigned(group_text(groups, n), order == ">");
    } else {
      out += c;  // a '$' that starts nothing is just a dollar sign
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string expand_version_template(std::string_view templ, const CompiledRegex::Groups& groups) {
  return expand(templ, &groups);
}

void check_version_template(std::string_view templ) { expand(templ, nullptr); }

}  // namespace portsweep
