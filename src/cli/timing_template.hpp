#pragma once
// nmap's timing templates (-T0..-T5) and the timing options that refine them,
// and what each becomes in portsweep.
//
// nmap paces a scan with per-host congestion control: probes in flight grow
// while replies come and shrink on a loss, a retransmission waits one RTT
// timeout (srtt + 4 x rttvar, clamped to --min/--max-rtt-timeout), and
// --scan-delay spaces a host's probes. A stateless sweep has none of that
// per-probe state, so each value is mapped to the nearest thing it has:
//
//   nmap                       portsweep sweep (-sS, -sU, ...)
//   scan delay T               the pace: at most one probe every T, over all
//                              hosts (so each host sees at least T between
//                              its probes), one TX thread
//   max scan delay T           a floor under the pace: at least a probe every T
//   min/max/initial RTT        the cooldown after the last probe and the gap
//   timeout                    before each retry pass: srtt + 4 x rttvar of
//                              the replies, within [min, max]; initial before
//                              any reply
//   max retries                retry passes (a stateless retry is a whole
//                              pass; see kRetryPasses)
//   host timeout T             the sweep stops at T; when that cuts its first
//                              pass short, no host is finished, and each is
//                              reported skipped
//   max parallelism            -sT's connects and -sV's connections at once
//
// -sT takes the initial RTT timeout (within [min, max]) as each connect's
// timeout, the max parallelism as its sockets in flight and the scan delay
// as its pace; -sV takes the template's waits (DetectOptions::for_timing)
// and its parallelism.
#include <optional>
#include <string>
#include <string_view>

#include "cli/option_numbers.hpp"
#include "cli/scan_options.hpp"

namespace portsweep {

// nmap 7.93's values for one template, as `nmap -d` prints them (and the
// man page's table for the scan delays). Times in seconds; 0: none.
struct NmapTimingTemplate {
  double scan_delay;
  double max_scan_delay;  // TCP's
  double min_rtt_timeout;
  double max_rtt_timeout;
  double initial_rtt_timeout;
  int max_retries;
  double host_timeout;
  unsigned max_parallelism;  // 0: no bound
};
const NmapTimingTemplate& nmap_timing_template(int level);  // level 0-5

// What a scan does, after the template and the explicit options.
struct ResolvedTiming {
  double rate_pps = 0;           // the sweep's pace
  bool paced_by_scan_delay = false;  // one TX thread, so "a probe every T" holds
  int retry_passes = 1;
  double min_rtt_timeout = 0.1;  // seconds
  double max_rtt_timeout = 10;
  double initial_rtt_timeout = 1;
  double scan_delay = 0;         // 0: none
  double host_timeout = 0;       // 0: none
  // -sT: connects in flight at most (0: the engine's default), each one's
  // timeout, and its pace (0: unpaced).
  unsigned connect_parallel = 0;
  int connect_timeout_ms = 1000;
  double connect_rate = 0;
};

// The template's values (-T, default 3), then the explicit options over
// them, as nmap applies them: after the template whatever the order given.
// A value the template set gives way to an explicit one it contradicts
// (--max-rtt-timeout 50ms under -T3's 100 ms minimum lowers the minimum);
// two explicit values that contradict each other are a UsageError.
ResolvedTiming resolve_timing(const ScanOptions& o);

// -d's timing report, as nmap prints it before a scan, with the values the
// engine runs with (times in milliseconds, as nmap's).
std::string timing_report(const ResolvedTiming& t);

// The first of nmap's timing options (not -T, --max-retries, the rates or
// --max-parallelism) the command line gives, as nmap spells it; null when
// none. For the scans whose engines have no use for them (-b, -sI): they
// are refused there rather than ignored.
const char* given_timing_option(const ScanOptions& o);

// nmap's time syntax: a number with an optional unit, ms, s, m or h; a plain
// number is seconds. Returns seconds, or nothing for anything else
// (empty, negative, "5x", "ms", "1e3h" past a year).
std::optional<double> parse_nmap_time(std::string_view text);

// A CLI11 transform: the value in seconds (as text) when it parses and lies
// in [min, max] seconds, else UsageError "invalid OPTION "TEXT": expected
// a time ...".
OptionCheck time_in(std::string option, double min_seconds, double max_seconds);

}  // namespace portsweep
