#pragma once
// The addresses to scan, held as sorted, disjoint, non-adjacent ranges so that
// a /8 or an nmap octet pattern costs memory per range, not per address. The
// engine walks it by index (at) so it can permute a scan without a list.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <vector>

namespace portsweep {

// Inclusive range of IPv4 addresses in host byte order.
struct Ipv4Range {
  uint32_t first = 0;
  uint32_t last = 0;

  uint64_t size() const { return uint64_t{last} - first + 1; }
  friend bool operator==(const Ipv4Range&, const Ipv4Range&) = default;
};

class TargetSet {
 public:
  class const_iterator;

  TargetSet() = default;
  // Ranges may come in any order and may overlap or touch; they are sorted and
  // merged. Throws std::invalid_argument for a range whose first > last.
  explicit TargetSet(std::vector<Ipv4Range> ranges);

  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The index-th address in ascending order; throws std::out_of_range when
  // index >= size().
  uint32_t at(uint64_t index) const;
  bool contains(uint32_t address) const;
  // The inverse of at(): the position of an address in the set, or nullopt
  // when it is not in it. Lets a reply be mapped back to its probe.
  std::optional<uint64_t> index_of(uint32_t address) const noexcept;
  const std::vector<Ipv4Range>& ranges() const { return ranges_; }

  TargetSet minus(const TargetSet& excluded) const;
  TargetSet united(const TargetSet& other) const;

  const_iterator begin() const;
  const_iterator end() const;

  friend bool operator==(const TargetSet& a, const TargetSet& b) { return a.ranges_ == b.ranges_; }

 private:
  struct Normalized {};
  TargetSet(Normalized, std::vector<Ipv4Range> ranges);
  void build_index();

  std::vector<Ipv4Range> ranges_;
  // starts_[i] is the index (as in at()) of ranges_[i].first.
  std::vector<uint64_t> starts_;
  // Index i lies in a range between buckets_[i >> bucket_shift_] and the next
  // bucket's entry; with about one bucket per range, at() binary-searches a
  // handful of entries instead of all of starts_, which matters when the
  // engine calls it once per probe over tens of thousands of ranges.
  std::vector<uint32_t> buckets_;
  unsigned bucket_shift_ = 0;
  uint64_t size_ = 0;
};

// Walks every address in ascending order.
class TargetSet::const_iterator {
 public:
  using iterator_concept = std::forward_iterator_tag;
  using iterator_category = std::input_iterator_tag;
  using value_type = uint32_t;
  using difference_type = std::ptrdiff_t;
  using reference = uint32_t;

  const_iterator() = default;

  uint32_t operator*() const { return address_; }
  const_iterator& operator++() {
    if (address_ == (*ranges_)[range_].last) {
      ++range_;
      if (range_ < ranges_->size()) address_ = (*ranges_)[range_].first;
    } else {
      ++address_;
    }
    return *this;
  }
  const_iterator operator++(int) {
    const_iterator old = *this;
    ++*this;
    return old;
  }
  friend bool operator==(const const_iterator& a, const const_iterator& b) {
    return a.range_ == b.range_ &&
           (a.ranges_ == nullptr || a.range_ == a.ranges_->size() || a.address_ == b.address_);
  }

 private:
  friend class TargetSet;
  const_iterator(const std::vector<Ipv4Range>* ranges, size_t range)
      : ranges_(ranges), range_(range), address_(range < ranges->size() ? (*ranges)[range].first : 0) {}

  const std::vector<Ipv4Range>* ranges_ = nullptr;
  size_t range_ = 0;
  uint32_t address_ = 0;
};

}  // namespace portsweep
