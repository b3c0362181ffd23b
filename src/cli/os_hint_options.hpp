#pragma once
// --os-hint / --no-os-hint: whether a sweep classifies each host's first
// SYN-ACK (else RST) with p0f's signatures (os/passive_hint.hpp,
// engine/os_hints.hpp), and the hint as the outputs print it.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "cli/scan_options.hpp"
#include "engine/os_hints.hpp"
#include "output/os_report.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

// Off by default in a plain sweep: the bar was under 5 % of the RX
// loop's time per reply, and the whole-loop benchmark (bench/loops,
// BM_RxLoopOsHint: 6 ports a host, a quarter of the hosts alive) measured
// 7-14 % (medians of 15: -sS 45.2 -> 51.5 ns, -sA 35.1 -> 37.5 ns per
// reply): one capture per host is a large share when a host sends only ~5
// replies. On with -O (`os_detection`), and wherever --os-hint asks for it.
inline constexpr bool kOsHintByDefault = false;

// The classifier a sweep of `modules` (the port sweep's; none for -sn) over
// `targets` addresses uses, or null when the hint is off. An explicit
// --os-hint where no TCP reply comes back (-sU, -sO, -sn alone), or over more
// targets than the engine keeps a map for, is refused (UsageError); the
// default (and -O's) just stays off there.
std::unique_ptr<os::PassiveClassifier> os_hint_classifier(const ScanOptions& o,
                                                          const std::vector<const ProbeModule*>& modules,
                                                          uint64_t targets, std::ostream& err,
                                                          bool os_detection = false);

// An explicit --os-hint on a scan whose engine reads no raw replies (-sT,
// -sI, -b): refused, naming the engine (`what`, "a connect scan (-sT)").
void refuse_os_hint(const ScanOptions& o, std::string_view what);

// The record as the outputs carry it.
OsHint os_hint_of(const OsHintRecord& r);

}  // namespace portsweep
