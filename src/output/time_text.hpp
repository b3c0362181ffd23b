#pragma once
// The timestamp forms nmap's outputs use, from microseconds since the epoch.
// Human-facing forms use local time, as nmap does; JSON uses UTC.
#include <cstdint>
#include <string>

namespace portsweep {

// "Sat Nov 21 18:44:49 2026" (ctime's form): file headers and summaries.
std::string ctime_text(int64_t us);
// "2026-11-21 18:44 UTC": the interactive "Starting" line.
std::string short_time_text(int64_t us);
// "2026-11-21 18:44:49 UTC": -vv's "Scanned at" line.
std::string seconds_time_text(int64_t us);
// "18:44": -v's task lines ("Initiating SYN Stealth Scan at 18:44").
std::string clock_text(int64_t us);
// "2026-11-21T19:00:00.123456Z": JSON lines.
std::string iso_utc_text(int64_t us);
// Whole seconds since the epoch, for XML's numeric times.
int64_t epoch_seconds(int64_t us);

}  // namespace portsweep
