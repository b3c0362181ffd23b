#pragma once
// Which of a probe's match lines can possibly match a response, decided from
// its first byte alone. Built once per probe from PCRE2's analysis of each
// pattern (CompiledRegex::start()): an anchored pattern that must begin with
// one of a known set of bytes is filed under each of those bytes; every other
// pattern is filed as "anywhere". A response starting with byte b then needs
// only the lines filed under b plus the "anywhere" lines, in file order.
// Skipping the rest changes no answer: PCRE2 would have failed them on the
// first byte, only after a function call and several cache misses each.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "detect/version_match.hpp"

namespace portsweep {

class FirstByteIndex {
 public:
  FirstByteIndex() = default;
  explicit FirstByteIndex(const std::vector<VersionMatch>& matches);

  // The candidate lines for `response`, ascending, into `out` (replaced).
  void candidates(std::string_view response, std::vector<uint32_t>& out) const;

  size_t indexed() const { return indexed_; }       // lines filed by first byte
  size_t anywhere() const { return anywhere_.size(); }

 private:
  std::array<std::vector<uint32_t>, 256> by_first_;
  std::vector<uint32_t> anywhere_;
  size_t indexed_ = 0;
};

}  // namespace portsweep
