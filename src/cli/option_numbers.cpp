#include "cli/option_numbers.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "common/error.hpp"

namespace portsweep {

std::optional<uint64_t> whole_number(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> real_number(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string_view::npos) return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

OptionCheck whole_in(std::string option, uint64_t min, uint64_t max) {
  return [option = std::move(option), min, max](const std::string& text) {
    const std::optional<uint64_t> v = whole_number(text);
    if (!v || *v < min || *v > max)
      throw UsageError("invalid " + option + " \"" + text + "\": expected a whole number from " + std::to_string(min) +
                       " to " + std::to_string(max));
    return text;
  };
}

OptionCheck real_in(std::string option, double min, double max, std::string noun, std::string unit) {
  return [option = std::move(option), min, max, noun = std::move(noun), unit = std::move(unit)](const std::string& text) {
    const std::optional<double> v = real_number(text);
    if (!v || *v < min || *v > max)
      throw UsageError("invalid " + option + " \"" + text + "\": expected " + noun + " from " + number_text(min) +
                       " to " + number_text(max) + " " + unit);
    return text;
  };
}

OptionCheck rate_in(std::string option) {
  return real_in(std::move(option), kMinRate, kMaxRate, "a rate", "packets per second");
}

}  // namespace portsweep
