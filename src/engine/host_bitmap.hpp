#pragma once
// A set of target indexes (as in TargetSet::at()) as one bit each: 8 KB for a
// /16, 2 MB for a /8. Host discovery fills one with the hosts it found up,
// and the port sweep then probes only those: the TX loop tests one bit per
// cell it walks (~1 ns, the map stays in cache) and walks past the rest, so
// the sweep keeps the full target set's permutation — and a resume file's
// positions mean the same cells — whatever discovery found. Filled before a
// sweep starts and read-only while it runs.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace portsweep {

class HostBitmap {
 public:
  HostBitmap() = default;
  explicit HostBitmap(uint64_t size) : size_(size), words_((size + 63) / 64, 0) {}
  // From a resume file's words; `size` bounds them (extra bits are dropped).
  HostBitmap(uint64_t size, std::vector<uint64_t> words) : size_(size), words_(std::move(words)) {
    words_.resize((size + 63) / 64, 0);
    if (size % 64 != 0 && !words_.empty()) words_.back() &= (uint64_t{1} << (size % 64)) - 1;
  }

  uint64_t size() const noexcept { return size_; }
  void set(uint64_t index) noexcept { words_[index >> 6] |= uint64_t{1} << (index & 63); }
  void clear(uint64_t index) noexcept { words_[index >> 6] &= ~(uint64_t{1} << (index & 63)); }
  void set_all() noexcept {
    std::fill(words_.begin(), words_.end(), ~uint64_t{0});
    if (size_ % 64 != 0 && !words_.empty()) words_.back() = (uint64_t{1} << (size_ % 64)) - 1;
  }
  bool test(uint64_t index) const noexcept { return (words_[index >> 6] >> (index & 63)) & 1; }
  uint64_t count() const noexcept {
    uint64_t n = 0;
    for (uint64_t w : words_) n += static_cast<uint64_t>(std::popcount(w));
    return n;
  }
  const std::vector<uint64_t>& words() const noexcept { return words_; }

 private:
  uint64_t size_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace portsweep
