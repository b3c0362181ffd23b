#include "targets/target_set.hpp"

#include <algorithm>
#include <stdexcept>

namespace portsweep {

TargetSet::TargetSet(std::vector<Ipv4Range> ranges) {
  for (const Ipv4Range& r : ranges) {
    if (r.first > r.last) throw std::invalid_argument("Ipv4Range with first > last");
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Ipv4Range& a, const Ipv4Range& b) { return a.first < b.first; });
  // Merge in place; 64-bit arithmetic so a range ending at 255.255.255.255
  // does not wrap around and swallow its successor.
  size_t out = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (out > 0 && uint64_t{ranges[i].first} <= uint64_t{ranges[out - 1].last} + 1) {
      ranges[out - 1].last = std::max(ranges[out - 1].last, ranges[i].last);
    } else {
      ranges[out++] = ranges[i];
    }
  }
  ranges.resize(out);
  ranges.shrink_to_fit();
  ranges_ = std::move(ranges);
  build_index();
}

TargetSet::TargetSet(Normalized, std::vector<Ipv4Range> ranges) : ranges_(std::move(ranges)) {
  build_index();
}

void TargetSet::build_index() {
  starts_.clear();
  starts_.reserve(ranges_.size());
  size_ = 0;
  for (const Ipv4Range& r : ranges_) {
    starts_.push_back(size_);
    size_ += r.size();
  }
  buckets_.clear();
  bucket_shift_ = 0;
  if (ranges_.size() < 2) return;
  while ((size_ >> bucket_shift_) > ranges_.size()) ++bucket_shift_;
  const uint64_t count = ((size_ - 1) >> bucket_shift_) + 1;
  buckets_.reserve(count);
  uint32_t range = 0;
  for (uint64_t b = 0; b < count; ++b) {
    const uint64_t first_index = b << bucket_shift_;
    while (range + 1 < ranges_.size() && starts_[range + 1] <= first_index) ++range;
    buckets_.push_back(range);
  }
}

uint32_t TargetSet::at(uint64_t index) const {
  if (index >= size_) throw std::out_of_range("TargetSet::at: index past the end");
  if (ranges_.size() == 1) return ranges_.front().first + static_cast<uint32_t>(index);
  const uint64_t b = index >> bucket_shift_;
  const size_t low = buckets_[b];
  const size_t high = b + 1 < buckets_.size() ? buckets_[b + 1] : ranges_.size() - 1;
  auto it = std::upper_bound(starts_.begin() + static_cast<std::ptrdiff_t>(low),
                             starts_.begin() + static_cast<std::ptrdiff_t>(high) + 1, index);
  const size_t i = static_cast<size_t>(it - starts_.begin()) - 1;
  return ranges_[i].first + static_cast<uint32_t>(index - starts_[i]);
}

namespace {

// The range holding `address`, or end().
std::vector<Ipv4Range>::const_iterator find_range(const std::vector<Ipv4Range>& ranges, uint32_t address) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), address,
                             [](uint32_t a, const Ipv4Range& r) { return a < r.first; });
  if (it == ranges.begin() || address > std::prev(it)->last) return ranges.end();
  return std::prev(it);
}

}  // namespace

bool TargetSet::contains(uint32_t address) const { return find_range(ranges_, address) != ranges_.end(); }

std::optional<uint64_t> TargetSet::index_of(uint32_t address) const noexcept {
  auto it = find_range(ranges_, address);
  if (it == ranges_.end()) return std::nullopt;
  const size_t i = static_cast<size_t>(it - ranges_.begin());
  return starts_[i] + (address - it->first);
}

TargetSet TargetSet::minus(const TargetSet& excluded) const {
  const std::vector<Ipv4Range>& cut = excluded.ranges_;
  std::vector<Ipv4Range> out;
  out.reserve(ranges_.size());
  size_t j = 0;
  for (const Ipv4Range& r : ranges_) {
    while (j < cut.size() && cut[j].last < r.first) ++j;
    uint64_t next = r.first;  // lowest address of r not yet emitted or cut
    for (size_t k = j; k < cut.size() && cut[k].first <= r.last; ++k) {
      if (cut[k].first > next) out.push_back({static_cast<uint32_t>(next), cut[k].first - 1});
      next = std::max(next, uint64_t{cut[k].last} + 1);
    }
    if (next <= r.last) out.push_back({static_cast<uint32_t>(next), r.last});
  }
  // Pieces of disjoint, non-adjacent ranges stay disjoint and non-adjacent.
  return TargetSet(Normalized{}, std::move(out));
}

TargetSet TargetSet::united(const TargetSet& other) const {
  std::vector<Ipv4Range> all;
  all.reserve(ranges_.size() + other.ranges_.size());
  std::merge(ranges_.begin(), ranges_.end(), other.ranges_.begin(), other.ranges_.end(),
             std::back_inserter(all),
             [](const Ipv4Range& a, const Ipv4Range& b) { return a.first < b.first; });
  return TargetSet(std::move(all));
}

TargetSet::const_iterator TargetSet::begin() const { return const_iterator(&ranges_, 0); }
TargetSet::const_iterator TargetSet::end() const { return const_iterator(&ranges_, ranges_.size()); }

}  // namespace portsweep
