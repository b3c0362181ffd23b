#include "targets/target_set.hpp"

#include <algorithm>
#include <stdexcept>

namespace portsweep {

namespace {

constexpr auto kByFirst = [](const auto& a, const auto& b) { return a.first < b.first; };

}  // namespace

template <class Address>
BasicTargetSet<Address>::BasicTargetSet(std::vector<Range> ranges) {
  for (const Range& r : ranges) {
    if (r.first > r.last) throw std::invalid_argument("address range with first > last");
  }
  std::sort(ranges.begin(), ranges.end(), kByFirst);
  // Merge in place. A range ending at the top of the address space swallows
  // everything after it; testing for that first keeps last + 1 from wrapping.
  constexpr Address kTop = std::numeric_limits<Address>::max();
  size_t out = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (out > 0 && (ranges[out - 1].last == kTop || ranges[i].first <= ranges[out - 1].last + 1)) {
      ranges[out - 1].last = std::max(ranges[out - 1].last, ranges[i].last);
    } else {
      ranges[out++] = ranges[i];
    }
  }
  ranges.resize(out);
  // Given back when merging freed much (a dense hit list becomes a few
  // ranges); not worth a copy of millions of ranges otherwise.
  if (ranges.capacity() > 2 * ranges.size() + 16) ranges.shrink_to_fit();
  ranges_ = std::move(ranges);
  build_index();
}

template <class Address>
BasicTargetSet<Address>::BasicTargetSet(Normalized, std::vector<Range> ranges) : ranges_(std::move(ranges)) {
  build_index();
}

template <class Address>
void BasicTargetSet<Address>::build_index() {
  starts_.clear();
  starts_.reserve(ranges_.size());
  // Disjoint ranges sum to at most the size of the address space, so only
  // the whole space itself (one range) can exceed Size; Range::size()
  // saturates that one.
  size_ = 0;
  for (const Range& r : ranges_) {
    starts_.push_back(size_);
    size_ += r.size();
  }
  buckets_.clear();
  bucket_shift_ = 0;
  if (ranges_.size() < 2) return;
  while ((size_ >> bucket_shift_) > ranges_.size()) ++bucket_shift_;
  const Size count = ((size_ - 1) >> bucket_shift_) + 1;  // at most 2 * ranges
  buckets_.reserve(static_cast<size_t>(count));
  uint32_t range = 0;
  for (Size b = 0; b < count; ++b) {
    const Size first_index = b << bucket_shift_;
    while (range + 1 < ranges_.size() && starts_[range + 1] <= first_index) ++range;
    buckets_.push_back(range);
  }
}

template <class Address>
Address BasicTargetSet<Address>::at(uint64_t index) const {
  const Size wide = index;
  if (wide >= size_) throw std::out_of_range("TargetSet::at: index past the end");
  if (ranges_.size() == 1) return ranges_.front().first + static_cast<Address>(wide);
  // Widened before the shift: an IPv6 set's bucket_shift_ can exceed 63.
  const size_t b = static_cast<size_t>(wide >> bucket_shift_);
  const size_t low = buckets_[b];
  const size_t high = b + 1 < buckets_.size() ? buckets_[b + 1] : ranges_.size() - 1;
  auto it = std::upper_bound(starts_.begin() + static_cast<std::ptrdiff_t>(low),
                             starts_.begin() + static_cast<std::ptrdiff_t>(high) + 1, wide);
  const size_t i = static_cast<size_t>(it - starts_.begin()) - 1;
  return ranges_[i].first + static_cast<Address>(wide - starts_[i]);
}

namespace {

// The range holding `address`, or end().
template <class Range, class Address>
typename std::vector<Range>::const_iterator find_range(const std::vector<Range>& ranges, Address address) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), address,
                             [](Address a, const Range& r) { return a < r.first; });
  if (it == ranges.begin() || address > std::prev(it)->last) return ranges.end();
  return std::prev(it);
}

}  // namespace

template <class Address>
bool BasicTargetSet<Address>::contains(Address address) const {
  return find_range(ranges_, address) != ranges_.end();
}

template <class Address>
std::optional<uint64_t> BasicTargetSet<Address>::index_of(Address address) const noexcept {
  auto it = find_range(ranges_, address);
  if (it == ranges_.end()) return std::nullopt;
  const size_t i = static_cast<size_t>(it - ranges_.begin());
  const Size index = starts_[i] + Size{address - it->first};
  if constexpr (sizeof(Size) > sizeof(uint64_t)) {
    if (index > std::numeric_limits<uint64_t>::max()) return std::nullopt;  // only in a set above 2^64
  }
  return static_cast<uint64_t>(index);
}

template <class Address>
BasicTargetSet<Address> BasicTargetSet<Address>::minus(const BasicTargetSet& excluded) const {
  const std::vector<Range>& cut = excluded.ranges_;
  std::vector<Range> out;
  out.reserve(ranges_.size());
  size_t j = 0;
  for (const Range& r : ranges_) {
    while (j < cut.size() && cut[j].last < r.first) ++j;
    Address next = r.first;  // lowest address of r not yet emitted or cut
    bool rest_cut = false;   // a cut reaches r.last: nothing of r is left after it
    for (size_t k = j; k < cut.size() && cut[k].first <= r.last; ++k) {
      if (cut[k].first > next) out.push_back({next, static_cast<Address>(cut[k].first - 1)});
      if (cut[k].last >= r.last) {
        rest_cut = true;
        break;
      }
      next = static_cast<Address>(cut[k].last + 1);  // cut[k].last < r.last: cannot wrap
    }
    if (!rest_cut) out.push_back({next, r.last});
  }
  // Pieces of disjoint, non-adjacent ranges stay disjoint and non-adjacent.
  return BasicTargetSet(Normalized{}, std::move(out));
}

template <class Address>
BasicTargetSet<Address> BasicTargetSet<Address>::united(const BasicTargetSet& other) const {
  std::vector<Range> all;
  all.reserve(ranges_.size() + other.ranges_.size());
  std::merge(ranges_.begin(), ranges_.end(), other.ranges_.begin(), other.ranges_.end(),
             std::back_inserter(all), kByFirst);
  return BasicTargetSet(std::move(all));
}

template <class Address>
typename BasicTargetSet<Address>::const_iterator BasicTargetSet<Address>::begin() const {
  return const_iterator(&ranges_, 0);
}

template <class Address>
typename BasicTargetSet<Address>::const_iterator BasicTargetSet<Address>::end() const {
  return const_iterator(&ranges_, ranges_.size());
}

template class BasicTargetSet<uint32_t>;
template class BasicTargetSet<u128>;

}  // namespace portsweep
