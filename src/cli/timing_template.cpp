#include "cli/timing_template.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "common/error.hpp"

namespace portsweep {

namespace {

// nmap 7.93, `nmap -d -T<n>`'s timing report; the scan delays (not in that
// report) from its man page: 5 min, 15 s, 0.4 s.
constexpr std::array<NmapTimingTemplate, 6> kNmap = {{
    //  delay  max delay  min rtt  max rtt  initial  retries  host timeout  parallelism
    {300.0, 1.0, 0.1, 300.0, 300.0, 10, 0, 1},   // T0 paranoid
    {15.0, 1.0, 0.1, 15.0, 15.0, 10, 0, 1},      // T1 sneaky
    {0.4, 1.0, 0.1, 10.0, 1.0, 10, 0, 1},        // T2 polite
    {0.0, 1.0, 0.1, 10.0, 1.0, 10, 0, 0},        // T3 normal
    {0.0, 0.010, 0.1, 1.25, 0.5, 6, 0, 0},       // T4 aggressive
    {0.0, 0.005, 0.05, 0.3, 0.25, 2, 900.0, 0},  // T5 insane
}};

// The sweep's pace where no scan delay sets it. nmap adapts its pace to the
// losses it sees; a stateless sweep holds one rate, so -T3 is zmap's
// default, 10 Mbit/s of minimum-size frames (~15k packets/s), which a home
// router and a busy LAN take in their stride; -T4 and -T5 are for fast,
// reliable networks. -T0..-T2 are paced by their scan delays instead.
constexpr std::array<double, 6> kRate = {0, 0, 0, 15'000, 100'000, 1'000'000};

// Retry passes. nmap's --max-retries is a ceiling its congestion control
// seldom reaches (a filtered port usually gets one retransmission); a
// stateless retry is a whole pass over every unanswered probe of a host
// that answered something, so -T3..-T5 make one, and the gentle templates,
// whose probes are few and slow, two.
constexpr std::array<int, 6> kRetryPasses = {2, 2, 2, 1, 1, 1};

std::string time_text(double seconds) {
  if (seconds < 1) return number_text(std::round(seconds * 1e6) / 1e3) + " ms";
  return number_text(seconds) + " s";
}

}  // namespace

const NmapTimingTemplate& nmap_timing_template(int level) { return kNmap.at(static_cast<size_t>(std::clamp(level, 0, 5))); }

const char* given_timing_option(const ScanOptions& o) {
  if (o.min_rtt_timeout) return "--min-rtt-timeout";
  if (o.max_rtt_timeout) return "--max-rtt-timeout";
  if (o.initial_rtt_timeout) return "--initial-rtt-timeout";
  if (o.host_timeout) return "--host-timeout";
  if (o.scan_delay) return "--scan-delay";
  if (o.max_scan_delay) return "--max-scan-delay";
  if (o.min_parallelism) return "--min-parallelism";
  return nullptr;
}

std::optional<double> parse_nmap_time(std::string_view text) {
  size_t digits = text.size();
  double unit = 1;
  if (text.ends_with("ms")) {
    digits -= 2;
    unit = 1e-3;
  } else if (text.ends_with("s")) {
    digits -= 1;
  } else if (text.ends_with("m")) {
    digits -= 1;
    unit = 60;
  } else if (text.ends_with("h")) {
    digits -= 1;
    unit = 3600;
  }
  const std::string_view number = text.substr(0, digits);
  // Digits and at most one point: no sign, exponent or spaces.
  if (number.empty() || number.find_first_not_of("0123456789.") != std::string_view::npos ||
      std::count(number.begin(), number.end(), '.') > 1 || number == ".")
    return std::nullopt;
  const std::optional<double> v = real_number(number);
  if (!v) return std::nullopt;
  const double seconds = *v * unit;
  if (!std::isfinite(seconds) || seconds > 366.0 * 86400) return std::nullopt;
  return seconds;
}

OptionCheck time_in(std::string option, double min_seconds, double max_seconds) {
  return [option = std::move(option), min_seconds, max_seconds](const std::string& text) {
    const std::optional<double> v = parse_nmap_time(text);
    if (!v || *v < min_seconds || *v > max_seconds)
      throw UsageError("invalid " + option + " \"" + text + "\": expected a time from " + time_text(min_seconds) +
                       " to " + time_text(max_seconds) +
                       ", a number with an optional unit ms, s, m or h (none: seconds), e.g. 500ms or 2s");
    return number_text(*v);
  };
}

std::string timing_report(const ResolvedTiming& t) {
  const auto ms = [](double s) { return std::to_string(static_cast<long long>(s * 1000 + 0.5)); };
  std::string r = "--------------- Timing report ---------------\n";
  r += "  rtt-timeouts: init " + ms(t.initial_rtt_timeout) + ", min " + ms(t.min_rtt_timeout) + ", max " +
       ms(t.max_rtt_timeout) + "\n";
  r += "  scan-delay: " + ms(t.scan_delay) + "\n";
  r += "  parallelism (-sT): " + std::to_string(t.connect_parallel) + ", connect timeout " +
       std::to_string(t.connect_timeout_ms) + "\n";
  r += "  retry passes: " + std::to_string(t.retry_passes) + ", host-timeout: " + ms(t.host_timeout) + "\n";
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.6g", t.rate_pps);
  r += std::string("  rate: ") + rate + " probes/s\n";
  r += "---------------------------------------------\n";
  return r;
}

ResolvedTiming resolve_timing(const ScanOptions& o) {
  const int level = std::clamp(o.timing.value_or(3), 0, 5);
  const NmapTimingTemplate& t = kNmap[static_cast<size_t>(level)];
  ResolvedTiming r;
  r.retry_passes = o.max_retries.value_or(kRetryPasses[static_cast<size_t>(level)]);

  // RTT timeouts: the explicit ones first; a template value gives way.
  if (o.min_rtt_timeout && o.max_rtt_timeout && *o.min_rtt_timeout > *o.max_rtt_timeout)
    throw UsageError("--min-rtt-timeout " + time_text(*o.min_rtt_timeout) + " is above --max-rtt-timeout " +
                     time_text(*o.max_rtt_timeout) + ": expected the minimum at or below the maximum");
  r.min_rtt_timeout = o.min_rtt_timeout.value_or(t.min_rtt_timeout);
  r.max_rtt_timeout = o.max_rtt_timeout.value_or(t.max_rtt_timeout);
  if (r.min_rtt_timeout > r.max_rtt_timeout) {
    if (o.min_rtt_timeout) r.max_rtt_timeout = r.min_rtt_timeout;
    else r.min_rtt_timeout = r.max_rtt_timeout;
  }
  if (o.initial_rtt_timeout) {
    const double v = *o.initial_rtt_timeout;
    if ((o.min_rtt_timeout && v < *o.min_rtt_timeout) || (o.max_rtt_timeout && v > *o.max_rtt_timeout))
      throw UsageError("--initial-rtt-timeout " + time_text(v) + " is outside --min-rtt-timeout " +
                       time_text(r.min_rtt_timeout) + " to --max-rtt-timeout " + time_text(r.max_rtt_timeout));
    r.initial_rtt_timeout = v;
    r.min_rtt_timeout = std::min(r.min_rtt_timeout, v);
    r.max_rtt_timeout = std::max(r.max_rtt_timeout, v);
  } else {
    r.initial_rtt_timeout = std::clamp(t.initial_rtt_timeout, r.min_rtt_timeout, r.max_rtt_timeout);
  }

  // The pace: a scan delay caps it, a max scan delay floors it (nmap raises
  // the maximum to a larger scan delay); --max-rate caps and --min-rate
  // floors what that leaves; --rate is exact.
  r.scan_delay = o.scan_delay.value_or(t.scan_delay);
  if (o.scan_delay && o.max_scan_delay && *o.scan_delay > *o.max_scan_delay)
    throw UsageError("--scan-delay " + time_text(*o.scan_delay) + " is above --max-scan-delay " +
                     time_text(*o.max_scan_delay) + ": expected the delay at or below its maximum");
  const double max_delay = o.max_scan_delay ? *o.max_scan_delay : std::max(t.max_scan_delay, r.scan_delay);
  double rate = r.scan_delay > 0 ? 1 / r.scan_delay : kRate[static_cast<size_t>(level)];
  if (rate == 0) rate = kRate[3];
  if (o.max_scan_delay && max_delay > 0) rate = std::max(rate, 1 / max_delay);
  if (o.max_rate) rate = r.scan_delay > 0 ? std::min(*o.max_rate, rate) : *o.max_rate;
  if (o.min_rate) rate = std::max(rate, *o.min_rate);
  if (o.rate) rate = *o.rate;
  r.rate_pps = std::clamp(rate, kMinRate, kMaxRate);
  r.paced_by_scan_delay = r.scan_delay > 0 && !o.rate && !(o.min_rate && *o.min_rate > 1 / r.scan_delay);

  r.host_timeout = o.host_timeout.value_or(t.host_timeout);

  // -sT.
  if (o.min_parallelism && o.max_parallelism && *o.min_parallelism > *o.max_parallelism)
    throw UsageError("--min-parallelism " + std::to_string(*o.min_parallelism) + " is above --max-parallelism " +
                     std::to_string(*o.max_parallelism) + ": expected the minimum at or below the maximum");
  r.connect_parallel = o.max_parallelism.value_or(t.max_parallelism);
  if (o.min_parallelism && r.connect_parallel != 0) r.connect_parallel = std::max(r.connect_parallel, *o.min_parallelism);
  r.connect_timeout_ms = static_cast<int>(std::ceil(r.initial_rtt_timeout * 1000));
  r.connect_rate = o.rate ? *o.rate : o.max_rate ? *o.max_rate : 0;
  if (r.scan_delay > 0 && !o.rate) r.connect_rate = r.connect_rate > 0 ? std::min(r.connect_rate, 1 / r.scan_delay) : 1 / r.scan_delay;
  if (o.min_rate && r.connect_rate > 0) r.connect_rate = std::max(r.connect_rate, *o.min_rate);
  return r;
}

}  // namespace portsweep
