#pragma once
// The resume file: the command line as typed plus what the command line does
// not pin down (the seed and cookie key drawn at start, the TX thread count
// that shaped the slices) and where each TX thread stopped. Re-running the
// same command line with these values walks the same permutation, so the
// union of the interrupted and the resumed run is exactly one full scan.
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/result_ring.hpp"
#include "engine/sweep_config.hpp"
#include "packet/probe_cookie.hpp"
#include "portsweep/result.hpp"

namespace portsweep {

struct ResumeState {
  std::vector<std::string> args;  // the original command line, without argv[0]
  uint64_t seed = 0;
  CookieKey key{};
  unsigned tx_threads = 1;
  SweepPosition position;
  std::vector<uint64_t> answered;  // stored in the binary sidecar FILE.answered
  // The hosts discovery found up, with why, in the sidecar FILE.hosts (18
  // bytes each): the resumed port sweep probes exactly those and reports
  // them as the interrupted run would have. Empty when the scan ran no
  // discovery.
  std::vector<HostUp> up_hosts;
  // The port sweep runs in two rounds: round 0 over the first
  // `first_round_hosts` of up_hosts (those found when it began), round 1
  // over the rest (found while round 0 ran). `position` is in `round`.
  unsigned round = 0;
  uint64_t first_round_hosts = 0;
  // How many results of the result log (FILE.results) the run had
  // delivered at this point, so the resumed run's outputs hold the whole scan.
  uint64_t results = 0;
};

// Writes atomically (temp file + rename) so a crash never leaves half a file.
void write_resume_file(const std::string& path, const ResumeState& state);
// Throws UsageError naming the file and the line that is wrong.
ResumeState read_resume_file(const std::string& path);
// The results a scan has delivered, appended to FILE.results as they come
// (19 bytes each), so memory does not grow with them and a resume file can
// name how many were in at its checkpoint: records after that count (written
// after the checkpoint by a run that died) are ignored.
class ResultLog {
 public:
  static constexpr size_t kRecordBytes = 19;  // index, time_us (LE64 each), state, reason, ttl

  // Creates (truncates) RESUME_PATH.results. Throws RuntimeFailure.
  explicit ResultLog(const std::string& resume_path);
  ~ResultLog();
  ResultLog(const ResultLog&) = delete;
  ResultLog& operator=(const ResultLog&) = delete;

  void append(std::span<const ProbeResult> results);
  // Makes count() records durable enough for a resume file that names them.
  void flush();
  uint64_t count() const noexcept { return count_; }
  // Renames the log to RESUME_PATH.results (it stays open for appending).
  void move_to(const std::string& resume_path);

 private:
  std::string path_;
  std::FILE* file_;
  uint64_t count_ = 0;
};

// Hands the first `count` results of RESUME_PATH.results to `fn`, a few
// thousand at a time. Throws UsageError for a short or corrupt log.
void read_result_log(const std::string& resume_path, uint64_t count,
                     const std::function<void(std::span<const ProbeResult>)>& fn);

// Removes the file and its sidecars (a completed scan's last checkpoint).
void remove_resume_file(const std::string& path) noexcept;

}  // namespace portsweep
