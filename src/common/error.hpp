#pragma once
// Errors that reach the user. Every message is a full sentence naming the bad
// value and what was expected; main() prints it on one line (through
// print_message_line, which makes quoted input printable) and exits non-zero.
#include <stdexcept>
#include <string>
#include <string_view>

namespace portsweep {

namespace detail {
// what() is a C string: a NUL quoted from a binary file would end the message
// there, losing what follows it (what was expected). It is spelt out instead.
inline std::string message_without_nul(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\0') out += "\\x00";
    else out += c;
  }
  return out;
}
}  // namespace detail

// Bad command-line or file input: exit status 2, like a usage error.
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& what) : std::runtime_error(detail::message_without_nul(what)) {}
  explicit UsageError(const char* what) : std::runtime_error(detail::message_without_nul(what)) {}
};

// The environment refused something (interface, permissions, capture): exit 1.
class RuntimeFailure : public std::runtime_error {
 public:
  explicit RuntimeFailure(const std::string& what) : std::runtime_error(detail::message_without_nul(what)) {}
  explicit RuntimeFailure(const char* what) : std::runtime_error(detail::message_without_nul(what)) {}
};

}  // namespace portsweep
