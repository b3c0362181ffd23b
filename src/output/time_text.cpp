#include "output/time_text.hpp"

#include <cstdio>
#include <ctime>

namespace portsweep {

namespace {

std::string format_time(int64_t us, const char* fmt, bool utc) {
  const std::time_t t = static_cast<std::time_t>(epoch_seconds(us));
  std::tm tm{};
  if (utc) {
    gmtime_r(&t, &tm);
  } else {
    localtime_r(&t, &tm);
  }
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, fmt, &tm);
  return std::string(buf, n);
}

}  // namespace

int64_t epoch_seconds(int64_t us) {
  // Round toward minus infinity so times before 1970 stay consistent.
  return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

std::string ctime_text(int64_t us) { return format_time(us, "%a %b %e %H:%M:%S %Y", false); }

std::string short_time_text(int64_t us) { return format_time(us, "%Y-%m-%d %H:%M %Z", false); }

std::string seconds_time_text(int64_t us) { return format_time(us, "%Y-%m-%d %H:%M:%S %Z", false); }

std::string clock_text(int64_t us) { return format_time(us, "%H:%M", false); }

std::string iso_utc_text(int64_t us) {
  const int64_t frac = us - epoch_seconds(us) * 1000000;
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%06lldZ", static_cast<long long>(frac));
  return format_time(us, "%Y-%m-%dT%H:%M:%S", true) + buf;
}

}  // namespace portsweep
