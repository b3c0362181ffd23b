#pragma once
// What a classifier concludes about one decoded reply.
#include <cstdint>

namespace portsweep {

enum class ReplyVerdict : uint8_t {
  Ignored,   // not addressed to this scan (other address/port/protocol, or an irrelevant type)
  Rejected,  // looks like an answer to us but the cookie is wrong: count it, drop it
  Result,    // a port result was produced
};

}  // namespace portsweep
