// The JSON-lines reader behind `portsweep detect --from FILE.jsonl`
// (parse_saved_jsonl) against arbitrary text: it answers with a SavedScan
// whose every result is well-formed, or with a UsageError naming the line.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "saved_scan_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in{std::string(portsweep::fuzz::as_text(data, size))};
  portsweep::fuzz::accepts([&] { portsweep::fuzz::check_saved_scan(portsweep::parse_saved_jsonl(in, "fuzz.jsonl")); });
  return 0;
}
