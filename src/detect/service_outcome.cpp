#include "detect/service_outcome.hpp"

namespace portsweep {

std::string_view to_string(ServiceVerdict v) {
  switch (v) {
    case ServiceVerdict::Matched: return "matched";
    case ServiceVerdict::SoftMatched: return "softmatched";
    case ServiceVerdict::TcpWrapped: return "tcpwrapped";
    case ServiceVerdict::NoMatch: return "no match";
    case ServiceVerdict::Incomplete: return "incomplete";
  }
  return "?";
}

}  // namespace portsweep
