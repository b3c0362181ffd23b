#pragma once
// -sI ZOMBIE[:PROBEPORT] from the command line: the zombie's address and
// probe port, the options an idle scan honours (and the ones it refuses
// rather than ignore), next hops for the zombie and the targets, one packet
// I/O session, and the engine (engine/idle_scan) feeding the same outputs
// as the sweep.
#include <atomic>
#include <cstdint>
#include <ostream>

#include "cli/scan_options.hpp"

namespace portsweep {

struct ZombieSpec {
  uint32_t address = 0;     // host order
  uint16_t probe_port = 80;  // nmap's default when -sI names none
};

// The value of -sI: an IPv4 address or a hostname, then optionally
// ":PROBEPORT" (1-65535). Throws UsageError naming the bad value.
ZombieSpec parse_zombie_spec(const std::string& value);

// Runs the idle scan `o` selects. Without -Pn it refuses: nmap would ping
// the targets from our own address first (with a warning), which is what an
// idle scan is meant to avoid. Returns the exit status (130 when
// `interrupted` stopped it); a zombie that cannot be used is one line on
// `err` and status 1, with no output file written.
int run_idle_scan_command(const ScanOptions& o, std::ostream& err, const std::atomic<bool>& interrupted);

}  // namespace portsweep
