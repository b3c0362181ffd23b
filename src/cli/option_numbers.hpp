#pragma once
// Numbers on the command line are read here, not by CLI11, so that every bad
// one gets the same kind of sentence: the option, the text as typed, and the
// range it must fall in. Only plain decimal digits are whole numbers (no sign,
// no spaces, no 0x), and a real number must be finite: "inf", "nan" and values
// that underflow to zero never reach the engine's arithmetic.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace portsweep {

// One packet every 1000 s is the slowest pace (a day of it still sends 86),
// a billion a second the fastest: past every NIC's line rate, and far inside
// what the rate limiter's schedule arithmetic holds.
inline constexpr double kMinRate = 0.001;
inline constexpr double kMaxRate = 1e9;

std::optional<uint64_t> whole_number(std::string_view text);
std::optional<double> real_number(std::string_view text);
// "0.001", "1e+09": short, and exact for the bounds above.
std::string number_text(double v);

// CLI11 transforms: each hands the text back unchanged when it is in range,
// else throws UsageError "invalid OPTION "TEXT": expected ... from MIN to MAX".
using OptionCheck = std::function<std::string(const std::string&)>;
OptionCheck whole_in(std::string option, uint64_t min, uint64_t max);
// "expected NOUN from MIN to MAX UNIT": real_in("--wait", 0, 3600, "a time", "seconds").
OptionCheck real_in(std::string option, double min, double max, std::string noun, std::string unit);
OptionCheck rate_in(std::string option);  // kMinRate to kMaxRate packets per second

}  // namespace portsweep
