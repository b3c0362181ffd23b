#pragma once
// Saved results of a scan that was killed while writing them. -oJ writes a
// whole line at a time, but SIGKILL (or a crash, or a full disk) can stop
// the file in the middle of one: every line before it is whole, and only
// the last, which has no newline, is cut short. Reading such a file keeps
// the whole lines and says which line was dropped, instead of refusing the
// file for its last few bytes (`portsweep report --from`).
#include <cstddef>
#include <string>

#include "detect/saved_scan.hpp"

namespace portsweep {

struct SalvagedScan {
  SavedScan scan;
  // The line number of the cut line that was left out; 0 when none was.
  std::size_t cut_line = 0;
};

// Reads `path` as read_saved_scan() does, with one difference: JSON lines
// whose last line has no newline and does not parse on its own are read
// up to that line, which is reported in `cut_line`. A last line that parses
// (only its newline is missing) is kept; a bad line anywhere else is the
// same error as read_saved_scan's, and so is a file with nothing but the
// cut line (UsageError).
SalvagedScan read_saved_scan_to_cut(const std::string& path);

// The last line of the regular file `path` without its newline (the line
// before a final newline), read backwards from the end, so a file of any
// size costs one block or two: where -oJ keeps its end record. Empty when
// the file is empty. Throws RuntimeFailure when it cannot be read.
std::string last_line_of(const std::string& path);

}  // namespace portsweep
