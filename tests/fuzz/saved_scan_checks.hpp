#pragma once
// What any SavedScan a reader returns must hold: known protocols, states and
// reasons (they index tables in the outputs), ports within the protocol's
// range, and scan kinds for the protocols of its results.
#include "detect/saved_scan.hpp"
#include "fuzz_support.hpp"

namespace portsweep::fuzz {

inline void check_saved_scan(const SavedScan& s) {
  for (const PortResult& r : s.results) {
    check(static_cast<unsigned>(r.proto) < kProtoCount, "a result with an unknown protocol");
    check(static_cast<unsigned>(r.state) <= static_cast<unsigned>(PortState::ClosedFiltered),
          "a result with an unknown state");
    check(static_cast<size_t>(r.reason) < kReasonCount, "a result with an unknown reason");
    if (r.proto == Proto::Ip) check(r.port <= 255, "a protocol number above 255");
  }
  for (const ScanKind& k : s.scans) check(static_cast<unsigned>(k.proto) < kProtoCount, "a scan of an unknown protocol");
}

}  // namespace portsweep::fuzz
