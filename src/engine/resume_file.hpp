#pragma once
// The resume file: the command line as typed plus what the command line does
// not pin down (the seed and cookie key drawn at start, the TX thread count
// that shaped the slices) and where each TX thread stopped. Re-running the
// same command line with these values walks the same permutation, so the
// union of the interrupted and the resumed run is exactly one full scan.
#include <string>
#include <vector>

#include "engine/result_ring.hpp"
#include "engine/sweep_config.hpp"
#include "packet/probe_cookie.hpp"

namespace portsweep {

struct ResumeState {
  std::vector<std::string> args;  // the original command line, without argv[0]
  uint64_t seed = 0;
  CookieKey key{};
  unsigned tx_threads = 1;
  SweepPosition position;
  std::vector<uint64_t> answered;  // stored in the binary sidecar FILE.answered
  // Every result the interrupted run delivered, so the resumed run's
  // outputs hold the whole scan (sidecar FILE.results).
  std::vector<ProbeResult> results;
};

// Writes atomically (temp file + rename) so a crash never leaves half a file.
void write_resume_file(const std::string& path, const ResumeState& state);
// Throws UsageError naming the file and the line that is wrong.
ResumeState read_resume_file(const std::string& path);
// Removes the file and its sidecars (a completed scan's last checkpoint).
void remove_resume_file(const std::string& path) noexcept;

}  // namespace portsweep
