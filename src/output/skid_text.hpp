#pragma once
// nmap's -oS, "script kiddie" output: the interactive report with its
// letters swapped for look-alike digits and signs and its case scrambled.
// A joke nmap keeps, kept here too so that -oS works rather than being
// refused. Deterministic: the same text and state give the same result.
#include <cstdint>
#include <string>
#include <string_view>

namespace portsweep {

class SkidText {
 public:
  // Each call continues the same scramble, so a report written in pieces
  // reads the same as one written at once.
  std::string operator()(std::string_view text);

 private:
  uint64_t next();
  uint64_t state_ = 0x5ca1ab1e0ddba11ull;
};

}  // namespace portsweep
