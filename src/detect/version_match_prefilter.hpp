#pragma once
// An optional Hyperscan (Vectorscan) prefilter for one probe's match lines.
// All of a probe's patterns go into one multi-pattern database compiled in
// Hyperscan's prefilter mode, which may report a pattern that PCRE2 then
// rejects but never misses one that PCRE2 would accept. One scan of a
// response marks the lines worth running; PCRE2 still decides, in file
// order, so the answers are exactly those of PCRE2 alone.
//
// Built only when libhs is found at configure time (PORTSWEEP_HAVE_HYPERSCAN);
// otherwise build() returns nullptr and matching is PCRE2 alone.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "detect/version_match.hpp"

namespace portsweep {

class ProbePrefilter {
 public:
  struct Impl;
  ~ProbePrefilter();

  // Whether this build has Hyperscan at all.
  static bool available();
  // nullptr when unavailable or when Hyperscan takes none of the patterns.
  static std::unique_ptr<ProbePrefilter> build(const std::vector<VersionMatch>& matches);

  // Sets candidates[i] for every line i that might match `response` (lines
  // Hyperscan could not take are always candidates). Thread-safe.
  void scan(std::string_view response, std::vector<char>& candidates) const;

  size_t accepted() const;   // patterns in the Hyperscan database
  size_t rejected() const;   // patterns left to PCRE2 alone

 private:
  explicit ProbePrefilter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace portsweep
