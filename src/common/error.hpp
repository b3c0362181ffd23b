#pragma once
// Errors that reach the user. Every message is a full sentence naming the bad
// value and what was expected; main() prints it on one line and exits non-zero.
#include <stdexcept>
#include <string>

namespace portsweep {

// Bad command-line or file input: exit status 2, like a usage error.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The environment refused something (interface, permissions, capture): exit 1.
class RuntimeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace portsweep
