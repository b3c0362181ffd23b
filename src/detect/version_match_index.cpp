#include "detect/version_match_index.hpp"

#include <algorithm>
#include <iterator>

namespace portsweep {

FirstByteIndex::FirstByteIndex(const std::vector<VersionMatch>& matches) {
  for (uint32_t i = 0; i < matches.size(); ++i) {
    const VersionMatch& m = matches[i];
    if (!m.usable()) continue;  // never matches: in no list at all
    CompiledRegex::Start start = m.regex().start();
    if (!start.anchored || !start.first_known) {
      anywhere_.push_back(i);
      continue;
    }
    ++indexed_;
    for (unsigned b = 0; b < 256; ++b) {
      if (start.first.test(b)) by_first_[b].push_back(i);
    }
  }
}

void FirstByteIndex::candidates(std::string_view response, std::vector<uint32_t>& out) const {
  out.clear();
  if (response.empty()) {
    // An anchored pattern with a known first byte needs at least that byte.
    out = anywhere_;
    return;
  }
  const std::vector<uint32_t>& bucket = by_first_[static_cast<uint8_t>(response[0])];
  out.reserve(bucket.size() + anywhere_.size());
  std::merge(bucket.begin(), bucket.end(), anywhere_.begin(), anywhere_.end(), std::back_inserter(out));
}

}  // namespace portsweep
