#pragma once
// nmap's reading of ICMP destination-unreachable codes, shared by every
// scan type: the reason each code stands for, and which codes a scan type
// takes as its answer (e.g. 3, port unreachable, means "closed" to -sU but
// "filtered" to -sS).
#include <cstdint>

#include "portsweep/result.hpp"

namespace portsweep {

// The reason for codes 0, 1, 2, 3, 9, 10 and 13; false for the codes nmap
// does not read as an answer (4 fragmentation needed, 5 source route failed,
// 6-8, 11-12, 14-15).
inline bool icmp_unreachable_reason(uint8_t code, Reason& reason) noexcept {
  switch (code) {
    case 0: reason = Reason::NetUnreach; return true;
    case 1: reason = Reason::HostUnreach; return true;
    case 2: reason = Reason::ProtoUnreach; return true;
    case 3: reason = Reason::PortUnreach; return true;
    case 9: reason = Reason::NetProhibited; return true;
    case 10: reason = Reason::HostProhibited; return true;
    case 13: reason = Reason::AdminProhibited; return true;
    default: return false;
  }
}

}  // namespace portsweep
