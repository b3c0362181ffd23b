#pragma once
// What every libFuzzer target here shares: the errors a parser may throw at
// bad input (anything else escaping is a finding), and the files the targets
// load once at start-up.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "portsweep_config.h"

namespace portsweep::fuzz {

// Runs `parse` and swallows the two errors a reader may answer bad input with
// (a sentence for the user). Any other exception — std::out_of_range from a
// stray .at(), std::invalid_argument from std::stoi, std::bad_alloc from a
// hostile count — escapes, terminates the process, and libFuzzer reports it.
template <class F>
bool accepts(F&& parse) {
  try {
    parse();
    return true;
  } catch (const UsageError&) {
  } catch (const RuntimeFailure&) {
  }
  return false;
}

// A broken invariant: abort, so libFuzzer saves the input. Not assert():
// that disappears under NDEBUG.
[[noreturn]] void fail(const char* what);
inline void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The project's own data files (data/), for targets that need a services
// list or payloads to parse against.
inline std::string source_data(const char* name) { return std::string(PORTSWEEP_SOURCE_DATADIR) + "/" + name; }

}  // namespace portsweep::fuzz
