#pragma once
// The sweep's address axis over both families: indexes [0, v4) are the IPv4
// targets in ascending order, [v4, v4 + v6) the IPv6 ones. One permutation,
// one answered set, one responsive-host map and one resume point then cover
// a scan that mixes families, and a probe's family is one compare against
// v4_count() — no per-probe state, nothing else changes in the loops.
//
// Cost: at() is the target set's bucketed binary search (a handful of
// compares; 128-bit ones for IPv6); index_of() the same on the way back.
#include <cstdint>
#include <optional>

#include "portsweep/ip_address.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

class SweepTargets {
 public:
  SweepTargets(const TargetSet& v4, const TargetSet6& v6) noexcept
      : v4_(&v4), v6_(&v6), v4_count_(v4.size()), size_(v4_count_ + static_cast<uint64_t>(v6.size())) {}

  uint64_t size() const noexcept { return size_; }
  uint64_t v4_count() const noexcept { return v4_count_; }
  bool has_v4() const noexcept { return v4_count_ != 0; }
  bool has_v6() const noexcept { return size_ != v4_count_; }
  bool is_v6(uint64_t index) const noexcept { return index >= v4_count_; }

  uint32_t v4_at(uint64_t index) const { return v4_->at(index); }
  u128 v6_at(uint64_t index) const { return v6_->at(index - v4_count_); }

  IpAddress address(uint64_t index) const {
    return is_v6(index) ? IpAddress::v6(v6_at(index)) : IpAddress::v4(v4_at(index));
  }

  std::optional<uint64_t> index_of(const IpAddress& a) const noexcept {
    if (a.is_v4()) return v4_->index_of(a.v4_value());
    const std::optional<uint64_t> i = v6_->index_of(a.value());
    if (!i) return std::nullopt;
    return *i + v4_count_;
  }

 private:
  const TargetSet* v4_;
  const TargetSet6* v6_;
  uint64_t v4_count_;
  uint64_t size_;
};

}  // namespace portsweep
