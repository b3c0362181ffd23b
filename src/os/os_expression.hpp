#pragma once
// One nmap-os-db test expression ("3B-45|FA-104", "M5B4|", ">1000000"),
// compiled once when the database loads and evaluated against a subject's
// plain value, with nmap 7.93's exact semantics (osscan.cc, expr_match).
//
// Design note. nmap re-parses every expression for every reference and every
// subject; portsweep decides at load time, per alternative, what nmap's
// parser would do with it, so a match is a switch and at most one memcmp per
// alternative (no parsing, no allocation). 7.93's rules, including the
// quirks later nmap releases changed, because the installed nmap 7.93 is what
// portsweep's guesses are compared with:
//  - The subject value is read as hexadecimal (strtol base 16); it is
//    "numeric" when the whole value converts. The empty value is numeric 0.
//  - A non-numeric value is compared as text with every alternative.
//  - For a numeric value, an alternative starting with '<' or '>' compares
//    numerically; otherwise, when a '-' occurs anywhere in the rest of the
//    expression, the alternative must read as a range "A-B" (else it never
//    matches: in "A|C-E" the value A does not match, since the '-' of the
//    later alternative is found); otherwise it is compared as text.
//  - Text comparison of an alternative that is not the last one is a prefix
//    test: "M5B4|X" matches "M5B4ST11", and an empty first alternative
//    ("|U", "Q=|U") matches any value. The last alternative must be equal.
// Cost: a few nanoseconds per alternative.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portsweep::os {

// A subject's value, converted once per subject as expr_match reads it.
struct SubjectValue {
  std::string_view text;
  bool numeric = false;  // the whole text is hexadecimal (or empty)
  uint32_t number = 0;   // its value, truncated to 32 bits as nmap does

  static SubjectValue of(const std::string& text);
};

class OsExpression {
 public:
  OsExpression() = default;
  // Never fails: every text is an expression to nmap (some never match).
  explicit OsExpression(std::string_view text);

  bool matches(const SubjectValue& value) const noexcept;
  bool matches(const std::string& value) const { return matches(SubjectValue::of(value)); }

  const std::string& text() const noexcept { return text_; }
  // A range alternative whose bounds are reversed or equal ("9-5"): nmap 7.93
  // asserts A < B and aborts when a numeric value reaches it.
  bool has_bad_range() const noexcept;

 private:
  // What nmap does with one alternative when the value is numeric.
  enum class Numeric : uint8_t { Less, Greater, Range, Never, Text };
  struct Alternative {
    Numeric numeric = Numeric::Text;
    bool last = false;  // text comparison: equal (last) or prefix (others)
    uint32_t low = 0, high = 0;
    uint32_t offset = 0, length = 0;  // the alternative's text within text_
  };
  bool text_matches(const Alternative& a, std::string_view value) const noexcept;

  std::string text_;
  std::vector<Alternative> alternatives_;
};

}  // namespace portsweep::os
