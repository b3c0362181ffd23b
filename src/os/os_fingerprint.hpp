#pragma once
// A TCP/IP fingerprint in nmap's terms: named lines (SEQ, OPS, WIN, ECN,
// T1-T7, U1, IE), each a list of TEST=VALUE pairs, as nmap prints
// "SEQ(SP=101%GCD=1%ISR=10A%TI=Z%CI=Z%II=I%TS=A)". A subject fingerprint
// (what a host answered) holds plain values; a reference fingerprint of
// nmap-os-db holds expressions ("GCD=1-6", "W1=FFFF|FAF0") in the same shape.
#include <string>
#include <string_view>
#include <vector>

namespace portsweep::os {

struct FingerprintTest {
  std::string name;   // "SP"
  std::string value;  // "101", or an expression in a reference fingerprint

  bool operator==(const FingerprintTest&) const = default;
};

struct FingerprintLine {
  std::string name;  // "SEQ"
  std::vector<FingerprintTest> tests;

  // The value of test `name`, or nullptr when the line does not have it.
  const std::string* value(std::string_view test) const noexcept;
  bool operator==(const FingerprintLine&) const = default;
};

// nmap's line order: SEQ OPS WIN ECN T1 T2 T3 T4 T5 T6 T7 U1 IE.
inline constexpr std::string_view kFingerprintLineNames[] = {"SEQ", "OPS", "WIN", "ECN", "T1", "T2", "T3",
                                                            "T4",  "T5",  "T6",  "T7",  "U1", "IE"};

struct Fingerprint {
  std::vector<FingerprintLine> lines;  // in nmap's order; a line nmap leaves out is absent

  // The line called `name`, or nullptr.
  const FingerprintLine* line(std::string_view name) const noexcept;
  bool operator==(const Fingerprint&) const = default;
};

// "SEQ(SP=101%GCD=1)": one line as nmap writes it.
std::string format_line(const FingerprintLine& line);

// The lines one per row, each ended by '\n' (no SCAN line, no "OS:" wrap).
std::string format_lines(const Fingerprint& fp);

}  // namespace portsweep::os
