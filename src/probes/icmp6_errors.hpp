#pragma once
// nmap's reading of ICMPv6 errors (RFC 4443) quoting a probe, for every
// IPv6 scan type: the state and reason each type/code gives.
//
//   destination unreachable (1)
//     0 no route            filtered, no-route
//     1 admin prohibited    filtered, admin-prohibited
//     2 beyond scope        filtered, beyond-scope
//     3 address unreachable filtered, host-unreach (nmap's word for it)
//     4 port unreachable    -sU: closed, -sO: open (when the target itself
//                           sent it; from a router: filtered); TCP: filtered
//     5 source policy       filtered, admin-prohibited
//     6 reject route        filtered, reject-route
//   parameter problem (4)
//     0 erroneous field     open (the header was understood), param-problem
//     1 unknown next header -sO: closed (from the target; from a router:
//                           filtered), others filtered, param-problem
// Every other error, time exceeded and packet too big included, is not an
// answer to a port probe (nmap skips them too): the probe stays unanswered.
#include <cstdint>

#include "portsweep/result.hpp"

namespace portsweep {

enum class Icmp6ScanKind : uint8_t { Tcp, Udp, IpProto };

inline constexpr uint8_t kIcmp6DestUnreachable = 1;
inline constexpr uint8_t kIcmp6ParameterProblem = 4;

// False for an error that is no answer; otherwise sets state and reason.
// `from_target`: the error came from the quoted probe's destination.
inline bool icmp6_error_reading(uint8_t type, uint8_t code, Icmp6ScanKind kind, bool from_target, PortState& state,
                                Reason& reason) noexcept {
  if (type == kIcmp6DestUnreachable) {
    state = PortState::Filtered;
    switch (code) {
      case 0: reason = Reason::NoRoute; return true;
      case 1: reason = Reason::AdminProhibited; return true;
      case 2: reason = Reason::BeyondScope; return true;
      case 3: reason = Reason::HostUnreach; return true;
      case 4:
        reason = Reason::PortUnreach;
        if (from_target && kind == Icmp6ScanKind::Udp) state = PortState::Closed;
        if (from_target && kind == Icmp6ScanKind::IpProto) state = PortState::Open;
        return true;
      case 5: reason = Reason::AdminProhibited; return true;
      case 6: reason = Reason::RejectRoute; return true;
      default: return false;
    }
  }
  if (type == kIcmp6ParameterProblem) {
    reason = Reason::ParamProblem;
    switch (code) {
      case 0: state = PortState::Open; return true;
      case 1:
        state = from_target && kind == Icmp6ScanKind::IpProto ? PortState::Closed : PortState::Filtered;
        return true;
      default: return false;
    }
  }
  return false;
}

}  // namespace portsweep
