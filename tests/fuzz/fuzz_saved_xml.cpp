// The XML reader behind `portsweep detect --from FILE.xml` (parse_saved_xml)
// against arbitrary text: portsweep's and nmap's reports, and anything else,
// give a SavedScan whose every result is well-formed or a UsageError.
#include <cstddef>
#include <cstdint>

#include "saved_scan_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  portsweep::fuzz::accepts(
      [&] { portsweep::fuzz::check_saved_scan(portsweep::parse_saved_xml(portsweep::fuzz::as_text(data, size), "fuzz.xml")); });
  return 0;
}
