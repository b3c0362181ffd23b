#pragma once
// What any SavedScan a reader returns must hold: known protocols, states and
// reasons (they index tables in the outputs), ports within the protocol's
// range, times from 1970 to the year 9999, port runs in order, and scan kinds
// of known protocols.
#include "detect/saved_scan.hpp"
#include "fuzz_support.hpp"

namespace portsweep::fuzz {

inline constexpr int64_t kMaxTimeUs = kMaxSavedTimeSeconds * 1000000 + 999999;

inline void check_saved_scan(const SavedScan& s) {
  for (const PortResult& r : s.results) {
    check(static_cast<unsigned>(r.proto) < kProtoCount, "a result with an unknown protocol");
    check(static_cast<unsigned>(r.state) <= static_cast<unsigned>(PortState::ClosedFiltered),
          "a result with an unknown state");
    check(static_cast<size_t>(r.reason) < kReasonCount, "a result with an unknown reason");
    if (r.proto == Proto::Ip) check(r.port <= 255, "a protocol number above 255");
    check(r.time_us >= 0 && r.time_us <= kMaxTimeUs, "a result time outside 1970-9999");
  }
  check(s.start_time_us >= 0 && s.start_time_us <= kMaxTimeUs, "a start time outside 1970-9999");
  for (const PortRun& run : s.runs) check(run.first <= run.last, "a port run that ends before it starts");
  for (const ScanKind& k : s.scans) check(static_cast<unsigned>(k.proto) < kProtoCount, "a scan of an unknown protocol");
}

}  // namespace portsweep::fuzz
