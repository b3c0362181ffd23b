#include "os/os_expression.hpp"

#include <cstdlib>
#include <cstring>

namespace portsweep::os {

SubjectValue SubjectValue::of(const std::string& text) {
  SubjectValue v;
  v.text = text;
  char* end = nullptr;
  // strtol, as nmap reads the value: leading blanks, a sign and "0x" are
  // accepted; the result is kept as nmap's unsigned int keeps it.
  long number = std::strtol(text.c_str(), &end, 16);
  v.numeric = *end == '\0';
  v.number = static_cast<uint32_t>(number);
  return v;
}

OsExpression::OsExpression(std::string_view text) : text_(text) {
  // text_ is NUL-terminated, so strtol stops where nmap's would.
  const char* base = text_.c_str();
  const char* p = base;
  while (true) {
    const char* bar = std::strchr(p, '|');
    Alternative a;
    a.offset = static_cast<uint32_t>(p - base);
    a.length = static_cast<uint32_t>((bar ? bar : base + text_.size()) - p);
    a.last = bar == nullptr;
    char* end = nullptr;
    if (*p == '<' || *p == '>') {
      long n = std::strtol(p + 1, &end, 16);
      bool whole = end == bar || *end == '\0';
      a.numeric = whole ? (*p == '<' ? Numeric::Less : Numeric::Greater) : Numeric::Never;
      a.low = static_cast<uint32_t>(n);
    } else if (const char* dash = std::strchr(p, '-')) {
      // The first '-' of the rest of the expression, even one in a later
      // alternative: this alternative is then never a match for a number.
      a.numeric = Numeric::Never;
      long low = std::strtol(p, &end, 16);
      if (end == dash) {
        long high = std::strtol(dash + 1, &end, 16);
        if (end == bar || *end == '\0') {
          a.numeric = Numeric::Range;
          a.low = static_cast<uint32_t>(low);
          a.high = static_cast<uint32_t>(high);
        }
      }
    } else {
      a.numeric = Numeric::Text;
    }
    alternatives_.push_back(a);
    if (!bar) break;
    p = bar + 1;
  }
}

bool OsExpression::text_matches(const Alternative& a, std::string_view value) const noexcept {
  std::string_view alt(text_.data() + a.offset, a.length);
  if (a.last) return value == alt;
  // strncmp over the alternative's length: a prefix test.
  return value.size() >= alt.size() && value.compare(0, alt.size(), alt) == 0;
}

bool OsExpression::matches(const SubjectValue& value) const noexcept {
  for (const Alternative& a : alternatives_) {
    if (!value.numeric) {
      if (text_matches(a, value.text)) return true;
      continue;
    }
    switch (a.numeric) {
      case Numeric::Less:
        if (value.number < a.low) return true;
        break;
      case Numeric::Greater:
        if (value.number > a.low) return true;
        break;
      case Numeric::Range:
        if (value.number >= a.low && value.number <= a.high) return true;
        break;
      case Numeric::Never:
        break;
      case Numeric::Text:
        if (text_matches(a, value.text)) return true;
        break;
    }
  }
  return false;
}

bool OsExpression::has_bad_range() const noexcept {
  for (const Alternative& a : alternatives_) {
    if (a.numeric == Numeric::Range && !(a.high > a.low)) return true;
  }
  return false;
}

}  // namespace portsweep::os
