// The XML reader behind `portsweep detect --from FILE.xml` (parse_saved_xml,
// streaming the input through libxml2's reader as the command does) against
// arbitrary text: portsweep's and nmap's reports, and anything else, give a
// SavedScan whose every result is well-formed or a UsageError, and libxml2
// never writes to stderr on its own.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "saved_scan_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in{std::string(portsweep::fuzz::as_text(data, size))};
  portsweep::fuzz::accepts([&] { portsweep::fuzz::check_saved_scan(portsweep::parse_saved_xml(in, "fuzz.xml")); });
  return 0;
}
