#include "os/os_fingerprint.hpp"

namespace portsweep::os {

const std::string* FingerprintLine::value(std::string_view test) const noexcept {
  for (const FingerprintTest& t : tests) {
    if (t.name == test) return &t.value;
  }
  return nullptr;
}

const FingerprintLine* Fingerprint::line(std::string_view name) const noexcept {
  for (const FingerprintLine& l : lines) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

std::string format_line(const FingerprintLine& line) {
  std::string out = line.name;
  out += '(';
  for (size_t i = 0; i < line.tests.size(); ++i) {
    if (i > 0) out += '%';
    out += line.tests[i].name;
    out += '=';
    out += line.tests[i].value;
  }
  out += ')';
  return out;
}

std::string format_lines(const Fingerprint& fp) {
  std::string out;
  for (const FingerprintLine& l : fp.lines) {
    out += format_line(l);
    out += '\n';
  }
  return out;
}

}  // namespace portsweep::os
