#pragma once
// The addresses to scan, held as sorted, disjoint, non-adjacent ranges so that
// a /8, an nmap octet pattern or an IPv6 /64 costs memory per range, not per
// address. The engine walks it by index (at) so it can permute a scan without
// a list, and maps a reply back to its index (index_of).
//
// One template serves both families: IPv4 addresses are host-order uint32_t,
// IPv6 addresses are u128 (the 16 network-order bytes read as one big-endian
// number, load_ipv6/store_ipv6), so both are plain integer ranges and the
// same code sorts, merges, subtracts and indexes them.
//
// Cost: at() is one shift, one bucket lookup and a binary search over the
// few ranges that bucket covers (about one range per bucket); index_of() is
// one binary search over the ranges. Neither allocates.
//
// Sizes. An IPv4 set holds at most 2^32 addresses and its size is a uint64_t.
// An IPv6 set can hold up to 2^128: its size is a u128, exact for every set
// but the whole space ::/0, whose size (2^128) does not fit and is given as
// 2^128 - 1 (see full()). Indexes are uint64_t on both, because the engine's
// index space cannot hold more: at() reaches the first 2^64 addresses only,
// and index_of() says nullopt for an address at index 2^64 or beyond. A
// caller that walks or permutes the whole set must first check that size()
// fits the index space it uses (resolve_targets refuses IPv6 sets above
// TargetOptions::max_ipv6_addresses, which is a uint64_t).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <vector>

#include "portsweep/uint128.hpp"

namespace portsweep {

// What differs between the two address types: how a count of them is held.
template <class Address>
struct AddressTraits;

template <>
struct AddressTraits<uint32_t> {
  using Size = uint64_t;  // 2^32 fits
  static constexpr unsigned kBits = 32;
};

template <>
struct AddressTraits<u128> {
  using Size = u128;  // 2^128 does not: ::/0 saturates to 2^128 - 1
  static constexpr unsigned kBits = 128;
};

// Inclusive range of addresses.
template <class Address>
struct AddressRange {
  using Size = typename AddressTraits<Address>::Size;

  Address first = 0;
  Address last = 0;

  // last - first + 1; for an IPv6 range over the whole space, 2^128 - 1.
  Size size() const {
    const Size span = Size{last} - Size{first};
    return span == std::numeric_limits<Size>::max() ? span : span + 1;
  }
  friend bool operator==(const AddressRange&, const AddressRange&) = default;
};

// Host byte order, as everywhere on IPv4's hot paths.
using Ipv4Range = AddressRange<uint32_t>;
// The big-endian reading of the 16 address bytes.
using Ipv6Range = AddressRange<u128>;

template <class Address>
class BasicTargetSet {
 public:
  using Range = AddressRange<Address>;
  using Size = typename AddressTraits<Address>::Size;
  class const_iterator;

  BasicTargetSet() = default;
  // Ranges may come in any order and may overlap or touch; they are sorted and
  // merged. Throws std::invalid_argument for a range whose first > last.
  explicit BasicTargetSet(std::vector<Range> ranges);

  // The number of addresses; see the note at the top for ::/0.
  Size size() const { return size_; }
  bool empty() const { return ranges_.empty(); }
  // Every address of the family: the one set whose size() is not exact.
  bool full() const {
    return ranges_.size() == 1 && ranges_[0].first == 0 &&
           ranges_[0].last == std::numeric_limits<Address>::max();
  }
  // The index-th address in ascending order; throws std::out_of_range when
  // index >= size().
  Address at(uint64_t index) const;
  bool contains(Address address) const;
  // The inverse of at(): the position of an address in the set, or nullopt
  // when it is not in it (or, in an IPv6 set of more than 2^64 addresses,
  // when its position does not fit a uint64_t). Lets a reply be mapped back
  // to its probe.
  std::optional<uint64_t> index_of(Address address) const noexcept;
  const std::vector<Range>& ranges() const { return ranges_; }

  BasicTargetSet minus(const BasicTargetSet& excluded) const;
  BasicTargetSet united(const BasicTargetSet& other) const;

  const_iterator begin() const;
  const_iterator end() const;

  friend bool operator==(const BasicTargetSet& a, const BasicTargetSet& b) { return a.ranges_ == b.ranges_; }

 private:
  struct Normalized {};
  BasicTargetSet(Normalized, std::vector<Range> ranges);
  void build_index();

  std::vector<Range> ranges_;
  // starts_[i] is the index (as in at()) of ranges_[i].first.
  std::vector<Size> starts_;
  // Index i lies in a range between buckets_[i >> bucket_shift_] and the next
  // bucket's entry; with about one bucket per range, at() binary-searches a
  // handful of entries instead of all of starts_, which matters when the
  // engine calls it once per probe over tens of thousands of ranges.
  std::vector<uint32_t> buckets_;
  unsigned bucket_shift_ = 0;
  Size size_ = 0;
};

// Walks every address in ascending order.
template <class Address>
class BasicTargetSet<Address>::const_iterator {
 public:
  using iterator_concept = std::forward_iterator_tag;
  using iterator_category = std::input_iterator_tag;
  using value_type = Address;
  using difference_type = std::ptrdiff_t;
  using reference = Address;

  const_iterator() = default;

  Address operator*() const { return address_; }
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
  friend class BasicTargetSet;
  const_iterator(const std::vector<Range>* ranges, size_t range)
      : ranges_(ranges), range_(range), address_(range < ranges->size() ? (*ranges)[range].first : 0) {}

  const std::vector<Range>* ranges_ = nullptr;
  size_t range_ = 0;
  Address address_ = 0;
};

using TargetSet = BasicTargetSet<uint32_t>;
using TargetSet6 = BasicTargetSet<u128>;

extern template class BasicTargetSet<uint32_t>;
extern template class BasicTargetSet<u128>;

}  // namespace portsweep
